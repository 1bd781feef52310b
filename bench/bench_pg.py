"""Team-mode benchmark: the shared corpus on PostgreSQL beside tantivy, same passages.

Generates N synthetic articles (seeded RNG, sentences of the shipped seeds, ~1.5 KB and
2-3 paragraphs each, like a news brief: see ``--article-bytes``) and

* imports them into a local PostgreSQL server through the team code
  (:mod:`jjj_brief.team.bulk`, the rows of :mod:`jjj_brief.team.corpus`: our analyzer's
  terms as tsvector, figures by value), ``--jobs`` processes preparing rows as ``COPY``
  text and one writing them (articles, passages, figures, then the vocabulary counts);
  the search index (RUM) and the other indexes are built after the load, as a bulk load
  does, on two connections: the search index then the champion lists
  (:func:`jjj_brief.team.champions.build_all`) on one, the other indexes beside them;
  reports articles/s end to end, the server's share (COPY + index build), the CPU of the
  workers, the writer and the server backends, and the size of every table and index;
* builds a tantivy index of the same passages (the embedded engine for large
  collections, :mod:`jjj_brief.search.tantivy_engine`) unless ``--no-tantivy``;
* measures warm search latency, top 10 with snippets and highlights through the real
  search path (:class:`jjj_brief.search.api.Engine`: parsing, natural fallback, figures
  by value, snippets), engines taking turns query by query in one process, ``--rounds``
  rounds (the first a warm-up, not counted): p50 / p95 wall (and client CPU).

The server is a throwaway cluster (``initdb``/``pg_ctl`` in a temporary folder, unix
socket only, run as the ``postgres`` user when we are root) unless ``--url`` names one.

Usage::

    python bench/bench_pg.py --articles 100000 [--articles 1000000] --jobs 2

Writes ``bench/bench_pg_report.md`` (and prints it), keeping its "## Analysis" section.
Not a test: never collected.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import json
import multiprocessing
import os
import platform
import pwd
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tui"))
sys.path.insert(0, str(ROOT / "bench"))
HOME = Path(tempfile.mkdtemp(prefix="jjj-bench-pg-home-"))
os.environ["JJJ_BRIEF_HOME"] = str(HOME)  # never the user's home
atexit.register(shutil.rmtree, HOME, True)

import bench_search  # noqa: E402  (the synthetic corpus and the query set)
from jjj_brief.commands.libraries import default_library  # noqa: E402

PG_BIN = Path(os.environ.get("JJJ_BRIEF_PG_BIN", "/usr/lib/postgresql/15/bin"))
CHUNK = 250  # articles a worker prepares at a time
REPORT = ROOT / "bench" / "bench_pg_report.md"


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- a throwaway server


class Server:
    """initdb + pg_ctl in a temporary folder (unix socket only), as ``postgres`` when root."""

    def __init__(self, work: Path) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="jjj-bench-pg-", dir=work))
        self.root = os.geteuid() == 0
        if self.root:
            owner = pwd.getpwnam("postgres")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]

    def run(self, *args: str) -> None:
        command = ["runuser", "-u", "postgres", "--", *args] if self.root else list(args)
        subprocess.run(command, check=True, capture_output=True, text=True)

    def start(self) -> str:
        data = self.folder / "data"
        self.run(str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C")
        with (data / "postgresql.conf").open("a") as conf:
            # A benchmark server on a shared 2-core machine: modest memory, no fsync wait.
            conf.write(
                "\nshared_buffers = 256MB\nmaintenance_work_mem = 256MB\nwork_mem = 16MB\n"
                "synchronous_commit = off\nmax_wal_size = 4GB\ncheckpoint_timeout = 30min\n"
            )
        self.run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(self.folder / "server.log"),
            "-w",
            "-o",
            f"-p {self.port} -k {self.folder} -c listen_addresses=''",
            "start",
        )
        self.run(str(PG_BIN / "createdb"), "-h", str(self.folder), "-p", str(self.port), "-U", "postgres", "jjj")
        return f"postgresql://postgres@/jjj?host={self.folder}&port={self.port}"

    def stop(self) -> None:
        self.run(str(PG_BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


# ---------------------------------------------------------------- preparing rows (worker processes)

_SENTENCES: list[str] = []
_TOTAL = 0


def _init_worker(sentences: list[str], total: int, article_bytes: int) -> None:
    global _SENTENCES, _TOTAL
    _SENTENCES, _TOTAL = sentences, total
    bench_search.ARTICLE_BYTES = article_bytes
    # A worker keeps nothing between batches: what is loaded now (modules, lexicons) is
    # never collected, and collections come 70 times less often (~5% of the CPU of
    # preparing a batch: 1.52 -> 1.44 ms an article, 2,000 articles, best of 3).
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def prepare(first: int, count: int):  # -> jjj_brief.team.bulk.PreparedRows
    """The rows of articles first..first+count, as COPY text (:func:`jjj_brief.team.bulk.prepare_rows`)."""
    from jjj_brief.team.bulk import prepare_rows

    return prepare_rows((bench_search.synthetic_article(i, _SENTENCES) for i in range(first, first + count)), _TOTAL)


def backend_cpu(conn) -> float:
    """CPU seconds the server process serving ``conn`` has used (``/proc/<pid>/schedstat``)."""
    pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):  # another host
        return float("nan")


# ---------------------------------------------------------------- the load


INDEXES_SQL = "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('passages', 'figures')"


def replicate(url: str, copies: int, tag: str = "") -> float:
    """Copy every article, passage and figure ``copies - 1`` times inside the server (new
    ids, article ids suffixed ``-cK``), counts multiplied: a collection ``copies`` times
    larger with the same distribution of words, without the Python analysis per article."""
    import psycopg

    from jjj_brief.team.corpus import PASSAGE_COLUMNS

    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        top = conn.execute("SELECT max(id) FROM passages").fetchone()[0]
        conn.execute(
            "INSERT INTO articles (id, source, file, title, outlet, date, text, record, import_key) "
            "SELECT a.id || '-' || %s || 'c' || k, a.source, a.file, a.title, a.outlet, a.date, a.text, a.record, a.import_key "
            "FROM articles a, generate_series(1, %s) k",
            (tag, copies - 1),
        )
        columns = [c for c in PASSAGE_COLUMNS if c not in ("id", "article", "source_article")]
        conn.execute(
            f"INSERT INTO passages (id, article, source_article, {', '.join(columns)}) OVERRIDING SYSTEM VALUE "
            f"SELECT p.id + k * %s, p.article || '-' || %s || 'c' || k, p.source_article || '-' || %s || 'c' || k, "
            f"{', '.join('p.' + c for c in columns)} FROM passages p, generate_series(1, %s) k",
            (top, tag, tag, copies - 1),
        )
        conn.execute(
            "INSERT INTO figures (passage, value, tolerance, unit, likely) "
            "SELECT f.passage + k * %s, f.value, f.tolerance, f.unit, f.likely FROM figures f, generate_series(1, %s) k",
            (top, copies - 1),
        )
        conn.execute("SELECT setval(pg_get_serial_sequence('passages', 'id'), %s)", (top * copies,))
        conn.execute("UPDATE search_vocab SET docs = docs * %s", (copies,))
        conn.execute("UPDATE search_terms SET docs = docs * %s", (copies,))
    return time.perf_counter() - started


SIZES_SQL = (
    "SELECT relname, pg_total_relation_size(oid) FROM pg_class WHERE relname IN "
    "('articles', 'passages', 'figures', 'search_vocab', 'search_terms', 'passages_terms', 'search_champions')"
)


def build_champions(url: str) -> int:
    """Every champion list from scratch (:func:`jjj_brief.team.champions.build_all`, one
    transaction: the lists' keys are made after the rows are in); returns lists built."""
    import psycopg

    from jjj_brief.team import champions

    with psycopg.connect(url) as conn:
        lists = champions.build_all(conn)
        conn.commit()
    return lists


def finish(url: str, indexes: list, copies: int, rows_s: float, jobs: int = 1) -> dict:
    """Build the indexes and the champion lists of a loaded database; times and sizes.

    Two tracks, on two connections when ``jobs`` > 1 (the server then works on both cores):
    the search index, then the champion lists (which rank on it); the other indexes beside
    them."""
    import psycopg

    log(f"  postgres: rows in after {rows_s:.0f} s; building indexes and champion lists")
    search_index = [d for _, d in indexes if " rum " in d.lower() or "(terms" in d]
    others = [d for _, d in indexes if d not in search_index]
    times: dict[str, float] = {}

    def ranked_track() -> float:
        from jjj_brief.team import champions

        with psycopg.connect(url) as conn:
            cpu = backend_cpu(conn)
            t0 = time.perf_counter()
            for definition in search_index:
                conn.execute(definition)
            conn.execute("ANALYZE passages")
            conn.commit()
            times["index_s"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            times["lists"] = champions.build_all(conn)
            conn.commit()
            times["champions_s"] = time.perf_counter() - t0
            return backend_cpu(conn) - cpu

    def other_track() -> float:
        with psycopg.connect(url, autocommit=True) as conn:
            cpu = backend_cpu(conn)
            t0 = time.perf_counter()
            for definition in others:
                conn.execute(definition)
            for table in ("articles", "figures", "search_terms"):
                conn.execute(f"ANALYZE {table}")
            times["other_index_s"] = time.perf_counter() - t0
            return backend_cpu(conn) - cpu

    t0 = time.perf_counter()
    with ThreadPoolExecutor(min(jobs, 2)) as pool:
        tracks = [pool.submit(other_track), pool.submit(ranked_track)]
        post_cpu = sum(track.result() for track in tracks)
    post_s = time.perf_counter() - t0
    log(
        f"  postgres: search index {times['index_s']:.0f} s, {times['lists']:,.0f} champion lists "
        f"{times['champions_s']:.0f} s, other indexes {times['other_index_s']:.0f} s: {post_s:.0f} s in all"
    )
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE search_champions")
        sizes = dict(conn.execute(SIZES_SQL).fetchall())
        database = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        passages = conn.execute("SELECT count(*) FROM passages").fetchone()[0]
    return {
        **times,
        "post_s": post_s,
        "post_server_cpu_s": post_cpu,
        "sizes": sizes,
        "database": database,
        "passages": passages,
        "copies": copies,
    }


def load(
    url: str,
    n: int,
    jobs: int,
    sentences: list[str],
    article_bytes: int,
    copies: int = 1,
    on_base: Callable[[dict], None] | None = None,
    stage: int = 1,
) -> dict:
    """Generate and import ``n`` articles (then copy them ``copies`` times in all); with
    ``on_base``, the database at ``n`` articles (indexed) is handed to it first."""
    import psycopg

    from jjj_brief.team.bulk import write_rows
    from jjj_brief.team.corpus import Counts, apply_counts
    from jjj_brief.team.migrations import migrate

    with psycopg.connect(url, autocommit=True) as conn:
        migrate(conn)
        indexes = [row for row in conn.execute(INDEXES_SQL).fetchall() if not row[0].endswith("_pkey")]
        for name, _ in indexes:  # a bulk load builds its indexes after the rows are in
            conn.execute(f"DROP INDEX {name}")
        kind = conn.execute("SELECT value FROM team_settings WHERE key = 'search_index'").fetchone()[0]
    totals = Counts()
    passages = 0
    copy_s = 0.0
    started = time.perf_counter()
    cpu = time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    last = started
    chunks = [(first, min(CHUNK, n - first)) for first in range(0, n, CHUNK)]
    with multiprocessing.Pool(jobs, _init_worker, (sentences, n, article_bytes)) as pool:
        with psycopg.connect(url) as conn:
            server_cpu = backend_cpu(conn)
            for done, prepared in enumerate(pool.imap(_prepare_star, chunks), 1):
                t0 = time.perf_counter()
                write_rows(conn, prepared)
                conn.commit()
                copy_s += time.perf_counter() - t0
                totals.words.update(prepared.words)
                totals.terms.update(prepared.terms)
                passages += len(prepared.passages)
                if time.perf_counter() - last > 30:
                    last = time.perf_counter()
                    rate = done * CHUNK / (last - started)
                    log(f"  postgres: {done * CHUNK:,}/{n:,} articles, {rate:,.0f}/s")
            t0 = time.perf_counter()
            apply_counts(conn, totals)
            conn.commit()
            counts_s = time.perf_counter() - t0
            server_cpu = backend_cpu(conn) - server_cpu
    load_s = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    replicate_s = 0.0
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("INSERT INTO team_settings (key, value) VALUES ('aliases', %s)", (json.dumps(_aliases()),))
    done = 1
    if copies > 1 and on_base is not None:  # search at the generated size (or x``stage``) first
        if stage > 1:
            log(f"  postgres: rows in after {load_s:.0f} s; copying them x{stage} inside the server")
            replicate_s += replicate(url, stage, "a")
            done = stage
        base = finish(url, indexes, done, load_s + replicate_s, jobs)
        on_base(
            {
                **base,
                "articles": n * done,
                "replicate_s": replicate_s,
                "search_index": kind,
                "load_s": load_s,
                "copy_s": copy_s,
                "counts_s": counts_s,
                "total_s": load_s + base["post_s"],
                "load_server_cpu_s": server_cpu,
                "client_cpu_s": time.process_time() - cpu,
                "workers_cpu_s": workers_cpu,
                "articles_per_s": n / load_s,
                "server_articles_per_s": n * done / (copy_s + counts_s + replicate_s + base["post_s"]),
            }
        )
        with psycopg.connect(url, autocommit=True) as conn:
            for name, _ in indexes:
                conn.execute(f"DROP INDEX {name}")
            conn.execute("UPDATE search_terms SET champions = NULL")
            conn.execute("TRUNCATE search_champions")
    if copies > done:
        log(f"  postgres: copying x{copies // done} more inside the server")
        replicate_s += replicate(url, copies // done, "b")
    built = finish(url, indexes, copies, load_s + replicate_s, jobs)
    index_s, champions_s = built["index_s"], built["champions_s"]
    sizes, database = built["sizes"], built["database"]
    total_s = load_s + built["post_s"]
    return {
        "post_s": built["post_s"],
        "other_index_s": built["other_index_s"],
        "load_server_cpu_s": server_cpu,
        "post_server_cpu_s": built["post_server_cpu_s"],
        "articles": n,
        "copies": copies,
        "replicate_s": replicate_s,
        "passages": built["passages"],
        "search_index": kind,
        "load_s": load_s,
        "copy_s": copy_s,
        "counts_s": counts_s,
        "index_s": index_s,
        "champions_s": champions_s,
        "lists": built["lists"],
        "total_s": total_s,
        "client_cpu_s": time.process_time() - cpu,
        "workers_cpu_s": workers_cpu,
        "articles_per_s": n * copies / (total_s + replicate_s) if copies == 1 else n / load_s,
        "server_articles_per_s": n * copies / (copy_s + counts_s + built["post_s"] + replicate_s),
        "sizes": sizes,
        "database": database,
    }


def loaded_before(url: str, n: int, copies: int) -> dict:
    """What a database loaded by an earlier run holds (no import times: not measured here)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        sizes = dict(conn.execute(SIZES_SQL).fetchall())
        database = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        passages = conn.execute("SELECT count(*) FROM passages").fetchone()[0]
        kind = conn.execute("SELECT value FROM team_settings WHERE key = 'search_index'").fetchone()[0]
    nan = float("nan")
    return {
        "articles": n,
        "copies": copies,
        "replicate_s": 0.0,
        "passages": passages,
        "search_index": kind,
        "load_s": nan,
        "copy_s": nan,
        "counts_s": nan,
        "index_s": nan,
        "champions_s": nan,
        "lists": 0,
        "total_s": nan,
        "client_cpu_s": nan,
        "workers_cpu_s": nan,
        "articles_per_s": nan,
        "server_articles_per_s": nan,
        "sizes": sizes,
        "database": database,
    }


def _prepare_star(args: tuple[int, int]):
    return prepare(*args)


def _aliases() -> list[list[str]]:
    from jjj_brief.search.api import alias_groups

    return alias_groups(library=default_library())


# ---------------------------------------------------------------- tantivy on the same passages


def build_tantivy(folder: Path, n: int, sentences: list[str]) -> dict:
    result = bench_search.build_ours("tantivy", folder, n, sentences)
    return {"build_s": result["build_s"], "passages": result["passages"], "size": result["size"]}


# ---------------------------------------------------------------- searching


EXHAUSTIVE = "postgres, no champion lists"


def engines(url: str | None, tantivy_folder: Path | None) -> dict:
    from jjj_brief.search.api import Engine
    from jjj_brief.search.index import open_generation
    from jjj_brief.search.query import QueryContext
    from jjj_brief.team.search import PgGeneration, team_generation
    from jjj_brief.team.search_index import PgIndex

    out: dict = {}
    if url is None:  # --tantivy-only
        opened = open_generation(tantivy_folder)
        return {"tantivy": Engine(opened, QueryContext.build(opened.aliases, list(opened.vocab)))}
    os.environ["JJJ_BRIEF_DATABASE_URL"] = url
    generation, context = team_generation(default_library().team())
    exhaustive = PgIndex(default_library().team())
    exhaustive.champion_settings = lambda: (2**62, 0)  # type: ignore[method-assign]  # every query on the index
    out = {"postgres": Engine(generation, context), EXHAUSTIVE: Engine(PgGeneration(exhaustive), context)}
    if tantivy_folder is not None:
        opened = open_generation(tantivy_folder)
        out["tantivy"] = Engine(opened, QueryContext.build(opened.aliases, list(opened.vocab)))
    return out


class ServerClock:
    """CPU time of the database's server processes (the backends serving the search
    connections), from ``/proc/<pid>/schedstat`` (nanoseconds on a CPU): on a machine
    shared with other jobs, the wall time of a query says how loaded the machine was, its
    CPU time (client + server) what the query cost."""

    def __init__(self, url: str | None) -> None:
        import psycopg

        self._conn = psycopg.connect(url, autocommit=True) if url else None

    def seconds(self) -> float:
        if self._conn is None:
            return 0.0
        rows = self._conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
        total = 0
        for (pid,) in rows:
            try:
                total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
            except (OSError, ValueError, IndexError):  # a backend that just ended, or another host
                continue
        return total / 1e9

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()


def measure(runs: dict, rounds: int, exhaustive_rounds: int, url: str | None = None) -> dict:
    """Warm latency per engine (engines take turns query by query); the exhaustive
    PostgreSQL ranking takes part in the last ``exhaustive_rounds`` rounds only (seconds a
    query at a million articles; with 1, a warm-up only: compared, not timed), and the
    champion-list top 10 is compared with it. With ``url``: also the server's CPU time."""
    names = list(runs)
    clock = ServerClock(url)
    timings: dict[str, list[tuple[float, float, float]]] = {name: [] for name in names}
    totals: dict[str, dict[str, int]] = {name: {} for name in names}
    tops: dict[str, dict[str, list]] = {name: {} for name in names}
    paths: dict[str, str] = {}
    queries = [ours for ours, _ in bench_search.QUERIES]
    for round_ in range(rounds):
        for i, query in enumerate(queries):
            order = names[i % len(names) :] + names[: i % len(names)]
            for name in order:
                if name == EXHAUSTIVE and round_ < rounds - exhaustive_rounds:
                    continue
                server = clock.seconds() if name != "tantivy" else 0.0
                wall, cpu = time.perf_counter(), time.process_time()
                result = runs[name].fresh().run(query, limit=10)
                elapsed_wall, elapsed_cpu = time.perf_counter() - wall, time.process_time() - cpu
                server = (clock.seconds() - server) if name != "tantivy" else 0.0
                assert all(hit.snippet for hit in result.hits), (name, query)
                elapsed = (elapsed_wall, elapsed_cpu, server)
                if round_ and not (name == EXHAUSTIVE and round_ == rounds - exhaustive_rounds):
                    timings[name].append(elapsed)
                totals[name][query] = result.total_label  # "10+": at least (the API's inexact total)
                tops[name][query] = [(hit.article, hit.start, hit.kind, round(hit.score, 5)) for hit in result.hits]
                if name == "postgres":
                    paths[query] = getattr(runs[name]._searcher, "last_path", "")
    clock.close()
    out = {}
    for name in names:
        walls = [w * 1000 for w, _, _ in timings[name]]
        cpus = [c * 1000 for _, c, _ in timings[name]]
        both = [(c + sv) * 1000 for _, c, sv in timings[name]]
        nan = float("nan")
        out[name] = {
            "p50": bench_search.percentile(walls, 0.5) if walls else nan,
            "p95": bench_search.percentile(walls, 0.95) if walls else nan,
            "p50_cpu": bench_search.percentile(cpus, 0.5) if cpus else nan,
            "p95_cpu": bench_search.percentile(cpus, 0.95) if cpus else nan,
            "p50_all_cpu": bench_search.percentile(both, 0.5) if both else nan,
            "p95_all_cpu": bench_search.percentile(both, 0.95) if both else nan,
            "mean": statistics.mean(walls) if walls else nan,
            "timed": len(walls),
            "totals": totals[name],
        }
    if EXHAUSTIVE in out and tops[EXHAUSTIVE]:  # (--exhaustive-rounds 0: not run, nothing to compare)
        out["postgres"]["paths"] = paths
        out["postgres"]["same_top"] = {
            query: _same(tops["postgres"][query], tops[EXHAUSTIVE][query]) for query in queries
        }
    return out


def _same(champions: list, exhaustive: list) -> str:
    """How many of the exhaustive top 10 the champion lists found ("=": the same passages
    with the same scores; "~": other passages with the same scores, ties); else the same
    passages found, how many found score as high as the true 10th (with exact copies in
    the collection, another copy of a top passage is as good), and the best found's score
    as a share of the true best's."""
    if champions == exhaustive:
        return "="
    if [row[3] for row in champions] == [row[3] for row in exhaustive]:
        return "~ (ties)"
    found = {row[:3] for row in champions} & {row[:3] for row in exhaustive}
    cut = min((row[3] for row in exhaustive), default=0.0)  # the true 10th best score
    scored = sum(1 for row in champions if row[3] >= cut)
    best = champions[0][3] / exhaustive[0][3] if champions and exhaustive and exhaustive[0][3] else 0.0
    return f"{len(found)}/{len(exhaustive)}; by score {scored}/{len(exhaustive)}, best {best:.0%}"


# ---------------------------------------------------------------- report


def mb(size: float) -> str:
    return f"{size / 1e6:,.0f} MB"


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} s"


def _cpu_split(load: dict) -> str:
    """CPU seconds of the preparing workers, the writing process and the server backends."""
    if "load_server_cpu_s" not in load:  # an earlier run's row
        return "-"
    server = load["load_server_cpu_s"] + load.get("post_server_cpu_s", 0.0)
    return f"{load['workers_cpu_s']:,.0f} / {load['client_cpu_s']:,.0f} / {server:,.0f}"


def _total(value: int | str) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def _size(r: dict) -> str:
    copies = r["load"]["copies"]
    return f"{r['generated']:,} x{copies} = {r['articles']:,}" if copies > 1 else f"{r['articles']:,}"


def render(results: list[dict], command: str) -> str:
    lines = [
        "# Team mode on PostgreSQL: import and search beside tantivy",
        "",
        "Produced by "
        + "; ".join(dict.fromkeys(f"`{r.get('command', command)}`" for r in results))
        + f" (last run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}), "
        f"{platform.machine()}, {os.cpu_count()} cores shared with other jobs, Python {platform.python_version()}, "
        f"PostgreSQL 15 ({results[0]['load']['search_index'].upper()} search index).",
        "",
        "Articles: synthetic, seeded, assembled from the shipped seeds' sentences, "
        f"~{results[0]['article_bytes']:,} bytes and {results[0]['load']['passages'] / results[0]['articles']:.1f} "
        "passages each. Import: the team code's rows (our analyzer's terms as tsvector, figures by value) "
        "prepared by worker processes, written with COPY, indexes built after the load. Search: the real "
        "search path, top 10 with snippets and highlights, engines taking turns query by query "
        f"({len(bench_search.QUERIES)} queries, warm rounds only).",
        "",
        "## Import",
        "",
        "| articles | passages | end to end | articles/s | rows in (prepared + COPY) | vocabulary | "
        "copied in the server | search index | champion lists | other indexes (beside) | "
        "server share articles/s | preparing CPU/article | CPU s: workers / writer / server | database | "
        "passages + index | search index alone | champion lists size | tantivy build | tantivy size |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        load, tv = r["load"], r.get("tantivy") or {}
        sizes = load["sizes"]
        if load["load_s"] != load["load_s"]:  # NaN: a database loaded by an earlier run (--search-only)
            lines.append(
                f"| {_size(r)} | {load['passages']:,} | loaded earlier (see the analysis) | | | | | | "
                f"{'%.0f s (%s)' % (load['champions_s'], format(load['lists'], ',')) if load['lists'] else ''} "
                "| | | | | "
                f"{mb(load['database'])} | {mb(sizes.get('passages', 0))} | "
                f"{mb(sizes.get('passages_terms', 0))} | {mb(sizes.get('search_champions', 0))} | not run | |"
            )
            continue
        lines.append(
            f"| {_size(r)} | {load['passages']:,} | {load['total_s'] + load['replicate_s']:,.0f} s | "
            f"{load['articles_per_s']:,.0f} | "
            f"{load['load_s']:,.0f} s | {load['counts_s']:,.1f} s | "
            f"{'%.0f s' % load['replicate_s'] if load['copies'] > 1 else '-'} | {load['index_s']:,.0f} s | "
            f"{load.get('champions_s', float('nan')):,.0f} s ({load.get('lists', 0):,}) | "
            f"{_seconds(load.get('other_index_s'))} | "
            f"{load['server_articles_per_s']:,.0f} | "
            f"{(load['workers_cpu_s'] + load['client_cpu_s']) / r['generated'] * 1000:.2f} ms | "
            f"{_cpu_split(load)} | "
            f"{mb(load['database'])} | {mb(sizes.get('passages', 0))} | "
            f"{mb(sizes.get('passages_terms', 0))} | {mb(sizes.get('search_champions', 0))} | "
            + (f"{tv['build_s']:,.0f} s | {mb(tv['size'])} |" if tv else "not run | |")
        )
    lines += [
        "",
        "## Search (warm, ms, wall; client CPU in brackets)",
        "",
        "CPU, client + server: this process's CPU time plus the server backends' (`/proc/<pid>/schedstat`), "
        "per query; on a shared machine this is what a query costs, the wall time also says how loaded "
        "the machine was. Timed: warm runs counted.",
        "",
        "| articles | engine | p50 | p95 | mean | CPU client + server p50 | p95 | timed |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        for name, s in r["search"].items():
            if not s.get("timed", 1):
                lines.append(f"| {_size(r)} | {name} | not timed (compared only) | | | | | 0 |")
                continue
            lines.append(
                f"| {_size(r)} | {name} | {s['p50']:.1f} ({s['p50_cpu']:.1f}) | "
                f"{s['p95']:.1f} ({s['p95_cpu']:.1f}) | {s['mean']:.1f} | "
                f"{s.get('p50_all_cpu', float('nan')):.1f} | {s.get('p95_all_cpu', float('nan')):.1f} | "
                f"{s.get('timed', '')} |"
            )
    lines += ["", "## Totals per query (matching passages; `+`: at least)", ""]
    for r in results:
        names = list(r["search"])
        lines.append(f"{_size(r)} articles: " + "; ".join(names))
        lines.append("")
        extra = "same_top" in r["search"].get("postgres", {})
        head = " | ".join(names) + (" | answered by | champion top 10 vs exhaustive" if extra else "")
        lines.append("| query | " + head + " |")
        lines.append("| --- | " + " | ".join("---:" for _ in names) + (" | --- | ---" if extra else "") + " |")
        for query in r["search"][names[0]]["totals"]:
            cells = " | ".join(_total(r["search"][n]["totals"].get(query, "")) for n in names)
            if extra:
                pg = r["search"]["postgres"]
                cells += f" | {pg['paths'].get(query, '')} | {pg['same_top'].get(query, '')}"
            lines.append(f"| `{query}` | {cells} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def kept_analysis() -> str:
    if not REPORT.is_file():
        return ""
    text = REPORT.read_text(encoding="utf-8")
    at = text.find("## Analysis")
    return text[at:] if at >= 0 else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, action="append", help="collection size (repeat for several)")
    parser.add_argument("--article-bytes", type=int, default=1_500)
    parser.add_argument("--jobs", type=int, default=2, help="processes preparing rows")
    parser.add_argument("--rounds", type=int, default=4, help="search rounds (the first is not counted)")
    parser.add_argument("--url", help="an existing empty database instead of a throwaway server")
    parser.add_argument("--no-tantivy", action="store_true")
    parser.add_argument(
        "--copies",
        type=int,
        default=1,
        help="after generating --articles, copy them inside the server this many times in all "
        "(a larger collection without the per-article Python analysis; tantivy is then not built)",
    )
    parser.add_argument(
        "--search-base",
        action="store_true",
        help="with --copies: also measure search at the generated size, before copying",
    )
    parser.add_argument(
        "--stage",
        type=int,
        default=1,
        help="with --search-base: copy the generated articles this many times in all before that search "
        "(a divisor of --copies)",
    )
    parser.add_argument(
        "--exhaustive-rounds",
        type=int,
        default=2,
        help="rounds (the last ones; the first of them a warm-up) that also rank without champion lists",
    )
    parser.add_argument(
        "--tantivy-only",
        action="store_true",
        help="build and search tantivy alone (same articles and queries); writes only the --report's .json",
    )
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--report", type=Path, default=REPORT)
    parser.add_argument(
        "--search-only",
        action="store_true",
        help="with --url: measure search on a database loaded before (no import, no tantivy)",
    )
    parser.add_argument(
        "--rebuild-champions",
        action="store_true",
        help="with --search-only: build every champion list again first (timed; champions.build_all, one transaction)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the sizes already in the report's .json (another size run apart)"
    )
    args = parser.parse_args()
    sizes = args.articles or [100_000]
    bench_search.ARTICLE_BYTES = args.article_bytes
    sentences = bench_search.seed_sentences()
    results = []
    for n in sizes:
        if args.tantivy_only:  # the embedded engine alone, same passages and queries
            log(f"{n:,} articles: tantivy build")
            tantivy_folder = Path(tempfile.mkdtemp(prefix="jjj-bench-tantivy-", dir=args.work)) / "index"
            try:
                tantivy = build_tantivy(tantivy_folder, n, sentences)
                log(f"{n:,} articles: searching")
                search = measure(engines(None, tantivy_folder), args.rounds, args.exhaustive_rounds)
            finally:
                shutil.rmtree(tantivy_folder.parent, ignore_errors=True)
            results.append({"articles": n, "generated": n, "tantivy": tantivy, "search": search})
            continue
        if args.search_only and not args.url:
            parser.error("--search-only needs --url")
        server = None if args.url else Server(args.work)
        url = args.url or server.start()
        tantivy_folder = None
        try:
            log(f"{n:,} articles: PostgreSQL import")

            def base(loaded: dict, n: int = n, url: str = url) -> None:
                log(f"{n:,} articles (before copying): searching")
                search = measure(engines(url, None), args.rounds, args.exhaustive_rounds, url)
                results.append(
                    {
                        "articles": loaded["articles"],
                        "generated": n,
                        "article_bytes": args.article_bytes,
                        "load": loaded,
                        "tantivy": None,
                        "search": search,
                    }
                )
                from jjj_brief.commands.libraries import forget_libraries

                forget_libraries()  # closes the libraries and their team pools

            if args.search_only:
                loaded = loaded_before(url, n, args.copies)
                if args.rebuild_champions:
                    log(f"{n * args.copies:,} articles: building champion lists")
                    t0 = time.perf_counter()
                    loaded["lists"] = build_champions(url)
                    loaded["champions_s"] = time.perf_counter() - t0
                    log(f"  {loaded['lists']:,} lists in {loaded['champions_s']:.0f} s")
            else:
                loaded = load(
                    url,
                    n,
                    args.jobs,
                    sentences,
                    args.article_bytes,
                    args.copies,
                    on_base=base if args.search_base else None,
                    stage=args.stage,
                )
            log(f"  {loaded['articles_per_s']:,.0f} articles/s end to end")
            tantivy = None
            if not args.no_tantivy and args.copies == 1 and not args.search_only:
                log(f"{n:,} articles: tantivy build")
                tantivy_folder = Path(tempfile.mkdtemp(prefix="jjj-bench-tantivy-", dir=args.work)) / "index"
                tantivy = build_tantivy(tantivy_folder, n, sentences)
            log(f"{n:,} articles: searching")
            search = measure(engines(url, tantivy_folder), args.rounds, args.exhaustive_rounds, url)
            results.append(
                {
                    "articles": n * args.copies,
                    "generated": n,
                    "article_bytes": args.article_bytes,
                    "load": loaded,
                    "tantivy": tantivy,
                    "search": search,
                }
            )
            from jjj_brief.commands.libraries import forget_libraries

            forget_libraries()  # closes the libraries and their team pools
        finally:
            if tantivy_folder is not None:
                shutil.rmtree(tantivy_folder.parent, ignore_errors=True)
            if server is not None:
                server.stop()
    command = "python bench/bench_pg.py " + " ".join(sys.argv[1:])
    saved = args.report.with_suffix(".json")
    if args.keep and saved.is_file():
        earlier = json.loads(saved.read_text(encoding="utf-8"))
        for r in earlier:
            r.setdefault("generated", r["articles"])
            r["load"].setdefault("copies", 1)
            r["load"].setdefault("replicate_s", 0.0)
            r.setdefault("command", "(earlier run)")
        results = [r for r in earlier if r["articles"] not in {x["articles"] for x in results}] + results
    for r in results:
        r.setdefault("command", command)
    results.sort(key=lambda r: r["articles"])
    if args.tantivy_only:
        args.report.with_suffix(".json").write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
        print(json.dumps(results, indent=1, default=str))
        return
    text = render(results, command)
    analysis = kept_analysis()
    args.report.write_text(text + ("\n" + analysis if analysis else ""), encoding="utf-8")
    saved.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
