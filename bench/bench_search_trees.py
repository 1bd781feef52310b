"""Two code trees taking turns in one run: start-up of ``search --json`` and one more import (not a test).

    .venv/bin/python bench/bench_search_trees.py --before DIR --home HOME [--rounds 5]

``--before DIR`` is another checkout (``git archive OLD tui seeds briefings pyproject.toml |
tar -x -C DIR``); "after" is this tree. Each run is a fresh ``jjj-brief`` process with one tree
first on ``PYTHONPATH`` (bytecode caches on, as installed). ``--home`` is a home with an index
and imports (e.g. made by ``jjj-brief import FOLDER``); each tree gets its own copy of it
(``HOME-before``, ``HOME-after``: caches keyed by the code, such as the figure cache, must not
be thrashed by the other tree), and each imported file is removed again after its run.
Prints CPU (process and children) and wall medians per tree. The machine is shared: compare
the two columns of one run, not runs at different loads.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))


def run(tree: Path, home: Path, argv: list[str]) -> tuple[float, float, str]:
    """(CPU s, wall s, stdout) of one ``jjj-brief`` process on ``tree``."""
    env = dict(os.environ, PYTHONPATH=str(tree / "tui"), JJJ_BRIEF_HOME=str(home))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    done = subprocess.run(
        [str(Path(sys.executable).with_name("jjj-brief")), *argv], env=env, capture_output=True, text=True
    )
    wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{tree}: jjj-brief {' '.join(argv)}: {done.stderr[-800:]}")
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, wall, done.stdout


def summary(runs: list[tuple[float, float]]) -> str:
    cpu, wall = [c * 1000 for c, _ in runs], [w * 1000 for _, w in runs]
    return f"{statistics.median(cpu):.0f} ms CPU (min {min(cpu):.0f}), {statistics.median(wall):.0f} ms wall"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    import bench_search as bs

    trees = {"before": args.before.resolve(), "after": ROOT}
    homes = {label: args.home.with_name(f"{args.home.name}-{label}") for label in trees}
    seeds_home = Path(tempfile.mkdtemp(prefix="trees-seeds-"))
    files = Path(tempfile.mkdtemp(prefix="trees-files-")) / "one"
    bs.write_import_files(files, args.rounds * 2, bs.seed_sentences(), first=9_200_000)
    for label, home in homes.items():
        shutil.rmtree(home, ignore_errors=True)
        shutil.copytree(args.home, home, symlinks=True)
        run(trees[label], seeds_home / label, ["search", "Xiongan", "--json"])  # index + bytecode caches
        run(trees[label], home, ["index", "--json"])
    search: dict[str, list[tuple[float, float]]] = {label: [] for label in trees}
    one_more: dict[str, list[tuple[float, float]]] = {label: [] for label in trees}
    paths = iter(sorted(files.iterdir()))
    for _ in range(args.rounds):
        for label, tree in trees.items():
            cpu, wall, _ = run(tree, seeds_home / label, ["search", "Caofeidian", "--json"])
            search[label].append((cpu, wall))
            cpu, wall, out = run(tree, homes[label], ["import", str(next(paths)), "--json"])
            one_more[label].append((cpu, wall))
            imported = json.loads(out)["results"][0]["id"]
            run(tree, homes[label], ["import", "--remove", imported, "--json"])
            run(tree, homes[label], ["index", "--json"])
    print(f"`python bench/bench_search_trees.py {' '.join(sys.argv[1:])}`, load at the end {os.getloadavg()[0]:.1f}\n")
    print("| tree | `search Caofeidian --json` (seeds) | one more `import ONE.txt --json` |")
    print("| --- | ---: | ---: |")
    for label in trees:
        print(f"| {label} | {summary(search[label])} | {summary(one_more[label])} |")
    for home in homes.values():
        shutil.rmtree(home, ignore_errors=True)
    shutil.rmtree(seeds_home, ignore_errors=True)
    shutil.rmtree(files.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
