"""Judged-set query time, before and after a change: p50/p95 CPU and wall per query.

Runs every query of ``tests/relevance/queries.yaml`` the way the app does (top 10 with
snippets, all kinds) against the seed corpus, with two source trees: the working tree
("after") and an older revision exported with ``git archive`` ("before"). Each round is
one fresh worker process per tree, alternating before/after, so both see the same
machine load; a worker builds its index (untimed, its own home), runs the set once to
warm up, then once timed. Samples are pooled over the rounds.

It also measures what numbers-by-value add to an index build (``--build-cost N``): the
figure layer's extraction plus the value keys, per MB of text, on N synthetic articles of
``bench/bench_search.py`` (assembled from the seeds' sentences: as dense in figures as
the seeds), beside the rest of the per-passage document preparation.

``--engines whoosh,tantivy`` times the working tree once per engine (``after whoosh``,
``after tantivy``; the environment's ``JJJ_BRIEF_SEARCH_ENGINE`` per worker), interleaved
with the "before" tree in every round.

Usage::

    python bench/bench_relevance.py --before-rev 2fc7cf4 --rounds 5 --build-cost 1000
    python bench/bench_relevance.py --before-rev 2fc7cf4 --rounds 3 --engines whoosh,tantivy

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

from jjj_brief.commands.libraries import default_library

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

    ensure_index(library=default_library())
    entries = yaml.safe_load(QUERIES.read_text(encoding="utf-8"))["queries"]
    for entry in entries:  # warm-up: caches, lazily built vocabularies
        search(entry["query"], limit=10, library=default_library())
    samples = []
    for entry in entries:
        cpu, wall = time.process_time(), time.perf_counter()
        result = search(entry["query"], limit=10, library=default_library())
        samples.append(
            {
                "query": entry["query"],
                "group": "numeric" if entry.get("numeric") else "natural" if entry.get("natural") else "classic",
                "cpu_ms": (time.process_time() - cpu) * 1000,
                "wall_ms": (time.perf_counter() - wall) * 1000,
                "hits": len(result.hits),
            }
        )
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


def run_worker(tui: Path, home: Path, engine: str | None = None) -> dict:
    env = dict(os.environ)
    if engine:
        env["JJJ_BRIEF_SEARCH_ENGINE"] = engine
    out = subprocess.run(
        [sys.executable, __file__, "--worker", str(tui), "--home", str(home)],
        check=True,
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before-rev", default="main", help="git revision for the 'before' column")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--build-cost", type=int, default=0, help="synthetic articles for the build-cost section")
    parser.add_argument("--engines", default="", help="comma-separated: time the working tree on each engine")
    parser.add_argument("--worker")
    parser.add_argument("--home")
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.home)
        return
    with tempfile.TemporaryDirectory(prefix="bench-relevance-") as scratch:
        scratch_path = Path(scratch)
        before = export_revision(args.before_rev, scratch_path / "before")
        engines = [e.strip() for e in args.engines.split(",") if e.strip()]
        # name -> (source tree, engine); "before" predates the engine choice (Whoosh only)
        trees = {"before": (before, None)}
        trees.update({f"after {e}": (ROOT / "tui", e) for e in engines} if engines else {"after": (ROOT / "tui", None)})
        samples: dict[str, list[dict]] = {name: [] for name in trees}
        recall: dict[str, float] = {}
        for _ in range(args.rounds):
            for name, (tui, engine) in trees.items():
                home = scratch_path / f"home-{name.replace(' ', '-')}"
                home.mkdir(exist_ok=True)
                result = run_worker(tui, home, engine)
                samples[name].extend(result["samples"])
                recall[name] = result["recall"]
    report = render(args, samples, recall)
    if args.build_cost:
        report += build_cost(args.build_cost)
    elif REPORT.exists() and "\n## Build cost" in REPORT.read_text(encoding="utf-8"):
        kept = REPORT.read_text(encoding="utf-8").split("\n## Build cost", 1)[1]
        report += "\n## Build cost" + kept  # not re-measured: the last measurement stays
    REPORT.write_text(report, encoding="utf-8")
    print(report)


def render(args, samples: dict[str, list[dict]], recall: dict[str, float]) -> str:
    lines = [
        "# Judged-set query time, before and after",
        "",
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}.",
        f"Command: `python bench/bench_relevance.py --before-rev {args.before_rev} --rounds {args.rounds}"
        + (f" --engines {args.engines}`" if args.engines else "`"),
        f"Queries: the {len(samples[list(samples)[-1]]) // max(1, args.rounds)} judged queries of "
        "`tests/relevance/queries.yaml` on the seeds, `search(q, limit=10)` with snippets; "
        "one fresh process per tree and round, alternating the trees; warm (one untimed pass first).",
        "",
        "| tree | group | queries | CPU p50 ms | CPU p95 ms | wall p50 ms | wall p95 ms | pooled recall@10 |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in samples:
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
    names = list(samples)
    lines += ["", f"Slowest queries of {names[1]} (median CPU ms over rounds, per tree):", ""]
    lines += ["| query | " + " | ".join(f"{n} ms" for n in names) + " |", "| --- |" + " ---: |" * len(names)]
    medians = {}
    for name, rows in samples.items():
        by_query: dict[str, list[float]] = {}
        for s in rows:
            by_query.setdefault(s["query"], []).append(s["cpu_ms"])
        medians[name] = {q: statistics.median(v) for q, v in by_query.items()}
    slowest = medians[names[1]]
    for query in sorted(slowest, key=slowest.__getitem__, reverse=True)[:10]:
        lines.append(f"| `{query}` | " + " | ".join(f"{medians[n].get(query, float('nan')):.1f}" for n in names) + " |")
    return "\n".join(lines) + "\n"


def build_cost(n: int) -> str:
    """CPU per MB: figure extraction + value keys (what numbers by value add), and the
    analyzer's pass over the same text (a floor for any engine's indexing)."""
    sys.path.insert(0, str(ROOT / "tui"))
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_search import corpus, seed_sentences
    from jjj_brief import figures
    from jjj_brief.search import values
    from jjj_brief.search.analyzer import terms

    articles = list(corpus(n, seed_sentences()))
    megabytes = sum(len(a.text.encode("utf-8")) for a in articles) / 1e6
    started = time.process_time()
    found = [figures.extract_figures(a.text) for a in articles]
    extract = time.process_time() - started
    started = time.process_time()
    keys = 0
    for article, article_figures in zip(articles, found):
        for paragraph in article.paragraphs:
            stored = values.stored_figures(article_figures, paragraph.start, paragraph.end)
            keys += len(values.figure_keys(stored))
    keying = time.process_time() - started
    started = time.process_time()
    for article in articles:
        terms(article.text)
    analyze = time.process_time() - started
    per = lambda seconds: seconds / megabytes  # noqa: E731
    return "\n".join(
        [
            "",
            f"## Build cost of numbers by value ({n:,} synthetic articles, {megabytes:.1f} MB)",
            "",
            "| step | CPU s | CPU s per MB | at 10,000 articles (16 KB each) |",
            "| --- | ---: | ---: | ---: |",
            f"| figure extraction (`figures.extract_figures`) | {extract:.2f} | {per(extract):.3f} | {per(extract) * 164:.0f} s |",
            f"| value keys + stored figures ({keys:,} keys) | {keying:.2f} | {per(keying):.3f} | {per(keying) * 164:.0f} s |",
            f"| for scale: the analyzer over the same text | {analyze:.2f} | {per(analyze):.3f} | {per(analyze) * 164:.0f} s |",
            "",
        ]
    )


if __name__ == "__main__":
    main()
