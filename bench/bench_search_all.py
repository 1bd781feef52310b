"""Issue #12's core targets in one run: start-up, import, build, search (not a test).

    .venv/bin/python bench/bench_search_all.py                       # 1,000 and 10,000 (< 10 min idle)
    .venv/bin/python bench/bench_search_all.py --sizes 1000          # quick
    .venv/bin/python bench/bench_search.py --sizes --big-sizes 100000 --big-no-figures --no-startup  # 100k

Everything goes through the real paths, each step in a fresh process with its own
``JJJ_BRIEF_HOME`` (never the user's), and reports wall and CPU seconds side by side:

1. **Start-up** on the seeds (index built first): ``jjj-brief --version`` and
   ``jjj-brief search Xiongan --json``, the two taking turns, median of 5 (bytecode caches on,
   as for an installed package).
2. **Whoosh build cost** per article (``--whoosh-articles``, no figures): the analyzer alone
   (:func:`index_terms` on every passage), the whole Whoosh build, and the tantivy build of the
   same documents, in one process, taking turns. The Whoosh writer's share is what no analyzer
   change can remove.
3. For each size N (``--sizes``): **import** N synthetic ~16 KB ``.txt`` files (kept under
   ``--corpus``, written once and reused) with ``imports.add_files`` then ``ensure_index`` (the
   engine the size selects builds the index): storing and indexing rates, peak RSS after each;
   **FTS5** built from the same texts; **search** p50 / p95 with snippets, ours (the home's live
   index, real :class:`Engine`) and FTS5 taking turns query by query in one process, plus
   Whoosh at sizes up to ``--whoosh-max`` (built apart: it is not what the size selects);
   **cold open + first query** in a fresh process; ``index --json`` and ``search --json`` at that
   size; **one more import** (``jjj-brief import ONE.txt --json``, fresh process, median of 3).

Writes ``bench/bench_search_all_report.md`` (keeping its hand-written "## Analysis" section)
and, with ``--json-out``, the raw numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_search as bs
from jjj_brief.corpus import Article

ROOT = bs.ROOT
FIRST_IMPORT = 5_000_000  # synthetic article numbers of the imported files (bs.write_import_files)
TARGETS = {
    "version": 100,
    "search_seeds_wall": 300,
    "p95": {1000: 15, 10000: 50, 100000: 100},
    "cold": 150,
    "build_10k_s": 60,
    "import_rate": 500,
    "one_more_s": 0.5,
}


def log(text: str) -> None:
    bs.log(text)


def fresh_home(label: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"{label}-", dir=bs.HOME))


# ---------------------------------------------------------------- start-up


def measure_startup(rounds: int) -> dict[str, Any]:
    home = fresh_home("start")
    bs.timed_cli(["index", "--json"], home)  # the seeds' index, and the bytecode caches
    runs: dict[str, list[dict]] = {"version": [], "search": []}
    argv = {"version": ["--version"], "search": ["search", "Xiongan", "--json"]}
    for _ in range(rounds):  # the two take turns, so load hits them alike
        for name in runs:
            runs[name].append(bs.timed_cli(argv[name], home, repeat=1, warm=False))
    return {name: {key: statistics.median(r[key] for r in rs) for key in rs[0]} for name, rs in runs.items()}


# ---------------------------------------------------------------- Whoosh build cost

WHOOSH_PROBE = r"""
import json, os, sys, tempfile, time
sys.path.insert(0, {tui!r}); sys.path.insert(1, {bench!r})
import bench_search as b
from pathlib import Path
from jjj_brief.search.analyzer import index_terms
from jjj_brief.search.api import alias_groups
from jjj_brief.search.documents import article_documents
from jjj_brief.search.generation import build_generation, store_for
sentences = b.seed_sentences()
docs = [d for i in range({n}) for d in article_documents(b.synthetic_article(i, sentences))]
aliases = alias_groups()

def clock():
    return time.perf_counter(), time.process_time()

def since(start):
    return time.perf_counter() - start[0], time.process_time() - start[1]

def analyzer():
    for d in docs:
        index_terms(d["body"])

