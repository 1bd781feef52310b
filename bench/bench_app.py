"""Benchmark the app and the CLI start-up (not a test): before/after, CPU and wall time.

    python bench/bench_app.py [--before DIR] [--articles 10000] [--runs 3]
                              [--big-home DIR] [--report bench/bench_app_report.md]

``--before DIR`` is another checkout of jjj-brief (e.g. ``git archive OLD | tar -x -C DIR``):
its ``tui`` goes first on ``PYTHONPATH`` for the "before" column, this checkout's for "after".
Every measurement runs in a fresh process, the two code trees interleaved run by run, so
that load on the machine hits both alike. CPU seconds are the measured process's own
(rusage of the child, or ``process_time`` inside it, threads included). The in-process
measurements wait on the app's own messages (no polling of the screen, which would itself
cost the UI thread time), and stop the clock once the screen has been drawn after them.

1. Start-up: ``jjj-brief --version`` and ``jjj-brief search xiongan --json`` (seeds, index
   built beforehand), wall and CPU of the whole process.
2. First paint with N imported articles (default 10,000, written directly in the store's
   file format): the app started in tmux (140×45); wall from pressing Enter to the first
   frame drawn, the process's CPU then (and how much of it was Python's start-up and the
   imports, and the UI thread's), and when the articles are listed in the tree.
3. Results after typing at N articles (this checkout; its index is built once in the big
   home and reused): last key → results drawn, and the debounce firing → results drawn
   (wall and process CPU), of which the search itself.
4. Opening a 10 MB imported article (in-process pilot): open → first screen drawn (the
   reader view is built by this first opening, as for a user), PageDown while the figures
   are being found and after, and open → figures drawn.

Targets (issue 12): first paint ≤ 0.6 s and results ≤ 100 ms after the debounce at 10,000
articles; ``--version`` ≤ 100 ms; ``search X --json`` on the seeds ≤ 300 ms wall; a 10 MB
article's first screen ≤ 1 s after opening, a page of scrolling ≤ 50 ms. With
``--big-home`` kept from an earlier run (its 10k index built), a run takes 3–4 minutes
at load ~19 on 2 cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THIS = Path(__file__).resolve()
NOTES_MARKER = "<!-- notes: kept when the benchmark is re-run -->"
QUERIES = ["Xiongan", "Zhongguancun branches", "PM2.5 concentration", "outlet:xinhua Hebei", "Tianjin port"]
STEPS = ("startup", "paint", "search", "first-open", "huge")
HEADER_PREFIX = "jjj-import "  # the store's file format: one JSON header line, then the text


# ------------------------------------------------------------------ data sets
def seed_sentences() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    return [s.strip() for text in texts for s in re.split(r"(?<=[.!?])\s+", text) if len(s.strip()) > 40]


def write_import(folder: Path, meta: dict, body: str) -> None:
    """One stored import, as ``jjj-brief import`` writes it (without its per-file fsync)."""
    (folder / f"{meta['id']}.txt").write_text(HEADER_PREFIX + json.dumps(meta) + "\n" + body, encoding="utf-8")


def make_big_home(home: Path, count: int, seed: int = 7) -> None:
    """``count`` imported articles of 1–4 KB built from the seeds' sentences (reproducible)."""
    folder = home / "data" / "imports"
    if folder.is_dir() and len(list(folder.glob("synthetic-*.txt"))) >= count:
        return
    folder.mkdir(parents=True, exist_ok=True)
    sentences = seed_sentences()
    outlets = ["Synthetic Daily", "Bench News", "Test Weekly", "Xinhua News Agency"]
    rng = random.Random(seed)
    for number in range(count):
        body = "\n\n".join(" ".join(rng.sample(sentences, 3)) for _ in range(rng.randint(2, 8))) + "\n"
        meta = {
            "format": 1,
            "id": f"synthetic-{number}",
            "file": f"synthetic-{number:05d}.txt",
            "title": f"Synthetic article {number}",
            "title_given": True,
            "outlet": rng.choice(outlets),
            "date": str(rng.choice([2022, 2023, 2024])),
            "sha256": f"{number:064x}",
            "imported_at": f"2026-01-01T00:00:{number % 60:02d}+00:00",
            "source_format": "text",
            "size": len(body),
            "language": "en",
        }
        write_import(folder, meta, body)


