"""Benchmark the app (not a test): first paint, keystroke to results, opening long articles, memory.

    .venv/bin/python bench/bench_app.py [--articles 10000] [--runs 5] [--report bench/bench_app_report.md]

What it measures, each in a fresh JJJ_BRIEF_HOME under a temp dir:

1. Launch to first paint: the installed ``jjj-brief`` started in tmux (fixed size); time from
   sending the command to the screen showing the tree and search box. Cold (first run: the
   index is built in the background, which must not delay the paint) and warm.
2. Keystroke to results: in-process (Textual pilot), typing a query into the search box;
   time from the last keystroke to the results on screen, and the part after the debounce
   (the search in its worker plus showing the results). At the seed corpus, and with
   N synthetic articles imported (``jjj-brief import`` code path), when imports exist.
3. Opening the longest article (and a 40 KB one): time from the request to the text painted,
   with our line-rendered reader, versus one ``Static`` widget per paragraph (the approach it
   replaced), to justify the design.
4. Peak memory (VmHWM) of the app process in tmux, and ru_maxrss of the in-process runs.

Targets from the issue: first paint < 0.6 s; results < 100 ms after the debounce at 10,000
articles; open a 40 KB article < 150 ms.
"""

from __future__ import annotations

import argparse
import asyncio
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
SCRIPT = Path(sys.executable).with_name("jjj-brief")
NOTES_MARKER = "<!-- notes: kept when the benchmark is re-run -->"
QUERIES = ["Xiongan", "Zhongguancun branches", "PM2.5 concentration", "outlet:xinhua Hebei", "Tianjin port"]


# --------------------------------------------------------------------- first paint
def first_paint(home: Path, runs: int) -> dict[str, object]:
    socket = f"jjj-bench-{uuid.uuid4().hex[:8]}"

    def tmux(*args: str) -> str:
        return subprocess.run(["tmux", "-L", socket, *args], capture_output=True, text=True, timeout=30).stdout

    times: list[float] = []
    peak_kb: list[int] = []
    try:
        tmux("-f", "/dev/null", "new-session", "-d", "-s", "b", "-x", "140", "-y", "45",
             "-e", f"JJJ_BRIEF_HOME={home}", "bash --norc --noprofile")
        time.sleep(0.3)
        for _ in range(runs):
            tmux("send-keys", "-t", "b", "clear", "Enter")
            time.sleep(0.2)
            tmux("send-keys", "-t", "b", "-l", str(SCRIPT))
            start = time.perf_counter()
            tmux("send-keys", "-t", "b", "Enter")
            while True:
                screen = tmux("capture-pane", "-t", "b", "-p")
                if "Timeline" in screen and "Search" in screen:
                    times.append(time.perf_counter() - start)
                    break
                if time.perf_counter() - start > 20:
                    raise RuntimeError(f"no first paint:\n{screen}")
                time.sleep(0.005)
            time.sleep(1.5)  # let it settle (index build, resume) before reading memory
            peak_kb.append(_app_peak_kb(tmux("list-panes", "-t", "b", "-F", "#{pane_pid}").strip()))
            tmux("send-keys", "-t", "b", "-l", "q")
            time.sleep(0.8)
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, timeout=30)
    return {"cold": times[0], "warm_median": statistics.median(times[1:]) if len(times) > 1 else None,
            "all": times, "peak_rss_mb": max(peak_kb) / 1024 if peak_kb else None}


def _app_peak_kb(shell_pid: str) -> int:
    """VmHWM of the jjj-brief process: the child of the pane's shell."""
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", shell_pid], capture_output=True, text=True).stdout.split()
    for pid in children:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        if match:
            return int(match.group(1))
    return 0


def paint_probe(out: Path) -> None:
    """Run the app in this terminal; at its first paint, record the CPU seconds spent so far
    (imports included) and quit. CPU time barely depends on what else the machine runs."""
    from jjj_brief.app.main import BriefApp

    class Probe(BriefApp):
        def on_mount(self) -> None:
            super().on_mount()
            self.call_after_refresh(self._painted)

        def _painted(self) -> None:
            out.write_text(f"{time.process_time():.4f}\n")
            self.exit()

    Probe().run()