def build(engine):
    folder = Path(tempfile.mkdtemp()) / engine
    folder.mkdir()
    target = folder
    if engine == "whoosh":
        from whoosh.filedb.filestore import FileStorage
        target = FileStorage(str(folder))
    index, _ = build_generation(target, iter([dict(d) for d in docs]), engine=engine, limitmb=256, aliases=aliases)
    store_for(engine).close(index)

out = {{"analyzer": [], "whoosh": [], "tantivy": [], "passages": len(docs)}}
for round_ in range({rounds}):
    for name, run in (("analyzer", analyzer), ("whoosh", lambda: build("whoosh")), ("tantivy", lambda: build("tantivy"))):
        start = clock()
        run()
        out[name].append(since(start))
print(json.dumps(out))
"""


def measure_whoosh_build(n: int, rounds: int) -> dict[str, Any]:
    code = WHOOSH_PROBE.format(tui=str(ROOT / "tui"), bench=str(ROOT / "bench"), n=n, rounds=rounds)
    env = dict(os.environ, JJJ_BRIEF_HOME=str(fresh_home("whoosh")))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    data = json.loads(done.stdout)
    result: dict[str, Any] = {"articles": n, "passages": data["passages"]}
    for name in ("analyzer", "whoosh", "tantivy"):
        result[name] = {
            "cpu_ms_per_article": statistics.median(c for _, c in data[name]) * 1000 / n,
            "wall_ms_per_article": statistics.median(w for w, _ in data[name]) * 1000 / n,
        }
    return result


# ---------------------------------------------------------------- one size


def corpus_files(corpus: Path, n: int, sentences: list[str]) -> Path:
    """N import files, written once and reused by later runs (same seed, same text)."""
    folder = corpus / f"files-{n}"
    done = folder / ".complete"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        log(f"writing {n:,} import files to {folder} (kept for later runs) ...")
        bs.write_import_files(folder, n, sentences, first=FIRST_IMPORT)
        done.write_text(str(n), encoding="utf-8")
    return folder


IMPORT_PROBE = r"""
import json, resource, sys, time
sys.path.insert(0, {tui!r})
from jjj_brief import imports
from jjj_brief.paths import LibraryPaths
from jjj_brief.search import ensure_index
ensure_index()  # the seeds' index exists before the import, as for a user
def rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
start = time.perf_counter(), time.process_time()
outcomes = imports.add_files([{folder!r}])
stored = time.perf_counter() - start[0], time.process_time() - start[1]
stored_peak = rss()
children = resource.getrusage(resource.RUSAGE_CHILDREN)
status = ensure_index()
wall, cpu = time.perf_counter() - start[0], time.process_time() - start[1]
after = resource.getrusage(resource.RUSAGE_CHILDREN)
root = LibraryPaths.current().search
print(json.dumps({{
    "imported": sum(o.status == "imported" for o in outcomes), "store_wall": stored[0], "store_cpu": stored[1],
    "store_peak_mb": stored_peak, "index_wall": wall - stored[0], "index_cpu": cpu - stored[1],
    "index_workers_cpu": after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime,
    "wall": wall, "cpu": cpu, "peak_mb": rss(), "engine": status.engine, "action": status.action,
    "documents": status.documents, "generation": str(root / (root / "CURRENT").read_text().strip()),
}}))
"""


def run_import(folder: Path, home: Path) -> dict[str, Any]:
    code = IMPORT_PROBE.format(tui=str(ROOT / "tui"), folder=str(folder))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ, JJJ_BRIEF_HOME=str(home))
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout)


def imported_texts(n: int, sentences: list[str]) -> Iterator[Article]:
    """The articles of the imported files (the same synthetic numbers), for the other engines."""
    for i in range(n):
        yield bs.synthetic_article(FIRST_IMPORT + i, sentences)


def build_apart(engine: str, place: Path, n: int, sentences: list[str]) -> dict[str, Any]:
    """FTS5 (or Whoosh) over the same texts as the imported files, with bench_search's builders."""
    original = bs.corpus
    bs.corpus = imported_texts
    try:
        return bs.build_fts(place, n, sentences) if engine == "fts5" else bs.build_ours(engine, place, n, sentences)
    finally:
        bs.corpus = original


