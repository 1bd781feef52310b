"""Search benchmark: our two engines (Whoosh, tantivy) and SQLite FTS5 on the same corpora.

Builds reproducible synthetic corpora (articles assembled from the seeds' sentences,
~16 KB each, seeded RNG) and measures, engines interleaved in one run:

* build: wall and CPU seconds, articles/s, index size on disk;
* cold open + first query, each engine in a fresh process;
* warm p50 / p95 (wall and CPU) over a fixed mixed query set, top 10 with snippets, the
  engines taking turns query by query in ONE process (so load on this shared machine
  hits them alike);
* the size where Whoosh's p95 crosses 50 ms (``--threshold-sizes``), which sets
  ``search.index.TANTIVY_PASSAGES``;
* import throughput through the real path (``imports.add_files`` + ``ensure_index``) of
  ``--import-files`` files into a fresh JJJ_BRIEF_HOME, peak memory, then one more import
  into that index (``jjj-brief import``, a fresh process);
* start-up: ``jjj-brief --version`` and ``jjj-brief search Xiongan --json`` on the seeds.

Ours runs the real search path (:class:`jjj_brief.search.api.Engine`: parsing, glossary
expansion, snippets with highlights) on each engine. FTS5 uses the stdlib sqlite3 with
``tokenize='porter unicode61'`` and its ``snippet()``/``bm25()`` plus a count.
Every process runs with a JJJ_BRIEF_HOME of its own, never the user's.

Usage::

    python bench/bench_search.py --sizes 1000 10000 --big-sizes 100000 \\
        --threshold-sizes 50 100 200 400 --import-files 10000

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
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tui"))
HOME = Path(tempfile.mkdtemp(prefix="jjj-bench-home-"))
os.environ["JJJ_BRIEF_HOME"] = str(HOME)  # before anything reads paths: never the real home

from jjj_brief.commands.libraries import default_library  # noqa: E402
from jjj_brief.corpus import Article, load_seed_articles  # noqa: E402

SEED = 20240227
ARTICLE_BYTES = 16_000
OUTLETS = ["Xinhua News Agency", "People's Daily", "China News Service", "CCTV News", "Liaowang", "Hebei Daily"]
ENGINES = ("whoosh", "tantivy", "fts5")
ROUNDS = 3  # the first is a warm-up, not counted

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


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- synthetic corpus


def seed_sentences() -> list[str]:
    sentences = []
    for article in load_seed_articles():
        for paragraph in article.paragraphs:
            for sentence in re.split(r"(?<=[.!?。])\s+", paragraph.text):
                if len(sentence) > 30:
                    sentences.append(sentence.strip())
    return sentences


def synthetic_text(i: int, sentences: list[str]) -> tuple[str, str, str, str]:
    """(title, outlet, date, text) of synthetic article ``i``."""
    rng = random.Random(SEED * 1_000_003 + i)
    paragraphs = []
    size = 0
    while size < ARTICLE_BYTES:
        paragraph = " ".join(rng.choice(sentences) for _ in range(rng.randint(2, 6)))
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    year = rng.randint(2014, 2024)
    date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return f"Synthetic article {i}: " + paragraphs[0][:60], rng.choice(OUTLETS), date, "\n\n".join(paragraphs)


def synthetic_article(i: int, sentences: list[str]) -> Article:
    title, outlet, date, text = synthetic_text(i, sentences)
    return Article(
        id=f"syn-{i:06d}",
        file=f"syn-{i:06d}.txt",
        path=Path(f"/synthetic/syn-{i:06d}.txt"),
        text=text,
        title=title,
        outlet=outlet,
        date=date,
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


class Clock:
    """Wall and CPU (all threads of this process) seconds since creation."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def read(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


# ---------------------------------------------------------------- builds


FIGURES = {"on": True}  # --big-no-figures turns the figure layer off for --big-sizes builds


