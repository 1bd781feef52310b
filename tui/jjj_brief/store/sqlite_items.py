"""Bookmarks, notes, claims and saved searches in SQLite: each write one transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from jjj_brief.store.anchors import Anchor
from jjj_brief.store.model import (
    Bookmark,
    Claim,
    ClaimMember,
    Note,
    SavedSearch,
    StoreError,
    anchor_values,
    checked_color,
    checked_verdict,
    parse_ref,
    saved_search_input,
    user_text,
)
from jjj_brief.store.sqlite_conn import now
from jjj_brief.store.sqlite_terms import _ANCHOR_COLUMNS, SQLiteTerms, _anchor_from


class SQLiteItems(SQLiteTerms):
    """The analyst's items: add, read, change, remove."""

    # ------------------------------------------------------------------ bookmarks

    def add_bookmark(self, anchor: Anchor, note: str = "") -> Bookmark:
        note = user_text(note, "bookmark note")
        with self._write() as conn:
            cursor = conn.execute(
                f"INSERT INTO bookmarks ({_ANCHOR_COLUMNS}, note, created, author) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (*anchor_values(anchor), note, now(), self.author),
            )
            bookmark_id = int(cursor.lastrowid or 0)
        return self._bookmark(bookmark_id)

    def _bookmark(self, bookmark_id: int) -> Bookmark:
        rows = self._read(
            f"SELECT id, {_ANCHOR_COLUMNS}, note, created, author FROM bookmarks WHERE id = ?", (bookmark_id,)
        )
        if not rows:
            raise StoreError(f"no bookmark-{bookmark_id}")
        return _bookmark_from(rows[0])

    def bookmarks(self, article: str | None = None) -> list[Bookmark]:
        where, params = ("WHERE article = ?", (article,)) if article else ("", ())
        rows = self._read(
            f"SELECT id, {_ANCHOR_COLUMNS}, note, created, author FROM bookmarks {where} "
            "ORDER BY created DESC, id DESC",
            params,
        )
        return [_bookmark_from(row) for row in rows]

    def remove_bookmark(self, bookmark_id: int) -> None:
        with self._write() as conn:
            if conn.execute("DELETE FROM bookmarks WHERE id = ?", (bookmark_id,)).rowcount == 0:
                raise StoreError(f"no bookmark-{bookmark_id}")

    # ------------------------------------------------------------------ notes

    def add_note(self, anchor: Anchor, text: str = "", color: str = "yellow") -> Note:
        text, color = user_text(text, "note"), checked_color(color)
        stamp = now()
        with self._write() as conn:
            cursor = conn.execute(
                f"INSERT INTO notes ({_ANCHOR_COLUMNS}, text, color, created, updated, author) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (*anchor_values(anchor), text, color, stamp, stamp, self.author),
            )
            note_id = int(cursor.lastrowid or 0)
            self._index_terms(conn, "note", note_id, f"{text}\n{anchor.exact}")
        return self.note(note_id)

    def update_note(
        self, note_id: int, text: str, color: str | None = None, expected_revision: int | None = None
    ) -> Note:
        from jjj_brief.store.model import ConflictError

        text = user_text(text, "note")
        with self._write() as conn:
            row = conn.execute("SELECT revision, color, exact FROM notes WHERE id = ?", (note_id,)).fetchone()
            if row is None:
                raise StoreError(f"no note-{note_id}")
            if expected_revision is not None and row[0] != expected_revision:
                raise ConflictError(
                    f"note-{note_id} was changed elsewhere (revision {row[0]}, you had {expected_revision}); reload it"
                )
            conn.execute(
                "UPDATE notes SET text = ?, color = ?, updated = ?, revision = revision + 1 WHERE id = ?",
                (text, checked_color(color or row[1]), now(), note_id),
            )
            self._index_terms(conn, "note", note_id, f"{text}\n{row[2]}")
        return self.note(note_id)

    def note(self, note_id: int) -> Note:
        rows = self._read(
            f"SELECT id, {_ANCHOR_COLUMNS}, text, color, created, updated, revision, author FROM notes WHERE id = ?",
            (note_id,),
        )
        if not rows:
            raise StoreError(f"no note-{note_id}")
        return _note_from(rows[0])

    def notes(self, article: str | None = None) -> list[Note]:
        where, params = ("WHERE article = ?", (article,)) if article else ("", ())
        rows = self._read(
            f"SELECT id, {_ANCHOR_COLUMNS}, text, color, created, updated, revision, author "
            f"FROM notes {where} ORDER BY article, span_start, id",
            params,
        )
        return [_note_from(row) for row in rows]

    def remove_note(self, note_id: int) -> None:
        with self._write() as conn:
            if conn.execute("DELETE FROM notes WHERE id = ?", (note_id,)).rowcount == 0:
                raise StoreError(f"no note-{note_id}")
            conn.execute("DELETE FROM item_terms WHERE kind = 'note' AND item_id = ?", (note_id,))

    # ------------------------------------------------------------------ claims

    def add_claim(self, members: Sequence[ClaimMember], verdict: str, text: str = "") -> Claim:
        verdict, text = checked_verdict(verdict), user_text(text, "claim text")
        if len(members) < 2 or len({m.anchor.article for m in members}) < 2:
            raise StoreError("a claim ties two or more figures in at least two different articles")
        stamp = now()
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO claims (verdict, text, created, updated, author) VALUES (?,?,?,?,?)",
                (verdict, text, stamp, stamp, self.author),
            )
            claim_id = int(cursor.lastrowid or 0)
            for position, member in enumerate(members):
                conn.execute(
                    f"INSERT INTO claim_members (claim_id, position, {_ANCHOR_COLUMNS}, value, unit) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (claim_id, position, *anchor_values(member.anchor), member.value, member.unit),
                )
            self._index_terms(conn, "claim", claim_id, self._claim_words(conn, claim_id, text))
        return self.claim(claim_id)

    def claim(self, claim_id: int) -> Claim:
        claims = self._claims("WHERE id = ?", (claim_id,))
        if not claims:
            raise StoreError(f"no claim-{claim_id}")
        return claims[0]

    def claims(self, article: str | None = None) -> list[Claim]:
        if article:
            return self._claims("WHERE id IN (SELECT claim_id FROM claim_members WHERE article = ?)", (article,))
        return self._claims("", ())

    def _claims(self, where: str, params: Sequence[object]) -> list[Claim]:
        with self._lock:
            heads = self._read(
                f"SELECT id, verdict, text, created, updated, revision, author FROM claims {where} ORDER BY id", params
            )
            out = []
            for head in heads:
                rows = self._read(
                    f"SELECT {_ANCHOR_COLUMNS}, value, unit FROM claim_members WHERE claim_id = ? ORDER BY position",
                    (head[0],),
                )
                members = tuple(ClaimMember(_anchor_from(row, 0), row[8], row[9]) for row in rows)
                out.append(Claim(head[0], head[1], head[2], members, head[3], head[4], head[5], head[6]))
            return out

    def remove_claim(self, claim_id: int) -> None:
        with self._write() as conn:
            if conn.execute("DELETE FROM claims WHERE id = ?", (claim_id,)).rowcount == 0:
                raise StoreError(f"no claim-{claim_id}")
            conn.execute("DELETE FROM item_terms WHERE kind = 'claim' AND item_id = ?", (claim_id,))

    @staticmethod
    def _claim_words(conn: sqlite3.Connection, claim_id: int, text: str) -> str:
        quotes = [row[0] for row in conn.execute("SELECT exact FROM claim_members WHERE claim_id = ?", (claim_id,))]
        return "\n".join([text, *quotes])

    # ------------------------------------------------------------------ saved searches

    def save_search(
        self, name: str, query: str, sort: str = "relevance", watch: bool = False, seen: Iterable[str] = ()
    ) -> SavedSearch:
        name, query = saved_search_input(name, query, sort)
        stamp = now()
        with self._write() as conn:
            conn.execute(
                "INSERT INTO saved_searches (name, query, sort, watch, created, last_seen, author) "
                "VALUES (?,?,?,?,?,?,?) ON CONFLICT(name) DO UPDATE SET query = excluded.query, "
                "sort = excluded.sort, watch = excluded.watch",
                (name, query, sort, int(watch), stamp, stamp, self.author),
            )
            search_id = conn.execute("SELECT id FROM saved_searches WHERE name = ?", (name,)).fetchone()[0]
            conn.execute("DELETE FROM saved_seen WHERE search_id = ?", (search_id,))
            conn.executemany(
                "INSERT OR IGNORE INTO saved_seen (search_id, key) VALUES (?, ?)", [(search_id, key) for key in seen]
            )
        return self._saved("WHERE id = ?", (search_id,))[0]

    def saved_searches(self) -> list[SavedSearch]:
        return self._saved("", ())

    def saved_search(self, name_or_ref: str) -> SavedSearch:
        search_id = parse_ref(name_or_ref, "saved")
        found = self._saved("WHERE name = ? OR id = ?", (" ".join(name_or_ref.split()), search_id or -1))
        if not found:
            names = ", ".join(s.name for s in self.saved_searches())
            raise StoreError(f"no saved search {name_or_ref!r}" + (f"; saved: {names}" if names else ""))
        return found[0]

    def _saved(self, where: str, params: Sequence[object]) -> list[SavedSearch]:
        with self._lock:
            rows = self._read(
                "SELECT id, name, query, sort, watch, created, last_seen, author FROM saved_searches "
                f"{where} ORDER BY name COLLATE NOCASE",
                params,
            )
            out = []
            for row in rows:
                seen = frozenset(r[0] for r in self._read("SELECT key FROM saved_seen WHERE search_id = ?", (row[0],)))
                out.append(SavedSearch(row[0], row[1], row[2], row[3], bool(row[4]), row[5], row[6], row[7], seen))
            return out

    def mark_seen(self, search_id: int, keys: Iterable[str]) -> SavedSearch:
        with self._write() as conn:
            if conn.execute("UPDATE saved_searches SET last_seen = ? WHERE id = ?", (now(), search_id)).rowcount == 0:
                raise StoreError(f"no saved-{search_id}")
            conn.executemany(
                "INSERT OR IGNORE INTO saved_seen (search_id, key) VALUES (?, ?)", [(search_id, key) for key in keys]
            )
        return self._saved("WHERE id = ?", (search_id,))[0]

    def remove_saved_search(self, search_id: int) -> None:
        with self._write() as conn:
            if conn.execute("DELETE FROM saved_searches WHERE id = ?", (search_id,)).rowcount == 0:
                raise StoreError(f"no saved-{search_id}")


def _bookmark_from(row: Sequence[Any]) -> Bookmark:
    return Bookmark(row[0], _anchor_from(row, 1), row[9], row[10], row[11])


def _note_from(row: Sequence[Any]) -> Note:
    return Note(row[0], _anchor_from(row, 1), row[9], row[10], row[11], row[12], row[13], row[14])