def search_rows(places: dict[str, str]) -> dict[str, Any]:
    warm = bs.probe(places, "warm")
    rows: dict[str, Any] = {}
    for engine in places:
        rows[engine] = bs.summarize(warm["timings"][engine])
        rows[engine]["per_query"] = {
            bs.QUERIES[int(i)][0]: [statistics.median(w for w, _ in runs[1:]) * 1000, warm["totals"][engine][i]]
            for i, runs in warm["timings"][engine].items()
        }
    return rows


def measure_size(n: int, args: argparse.Namespace, sentences: list[str], work: Path) -> dict[str, Any]:
    result: dict[str, Any] = {"articles": n}
    folder = corpus_files(args.corpus, n, sentences)
    home = fresh_home(f"size{n}")
    log(f"[{n:,}] import (store + index) ...")
    imported = run_import(folder, home)
    result["import"] = imported
    log(
        f"[{n:,}] stored {imported['imported']:,} in {imported['store_wall']:.1f} s ({imported['store_cpu']:.1f} CPU), "
        f"indexed in {imported['index_wall']:.1f} s ({imported['index_cpu']:.1f} CPU + "
        f"{imported['index_workers_cpu']:.1f} in workers), {imported['engine']}, peak {imported['peak_mb']:.0f} MB"
    )
    log(f"[{n:,}] FTS5 build ...")
    result["fts5_build"] = build_apart("fts5", work / f"fts5-{n}.sqlite", n, sentences)
    places = {"ours": imported["generation"], "fts5": str(work / f"fts5-{n}.sqlite")}
    if n <= args.whoosh_max and imported["engine"] != "whoosh":
        log(f"[{n:,}] Whoosh build (for its column; not the engine this size selects) ...")
        result["whoosh_build"] = build_apart("whoosh", work / f"whoosh-{n}", n, sentences)
        places["whoosh"] = str(work / f"whoosh-{n}")
    log(f"[{n:,}] queries, engines taking turns ...")
    probe_places = {("tantivy" if k == "ours" else k): v for k, v in places.items()}  # probe keys engine names
    if imported["engine"] == "whoosh":
        probe_places = {"whoosh": places["ours"], "fts5": places["fts5"]}
    result["search"] = search_rows(probe_places)
    result["ours_engine"] = imported["engine"]
    result["cold"] = {}
    for engine, place in probe_places.items():
        cold = bs.probe({engine: place}, "cold")
        result["cold"][engine] = {k: [v[0] * 1000, v[1] * 1000] for k, v in cold.items()}
    result["index_check"] = bs.timed_cli(["index", "--json"], home, repeat=3)
    result["search_cli"] = bs.timed_cli(["search", "Xiongan", "--json"], home, repeat=3)
    one = work / f"one-more-{n}"
    bs.write_import_files(one, 3, sentences, first=9_000_000)
    runs = [bs.timed_cli(["import", str(path), "--json"], home, warm=False) for path in sorted(one.iterdir())]
    result["one_more"] = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    log(f"[{n:,}] one more import: {result['one_more']['wall_ms']:.0f} ms wall, {result['one_more']['cpu_ms']:.0f} CPU")
    shutil.rmtree(home, ignore_errors=True)
    for entry in work.iterdir():
        if entry.name.endswith((f"-{n}", f"-{n}.sqlite")):
            shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink()
    return result


# ---------------------------------------------------------------- report