def first_paint_cpu(home: Path, runs: int) -> list[float]:
    """CPU seconds from process start to first paint (tmux, same size), per run."""
    socket = f"jjj-bench-{uuid.uuid4().hex[:8]}"
    out = home / "paint-probe.txt"
    results = []
    try:
        subprocess.run(["tmux", "-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", "b", "-x", "140",
                        "-y", "45", "-e", f"JJJ_BRIEF_HOME={home}", "bash --norc --noprofile"], check=True, timeout=30)
        for _ in range(runs):
            out.unlink(missing_ok=True)
            command = f"{sys.executable} {Path(__file__).resolve()} --paint-probe {out}"
            subprocess.run(["tmux", "-L", socket, "send-keys", "-t", "b", command, "Enter"], check=True, timeout=30)
            deadline = time.monotonic() + 30
            while not out.exists() or not out.read_text().strip():
                if time.monotonic() > deadline:
                    raise RuntimeError("the paint probe never painted")
                time.sleep(0.05)
            results.append(float(out.read_text()))
            time.sleep(0.5)
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, timeout=30)
    return results


# ------------------------------------------------------------- synthetic imports
def make_imports(count: int, folder: Path, seed: int = 7) -> list[Path]:
    """``count`` articles of 1-4 KB built from the seeds' sentences (seeded, reproducible)."""
    from jjj_brief.corpus import load_corpus

    sentences = [s.strip() for a in load_corpus() for s in re.split(r"(?<=[.!?])\s+", a.text) if len(s.strip()) > 40]
    outlets = ["Synthetic Daily", "Bench News", "Test Weekly", "Xinhua News Agency"]
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        body = "\n\n".join(" ".join(rng.sample(sentences, 3)) for _ in range(rng.randint(2, 8)))
        year = rng.choice([2022, 2023, 2024])
        text = f"---\ntitle: Synthetic article {number}\noutlet: {rng.choice(outlets)}\ndate: '{year}'\n---\n{body}\n"
        path = folder / f"synthetic-{number:05d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


# -------------------------------------------------------------- in-process runs
async def _search_latencies(queries: list[str]) -> list[tuple[str, float, float, float]]:
    from jjj_brief.app.main import BriefApp

    app = BriefApp(resume=False, build_index=False, data_dir=Path(tempfile.mkdtemp()))
    results = []
    async with app.run_test(size=(140, 45)) as pilot:
        pane = app.search_pane
        for query in queries:
            for attempt in range(2):  # the first search of a query warms the engine
                await pilot.press("slash", "ctrl+u")
                await pilot.pause(0.3)
                pane.last_latency = None
                await pilot.press(*query[:-1])
                typed = time.perf_counter()
                await pilot.press(query[-1])
                while pane.shown_query != query or pane.last_latency is None:
                    await pilot.pause(0.002)
                await pilot.pause(0)  # the repaint with the results
                shown = time.perf_counter()
                if attempt:
                    results.append((query, shown - typed, pane.last_latency, pane.last_search_time))
    return results


def search_latency(home: Path) -> list[tuple[str, float, float, float]]:
    os.environ["JJJ_BRIEF_HOME"] = str(home)
    _fresh_process_state()
    from jjj_brief import search

    search.ensure_index()
    return asyncio.run(_search_latencies(QUERIES))


def _fresh_process_state() -> None:
    """Forget cached corpus and search engines (the home changed)."""
    from jjj_brief import corpus

    corpus.load_corpus(refresh=True)
    try:
        from jjj_brief.search import api

        api._reset_engine()
        index_module = sys.modules.get("jjj_brief.search.index")
        manager = getattr(index_module, "MANAGER", None)
        if manager is not None and hasattr(manager, "discard"):
            manager.discard()
    except ImportError:
        pass


