"""``jjj-brief related`` after a large one-paragraph import, code trees interleaved (not a test).

    .venv/bin/python bench/bench_related.py --before DIR [--size 1000000] [--rounds 3]

Issue 18's must-show: ``jjj-brief related cctv-2023-02-27 1575 --json`` (a figure in a
seed) with a 1 MB single-paragraph import must answer in 2 s or less, the FIRST run after
the import included (that run analyses the import; later ones read its kept alignment
entries). ``--before DIR`` is another checkout (``git archive OLD tui seeds briefings pyproject.toml |
tar -x -C DIR``). Per tree, one data home is prepared by importing the text once (the
fault suite's one-paragraph generator); each round copies it afresh and runs ``related``
twice, first and second, each a fresh process (``python -m jjj_brief``, bytecode caches
allowed as an installed package has them). Trees take turns within a round, so load on
this shared machine hits them alike. Reports CPU (user + sys of the child), wall and
peak RSS; medians over the rounds, and the load average at the start and end.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIGURE = ("cctv-2023-02-27", "1575")  # "465 projects", a count in a seed
WORDS = """beijing tianjin hebei output grew percent investment region industrial park transport
rail highway enterprises relocated capital coordinated development xiongan area energy water
green environment pollution air quality hospitals schools universities cooperation market""".split()


def one_paragraph(chars: int, seed: int = 7) -> str:
    """Newsy text with no sentence or paragraph break and a figure every ~20 words (the
    same generator as tests/faults/test_cost_budget.py)."""
    rng = random.Random(seed)
    out, size = [], 0
    while size < chars:
        word = rng.choice(WORDS)
        if rng.random() < 0.05:
            word = f"{rng.randint(2, 999)} {rng.choice(['billion yuan', 'percent', 'projects', 'kilometers'])}"
        out.append(word)
        size += len(word) + 1
    return " ".join(out)[:chars]


def run(tree: Path, home: Path, *arguments: str) -> tuple[float, float, int, str]:
    """(CPU s, wall s, peak RSS KB, stdout) of ``jjj-brief ARGS`` from ``tree`` in ``home``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["JJJ_BRIEF_HOME"] = str(home)
    env["PYTHONPATH"] = str(tree / "tui")
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen([sys.executable, "-m", "jjj_brief", *arguments], env=env, stdout=out)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        out.seek(0)
        text = out.read().decode()
    if status != 0:
        raise SystemExit(f"{tree}: jjj-brief {' '.join(arguments)} failed ({status})")
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss, text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="another code tree to interleave with this one")
    parser.add_argument("--size", type=int, default=1_000_000, help="characters of the one-paragraph import")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    trees = {"after": ROOT} if args.before is None else {"before": args.before.resolve(), "after": ROOT}
    work = Path(tempfile.mkdtemp(prefix="bench-related-"))
    text_file = work / "big.txt"
    text_file.write_text(one_paragraph(args.size), encoding="utf-8")
    prepared = {}
    for name, tree in trees.items():
        prepared[name] = work / f"home-{name}"
        run(tree, prepared[name], "import", str(text_file), "--json")
        warm = work / "warm"  # compile the tree's bytecode once, uncounted
        shutil.copytree(prepared[name], warm)
        run(tree, warm, "related", *FIGURE, "--json")
        shutil.rmtree(warm)
    results: dict[tuple[str, str], list[tuple[float, float, int]]] = {}
    load_before = os.getloadavg()[0]
    for _ in range(args.rounds):
        for name, tree in trees.items():
            home = work / "home"
            shutil.copytree(prepared[name], home)
            for run_name in ("first", "second"):
                cpu, wall, rss, _ = run(tree, home, "related", *FIGURE, "--json")
                results.setdefault((name, run_name), []).append((cpu, wall, rss))
            shutil.rmtree(home)
    load_after = os.getloadavg()[0]
    print(
        f"related {' '.join(FIGURE)} --json, {args.size:,}-character one-paragraph import, "
        f"{args.rounds} rounds, load average {load_before:.1f} -> {load_after:.1f}\n"
    )
    print("| tree | run | CPU s (median) | wall s (median) | CPU s (each) | peak RSS MB |")
    print("|---|---|---|---|---|---|")
    for (name, run_name), rows in results.items():
        cpus = [r[0] for r in rows]
        walls = [r[1] for r in rows]
        each = " / ".join(f"{c:.2f}" for c in cpus)
        print(
            f"| {name} | {run_name} | {statistics.median(cpus):.2f} | {statistics.median(walls):.2f} | {each} "
            f"| {max(r[2] for r in rows) / 1024:.0f} |"
        )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