def make_huge_home(home: Path, megabytes: int = 10, seed: int = 3) -> str:
    """One imported article of ``megabytes`` MB (paragraphs of 2–6 seed sentences)."""
    folder = home / "data" / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    sentences = seed_sentences()
    parts, size = [], 0
    while size < megabytes * 1_000_000:
        parts.append(" ".join(rng.sample(sentences, rng.randint(2, 6))))
        size += len(parts[-1]) + 2
    body = "\n\n".join(parts) + "\n"
    meta = {
        "format": 1,
        "id": "huge",
        "file": "huge.txt",
        "title": f"A {megabytes} MB document",
        "title_given": True,
        "outlet": "Bench News",
        "date": "2024",
        "sha256": "f" * 64,
        "imported_at": "2026-01-01T00:00:00+00:00",
        "source_format": "text",
        "size": len(body.encode()),
        "language": "en",
    }
    write_import(folder, meta, body)
    return "huge"


# ---------------------------------------------------------------- processes
def env_for(code: Path, home: Path) -> dict[str, str]:
    env = dict(os.environ, JJJ_BRIEF_HOME=str(home), PYTHONPATH=str(code / "tui"))
    env.pop("NO_COLOR", None)
    # An installed jjj-brief has its bytecode caches (compiled once, see main()); without
    # them every process compiles our modules from source (~0.1 s for the CLI, more for the app).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed_process(code: Path, home: Path, arguments: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of ``jjj-brief ARGUMENTS`` run with ``code``."""
    program = f"import sys; from jjj_brief.cli import main; raise SystemExit(main({arguments!r}))"
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", program], env=env_for(code, home), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"jjj-brief {' '.join(arguments)} failed with {code}")
    return wall, usage.ru_utime + usage.ru_stime


def child_json(code: Path, home: Path, mode: str, *extra: str, timeout: float = 600) -> dict:
    """Run one of this script's ``--child`` measurements with ``code``; its JSON result."""
    done = subprocess.run(
        [sys.executable, str(THIS), "--child", mode, *extra],
        env=env_for(code, home),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("{")), None)
    if line is None:
        raise RuntimeError(f"{mode} with {code} printed no result:\n{done.stderr[-2000:]}")
    return json.loads(line)


# ------------------------------------------------------------- first paint
def paint_probe(out: Path) -> None:
    """Child: run the app in this terminal as the program does (``jjj-brief`` with no
    arguments: ``cli.run`` -> ``run_app`` -> ``BriefApp``, with what they do to the cycle
    collector), the app being a subclass that records the CPU and clock at the first paint
    and when the articles are listed in the tree, then quits. No index build and no
    reopening of the last article, as before."""
    import jjj_brief.app
    from jjj_brief import cli

    run_app = jjj_brief.app.run_app

    def probe_run_app(library):  # type: ignore[no-untyped-def]
        from jjj_brief.app import main as shell

        imported_cpu = time.process_time()  # the app's modules are all imported by now

        class Probe(shell.BriefApp):  # type: ignore[misc,valid-type]
            def __init__(self, **options) -> None:  # type: ignore[no-untyped-def]
                super().__init__(**options, build_index=False, resume=False)

            def on_mount(self) -> None:
                self.call_after_refresh(self._painted)  # before the app's own after-paint work
                super().on_mount()

            def _painted(self) -> None:
                self.result = {
                    "paint_clock": time.time(),
                    "paint_cpu": time.process_time(),
                    "paint_thread_cpu": time.thread_time(),
                    "imported_cpu": imported_cpu,
                }
                self.set_interval(0.005, self._listed)

            def _listed(self) -> None:
                if not getattr(self.core, "corpus_loaded", True):
                    return
                tree = self.query_one("#tree")
                articles = next(n for n in tree.root.children if n.label.plain == "Articles")
                if any(n.label.plain == "loading…" for n in articles.children):
                    return
                self.result.update(listed_clock=time.time(), listed_cpu=time.process_time())
                out.write_text(json.dumps(self.result))
                self.exit()

        shell.BriefApp = Probe  # run_app looks it up when called
        return run_app(library)

    jjj_brief.app.run_app = probe_run_app  # the CLI looks it up when the app starts
    sys.argv = ["jjj-brief"]
    cli.run()