def met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def render(data: dict[str, Any], argv: list[str]) -> str:
    load = os.getloadavg()
    out = [
        "# Issue #12, core: start-up, import, build and search in one run",
        "",
        f"Command: `.venv/bin/python bench/bench_search_all.py {' '.join(argv)}`".rstrip("` ") + "`",
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs shared; load average at the end "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}; Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}.",
        f"Run {data['started']} to {data.get('finished', '(running)')} UTC. Wall times are only comparable at idle; "
        "CPU is the steadier figure on this shared machine.",
        "",
    ]
    startup = data.get("startup")
    if startup:
        v, s = startup["version"], startup["search"]
        out += [
            f"## Start-up (seeds, fresh processes taking turns, median of {data['args']['startup_rounds']})",
            "",
            "| command | wall ms | CPU ms | target | met (wall) |",
            "| --- | ---: | ---: | ---: | --- |",
            f"| `jjj-brief --version` | {v['wall_ms']:.0f} | {v['cpu_ms']:.0f} | ≤ 100 | {met(v['wall_ms'] <= 100)} |",
            f"| `jjj-brief search Xiongan --json` | {s['wall_ms']:.0f} | {s['cpu_ms']:.0f} | ≤ 300 | "
            f"{met(s['wall_ms'] <= 300)} |",
            "",
        ]
    wb = data.get("whoosh_build")
    if wb:
        a, w, t = wb["analyzer"], wb["whoosh"], wb["tantivy"]
        share = 1 - a["cpu_ms_per_article"] / w["cpu_ms_per_article"]
        out += [
            f"## Build cost per article ({wb['articles']} articles, {wb['passages']:,} passages, no figures, "
            "one process, taking turns)",
            "",
            "| step | CPU ms / article | wall ms / article |",
            "| --- | ---: | ---: |",
            f"| our analyzer alone (`index_terms` on every passage) | {a['cpu_ms_per_article']:.1f} | "
            f"{a['wall_ms_per_article']:.1f} |",
            f"| Whoosh build (analyzer + Whoosh's writer) | {w['cpu_ms_per_article']:.1f} | {w['wall_ms_per_article']:.1f} |",
            f"| tantivy build (analyzer + tantivy) | {t['cpu_ms_per_article']:.1f} | {t['wall_ms_per_article']:.1f} |",
            "",
            f"Whoosh's own part: {share:.0%} of its build. Target: 3× faster than 28.0 ms = 9.3 ms an article; "
            f"the floor with a free analyzer is {w['cpu_ms_per_article'] - a['cpu_ms_per_article']:.1f} ms.",
            "",
        ]
    for size in data.get("sizes", []):
        out += render_size(size)
    return "\n".join(out) + "\n"


