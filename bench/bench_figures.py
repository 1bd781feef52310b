"""Benchmark the figure extractor (not a test): the corpus, and growth up to 10 MB.

    .venv/bin/python bench/bench_figures.py [--runs 5] [--report bench/bench_figures_report.md]

What it measures (``extract_figures``, pure, no cache; wall clock, best and median of runs):

1. The five seed articles, extracted one after another: target well under 1 s in total.
   Also ``article_figures`` for all five from cold (cross-article flags included).
2. Growth with text length: inputs of 1, 2, 5 and 10 MB made by repeating the seeds
   (so the density of figures is the corpus' own), and one 1 MB line of digits and
   punctuation (the backtracking trap). Linear cost shows as a constant time per MB.

The report is written beside this script.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tui"))

from jjj_brief import figures as figures_module  # noqa: E402
from jjj_brief.corpus import load_corpus  # noqa: E402
from jjj_brief.figures import extract_figures  # noqa: E402

MB = 1_000_000


def timed(function, runs: int) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times), result


def corpus_time(runs: int) -> dict:
    articles = list(load_corpus())
    total_chars = sum(len(a.text) for a in articles)

    def all_five():
        return [extract_figures(a.text) for a in articles]

    best, median, result = timed(all_five, runs)

    def cold_article_figures():
        book = figures_module.FigureBook(articles)
        return [book.article_figures(a) for a in articles]

    cold_best, cold_median, _ = timed(cold_article_figures, runs)
    return {
        "articles": len(articles),
        "chars": total_chars,
        "figures": sum(len(r) for r in result),
        "per_article": {a.id: len(r) for a, r in zip(articles, result)},
        "suspects": {a.id: sum(1 for f in figures_module.article_figures(a, articles) if f.suspect) for a in articles},
        "best": best,
        "median": median,
        "cold_best": cold_best,
        "cold_median": cold_median,
    }


def scaled_inputs() -> list[tuple[str, str]]:
    seed = "\n\n".join(a.text for a in load_corpus())
    inputs = []
    for size in (1, 2, 5, 10):
        text = (seed * (size * MB // len(seed) + 1))[: size * MB]
        inputs.append((f"{size} MB of seeds", text))
    trap = "1,2,3.4.5-6+7%20141% " * (MB // 21)
    inputs.append(("1 MB line of digits and punctuation", trap))
    return inputs


def growth(runs: int) -> list[dict]:
    rows = []
    for name, text in scaled_inputs():
        best, median, result = timed(lambda text=text: extract_figures(text), runs)
        rows.append(
            {
                "input": name,
                "chars": len(text),
                "figures": len(result),
                "best": best,
                "median": median,
                "per_mb": best / (len(text) / MB),
            }
        )
    return rows


def report(corpus: dict, rows: list[dict], runs: int) -> str:
    lines = [
        "# Figure extractor benchmark",
        "",
        f"Command: `.venv/bin/python bench/bench_figures.py --runs {runs}`  ",
        f"Machine: {platform.machine()}, Python {platform.python_version()}, {platform.system()}; "
        "wall clock, best and median of the runs; other work was running on this shared "
        "2-core machine, so medians are noisy.",
        "",
        "## The five seed articles",
        "",
        f"- `extract_figures` on all {corpus['articles']} articles ({corpus['chars']:,} characters, "
        f"{corpus['figures']} figures): **best {corpus['best'] * 1000:.1f} ms**, median "
        f"{corpus['median'] * 1000:.1f} ms (target: well under 1 s).",
        f"- `article_figures` for all five from a cold cache (cross-article suspect flags "
        f"included): best {corpus['cold_best'] * 1000:.1f} ms, median {corpus['cold_median'] * 1000:.1f} ms.",
        "",
        "| article | figures | suspect |",
        "| --- | ---: | ---: |",
    ]
    for article_id, count in corpus["per_article"].items():
        lines.append(f"| {article_id} | {count} | {corpus['suspects'][article_id]} |")
    lines += [
        "",
        "## Growth with text length",
        "",
        "| input | characters | figures | best (s) | median (s) | best s per MB |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(
            f"| {row['input']} | {row['chars']:,} | {row['figures']:,} | {row['best']:.2f} | "
            f"{row['median']:.2f} | {row['per_mb']:.2f} |"
        )
    seeds = [r for r in rows if "seeds" in r["input"]]
    spread = max(r["per_mb"] for r in seeds) / min(r["per_mb"] for r in seeds)
    lines += [
        "",
        f"Seconds per MB stay within a factor of {spread:.2f} from 1 MB to 10 MB: the cost is "
        "linear in the length of the text (a quadratic pass would take 100 times longer at "
        "10 MB than at 1 MB, per MB 10 times more).",
        "",
        "Why it is linear: one left-to-right scan with possessive quantifiers (`\\d++`, "
        "`(?:…)*+`) that cannot backtrack; every other look is a bounded window (40 "
        "characters before, a few words after) or a precomputed sentence/quotation table "
        "searched by bisection; the as-of search looks at most 12 dates either way.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--report", type=Path, default=Path(__file__).with_name("bench_figures_report.md"))
    args = parser.parse_args()
    corpus = corpus_time(args.runs)
    print(f"corpus: best {corpus['best'] * 1000:.1f} ms for {corpus['figures']} figures", flush=True)
    rows = growth(max(1, min(args.runs, 3)))
    for row in rows:
        print(
            f"{row['input']}: best {row['best']:.2f} s, {row['per_mb']:.2f} s/MB, {row['figures']} figures", flush=True
        )
    args.report.write_text(report(corpus, rows, args.runs), encoding="utf-8")
    print(f"report written to {args.report}")


if __name__ == "__main__":
    main()