def build_ours(engine: str, folder: Path, n: int, sentences: list[str]) -> dict:
    from jjj_brief.search.api import alias_groups
    from jjj_brief.search.documents import article_documents, article_figures_for_index
    from jjj_brief.search.index import build_generation, store_for, write_import_files, write_manifest

    passages = 0

    def docs():  # the real path: each passage with its figures' value keys
        nonlocal passages
        for article in corpus(n, sentences):
            found = article_figures_for_index(article, n) if FIGURES["on"] else None
            for doc in article_documents(article, article_figures=found):
                passages += 1
                yield doc

    last = [time.perf_counter()]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 30:
            last[0] = time.perf_counter()
            log(f"  {engine}: {done:,} passages")

    folder.mkdir(parents=True)
    clock = Clock()
    if engine == "whoosh":
        from whoosh.filedb.filestore import FileStorage

        target: object = FileStorage(str(folder))
    else:
        target = folder
    aliases = alias_groups(library=default_library())
    index, vocab = build_generation(target, docs(), progress=progress, engine=engine, limitmb=256, aliases=aliases)
    store_for(engine).close(index)
    write_import_files(folder, {}, None)
    write_manifest(folder, "bench", vocab, aliases, engine=engine, glossary_terms=True)
    wall, cpu = clock.read()
    return {
        "build_s": wall,
        "build_cpu_s": cpu,
        "passages": passages,
        "size": folder_size(folder),
        "figures": FIGURES["on"],
    }


def build_fts(path: Path, n: int, sentences: list[str]) -> dict:
    clock = Clock()
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
            if not p.is_repeat:
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
    wall, cpu = clock.read()
    return {"build_s": wall, "build_cpu_s": cpu, "passages": passages, "size": folder_size(path)}


# ---------------------------------------------------------------- probes (fresh processes)


PROBE = r"""
import json, os, sqlite3, sys, time
sys.path.insert(0, {tui!r})
places = {places!r}
queries = {queries!r}
mode = {mode!r}

def opener(engine, place):
    if engine == "fts5":
        db = sqlite3.connect(place)
        db.execute("SELECT count(*) FROM passages WHERE passages MATCH 'zzzzunlikely'").fetchall()
        SQL = ("SELECT article, start, snippet(passages, 0, '[', ']', '…', 24), bm25(passages) FROM passages "
               "WHERE passages MATCH ? ORDER BY rank LIMIT 10")
        COUNT = "SELECT count(*) FROM passages WHERE passages MATCH ?"
        def run(q):
            rows = db.execute(SQL, (q,)).fetchall()
            return db.execute(COUNT, (q,)).fetchone()[0]
        return run
    from pathlib import Path
    from jjj_brief.search.api import Engine
    from jjj_brief.search.index import open_generation
    from jjj_brief.search.query import QueryContext
    generation = open_generation(Path(place))
    engine_ = Engine(generation, QueryContext.build(generation.aliases, list(generation.vocab)))
    def run(q):
        result = engine_.run(q, limit=10)
        assert all(h.snippet for h in result.hits), q
        return result.total
    return run

def clock():
    return time.perf_counter(), time.process_time()

def since(start):
    return time.perf_counter() - start[0], time.process_time() - start[1]

if mode == "cold":
    (engine, place), = places.items()
    start = clock()
    if engine != "fts5":
        import jjj_brief.search.api  # noqa: F401  (module import counted apart)
    imported = since(start)
    start = clock()
    run = opener(engine, place)
    opened = since(start)
    start = clock()
    run(queries[engine][0])
    first = since(start)
    print(json.dumps({{"import": imported, "open": opened, "first": first}}))
else:
    runs = {{engine: opener(engine, place) for engine, place in places.items()}}
    engines = list(runs)
    timings = {{engine: {{}} for engine in engines}}
    totals = {{engine: {{}} for engine in engines}}
    for round_ in range({rounds}):
        for i in range(len(queries[engines[0]])):
            order = engines[i % len(engines):] + engines[:i % len(engines)]  # who goes first rotates
            for engine in order:
                q = queries[engine][i]
                start = clock()
                totals[engine][i] = runs[engine](q)
                timings[engine].setdefault(i, []).append(since(start))
    print(json.dumps({{"timings": timings, "totals": totals}}))
"""