def render_size(r: dict[str, Any]) -> list[str]:
    n, imp = r["articles"], r["import"]
    fts = r["fts5_build"]
    out = [
        f"## {n:,} articles ({imp['documents']:,} documents; ours on {r['ours_engine']})",
        "",
        "| step | wall s | CPU s (this process + workers) | rate / s (wall) | peak RSS MB | target | met |",
        "| --- | ---: | ---: | ---: | ---: | --- | --- |",
        f"| store {imp['imported']:,} files | {imp['store_wall']:.1f} | {imp['store_cpu']:.1f} | "
        f"{imp['imported'] / imp['store_wall']:.0f} | {imp['store_peak_mb']:.0f} | | |",
        f"| index them ({imp['action']}) | {imp['index_wall']:.1f} | {imp['index_cpu']:.1f} + "
        f"{imp['index_workers_cpu']:.1f} | {imp['imported'] / imp['index_wall']:.0f} | {imp['peak_mb']:.0f} | "
        + (f"≤ 60 s at 10k | {met(imp['index_wall'] <= 60)} |" if n == 10000 else "| |"),
        f"| import = store + index | {imp['wall']:.1f} | {imp['cpu']:.1f} + {imp['index_workers_cpu']:.1f} | "
        f"{imp['imported'] / imp['wall']:.0f} | {imp['peak_mb']:.0f} | ≥ 500/s | {met(imp['imported'] / imp['wall'] >= 500)} |",
        f"| FTS5 build, same texts | {fts['build_s']:.1f} | {fts['build_cpu_s']:.1f} | {n / fts['build_s']:.0f} | | | |",
    ]
    if "whoosh_build" in r:
        wb = r["whoosh_build"]
        out.append(
            f"| Whoosh build, same size (apart) | {wb['build_s']:.1f} | {wb['build_cpu_s']:.1f} | {n / wb['build_s']:.0f} | | | |"
        )
    om = r["one_more"]
    out.append(
        f"| one more `jjj-brief import` (median of 3) | {om['wall_ms'] / 1000:.2f} | {om['cpu_ms'] / 1000:.2f} | | | "
        f"≤ 0.5 s | {met(om['wall_ms'] <= 500)} |"
    )
    target = TARGETS["p95"].get(n)
    out += [
        "",
        "| engine | p50 ms | p95 ms | p50 / p95 CPU ms | open ms | first query ms | open + first (CPU) | target p95 | met |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for engine, s in r["search"].items():
        cold = r["cold"][engine]
        ours = engine == r["ours_engine"]
        label = f"**ours ({engine})**" if ours else engine
        tgt = f"≤ {target}" if ours and target else ""
        out.append(
            f"| {label} | {s['p50']:.1f} | {s['p95']:.1f} | {s['p50_cpu']:.1f} / {s['p95_cpu']:.1f} | "
            f"{cold['open'][0]:.0f} | {cold['first'][0]:.0f} | {cold['open'][0] + cold['first'][0]:.0f} "
            f"({cold['open'][1] + cold['first'][1]:.0f}) | {tgt} | {met(s['p95'] <= target) if tgt else ''} |"
        )
    ic, sc = r["index_check"], r["search_cli"]
    out += [
        "",
        f"`jjj-brief index --json` at this size: {ic['wall_ms']:.0f} ms wall, {ic['cpu_ms']:.0f} ms CPU; "
        f"`jjj-brief search Xiongan --json`: {sc['wall_ms']:.0f} ms wall, {sc['cpu_ms']:.0f} ms CPU (medians of 3).",
        "",
        "Per query, median wall ms (matches):",
        "",
        "| query | " + " | ".join(r["search"]) + " |",
        "| --- |" + " ---: |" * len(r["search"]),
    ]
    for query, _ in bs.QUERIES:
        cells = [
            f"{r['search'][e]['per_query'][query][0]:.1f} ({r['search'][e]['per_query'][query][1]})"
            for e in r["search"]
        ]
        out.append(f"| `{query}` | " + " | ".join(cells) + " |")
    return out + [""]


def kept_analysis(report: Path) -> str:
    try:
        old = report.read_text(encoding="utf-8")
    except OSError:
        return ""
    at = old.find("\n## Analysis")
    return old[at:] if at >= 0 else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--whoosh-max", type=int, default=0, help="also build Whoosh (apart) at sizes up to this")
    parser.add_argument("--whoosh-articles", type=int, default=100, help="articles for the build-cost table (0: skip)")
    parser.add_argument("--startup-rounds", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/perf12a/corpus"))
    parser.add_argument("--report", type=Path, default=Path(__file__).with_name("bench_search_all_report.md"))
    parser.add_argument("--json-out", type=Path, default=None)
    args = parser.parse_args()
    args.corpus.mkdir(parents=True, exist_ok=True)
    sentences = bs.seed_sentences()
    work = Path(tempfile.mkdtemp(prefix="jjj-bench-all-"))
    data: dict[str, Any] = {"started": time.strftime("%H:%M"), "args": vars(args) | {"corpus": str(args.corpus)}}
    analysis = kept_analysis(args.report)

    def write() -> None:
        text = render(data, sys.argv[1:])
        args.report.write_text(text + analysis, encoding="utf-8")
        if args.json_out:
            args.json_out.write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")

    try:
        log("start-up ...")
        data["startup"] = measure_startup(args.startup_rounds)
        write()
        if args.whoosh_articles:
            log(f"build cost per article, {args.whoosh_articles} articles ...")
            data["whoosh_build"] = measure_whoosh_build(args.whoosh_articles, rounds=2)
            write()
        data["sizes"] = []
        for n in sorted(args.sizes):
            data["sizes"].append(measure_size(n, args, sentences, work))
            write()
        data["finished"] = time.strftime("%H:%M")
        data["children_cpu_s"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
        write()
        print(render(data, sys.argv[1:]), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(bs.HOME, ignore_errors=True)


if __name__ == "__main__":
    main()