async def _open_times(article_ids: list[str], runs: int) -> dict[str, list[float]]:
    from jjj_brief.app.main import BriefApp
    from jjj_brief.app.state import Location

    app = BriefApp(resume=False, build_index=False, data_dir=Path(tempfile.mkdtemp()))
    times: dict[str, list[float]] = {}
    async with app.run_test(size=(140, 45)) as pilot:
        for article_id in article_ids * runs:
            app.open_location(Location("home"))
            await pilot.pause(0.05)
            start = time.perf_counter()
            app.open_location(Location("article", article_id))
            while app.reader.prepared is None or app.reader.prepared.article.id != article_id:
                await pilot.pause(0.001)
            await pilot.pause(0)  # painted
            times.setdefault(article_id, []).append(time.perf_counter() - start)
            app.core._figure_cache.clear()  # each run extracts figures again
    return times


async def _widget_per_paragraph(article_id: str, runs: int) -> list[float]:
    """The alternative: mount one Static per paragraph in a VerticalScroll."""
    from textual.app import App, ComposeResult
    from textual.containers import VerticalScroll
    from textual.widgets import Static

    from jjj_brief.app import safe_text
    from jjj_brief.corpus import load_corpus

    article = load_corpus().get(article_id)

    class Probe(App[None]):
        def compose(self) -> ComposeResult:
            yield VerticalScroll(id="scroll")

    times = []
    app = Probe()
    async with app.run_test(size=(140, 45)) as pilot:
        scroll = app.query_one("#scroll")
        for _ in range(runs):
            await scroll.remove_children()
            await pilot.pause(0.05)
            start = time.perf_counter()
            await scroll.mount_all([Static(safe_text.block(p.text)) for p in article.paragraphs])
            await pilot.pause(0)
            times.append(time.perf_counter() - start)
    return times


def open_articles(runs: int) -> dict[str, object]:
    from jjj_brief.corpus import load_corpus

    corpus = load_corpus()
    longest = max(corpus, key=lambda a: len(a.text))
    forty = min(corpus, key=lambda a: abs(len(a.text.encode()) - 40_000))
    ids = list(dict.fromkeys([longest.id, forty.id]))
    ours = asyncio.run(_open_times(ids, runs))
    widgets = asyncio.run(_widget_per_paragraph(longest.id, runs))
    return {
        "longest": (longest.id, len(longest.text.encode()), len(longest.paragraphs)),
        "forty": (forty.id, len(forty.text.encode())),
        "ours": {k: statistics.median(v) for k, v in ours.items()},
        "ours_first": {k: v[0] for k, v in ours.items()},
        "widgets_median": statistics.median(widgets),
    }


