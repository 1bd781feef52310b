"""Search benchmark: our Whoosh index vs SQLite FTS5 on the same synthetic corpora.

Builds reproducible synthetic corpora (articles assembled from the seeds' sentences,
~16 KB each, seeded RNG) and measures, for each size and for both engines:

* build time, articles/s and passages/s, index size on disk;
* open time, first-query latency after open (cold, in a fresh process);
* p50 / p95 latency over a fixed mixed query set, each returning the top 10 with snippets;
* (Whoosh) incremental import of one article into the built index.

Both engines index passages (paragraphs), the same text. FTS5 uses the stdlib sqlite3
with ``tokenize='porter unicode61'`` and its ``snippet()``/``bm25()``. Our engine runs the
real search path (:class:`jjj_brief.search.api.Engine`: parsing, glossary expansion,
snippets with highlights).

Usage::

    python bench/bench_search.py                  # 1,000 and 10,000 articles
    python bench/bench_search.py --sizes 1000 10000 100000 --procs 2
    python bench/bench_search.py --fts-only-sizes 100000   # FTS5 alone at a size

Writes ``bench/bench_search_report.md`` (and prints it), keeping its hand-written
"## Analysis" section. Not a test: never collected.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tui"))

from jjj_brief.corpus import Article, load_seed_articles  # noqa: E402

SEED = 20240227
ARTICLE_BYTES = 16_000
OUTLETS = ["Xinhua News Agency", "People's Daily", "China News Service", "CCTV News", "Liaowang", "Hebei Daily"]

# (our query, the FTS5 equivalent)
QUERIES: list[tuple[str, str]] = [
    ("Xiongan", "xiongan"),
    ("Beijing", "beijing"),
    ("coordinated development", "coordinated development"),
    ('"non-capital functions"', '"non capital functions"'),
    ("sub-center", '"sub center"'),
    ("relieving hospitals", "relieving hospitals"),
    ("Caofeidian OR Zhangjiakou", "caofeidian OR zhangjiakou"),
    ("Tianjin -port", "tianjin NOT port"),
    ("coordinat*", "coordin*"),
    ("PM2.5", '"pm2 5"'),
    ('"10,000 branches"', '"10 000 branches"'),
    ("hydrogen energy industry", "hydrogen energy industry"),
    ("Winter Olympics Zhangjiakou", "winter olympics zhangjiakou"),
    ("Baiyangdian water quality", "baiyangdian water quality"),
    ("wilcox", "wilcox"),
    ("medical institutions direct settlement", "medical institutions direct settlement"),
]


# ---------------------------------------------------------------- synthetic corpus


def seed_sentences() -> list[str]:
    sentences = []
    for article in load_seed_articles():
        for paragraph in article.paragraphs:
            for sentence in re.split(r"(?<=[.!?。])\s+", paragraph.text):
                if len(sentence) > 30:
                    sentences.append(sentence.strip())
    return sentences


def synthetic_article(i: int, sentences: list[str]) -> Article:
    rng = random.Random(SEED * 1_000_003 + i)
    paragraphs = []
    size = 0
    while size < ARTICLE_BYTES:
        paragraph = " ".join(rng.choice(sentences) for _ in range(rng.randint(2, 6)))
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    year = rng.randint(2014, 2024)
    return Article(
        id=f"syn-{i:06d}",
        file=f"syn-{i:06d}.txt",
        path=Path(f"/synthetic/syn-{i:06d}.txt"),
        text="\n\n".join(paragraphs),
        title=f"Synthetic article {i}: " + paragraphs[0][:60],
        outlet=rng.choice(OUTLETS),
        date=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        date_precision="day",
    )


def corpus(n: int, sentences: list[str]) -> Iterator[Article]:
    for i in range(n):
        yield synthetic_article(i, sentences)


def folder_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


# ---------------------------------------------------------------- Whoosh (ours)


def whoosh_build(folder: Path, n: int, sentences: list[str], procs: int) -> dict:
    from whoosh.filedb.filestore import FileStorage

    from jjj_brief.search.api import alias_groups
    from jjj_brief.search.documents import article_documents
    from jjj_brief.search.index import build_generation, write_manifest

    passages = 0

    def docs():
        nonlocal passages
        for article in corpus(n, sentences):
            for doc in article_documents(article):
                passages += 1
                yield doc

    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 10:
            last[0] = now
            print(f"    whoosh: {done} passages", file=sys.stderr, flush=True)

    folder.mkdir(parents=True)
    started = time.perf_counter()
    index, vocab = build_generation(FileStorage(str(folder)), docs(), progress=progress, procs=procs, limitmb=256)
    index.close()
    write_manifest(folder, "bench", vocab, alias_groups())
    seconds = time.perf_counter() - started
    return {"build_s": seconds, "passages": passages, "size": folder_size(folder)}


WHOOSH_PROBE = r"""
import json, sys, time
sys.path.insert(0, {tui!r})
t0 = time.perf_counter()
from jjj_brief.search.index import open_generation
from jjj_brief.search.api import Engine
from jjj_brief.search.query import QueryContext
from pathlib import Path
t_import = time.perf_counter() - t0
t0 = time.perf_counter()
generation = open_generation(Path({folder!r}))
engine = Engine(generation, QueryContext.build(generation.aliases, list(generation.vocab)))
t_open = time.perf_counter() - t0
queries = {queries!r}
t0 = time.perf_counter()
first = engine.run(queries[0], limit=10)
t_first = time.perf_counter() - t0
timings = {{}}
for rounds in range(3):
    for q in queries:
        t0 = time.perf_counter()
        result = engine.run(q, limit=10)
        dt = time.perf_counter() - t0
        timings.setdefault(q, []).append(dt)
        assert all(h.snippet for h in result.hits), q
