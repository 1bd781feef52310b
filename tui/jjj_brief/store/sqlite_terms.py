"""Re-finding anchors after an article changed, and the word index of notes and claims
(``kind:note`` / ``kind:claim`` in search): the part of the store that reads article text."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from jjj_brief.store.anchors import Anchor, refind, text_hash
from jjj_brief.store.sqlite_conn import SQLiteConnection

_ANCHOR_COLUMNS = "article, span_start, span_end, exact, prefix, suffix, text_sha, status"


class SQLiteTerms(SQLiteConnection):
    """Anchors re-found by quote; the analyst's words indexed for search."""

    def reanchor(self, text_of: Callable[[str], str | None]) -> int:
        """Re-find every anchor whose article text changed (or vanished); how many changed.

        ``text_of(article_id)`` is the article's current text, or ``None`` when it is gone:
        its anchors become orphaned (kept, with their quote) until it comes back.
        """
        tables = ("bookmarks", "notes", "claim_members")
        key_columns = {"bookmarks": "id", "notes": "id", "claim_members": "claim_id, position"}
        with self._lock:
            articles = {row[0] for table in tables for row in self._read(f"SELECT DISTINCT article FROM {table}")}
            current: dict[str, tuple[str | None, str]] = {}
            for article in articles:
                text = text_of(article)
                current[article] = (text, text_hash(text) if text is not None else "")
            updates: list[tuple[str, tuple[Any, ...], Anchor]] = []
            for table in tables:
                keys = key_columns[table]
                width = keys.count(",") + 1
                for article, (text, sha) in current.items():
                    # Only the rows whose article changed (or that were orphaned) are read.
                    rows = self._read(
                        f"SELECT {keys}, {_ANCHOR_COLUMNS} FROM {table} WHERE article = ? "
                        "AND (text_sha != ? OR status = 'orphaned')",
                        (article, sha),
                    )
                    for row in rows:
                        anchor = _anchor_from(row, width)
                        if text is None:
                            found = anchor if anchor.orphaned else _orphan(anchor)
                        else:
                            found = refind(anchor, text, sha)
                        if found != anchor:
                            updates.append((table, tuple(row[:width]), found))
            if not updates:
                return 0
            with self._write() as conn:
                for table, key, anchor in updates:
                    where = " AND ".join(f"{col.strip()} = ?" for col in key_columns[table].split(","))
                    conn.execute(
                        f"UPDATE {table} SET span_start = ?, span_end = ?, exact = ?, prefix = ?, suffix = ?, "
                        f"text_sha = ?, status = ? WHERE {where}",
                        (
                            anchor.start,
                            anchor.end,
                            anchor.exact,
                            anchor.prefix,
                            anchor.suffix,
                            anchor.text_sha,
                            anchor.status,
                            *key,
                        ),
                    )
            return len(updates)

    def search_text(self, terms: Sequence[str], kinds: Sequence[str] = ("note", "claim")) -> list[tuple[str, int]]:
        """``(kind, id)`` of notes/claims whose words — the analyst's text and the quoted article
        words — hold every term (a term ending ``*``: a prefix)."""
        if not terms:
            return []
        found: set[tuple[str, int]] | None = None
        marks = ",".join("?" for _ in kinds)
        for term in terms:
            if term.endswith("*"):  # a prefix: a range of the term index
                stem = term[:-1]
                rows = self._read(
                    f"SELECT DISTINCT kind, item_id FROM item_terms WHERE kind IN ({marks}) AND term >= ? AND term < ?",
                    (*kinds, stem, stem + "\U0010ffff"),
                )
            else:
                rows = self._read(
                    f"SELECT kind, item_id FROM item_terms WHERE kind IN ({marks}) AND term = ?", (*kinds, term)
                )
            hits = {(row[0], int(row[1])) for row in rows}
            found = hits if found is None else found & hits
            if not found:
                return []
        return sorted(found or ())

    def _index_terms(self, conn: sqlite3.Connection, kind: str, item_id: int, text: str) -> None:
        conn.execute("DELETE FROM item_terms WHERE kind = ? AND item_id = ?", (kind, item_id))
        try:
            words = set(self._analyze(text))
        except Exception:  # an analyzer failure must not lose the note itself
            words = set(text.casefold().split())
        conn.executemany(
            "INSERT OR IGNORE INTO item_terms (kind, item_id, term) VALUES (?,?,?)",
            [(kind, item_id, word) for word in words],
        )


def _anchor_from(row: Sequence[Any], at: int) -> Anchor:
    return Anchor(row[at], row[at + 1], row[at + 2], row[at + 3], row[at + 4], row[at + 5], row[at + 6], row[at + 7])


def _orphan(anchor: Anchor) -> Anchor:
    from dataclasses import replace

    return replace(anchor, status="orphaned")