# ------------------------------------------------------------------------ report
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000, help="synthetic imports for the large corpus (0: skip)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--big-home", type=Path, help="keep the large corpus here and reuse it on the next run")
    parser.add_argument("--report", type=Path, default=ROOT / "bench" / "bench_app_report.md")
    parser.add_argument("--paint-probe", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.paint_probe:
        paint_probe(args.paint_probe)
        return 0
    if shutil.which("tmux") is None or not SCRIPT.exists():
        print("needs tmux and the installed jjj-brief", file=sys.stderr)
        return 1
    work = Path(tempfile.mkdtemp(prefix="jjj-bench-app-"))
    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    say("# App benchmark")
    say()
    say(f"`{' '.join([Path(sys.executable).name, *sys.argv])}` on {os.cpu_count()} CPUs, "
        f"Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"load average at start {os.getloadavg()[0]:.1f} (other work on the machine inflates every number).")
    say()

    seed_home = work / "seed-home"
    paint = first_paint(seed_home, args.runs)
    say("## Launch to first paint (tmux, 140×45, installed console script)")
    say()
    say("| run | seconds |")
    say("| --- | --- |")
    say(f"| cold (first run, index built in the background) | {paint['cold']:.3f} |")
    if paint["warm_median"] is not None:
        say(f"| warm, median of {args.runs - 1} | {paint['warm_median']:.3f} |")
    say(f"| all runs | {', '.join(f'{t:.3f}' for t in paint['all'])} |")
    cpu = first_paint_cpu(seed_home, args.runs)
    say(f"| CPU seconds to first paint (process start → painted, imports included), median of {len(cpu)} | {statistics.median(cpu):.3f} |")
    say()
    say("Wall time depends on the machine's load; the CPU seconds are what the paint costs (on an idle")
    say("machine, wall ≈ CPU plus a little I/O).")
    say()
    say(f"Peak memory of the app process (VmHWM, seeds, after first paint and index): {paint['peak_rss_mb']:.0f} MB")
    say()

    say("## Keystroke to results (in-process pilot; debounce 150 ms)")
    say()
    say("| corpus | query | last key → results shown (ms) | after debounce: search + show (ms) | of which search (ms) |")
    say("| --- | --- | --- | --- | --- |")
    for query, total, after, searching in search_latency(seed_home):
        say(f"| seeds (5) | `{query}` | {total * 1000:.0f} | {after * 1000:.0f} | {searching * 1000:.0f} |")
    big_note = ""
    if args.articles:
        try:
            from jjj_brief import imports
        except ImportError:
            imports = None
        if imports is None:
            big_note = "imports are not available: the large-corpus row is missing"
        else:
            big_home = args.big_home or work / "big-home"
            os.environ["JJJ_BRIEF_HOME"] = str(big_home)
            _fresh_process_state()
            reused = len(list((big_home / "data" / "imports").glob("*.txt"))) if big_home.exists() else 0
            started = time.perf_counter()
            if reused >= args.articles:
                imported = reused
            else:
                files = make_imports(args.articles, work / "synthetic")
                outcomes = imports.add_files([str(p) for p in files])
                imported = sum(1 for o in outcomes if o.status == "imported")
            _fresh_process_state()
            from jjj_brief import search

            search.ensure_index()
            build = time.perf_counter() - started
            for query, total, after, searching in search_latency(big_home):
                say(f"| seeds + {imported:,} imported | `{query}` | {total * 1000:.0f} | {after * 1000:.0f} | {searching * 1000:.0f} |")
            how = "reused from an earlier run" if reused >= args.articles else f"imported and indexed in {build:.0f} s before measuring"
            big_note = f"{imported:,} synthetic articles (1–4 KB each, from the seeds' sentences), {how}."
            os.environ["JJJ_BRIEF_HOME"] = str(seed_home)
            _fresh_process_state()
    say()
    if big_note:
        say(big_note)
        say()

    opened = open_articles(args.runs)
    longest_id, longest_bytes, longest_paragraphs = opened["longest"]
    forty_id, forty_bytes = opened["forty"]
    say("## Opening an article (request → text painted, figures extracted and styled)")
    say()
    say("| article | bytes | first open (ms) | median of runs (ms) |")
    say("| --- | --- | --- | --- |")
    for article_id, size in {longest_id: longest_bytes, forty_id: forty_bytes}.items():
        say(f"| `{article_id}` | {size:,} | {opened['ours_first'][article_id] * 1000:.0f} | {opened['ours'][article_id] * 1000:.0f} |")
    say()
    say(f"One `Static` per paragraph instead ({longest_paragraphs} widgets for `{longest_id}`, no figures): "
        f"median {opened['widgets_median'] * 1000:.0f} ms to mount and paint.")
    say()
    say(f"Peak memory of the in-process runs (ru_maxrss, includes the {args.articles:,}-article index when built): "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    # Hand-written notes below the marker survive a re-run; the tables above are regenerated.
    notes = ""
    if args.report.exists():
        old = args.report.read_text(encoding="utf-8")
        if NOTES_MARKER in old:
            notes = old[old.index(NOTES_MARKER):]
    args.report.write_text("\n".join(lines) + "\n\n" + (notes or NOTES_MARKER + "\n"), encoding="utf-8")
    print(f"\nreport written to {args.report}")
    shutil.rmtree(work, ignore_errors=True)  # (a --big-home outside it is kept)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