print(json.dumps({{"import_s": t_import, "open_s": t_open, "first_s": t_first, "timings": timings,
                  "totals": {{q: engine.run(q, limit=10).total for q in queries}}}}))
"""


def whoosh_measure(folder: Path) -> dict:
    code = WHOOSH_PROBE.format(tui=str(ROOT / "tui"), folder=str(folder), queries=[q for q, _ in QUERIES])
    env = dict(os.environ, JJJ_BRIEF_HOME=str(folder.parent / "home"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout)


def whoosh_incremental(folder: Path, sentences: list[str]) -> float:
    """Add one imported article to the built index, the way `jjj-brief import` does."""
    from jjj_brief.search.index import Sources, open_generation, reconcile_imports

    generation = open_generation(folder)
    article = synthetic_article(10_000_000, sentences)
    article.source = "import"
    article.id = "bench-import"
    started = time.perf_counter()
    added, _ = reconcile_imports(generation, Sources([article], None, []))
    seconds = time.perf_counter() - started
    assert added == 1
    generation.index.close()
    return seconds


# ---------------------------------------------------------------- SQLite FTS5


def fts_build(path: Path, n: int, sentences: list[str]) -> dict:
    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(
        "CREATE VIRTUAL TABLE passages USING fts5(body, article UNINDEXED, start UNINDEXED,"
        " title UNINDEXED, tokenize='porter unicode61')"
    )
    passages = 0
    batch = []
    for article in corpus(n, sentences):
        for p in article.paragraphs:
            if p.is_repeat:
                continue
            batch.append((p.text, article.id, p.start, article.title))
        if len(batch) > 5000:
            db.executemany("INSERT INTO passages VALUES (?,?,?,?)", batch)
            passages += len(batch)
            batch = []
    db.executemany("INSERT INTO passages VALUES (?,?,?,?)", batch)
    passages += len(batch)
    db.commit()
    db.execute("INSERT INTO passages(passages) VALUES('optimize')")
    db.commit()
    db.close()
    return {"build_s": time.perf_counter() - started, "passages": passages, "size": folder_size(path)}


FTS_PROBE = r"""
import json, sqlite3, time
t0 = time.perf_counter()
db = sqlite3.connect({path!r})
db.execute("SELECT count(*) FROM passages WHERE passages MATCH 'zzzzunlikely'").fetchall()
t_open = time.perf_counter() - t0
queries = {queries!r}
SQL = ("SELECT article, start, snippet(passages, 0, '[', ']', '…', 24), bm25(passages) FROM passages "
       "WHERE passages MATCH ? ORDER BY rank LIMIT 10")
COUNT = "SELECT count(*) FROM passages WHERE passages MATCH ?"
def run(q):
    rows = db.execute(SQL, (q,)).fetchall()
    total = db.execute(COUNT, (q,)).fetchone()[0]
    return rows, total
t0 = time.perf_counter()
run(queries[0])
t_first = time.perf_counter() - t0
timings = {{}}
for rounds in range(3):
    for q in queries:
        t0 = time.perf_counter()
        run(q)
        timings.setdefault(q, []).append(time.perf_counter() - t0)
print(json.dumps({{"open_s": t_open, "first_s": t_first, "timings": timings,
                  "totals": {{q: run(q)[1] for q in queries}}}}))