def first_paint(codes: dict[str, Path], home: Path, runs: int) -> dict[str, list[dict]]:
    socket = f"jjj-bench-{uuid.uuid4().hex[:8]}"
    results: dict[str, list[dict]] = {name: [] for name in codes}
    out = Path(tempfile.mkdtemp()) / "paint.json"

    def tmux(*args: str) -> None:
        subprocess.run(["tmux", "-L", socket, *args], check=True, timeout=30, capture_output=True)

    try:
        tmux("-f", "/dev/null", "new-session", "-d", "-s", "b", "-x", "140", "-y", "45", "bash --norc --noprofile")
        time.sleep(0.3)
        for _ in range(runs):
            for name, code in codes.items():
                out.unlink(missing_ok=True)
                command = (
                    f"env PYTHONPATH={code / 'tui'} JJJ_BRIEF_HOME={home} {sys.executable} {THIS} --child paint {out}"
                )
                tmux("send-keys", "-t", "b", "clear", "Enter")
                time.sleep(0.3)
                tmux("send-keys", "-t", "b", "-l", command)
                started = time.time()
                tmux("send-keys", "-t", "b", "Enter")
                deadline = time.monotonic() + 120
                while not out.exists() or not out.read_text().strip():
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"no first paint with {code}")
                    time.sleep(0.02)
                found = json.loads(out.read_text())
                results[name].append(
                    {
                        "paint_wall": found["paint_clock"] - started,
                        "paint_cpu": found["paint_cpu"],
                        "paint_thread_cpu": found.get("paint_thread_cpu", float("nan")),
                        "imported_cpu": found.get("imported_cpu", float("nan")),
                        "listed_wall": found["listed_clock"] - started,
                        "listed_cpu": found["listed_cpu"],
                    }
                )
                time.sleep(0.5)
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, timeout=30)
    return results


# ---------------------------------------------------------- results after typing
async def _search_latencies(queries: list[str]) -> list[tuple[str, float, float, float, float, float]]:
    """Per query (its second search; the first warms the engine): last key -> results painted
    (wall), debounce fired -> results painted (wall and process CPU), of which the search
    itself (the pane's own clock), and the pane's own "debounce -> results set" figure."""
    from jjj_brief.app.main import BriefApp
    from jjj_brief.app.search_pane import SearchPane

    arrived = asyncio.Event()
    fired: dict[int, tuple[float, float]] = {}  # generation -> (clock, CPU) when the debounce fired
    painted: dict[str, tuple[float, float, float, float]] = {}  # query -> clock, CPU painted; clock, CPU fired
    search, show = SearchPane._search, SearchPane._show_result

    def timed_search(pane: SearchPane, query: str, generation: int, started: float):  # type: ignore[no-untyped-def]
        fired[generation] = (started, time.process_time())
        return search(pane, query, generation, started)

    def timed_show(pane: SearchPane, query: str, generation: int, result, error, started: float) -> None:  # type: ignore[no-untyped-def]
        show(pane, query, generation, result, error, started)
        if pane.shown_query == query and generation in fired:
            clock, cpu = fired[generation]

            def mark() -> None:
                painted[query] = (time.perf_counter(), time.process_time(), clock, cpu)
                arrived.set()

            pane.call_after_refresh(mark)

    SearchPane._search = timed_search  # type: ignore[method-assign,assignment]
    SearchPane._show_result = timed_show  # type: ignore[method-assign]
    app = BriefApp(resume=False, build_index=False, data_dir=Path(tempfile.mkdtemp()))
    results = []
    async with app.run_test(size=(140, 45)) as pilot:
        pane = app.search_pane
        for query in queries:
            for attempt in range(2):  # the first search of a query warms the engine
                await pilot.press("slash", "ctrl+u")
                await pilot.pause(0.3)
                painted.pop(query, None)
                await pilot.press(*query[:-1])
                typed = time.perf_counter()
                await pilot.press(query[-1])
                while query not in painted:
                    arrived.clear()
                    await asyncio.wait_for(arrived.wait(), 120)
                shown, shown_cpu, fired_clock, fired_cpu = painted[query]
                if attempt:
                    results.append(
                        (
                            query,
                            shown - typed,
                            shown - fired_clock,
                            shown_cpu - fired_cpu,
                            pane.last_search_time or 0.0,
                            pane.last_latency or 0.0,
                        )
                    )
    return results


def child_search() -> dict:
    from jjj_brief import search
    from jjj_brief.commands.libraries import default_library  # here: the paint probe imports only the app

    search.ensure_index(library=default_library())
    return {"rows": asyncio.run(_search_latencies(QUERIES))}


