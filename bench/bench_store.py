"""How the analyst's store (work.db) behaves as the work grows: one note saved, one article's
notes listed, kind:note search, opening the store (with its integrity check), re-anchoring
every note of an article after it changed, the app's poll. Wall and CPU per operation.

    .venv/bin/python bench/bench_store.py                  # 1,000 and 10,000 notes
    .venv/bin/python bench/bench_store.py --notes 1000 --report bench/bench_store_report.md
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from jjj_brief.corpus import load_seed_articles
from jjj_brief.paths import StorageWarnings
from jjj_brief.search.analyzer import terms
from jjj_brief.store import make_anchor, open_store


def timed(function, repeat: int = 1) -> tuple[float, float]:
    """(median wall ms, median CPU ms) of ``repeat`` calls."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def run(count: int) -> list[tuple[str, float, float]]:
    articles = load_seed_articles()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with open_store(folder, warnings=StorageWarnings()) as store:
            conn = store._conn  # bulk-fill through the same code path, batched in transactions of 500
            i = 0
            while i < count:
                with store._write() as tx:
                    for _ in range(min(500, count - i)):
                        article = articles[i % len(articles)]
                        at = (i * 7919) % max(1, len(article.text) - 60)
                        anchor = make_anchor(article.id, article.text, at, at + 40)
                        cursor = tx.execute(
                            "INSERT INTO notes (article, span_start, span_end, exact, prefix, suffix, text_sha, status,"
                            " text, color, created, updated, author) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                            (
                                anchor.article,
                                anchor.start,
                                anchor.end,
                                anchor.exact,
                                anchor.prefix,
                                anchor.suffix,
                                anchor.text_sha,
                                anchor.status,
                                f"note {i} on relocation and hospitals",
                                "yellow",
                                "2026",
                                "2026",
                                "",
                            ),
                        )
                        store._index_terms(tx, "note", cursor.lastrowid, f"note {i} on relocation\n{anchor.exact}")
                        i += 1
            del conn
            first = articles[0]
            rows.append(
                (
                    "save one note (a transaction, fsync'd)",
                    *timed(lambda: store.add_note(make_anchor(first.id, first.text, 0, 20), "x"), 20),
                )
            )
            rows.append(("list one article's notes", *timed(lambda: store.notes(first.id), 5)))
            rows.append(
                ("kind:note search, two words", *timed(lambda: store.search_text(terms("relocation hospitals")), 5))
            )
            rows.append(("kind:note search, prefix", *timed(lambda: store.search_text(["reloc*"]), 5)))
            rows.append(("app poll (PRAGMA data_version)", *timed(store.data_version, 50)))
            edited = "An inserted lead paragraph.\n" + first.text
            texts = {a.id: a.text for a in articles}
            texts[first.id] = edited
            rows.append(
                (
                    f"re-anchor after one article changed ({count // len(articles)} notes move)",
                    *timed(lambda: store.reanchor(texts.get), 1),
                )
            )
            rows.append(("re-anchor, nothing changed", *timed(lambda: store.reanchor(texts.get), 3)))
        size = os.path.getsize(folder / "work.db") / 1e6
        rows.append(
            (
                "open the store (WAL, quick_check, migrations)",
                *timed(lambda: open_store(folder, warnings=StorageWarnings()).close(), 3),
            )
        )
        rows.append((f"database size: {size:.1f} MB", 0.0, 0.0))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--report", type=Path)
    args = parser.parse_args()
    lines = [
        f"# Store benchmark\n\n`python bench/bench_store.py --notes {' '.join(map(str, args.notes))}`, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs (shared).\n",
        "| notes | operation | wall ms (median) | CPU ms |",
        "| ---: | --- | ---: | ---: |",
    ]
    for count in args.notes:
        for name, wall, cpu in run(count):
            lines.append(f"| {count:,} | {name} | {wall:.2f} | {cpu:.2f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.report:
        args.report.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