"""


def fts_measure(path: Path) -> dict:
    code = FTS_PROBE.format(path=str(path), queries=[f for _, f in QUERIES])
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


# ---------------------------------------------------------------- report


@dataclass
class Row:
    engine: str
    articles: int
    passages: int
    build_s: float
    size_mb: float
    open_ms: float
    first_ms: float
    p50_ms: float
    p95_ms: float
    incremental_ms: float | None = None

    @property
    def docs_per_s(self) -> float:
        return self.articles / self.build_s if self.build_s else float("nan")


def summarize(engine: str, n: int, built: dict, measured: dict, incremental: float | None = None) -> Row:
    # p50/p95 over every query's runs after the first round (warm), all queries pooled
    samples = [t for runs in measured["timings"].values() for t in runs[1:]]
    return Row(
        engine=engine,
        articles=n,
        passages=built["passages"],
        build_s=built["build_s"],
        size_mb=built["size"] / 1e6,
        open_ms=measured["open_s"] * 1000,
        first_ms=measured["first_s"] * 1000,
        p50_ms=percentile(samples, 0.5) * 1000,
        p95_ms=percentile(samples, 0.95) * 1000,
        incremental_ms=None if incremental is None else incremental * 1000,
    )


def per_query_table(n: int, whoosh: dict | None, fts: dict) -> list[str]:
    lines = [f"\nPer-query median (ms) at {n:,} articles, and matching passages:\n",
             "| query | ours ms | ours total | FTS5 ms | FTS5 total |", "| --- | ---: | ---: | ---: | ---: |"]
    for ours, theirs in QUERIES:
        w_ms = statistics.median(whoosh["timings"][ours][1:]) * 1000 if whoosh else float("nan")
        f_ms = statistics.median(fts["timings"][theirs][1:]) * 1000
        w_total = whoosh["totals"][ours] if whoosh else "-"
        lines.append(f"| `{ours}` | {w_ms:.1f} | {w_total} | {f_ms:.1f} | {fts['totals'][theirs]} |")
    return lines


def render(rows: list[Row], details: list[str], args: argparse.Namespace) -> str:
    header = [
        "# Search benchmark: jjj-brief (Whoosh, passages) vs SQLite FTS5",
        "",
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}. Whoosh writer procs={args.procs}.",
        f"Command: `python bench/bench_search.py {' '.join(sys.argv[1:])}`".rstrip(),
        f"Corpus: synthetic articles of ~{ARTICLE_BYTES // 1000} KB assembled from the seeds' sentences "
        f"(seed {SEED}); one document per paragraph (passage). Queries: {len(QUERIES)} mixed "
        "(words, AND, phrases, compounds, OR, NOT, prefix, numbers), top 10 with snippets; "
        "p50/p95 pooled over 2 warm rounds. Open/first query measured in a fresh process.",
        "",
        "| engine | articles | passages | build s | articles/s | size MB | open ms | first query ms "
        "| p50 ms | p95 ms | +1 import ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        inc = f"{r.incremental_ms:.0f}" if r.incremental_ms is not None else "-"
        header.append(
            f"| {r.engine} | {r.articles:,} | {r.passages:,} | {r.build_s:.1f} | {r.docs_per_s:.0f} | "
            f"{r.size_mb:.1f} | {r.open_ms:.1f} | {r.first_ms:.1f} | {r.p50_ms:.1f} | {r.p95_ms:.1f} | {inc} |"
        )
    ratios = ["", "Ratios (ours / FTS5):", "", "| articles | build | size | open+first | p50 | p95 |",
              "| ---: | ---: | ---: | ---: | ---: | ---: |"]
    by_key = {(r.engine, r.articles): r for r in rows}
    for r in rows:
        if r.engine != "whoosh" or ("fts5", r.articles) not in by_key:
            continue
        f = by_key[("fts5", r.articles)]
        ratios.append(
            f"| {r.articles:,} | {r.build_s / f.build_s:.1f}x | {r.size_mb / f.size_mb:.1f}x | "
            f"{(r.open_ms + r.first_ms) / (f.open_ms + f.first_ms):.1f}x | {r.p50_ms / f.p50_ms:.1f}x | "
            f"{r.p95_ms / f.p95_ms:.1f}x |"
        )
    return "\n".join(header + ratios + details) + "\n"


def kept_analysis(report: Path) -> str:
    """The hand-written "## Analysis" section of an earlier report, kept across runs."""
    try:
        old = report.read_text(encoding="utf-8")
    except OSError:
        return ""
    at = old.find("\n## Analysis")
    return old[at:] if at >= 0 else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--fts-only-sizes", type=int, nargs="*", default=[])
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--report", type=Path, default=Path(__file__).with_name("bench_search_report.md"))
    parser.add_argument("--keep", type=Path, default=None, help="build here and keep the indexes")
    args = parser.parse_args()

    sentences = seed_sentences()
    rows: list[Row] = []
    details: list[str] = []
    work = args.keep or Path(tempfile.mkdtemp(prefix="jjj-bench-"))
    try:
        for n in sorted(set(args.sizes) | set(args.fts_only_sizes)):
            whoosh_measured = None
            if n in args.sizes:
                print(f"[{n}] whoosh build ...", file=sys.stderr, flush=True)
                folder = work / f"whoosh-{n}"
                built = whoosh_build(folder, n, sentences, args.procs)
                print(f"[{n}] whoosh built in {built['build_s']:.1f}s; measuring", file=sys.stderr, flush=True)
                whoosh_measured = whoosh_measure(folder)
                incremental = whoosh_incremental(folder, sentences)
                rows.append(summarize("whoosh", n, built, whoosh_measured, incremental))
            print(f"[{n}] fts5 build ...", file=sys.stderr, flush=True)
            db = work / f"fts5-{n}.sqlite"
            fts_built = fts_build(db, n, sentences)
            fts_measured = fts_measure(db)
            rows.append(summarize("fts5", n, fts_built, fts_measured))
            details += per_query_table(n, whoosh_measured, fts_measured)
            report = render(rows, details, args) + kept_analysis(args.report)
            args.report.write_text(report, encoding="utf-8")
            print(report, flush=True)
            (work / "rows.json").write_text(json.dumps([asdict(r) for r in rows]), encoding="utf-8")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