# ------------------------------------------------------------ huge article
class Painted:
    """A ``message_hook``: the clock and process CPU when the screen has been drawn after a
    message (the data loaded, an article's text shown, its figures shown), waited on as an
    event, so that the measurement itself does not poll the screen."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app = app
        self.seen: dict[str, tuple[float, float]] = {}
        self.changed = asyncio.Event()

    def __call__(self, message) -> None:  # type: ignore[no-untyped-def]
        from jjj_brief.app.messages import ArticleOpened, DataLoaded, FiguresShown

        name = None
        if isinstance(message, DataLoaded):
            name = f"data:{message.what}"
        elif isinstance(message, ArticleOpened):
            name = f"opened:{message.article.id}"
        elif isinstance(message, FiguresShown):
            name = f"figures:{message.article_id}"
        if name is not None:
            self.app.call_after_refresh(self._mark, name)

    def _mark(self, name: str) -> None:
        self.seen.setdefault(name, (time.perf_counter(), time.process_time()))  # a bubbling message: the first
        self.changed.set()

    async def wait(self, name: str, timeout: float = 600) -> tuple[float, float]:
        deadline = time.monotonic() + timeout
        while name not in self.seen:
            self.changed.clear()
            await asyncio.wait_for(self.changed.wait(), max(0.1, deadline - time.monotonic()))
        return self.seen[name]


async def _open_huge(article_id: str, pages: int) -> dict:
    from jjj_brief.app.main import BriefApp
    from jjj_brief.app.state import Location

    app = BriefApp(resume=False, build_index=False, data_dir=Path(tempfile.mkdtemp()))
    painted = Painted(app)
    result: dict = {}
    async with app.run_test(size=(140, 45), message_hook=painted) as pilot:
        await painted.wait("data:corpus")
        article = app.core.article(article_id)
        result["bytes"] = len(article.text.encode("utf-8"))
        await app.workers.wait_for_complete()
        await pilot.pause()
        wall, cpu = time.perf_counter(), time.process_time()
        app.open_location(Location("article", article_id))
        shown_wall, shown_cpu = await painted.wait(f"opened:{article_id}")  # the first screen drawn
        result["first_screen_wall"] = shown_wall - wall
        result["first_screen_cpu"] = shown_cpu - cpu
        page_walls, page_cpus = await _page_down(pilot, pages)
        result["page_busy_wall"] = statistics.median(page_walls)  # while the figures are being found
        figures_wall, _ = await painted.wait(f"figures:{article_id}")
        result["figures_wall"] = figures_wall - wall
        page_walls, page_cpus = await _page_down(pilot, pages)
        result["page_wall"] = statistics.median(page_walls)
        result["page_cpu"] = statistics.median(page_cpus)
        result["page_worst_wall"] = max(page_walls)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


async def _page_down(pilot, pages: int) -> tuple[list[float], list[float]]:
    """Each PageDown from the key's arrival to the frame drawn with the new scroll: wall, and
    the UI thread's own CPU (``thread_time``: the figure worker's CPU is not the key's).

    Not ``await pilot.press``: the pilot then waits until the whole process is idle (up to
    1 s, twice), so while the figures are being found in a worker it measured ~2 s a key
    whatever the UI did."""
    from textual import events

    app = pilot.app
    document = app.reader.document
    walls, cpus = [], []
    drawn = asyncio.Event()
    done: list[float] = []

    def mark() -> None:
        done[:] = [time.perf_counter(), time.thread_time()]
        drawn.set()

    app.watch(document, "scroll_y", lambda: app.call_after_refresh(mark), init=False)
    for _ in range(pages):
        drawn.clear()
        key = events.Key("pagedown", None)
        key.set_sender(app)
        wall, cpu = time.perf_counter(), time.thread_time()
        app._driver.send_message(key)  # as a terminal's key arrives (what pilot.press sends)
        await asyncio.wait_for(drawn.wait(), 60)
        walls.append(done[0] - wall)
        cpus.append(done[1] - cpu)
        await pilot.pause()
    return walls, cpus


async def _open_first_article(article_id: str) -> dict:
    """Open one small article in a collection whose cross-article figure index is not built
    yet (the first article opened after the collection grew): open → its text drawn."""
    from jjj_brief.app.main import BriefApp
    from jjj_brief.app.state import Location

    app = BriefApp(resume=False, build_index=False, data_dir=Path(tempfile.mkdtemp()))
    painted = Painted(app)
    async with app.run_test(size=(140, 45), message_hook=painted) as pilot:
        await painted.wait("data:corpus")
        await app.workers.wait_for_complete()
        await pilot.pause()
        wall, cpu = time.perf_counter(), time.process_time()
        app.open_location(Location("article", article_id))
        shown_wall, shown_cpu = await painted.wait(f"opened:{article_id}")
        # Leave at once: the app's exit would wait for the figure index being built.
        print(json.dumps({"text_wall": shown_wall - wall, "text_cpu": shown_cpu - cpu}), flush=True)
        os._exit(0)
    return {}


def child_first_open(article_id: str) -> None:
    asyncio.run(_open_first_article(article_id))


def child_open(article_id: str) -> dict:
    return asyncio.run(_open_huge(article_id, pages=10))


# ------------------------------------------------------------------ report
def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="another checkout, for the 'before' column")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--big-home", type=Path, help="keep the large corpus (and its index) here, reused next time")
    parser.add_argument("--skip-search", action="store_true", help="no results-after-typing at N articles")
    parser.add_argument(
        "--steps",
        default=",".join(STEPS),
        help=f"which measurements, comma-separated (default: all of {','.join(STEPS)})",
    )
    parser.add_argument("--report", type=Path, default=ROOT / "bench" / "bench_app_report.md")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, *rest = args.child
        if mode == "paint":
            paint_probe(Path(rest[0]))
            return 0
        if mode == "first-open":
            child_first_open(rest[0])
        result = child_search() if mode == "search" else child_open(rest[0])
        print(json.dumps(result))
        return 0
    if shutil.which("tmux") is None:
        print("needs tmux", file=sys.stderr)
        return 1
    codes = {"after": ROOT}
    if args.before:
        codes = {"before": args.before.resolve(), "after": ROOT}
    for code in codes.values():  # bytecode caches, as an installed package has them
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(code / "tui")], check=False)
    work = Path(tempfile.mkdtemp(prefix="jjj-bench-app-"))
    steps = set(args.steps.split(","))
    if steps - set(STEPS):
        parser.error(f"--steps: unknown {', '.join(sorted(steps - set(STEPS)))}")
    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    say("# App and start-up benchmark")
    say()
    say(
        f"`{' '.join([Path(sys.executable).name, *sys.argv])}` on {os.cpu_count()} CPUs, Python "
        f"{sys.version.split()[0]}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average at start "
        f"{os.getloadavg()[0]:.1f}. "
        + (f"before: `{codes['before']}`; " if "before" in codes else "")
        + f"after: `{ROOT}`. Medians of {args.runs} runs, code trees interleaved."
    )
    say()

    # 1. start-up
    if "startup" in steps:
        seed_homes = {name: work / f"seed-{name}" for name in codes}
        for name, code in codes.items():
            timed_process(code, seed_homes[name], ["index"])  # the seed index, built once per code tree
        startup: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for _ in range(args.runs):
            for label, arguments in (
                ("--version", ["--version"]),
                ("search xiongan --json", ["search", "xiongan", "--json"]),
            ):
                for name, code in codes.items():
                    startup.setdefault((label, name), []).append(timed_process(code, seed_homes[name], arguments))
        say("## Start-up (whole process, seeds)")
        say()
        header = " | ".join(f"{name} wall / CPU (ms)" for name in codes)
        say(f"| command | {header} | target |")
        say("|---|" + "---|" * len(codes) + "---|")
        for label, target in (("--version", "≤ 100 ms"), ("search xiongan --json", "≤ 300 ms wall")):
            cells = []
            for name in codes:
                found = startup[(label, name)]
                cells.append(f"{ms(median([w for w, _ in found]))} / {ms(median([c for _, c in found]))}")
            say(f"| `jjj-brief {label}` | {' | '.join(cells)} | {target} |")
        say()

    big_home = args.big_home or work / "big-home"
    if steps & {"paint", "search", "first-open"}:
        make_big_home(big_home, args.articles)

    # 2. first paint at N articles
    if "paint" in steps:
        painted = first_paint(codes, big_home, args.runs)
        say(f"## First paint with {args.articles:,} imported articles (tmux 140×45, no index build)")
        say()
        say("| | " + " | ".join(codes) + " | target |")
        say("|---|" + "---|" * len(codes) + "---|")
        for key, label, target in (
            ("paint_wall", "Enter → first paint, wall (ms)", "≤ 600"),
            ("paint_cpu", "CPU at first paint (ms)", ""),
            ("imported_cpu", "of which Python start-up and imports, CPU (ms)", ""),
            ("paint_thread_cpu", "of which the UI thread, CPU (ms)", ""),
            ("listed_wall", "Enter → articles listed in the tree, wall (ms)", ""),
            ("listed_cpu", "CPU when listed (ms)", ""),
        ):
            say(
                f"| {label} | " + " | ".join(ms(median([r[key] for r in painted[n]])) for n in codes) + f" | {target} |"
            )
        say()

    # 3. results after typing at N articles (this checkout)
    if not args.skip_search and "search" in steps:
        started = time.perf_counter()
        found = child_json(ROOT, big_home, "search", timeout=3600)
        took = time.perf_counter() - started
        say(f"## Results after typing, {args.articles:,} imported articles (after; debounce 150 ms)")
        say()
        say(
            "| query | last key → results painted, wall (ms) | debounce fired → results painted, wall (ms) "
            "| same, process CPU (ms) | of which the search (ms) | target |"
        )
        say("|---|---|---|---|---|---|")
        for query, total, after, after_cpu, searching, _set in found["rows"]:
            say(f"| `{query}` | {ms(total)} | {ms(after)} | {ms(after_cpu)} | {ms(searching)} | ≤ 100 |")
        say()
        say(f"(index checked or built beforehand; the whole step took {took:.0f} s)")
        say()

    # 3b. the first article opened at N articles, figure index not built
    if "first-open" in steps:
        first_open: dict[str, list[dict]] = {name: [] for name in codes}
        index_file = big_home / "cache" / "figure-index.json"
        for name, code in codes.items():
            index_file.unlink(missing_ok=True)
            first_open[name].append(child_json(code, big_home, "first-open", "synthetic-0", timeout=900))
        say(f"## The first article opened at {args.articles:,} articles (its figure index not built yet)")
        say()
        say("| | " + " | ".join(codes) + " |")
        say("|---|" + "---|" * len(codes))
        for key, label in (("text_wall", "open → its text drawn, wall (ms)"), ("text_cpu", "same, process CPU (ms)")):
            say(f"| {label} | " + " | ".join(ms(median([r[key] for r in first_open[n]])) for n in codes) + " |")
        say()

    # 4. the 10 MB article
    if "huge" in steps:
        huge_home = work / "huge-home"
        article_id = make_huge_home(huge_home)
        opened: dict[str, list[dict]] = {name: [] for name in codes}
        for run in range(max(1, min(args.runs, 3))):
            for name, code in codes.items():
                if name == "before" and run > 0:
                    continue  # ~25 s a run: once is enough to know
                opened[name].append(child_json(code, huge_home, "open", article_id, timeout=900))
        size = opened["after"][0]["bytes"]
        say(f"## Opening a {size / 1e6:.1f} MB imported article (in-process pilot, 140×45)")
        say()
        say(
            "| | "
            + " | ".join(f"{n} ({len(opened[n])} run{'s' if len(opened[n]) > 1 else ''})" for n in codes)
            + " | target |"
        )
        say("|---|" + "---|" * len(codes) + "---|")
        for key, label, target in (
            ("first_screen_wall", "open → first screen, wall (ms)", "≤ 1,000"),
            ("first_screen_cpu", "open → first screen, CPU (ms)", ""),
            ("page_busy_wall", "PageDown while the figures are found, median wall (ms)", ""),
            ("page_wall", "PageDown, median wall (ms)", "≤ 50"),
            ("page_cpu", "PageDown, median CPU (ms)", ""),
            ("page_worst_wall", "PageDown, worst of 10 (ms)", ""),
            ("figures_wall", "open → figures painted, wall (ms)", ""),
            ("peak_rss_mb", "peak memory of the process (MB)", ""),
        ):
            cells = []
            for name in codes:
                values = [r[key] for r in opened[name] if key in r]
                cells.append(
                    "—" if not values else (f"{median(values):,.0f}" if key == "peak_rss_mb" else ms(median(values)))
                )
            say(f"| {label} | " + " | ".join(cells) + f" | {target} |")
        say()

    notes = ""
    if args.report.exists():
        old = args.report.read_text(encoding="utf-8")
        if NOTES_MARKER in old:
            notes = old[old.index(NOTES_MARKER) :]
    args.report.write_text("\n".join(lines) + "\n\n" + (notes or NOTES_MARKER + "\n"), encoding="utf-8")
    print(f"\nreport written to {args.report}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