def probe(places: dict[str, str], mode: str) -> dict:
    queries = {engine: [fts if engine == "fts5" else ours for ours, fts in QUERIES] for engine in places}
    code = PROBE.format(tui=str(ROOT / "tui"), places=places, queries=queries, mode=mode, rounds=ROUNDS)
    env = dict(os.environ, JJJ_BRIEF_HOME=tempfile.mkdtemp(prefix="probe-", dir=HOME))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout)


def summarize(timings: dict) -> dict:
    """p50/p95 wall and CPU (ms) over every query's warm runs, pooled."""
    warm = [run for runs in timings.values() for run in runs[1:]]
    walls, cpus = [w for w, _ in warm], [c for _, c in warm]
    return {
        "p50": percentile(walls, 0.5) * 1000,
        "p95": percentile(walls, 0.95) * 1000,
        "p50_cpu": percentile(cpus, 0.5) * 1000,
        "p95_cpu": percentile(cpus, 0.95) * 1000,
    }


def measure_size(n: int, engines: list[str], work: Path, sentences: list[str]) -> tuple[list[dict], list[str]]:
    places: dict[str, str] = {}
    rows: list[dict] = []
    for engine in engines:
        log(f"[{n:,}] {engine} build ...")
        if engine == "fts5":
            place = work / f"fts5-{n}.sqlite"
            built = build_fts(place, n, sentences)
        else:
            place = work / f"{engine}-{n}"
            built = build_ours(engine, place, n, sentences)
        log(f"[{n:,}] {engine} built in {built['build_s']:.1f} s wall, {built['build_cpu_s']:.1f} s CPU")
        places[engine] = str(place)
        rows.append({"engine": engine, "articles": n, **built})
    for row in rows:
        cold = probe({row["engine"]: places[row["engine"]]}, "cold")
        row["open_ms"] = cold["open"][0] * 1000
        row["first_ms"] = cold["first"][0] * 1000
        row["import_ms"] = cold["import"][0] * 1000
    log(f"[{n:,}] interleaved queries ...")
    warm = probe(places, "warm")
    details = [
        f"\nPer-query median wall ms (total matches) at {n:,} articles, engines interleaved:\n",
        "| query | " + " | ".join(engines) + " |",
        "| --- |" + " ---: |" * len(engines),
    ]
    for i, (ours, _) in enumerate(QUERIES):
        cells = []
        for engine in engines:
            runs = warm["timings"][engine][str(i)][1:]
            cells.append(f"{statistics.median(w for w, _ in runs) * 1000:.1f} ({warm['totals'][engine][str(i)]})")
        details.append(f"| `{ours}` | " + " | ".join(cells) + " |")
    for row in rows:
        row.update(summarize(warm["timings"][row["engine"]]))
    return rows, details


def measure_threshold(sizes: list[int], work: Path, sentences: list[str]) -> list[dict]:
    """Whoosh (and tantivy beside it) at small sizes: where does Whoosh's p95 cross 50 ms?"""
    out = []
    for n in sizes:
        places = {}
        passages = 0
        for engine in ("whoosh", "tantivy"):
            place = work / f"threshold-{engine}-{n}"
            built = build_ours(engine, place, n, sentences)
            passages = built["passages"]
            places[engine] = str(place)
        warm = probe(places, "warm")
        row = {"articles": n, "passages": passages}
        for engine in places:
            stats = summarize(warm["timings"][engine])
            row[engine] = stats
        log(
            f"[threshold {n}] {passages} passages: whoosh p95 {row['whoosh']['p95']:.1f} ms, "
            f"tantivy p95 {row['tantivy']['p95']:.1f} ms"
        )
        out.append(row)
    return out


# ---------------------------------------------------------------- imports and start-up


