"""Judged-set query time, before and after a change: p50/p95 CPU and wall per query.

Runs every query of ``tests/relevance/queries.yaml`` the way the app does (top 10 with
snippets, all kinds) against the seed corpus, with two source trees: the working tree
("after") and an older revision exported with ``git archive`` ("before"). Each round is
one fresh worker process per tree, alternating before/after, so both see the same
machine load; a worker builds its index (untimed, its own home), runs the set once to
warm up, then once timed. Samples are pooled over the rounds.

Usage::

    python bench/bench_relevance.py --before-rev 2fc7cf4 --rounds 5

Writes ``bench/bench_relevance_report.md`` (and prints it). Not a test: never collected.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "bench" / "bench_relevance_report.md"
QUERIES = ROOT / "tests" / "relevance" / "queries.yaml"


def worker(tui: str, home: str) -> None:
    """One timed pass over the judged set with the package found in ``tui``."""
    sys.path.insert(0, tui)
    sys.path.insert(0, str(ROOT / "tests"))
    os.environ["JJJ_BRIEF_HOME"] = home
    import yaml

    from jjj_brief.search import ensure_index, search

    ensure_index()
    entries = yaml.safe_load(QUERIES.read_text(encoding="utf-8"))["queries"]
    for entry in entries:  # warm-up: caches, lazily built vocabularies
        search(entry["query"], limit=10)
    samples = []
    for entry in entries:
        cpu, wall = time.process_time(), time.perf_counter()
        result = search(entry["query"], limit=10)
        samples.append({
            "query": entry["query"],
            "group": "numeric" if entry.get("numeric") else "natural" if entry.get("natural") else "classic",
            "cpu_ms": (time.process_time() - cpu) * 1000,
            "wall_ms": (time.perf_counter() - wall) * 1000,
            "hits": len(result.hits),
        })
    from relevance.judged import judge, pooled_recall

    recall = pooled_recall([judge(entry) for entry in entries])
    print(json.dumps({"samples": samples, "recall": recall}))


def export_revision(rev: str, into: Path) -> Path:
    into.mkdir(parents=True, exist_ok=True)
    parts = ["tui", "seeds", "briefings", "pyproject.toml"]
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, *parts], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "tui"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def run_worker(tui: Path, home: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", str(tui), "--home", str(home)],
        check=True, capture_output=True, text=True, timeout=900,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before-rev", default="main", help="git revision for the 'before' column")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--worker")
    parser.add_argument("--home")
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.home)
        return
    with tempfile.TemporaryDirectory(prefix="bench-relevance-") as scratch:
        scratch_path = Path(scratch)
        trees = {"before": export_revision(args.before_rev, scratch_path / "before"), "after": ROOT / "tui"}
        samples: dict[str, list[dict]] = {"before": [], "after": []}
        recall: dict[str, float] = {}
        for _ in range(args.rounds):
            for name, tui in trees.items():
                home = scratch_path / f"home-{name}"
                home.mkdir(exist_ok=True)
                result = run_worker(tui, home)
                samples[name].extend(result["samples"])
                recall[name] = result["recall"]
    report = render(args, samples, recall)
    REPORT.write_text(report, encoding="utf-8")
    print(report)


def render(args, samples: dict[str, list[dict]], recall: dict[str, float]) -> str:
    lines = [
        "# Judged-set query time, before and after",
        "",
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}.",
        f"Command: `python bench/bench_relevance.py --before-rev {args.before_rev} --rounds {args.rounds}`",
        f"Queries: the {len(samples['after']) // max(1, args.rounds)} judged queries of "
        "`tests/relevance/queries.yaml` on the seeds, `search(q, limit=10)` with snippets; "
        "one fresh process per tree and round, alternating before/after; warm (one untimed pass first).",
        "",
        "| tree | group | queries | CPU p50 ms | CPU p95 ms | wall p50 ms | wall p95 ms | pooled recall@10 |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in ("before", "after"):
        for group in ("all", "classic", "natural", "numeric"):
            chosen = [s for s in samples[name] if group == "all" or s["group"] == group]
            if not chosen:
                continue
            cpu = [s["cpu_ms"] for s in chosen]
            wall = [s["wall_ms"] for s in chosen]
            shown_recall = f"{recall[name]:.3f}" if group == "all" else ""
            lines.append(
                f"| {name} | {group} | {len(chosen) // max(1, args.rounds)} | {percentile(cpu, 0.5):.1f} | "
                f"{percentile(cpu, 0.95):.1f} | {percentile(wall, 0.5):.1f} | {percentile(wall, 0.95):.1f} | {shown_recall} |"
            )
    lines += ["", "Slowest queries after (median wall ms over rounds, before → after):", ""]
    lines += ["| query | before ms | after ms |", "| --- | ---: | ---: |"]
    by_query = {name: {} for name in samples}
    for name, rows in samples.items():
        for s in rows:
            by_query[name].setdefault(s["query"], []).append(s["wall_ms"])
    after = {q: statistics.median(v) for q, v in by_query["after"].items()}
    before = {q: statistics.median(v) for q, v in by_query["before"].items()}
    for query in sorted(after, key=after.get, reverse=True)[:10]:
        lines.append(f"| `{query}` | {before.get(query, float('nan')):.1f} | {after[query]:.1f} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
