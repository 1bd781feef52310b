"""The team's shared work on PostgreSQL, measured: how soon a colleague's note reaches a
listening client (LISTEN/NOTIFY), what a note costs to save, and what listing notes costs
as the desk's work grows. A throwaway server (bench_pg.Server); results in
bench/bench_pg_work_report.md.

    python bench/bench_pg_work.py [--notes 200] [--sizes 1000,10000]
"""

from __future__ import annotations

import argparse
import queue
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pg import Server, log
from jjj_brief.store import make_anchor
from jjj_brief.team.live import Listener
from jjj_brief.team.migrations import migrate
from jjj_brief.team.store import PgStore

TEXT = "Beijing moved 1,200 firms to Hebei in 2023. Tianjin port grew 4.5 percent."


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def setup(admin_url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        migrate(conn)
        for user in ("alice", "bob"):
            conn.execute(f"CREATE ROLE {user} LOGIN IN ROLE jjj_analyst")


def live_latency(url_of, notes: int) -> dict:
    """alice saves notes one by one; bob's listener hears each: from the save call to arrival
    (the note is heard at commit, before add_note has read it back and returned)."""
    alice = PgStore(url_of("alice"), analyze=str.split)
    arrivals: queue.Queue[float] = queue.Queue()
    listener = Listener(url_of("bob"), lambda change: arrivals.put(time.monotonic())).start()
    listener.wait_live(30)
    delays, saves = [], []
    anchor = make_anchor("art-a", TEXT, 44, 56)
    try:
        for _ in range(notes):
            started = time.monotonic()
            alice.add_note(anchor, "a note")
            saved = time.monotonic()
            saves.append(saved - started)
            delays.append(arrivals.get(timeout=30) - started)  # from the save call: an upper bound
            while not arrivals.empty():  # one note is one NOTIFY; nothing else is pending
                arrivals.get_nowait()
    finally:
        listener.stop()
        alice.close()
    return {"delays": delays, "saves": saves}


def listing(url_of, sizes: list[int]) -> list[tuple[int, float, float]]:
    """notes() and notes(article) as the work grows (rows added with COPY-free inserts)."""
    alice = PgStore(url_of("alice"), analyze=str.split)
    out = []
    done = len(alice.notes())
    anchor = make_anchor("art-a", TEXT, 44, 56)
    try:
        for size in sizes:
            import psycopg

            with psycopg.connect(url_of("alice")) as conn:
                conn.execute(
                    "INSERT INTO work.notes (article, span_start, span_end, exact, text) "
                    "SELECT 'art-' || (g %% 500), 44, 56, 'Tianjin port', 'note ' || g FROM generate_series(%s::int, %s::int) g",
                    (done, size - 1),
                )
            done = size
            runs_all, runs_one = [], []
            for _ in range(5):
                started = time.monotonic()
                alice.notes()
                runs_all.append(time.monotonic() - started)
                started = time.monotonic()
                alice.notes("art-7")
                runs_one.append(time.monotonic() - started)
            out.append((size, statistics.median(runs_all), statistics.median(runs_one)))
    finally:
        alice.close()
    del anchor
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=200)
    parser.add_argument("--sizes", default="1000,10000")
    args = parser.parse_args()
    server = Server(Path(tempfile.gettempdir()))
    admin = server.start()
    try:
        setup(admin)

        def url_of(user: str) -> str:
            return admin.replace("postgres@", f"{user}@", 1)

        log("live latency")
        live = live_latency(url_of, args.notes)
        log("listing")
        sizes = listing(url_of, [int(s) for s in args.sizes.split(",")])
    finally:
        server.stop()
    delays, saves = live["delays"], live["saves"]
    print(f"notes saved and heard: {len(delays)}")
    print(
        f"colleague hears a note, from the save call: p50 {ms(statistics.median(delays))}, "
        f"p95 {ms(percentile(delays, 0.95))}, max {ms(max(delays))}"
    )
    print(
        f"saving a note (one transaction, terms indexed): p50 {ms(statistics.median(saves))}, p95 {ms(percentile(saves, 0.95))}"
    )
    for size, every, one in sizes:
        print(f"{size} notes: notes() {ms(every)}, notes(article) {ms(one)} (median of 5)")


if __name__ == "__main__":
    main()