IMPORT_PROBE = r"""
import json, resource, sys, time
sys.path.insert(0, {tui!r})
from jjj_brief import imports
from jjj_brief.search import ensure_index
from jjj_brief.commands.libraries import default_library
ensure_index(library=default_library())  # the seeds' index exists before the import, as for a user
start = time.perf_counter(), time.process_time()
outcomes = imports.add_files([{folder!r}])
stored = time.perf_counter() - start[0], time.process_time() - start[1]
stored_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
status = ensure_index(library=default_library())
wall, cpu = time.perf_counter() - start[0], time.process_time() - start[1]
print(json.dumps({{"imported": sum(o.status == "imported" for o in outcomes), "wall": wall, "cpu": cpu,
                  "store_wall": stored[0], "store_cpu": stored[1], "store_peak_mb": stored_peak,
                  "engine": status.engine, "action": status.action,
                  "documents": status.documents, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def write_import_files(folder: Path, count: int, sentences: list[str], first: int = 5_000_000) -> None:
    folder.mkdir(parents=True)
    for i in range(count):
        title, outlet, date, text = synthetic_text(first + i, sentences)
        (folder / f"doc-{i:06d}.txt").write_text(
            f"---\ntitle: {json.dumps(title)}\noutlet: {outlet!r}\ndate: {date}\n---\n{text}\n", encoding="utf-8"
        )


def cli_env(home: Path) -> dict[str, str]:
    """The environment of a user's process: its own home, and Python's bytecode caches on
    (an installed package has them; PYTHONDONTWRITEBYTECODE, set on our machines, would make
    every process compile our ~25 modules from source, ~0.1 s)."""
    env = dict(os.environ, JJJ_BRIEF_HOME=str(home))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed_cli(argv: list[str], home: Path, repeat: int = 1, warm: bool = True) -> dict:
    """Median wall and CPU (ms) of ``jjj-brief argv`` in fresh processes (after one
    uncounted run that writes the bytecode caches, when ``warm``)."""
    exe = Path(sys.executable).with_name("jjj-brief")
    walls, cpus = [], []
    for i in range(repeat + (1 if warm else 0)):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        out = subprocess.run([str(exe), *argv], capture_output=True, text=True, env=cli_env(home))
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if out.returncode != 0:
            raise RuntimeError(f"jjj-brief {' '.join(argv)}: {out.stderr[-500:]}")
        if warm and i == 0:
            continue
        walls.append(wall)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return {
        "wall_ms": statistics.median(walls) * 1000,
        "cpu_ms": statistics.median(cpus) * 1000,
        "wall_ms_min": min(walls) * 1000,
        "cpu_ms_min": min(cpus) * 1000,
    }


def measure_imports(count: int, work: Path, sentences: list[str]) -> dict:
    result: dict = {"files": count}
    for label, n in (("small", max(1, count // 10)), ("full", count)):
        folder = work / f"import-files-{n}"
        write_import_files(folder, n, sentences)
        home = Path(tempfile.mkdtemp(prefix="import-", dir=HOME))
        log(f"import of {n:,} files ...")
        code = IMPORT_PROBE.format(tui=str(ROOT / "tui"), folder=str(folder))
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ, JJJ_BRIEF_HOME=str(home))
        )
        if out.returncode != 0:
            raise RuntimeError(out.stderr[-2000:])
        data = json.loads(out.stdout)
        data["rate"] = data["imported"] / data["wall"]
        log(
            f"  {data['imported']:,} imported in {data['wall']:.1f} s ({data['rate']:.0f}/s), "
            f"peak {data['peak_mb']:.0f} MB, engine {data['engine']}"
        )
        result[label] = data
        if label == "full":
            result["index_check"] = timed_cli(["index", "--json"], home, repeat=3)
            result["search_at_size"] = timed_cli(["search", "Xiongan", "--json"], home, repeat=3)
            one = work / "one-more"
            write_import_files(one, 3, sentences, first=9_000_000)
            files = sorted(one.iterdir())
            timed_cli(["import", str(files[0]), "--dry-run", "--json"], home, warm=False)  # bytecode caches
            runs = [timed_cli(["import", str(path), "--json"], home, warm=False) for path in files]
            result["one_more"] = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
            log("  rebuild from the stored imports (figures from the figure cache) ...")
            result["rebuild"] = timed_cli(["index", "--rebuild", "--json"], home, warm=False)
        shutil.rmtree(folder, ignore_errors=True)
    return result


def measure_startup() -> dict:
    home = Path(tempfile.mkdtemp(prefix="start-", dir=HOME))
    timed_cli(["index", "--json"], home)
    return {
        "version": timed_cli(["--version"], home, repeat=5),
        "search": timed_cli(["search", "Xiongan", "--json"], home, repeat=5),
    }


# ---------------------------------------------------------------- report


def render(
    rows: list[dict], details: list[str], threshold: list[dict], imports: dict | None, startup: dict | None
) -> str:
    out = [
        "# Search benchmark: jjj-brief on Whoosh and tantivy, beside SQLite FTS5",
        "",
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs (shared), Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}.",
        f"Command: `python bench/bench_search.py {' '.join(sys.argv[1:])}`".rstrip(),
        f"Corpus: synthetic articles of ~{ARTICLE_BYTES // 1000} KB assembled from the seeds' sentences "
        f"(seed {SEED}); one document per paragraph (passage), ours with its figures' value keys (the figure layer runs on every article, as in the app; FTS5 indexes the text alone). Queries: {len(QUERIES)} mixed "
        "(words, AND, phrases, compounds, OR, NOT, prefix, numbers), top 10 with snippets (ours: our "
        f"snippets and highlights). p50/p95 pooled over {ROUNDS - 1} warm rounds, the engines taking turns "
        "query by query in one process. Cold open and first query: a fresh process per engine (Python "
        "module import not included; it is the start-up table's business).",
        "",
        "| engine | articles | passages | build s (CPU s) | articles/s | size MB | open ms | first query ms "
        "| p50 ms | p95 ms | p50 / p95 CPU ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        out.append(
            f"| {r['engine']}{'' if r.get('figures', True) else ' (no figures)'} | {r['articles']:,} | {r['passages']:,} | {r['build_s']:.1f} ({r['build_cpu_s']:.1f}) | "
            f"{r['articles'] / r['build_s']:.0f} | {r['size'] / 1e6:.1f} | {r['open_ms']:.1f} | {r['first_ms']:.1f} | "
            f"{r['p50']:.1f} | {r['p95']:.1f} | {r['p50_cpu']:.1f} / {r['p95_cpu']:.1f} |"
        )
    if threshold:
        out += [
            "",
            "Where Whoosh's p95 crosses 50 ms (sets `TANTIVY_PASSAGES`; engines interleaved):",
            "",
            "| articles | passages | Whoosh p50 / p95 ms | tantivy p50 / p95 ms |",
            "| ---: | ---: | ---: | ---: |",
        ]
        for t in threshold:
            out.append(
                f"| {t['articles']:,} | {t['passages']:,} | {t['whoosh']['p50']:.1f} / {t['whoosh']['p95']:.1f} | "
                f"{t['tantivy']['p50']:.1f} / {t['tantivy']['p95']:.1f} |"
            )
    if imports:
        out += [
            "",
            "Import through `imports.add_files` + `ensure_index` into a fresh home (seeds indexed first):",
            "",
            "| files | store: wall s (CPU s) | files/s wall (CPU) | peak RSS MB after storing | store + index: "
            "wall s (CPU s) | articles/s wall (CPU) | peak RSS MB | engine after |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for label in ("small", "full"):
            d = imports.get(label)
            if d:
                out.append(
                    f"| {d['imported']:,} | {d['store_wall']:.1f} ({d.get('store_cpu', 0):.1f}) | "
                    f"{d['imported'] / d['store_wall']:.0f} ({d['imported'] / max(d.get('store_cpu', 0), 1e-9):.0f}) | "
                    f"{d.get('store_peak_mb', 0):.0f} | {d['wall']:.1f} ({d['cpu']:.1f}) | "
                    f"{d['rate']:.0f} ({d['imported'] / d['cpu']:.0f}) | {d['peak_mb']:.0f} | {d['engine']} |"
                )
        for key, label in (
            ("one_more", "`jjj-brief import` of one more file into it (fresh process, median of 3)"),
            ("search_at_size", "`jjj-brief search Xiongan --json` at that size"),
            ("index_check", "`jjj-brief index --json` (start-up check) at that size"),
            ("rebuild", "`jjj-brief index --rebuild --json` at that size (figures from the figure cache)"),
        ):
            if key in imports:
                d = imports[key]
                out.append(f"\n{label}: {d['wall_ms']:.0f} ms wall, {d['cpu_ms']:.0f} ms CPU")
    if startup:
        out += [
            "",
            "Start-up on the seeds (fresh processes, median of 5):",
            "",
            "| command | wall ms | CPU ms |",
            "| --- | ---: | ---: |",
            f"| `jjj-brief --version` | {startup['version']['wall_ms']:.0f} | {startup['version']['cpu_ms']:.0f} |",
            f"| `jjj-brief search Xiongan --json` | {startup['search']['wall_ms']:.0f} | {startup['search']['cpu_ms']:.0f} |",
        ]
    return "\n".join(out + details) + "\n"


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
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000], help="all three engines")
    parser.add_argument("--big-sizes", type=int, nargs="*", default=[], help="tantivy and FTS5 only")
    parser.add_argument("--threshold-sizes", type=int, nargs="*", default=[])
    parser.add_argument("--import-files", type=int, default=0)
    parser.add_argument("--no-startup", action="store_true")
    parser.add_argument(
        "--big-no-figures", action="store_true", help="--big-sizes builds skip the figure layer (no value keys)"
    )
    parser.add_argument("--report", type=Path, default=Path(__file__).with_name("bench_search_report.md"))
    parser.add_argument("--json-out", type=Path, default=None, help="also write the raw numbers here")
    args = parser.parse_args()

    sentences = seed_sentences()
    rows: list[dict] = []
    details: list[str] = []
    threshold: list[dict] = []
    imports: dict | None = None
    startup: dict | None = None
    work = Path(tempfile.mkdtemp(prefix="jjj-bench-"))

    def write() -> None:
        report = render(rows, details, threshold, imports, startup) + kept_analysis(args.report)
        args.report.write_text(report, encoding="utf-8")
        if args.json_out:
            args.json_out.write_text(
                json.dumps(
                    {"rows": rows, "threshold": threshold, "imports": imports, "startup": startup},
                    indent=1,
                    default=str,
                )
            )

    try:
        if not args.no_startup:
            startup = measure_startup()
            write()
        if args.threshold_sizes:
            threshold = measure_threshold(args.threshold_sizes, work, sentences)
            write()

        def run_size(n: int, engines: list[str]) -> None:
            size_rows, size_details = measure_size(n, engines, work, sentences)
            rows.extend(size_rows)
            details.extend(size_details)
            write()
            for entry in work.iterdir():  # free the disk before the next size
                if entry.name.endswith((f"-{n}", f"-{n}.sqlite", f"-{n}.sqlite-wal", f"-{n}.sqlite-shm")):
                    shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink()

        for n in sorted(args.sizes):
            run_size(n, list(ENGINES))
        if args.import_files:
            imports = measure_imports(args.import_files, work, sentences)
            write()
        FIGURES["on"] = not args.big_no_figures
        for n in sorted(set(args.big_sizes) - set(args.sizes)):
            run_size(n, ["tantivy", "fts5"])
        FIGURES["on"] = True
        print(render(rows, details, threshold, imports, startup), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(HOME, ignore_errors=True)


if __name__ == "__main__":
    main()
