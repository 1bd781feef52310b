"""Import at scale, two code trees taking turns in one run (not a test).

    python bench/bench_import_scale.py --before DIR one-more --home HOME [--rounds 6]
    python bench/bench_import_scale.py --before DIR batch --files 2000 [--rounds 1]

``--before DIR`` is another checkout (``git archive OLD | tar -x -C DIR``); "after" is this
tree. Every measurement is a fresh ``jjj-brief`` process (``python -m jjj_brief``, bytecode
caches on, as installed) with one tree first on ``PYTHONPATH``; the trees alternate, so load
on the machine hits both alike. CPU is the child's (rusage: user + system, all its
threads), wall is perf_counter. Reports the load average at the start and the end.

* ``one-more``: ``jjj-brief import ONE.txt --json`` into a copy of ``HOME`` (a home with
  imports and its index built, e.g. 10,000), one copy per tree (caches keyed by the code
  must not be thrashed by the other tree); each round imports one more new file (~16 KB,
  front matter, seed sentences), so round k measures the k-th consecutive import.
* ``batch``: ``jjj-brief import FOLDER --json`` of ``--files`` new files into a fresh home
  whose seeds are indexed (storing and indexing: articles/s end to end).
* ``rebuild``: ``jjj-brief index --rebuild --json`` on a copy of ``HOME`` per tree (the
  figure cache as the home has it: a rebuild of stored imports), e.g. the 10k build.

The results are printed as a Markdown table; ``--report FILE`` appends them to FILE.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_search_trees import run  # noqa: E402  (one jjj-brief process on a tree: CPU, wall, stdout)


def medians(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """The median CPU and the median wall of ``(CPU, wall)`` runs."""
    return statistics.median(c for c, _ in runs), statistics.median(w for _, w in runs)


def files_to_import(count: int, first: int) -> Path:
    import bench_search as bs

    folder = Path(tempfile.mkdtemp(prefix="import-scale-files-")) / "files"
    bs.write_import_files(folder, count, bs.seed_sentences(), first=first)
    return folder


def cells(runs: list[tuple[float, float]]) -> str:
    cpu, wall = [c * 1000 for c, _ in runs], [w * 1000 for _, w in runs]
    return (
        f"{statistics.median(cpu):,.0f} (min {min(cpu):,.0f}, max {max(cpu):,.0f}) | "
        f"{statistics.median(wall):,.0f} (min {min(wall):,.0f})"
    )


def one_more(trees: dict[str, Path], home: Path, rounds: int) -> list[str]:
    homes = {label: home.with_name(f"{home.name}-{label}") for label in trees}
    files = sorted(files_to_import(rounds, 9_500_000).iterdir())  # the same file to each tree in a round
    for label, copy in homes.items():
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(home, copy, symlinks=True)
        run(trees[label], copy, ["index", "--json"])  # bytecode and the index checked once
    times: dict[str, list[tuple[float, float]]] = {label: [] for label in trees}
    documents = {}
    for name in files:
        for label, tree in trees.items():
            cpu, wall, out = run(tree, homes[label], ["import", str(name), "--json"])
            result = json.loads(out)
            assert result["results"][0]["status"] == "imported", result["results"][0]
            documents[label] = result["index"]["documents"]
            times[label].append((cpu, wall))
    assert len(set(documents.values())) == 1, f"the trees' indexes differ: {documents}"
    lines = [
        f"One more `jjj-brief import ONE.txt --json` into a copy of `{home}` per tree, {rounds} consecutive",
        f"imports each, trees alternating ({documents['after']:,} documents in each index at the end):",
        "",
        "| tree | CPU ms, median (min, max) | wall ms, median (min) |",
        "| --- | ---: | ---: |",
    ]
    lines += [f"| {label} | {cells(times[label])} |" for label in trees]
    lines += [
        "",
        "Per round, CPU ms: "
        + "; ".join(f"{label} " + ", ".join(f"{c * 1000:.0f}" for c, _ in times[label]) for label in trees),
    ]
    for copy in homes.values():
        shutil.rmtree(copy, ignore_errors=True)
    return lines


def batch(trees: dict[str, Path], count: int, rounds: int) -> list[str]:
    folder = files_to_import(count, 9_600_000)
    size = sum(p.stat().st_size for p in folder.iterdir())
    times: dict[str, list[tuple[float, float]]] = {label: [] for label in trees}
    documents: dict[str, int] = {}
    for _ in range(rounds):
        for label, tree in trees.items():
            home = Path(tempfile.mkdtemp(prefix=f"import-scale-{label}-"))
            run(tree, home, ["index", "--json"])  # the seeds indexed first, as for a user
            cpu, wall, out = run(tree, home, ["import", str(folder), "--json"])
            result = json.loads(out)
            assert sum(r["status"] == "imported" for r in result["results"]) == count
            documents[label] = result["index"]["documents"]
            times[label].append((cpu, wall))
            shutil.rmtree(home, ignore_errors=True)
    assert len(set(documents.values())) == 1, f"the trees' indexes differ: {documents}"
    lines = [
        f"`jjj-brief import FOLDER --json` of {count:,} new files ({size / 1e6:.1f} MB) into a fresh home",
        f"(seeds indexed), storing and indexing, trees alternating, {rounds} round(s):",
        "",
        "| tree | CPU s | wall s | articles/s (CPU) | articles/s (wall) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for label in trees:
        cpu, wall = medians(times[label])
        lines.append(f"| {label} | {cpu:.1f} | {wall:.1f} | {count / cpu:,.0f} | {count / wall:,.0f} |")
    shutil.rmtree(folder.parent, ignore_errors=True)
    return lines


def rebuild(trees: dict[str, Path], home: Path, rounds: int) -> list[str]:
    homes = {label: home.with_name(f"{home.name}-{label}") for label in trees}
    for label, copy in homes.items():
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(home, copy, symlinks=True)
        run(trees[label], copy, ["index", "--json"])  # bytecode, and the index as the tree wants it
    times: dict[str, list[tuple[float, float]]] = {label: [] for label in trees}
    documents: dict[str, int] = {}
    for _ in range(rounds):
        for label, tree in trees.items():
            cpu, wall, out = run(tree, homes[label], ["index", "--rebuild", "--json"])
            documents[label] = json.loads(out)["documents"]
            times[label].append((cpu, wall))
    assert len(set(documents.values())) == 1, f"the trees' indexes differ: {documents}"
    lines = [
        f"`jjj-brief index --rebuild --json` on a copy of `{home}` per tree ({documents['after']:,} documents),",
        f"trees alternating, {rounds} round(s):",
        "",
        "| tree | CPU s, median | wall s, median |",
        "| --- | ---: | ---: |",
    ]
    for label in trees:
        cpu, wall = medians(times[label])
        lines.append(f"| {label} | {cpu:.1f} | {wall:.1f} |")
    for copy in homes.values():
        shutil.rmtree(copy, ignore_errors=True)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", type=Path, help="another checkout, run in turns with this one")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--report", type=Path, help="append the table to this file")
    sub = parser.add_subparsers(dest="what", required=True)
    more = sub.add_parser("one-more")
    more.add_argument("--home", type=Path, required=True)
    many = sub.add_parser("batch")
    many.add_argument("--files", type=int, default=2000)
    again = sub.add_parser("rebuild")
    again.add_argument("--home", type=Path, required=True)
    args = parser.parse_args()
    trees = {"before": args.before.resolve(), "after": ROOT} if args.before else {"after": ROOT}
    for tree in trees.values():  # bytecode caches, as an installed package has them
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "tui")], check=False)
    load = os.getloadavg()[0]
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    if args.what == "one-more":
        lines = one_more(trees, args.home, args.rounds)
    elif args.what == "rebuild":
        lines = rebuild(trees, args.home, args.rounds)
    else:
        lines = batch(trees, args.files, args.rounds)
    header = [
        f"`python bench/bench_import_scale.py {' '.join(sys.argv[1:])}` at {started}, "
        f"load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
        + (f"; before: `{trees['before']}`" if "before" in trees else ""),
        "",
    ]
    text = "\n".join(header + lines) + "\n"
    print(text)
    if args.report:
        with args.report.open("a", encoding="utf-8") as report:
            report.write("\n" + text)


if __name__ == "__main__":
    main()
