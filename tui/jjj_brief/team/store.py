"""The team's shared work on PostgreSQL: :class:`PgStore`, the same
:class:`~jjj_brief.store.base.WorkStore` as the local SQLite store.

Every row carries its author (the login role, set by the server) and row-level security
decides who may write what (:mod:`jjj_brief.team.roles`). Writes, reads, retries and the
replica are :class:`~jjj_brief.team.store_server.ServerStore`'s (see its module for the rules).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jjj_brief.store.anchors import Anchor, refind, text_hash
from jjj_brief.store.model import (
    Bookmark,
    Claim,
    ClaimMember,
    ConflictError,
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
from jjj_brief.team.config import TeamConfig, team_config
from jjj_brief.team.roles import ANALYST
from jjj_brief.team.store_server import ReplicaOnly, ServerStore, _insert, _one, _stamp

if TYPE_CHECKING:
    import psycopg

    from jjj_brief.paths import StorageWarnings
    from jjj_brief.store.sqlite import SQLiteStore

__all__ = ["PgStore", "ReplicaOnly", "open_team_store", "open_work_store"]

_ANCHOR = "article, span_start, span_end, exact, prefix, suffix, text_sha, status"
_BOOKMARK = f"id, {_ANCHOR}, note, created, author"
_NOTE = f"id, {_ANCHOR}, text, color, created, updated, revision, author"
_CLAIM = f"""
SELECT c.id, c.verdict, c.text, c.created, c.updated, c.revision, c.author,
    coalesce((SELECT json_agg(json_build_array({_ANCHOR}, value, unit) ORDER BY position)
              FROM work.claim_members m WHERE m.claim_id = c.id), '[]'::json)
FROM work.claims c
"""
_SAVED = """
SELECT s.id, s.name, s.query, s.sort, s.watch, s.created, s.last_seen, s.author,
    coalesce((SELECT array_agg(key) FROM work.saved_seen WHERE search_id = s.id), '{}')
FROM work.saved_searches s
"""


class PgStore(ServerStore):
    """:class:`jjj_brief.store.base.WorkStore` on a PostgreSQL server (team mode). Thread-safe."""

    # ------------------------------------------------------------------ bookmarks

    def add_bookmark(self, anchor: Anchor, note: str = "") -> Bookmark:
        note = user_text(note, "bookmark note")

        def body(conn: psycopg.Connection, key: str) -> int:
            return _insert(
                conn,
                "bookmarks",
                key,
                f"INSERT INTO work.bookmarks ({_ANCHOR}, note, write_key) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                (*anchor_values(anchor), note, key),
            )

        return self._bookmark(self._write("the bookmark", body))

    def _bookmark(self, bookmark_id: int) -> Bookmark:
        found = self._select(
            ("bookmark", bookmark_id), f"SELECT {_BOOKMARK} FROM work.bookmarks WHERE id = %s", (bookmark_id,)
        )
        if not found:
            raise StoreError(f"no bookmark-{bookmark_id}")
        return _bookmark_from(found[0])

    def bookmarks(self, article: str | None = None) -> list[Bookmark]:
        where, params = ("WHERE article = %s", (article,)) if article else ("", ())
        rows = self._select(
            ("bookmarks", article),
            f"SELECT {_BOOKMARK} FROM work.bookmarks {where} ORDER BY created DESC, id DESC",
            params,
        )
        return [_bookmark_from(row) for row in rows]

    def remove_bookmark(self, bookmark_id: int) -> None:
        self._remove("bookmarks", "bookmark", bookmark_id)

    # ------------------------------------------------------------------ notes

    def add_note(self, anchor: Anchor, text: str = "", color: str = "yellow") -> Note:
        text, color = user_text(text, "note"), checked_color(color)

        def body(conn: psycopg.Connection, key: str) -> int:
            note_id = _insert(
                conn,
                "notes",
                key,
                f"INSERT INTO work.notes ({_ANCHOR}, text, color, write_key) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                (*anchor_values(anchor), text, color, key),
            )
            self._index_terms(conn, "note", note_id, f"{text}\n{anchor.exact}")
            return note_id

        return self.note(self._write("the note", body))

    def update_note(
        self, note_id: int, text: str, color: str | None = None, expected_revision: int | None = None
    ) -> Note:
        """Change a note's text (and colour). With ``expected_revision`` (the revision the
        analyst edited), a note changed since raises ConflictError and is left as it is."""
        text = user_text(text, "note")
        if color is not None:
            color = checked_color(color)

        def body(conn: psycopg.Connection, key: str) -> None:
            row = conn.execute(
                "SELECT revision, color, exact, author, updated, write_key::text FROM work.notes WHERE id = %s",
                (note_id,),
            ).fetchone()
            if row is None:
                raise StoreError(f"no note-{note_id}")
            revision, old_color, exact, author, updated, last_key = row
            if last_key == key:
                return  # this very write committed before the connection dropped
            if author != self.author:
                raise StoreError(f"note-{note_id} is {author}'s: you can change only your own notes ({self.author})")
            changed = conn.execute(
                "UPDATE work.notes SET text = %s, color = %s, updated = now(), revision = revision + 1, "
                "write_key = %s WHERE id = %s AND revision = %s",
                (text, color or old_color, key, note_id, revision if expected_revision is None else expected_revision),
            ).rowcount
            if changed == 0:
                raise ConflictError(
                    f"note-{note_id} was changed by {author} at {_stamp(updated)} (revision {revision}; you edited "
                    f"revision {expected_revision}); your text was not saved: reload the note and edit it again"
                )
            self._index_terms(conn, "note", note_id, f"{text}\n{exact}")

        self._write(f"note-{note_id}", body)
        return self.note(note_id)

    def note(self, note_id: int) -> Note:
        found = self._select(("note", note_id), f"SELECT {_NOTE} FROM work.notes WHERE id = %s", (note_id,))
        if not found:
            raise StoreError(f"no note-{note_id}")
        return _note_from(found[0])

    def notes(self, article: str | None = None) -> list[Note]:
        where, params = ("WHERE article = %s", (article,)) if article else ("", ())
        rows = self._select(
            ("notes", article), f"SELECT {_NOTE} FROM work.notes {where} ORDER BY article, span_start, id", params
        )
        return [_note_from(row) for row in rows]

    def remove_note(self, note_id: int) -> None:
        self._remove("notes", "note", note_id)

    # ------------------------------------------------------------------ claims

    def add_claim(self, members: Sequence[ClaimMember], verdict: str, text: str = "") -> Claim:
        verdict, text = checked_verdict(verdict), user_text(text, "claim text")
        if len(members) < 2 or len({m.anchor.article for m in members}) < 2:
            raise StoreError("a claim ties two or more figures in at least two different articles")

        def body(conn: psycopg.Connection, key: str) -> int:
            row = conn.execute(
                "INSERT INTO work.claims (verdict, text, write_key) VALUES (%s,%s,%s) "
                "ON CONFLICT (write_key) DO NOTHING RETURNING id",
                (verdict, text, key),
            ).fetchone()
            if row is None:  # a retried write that had committed: members came with it
                return int(_one(conn.execute("SELECT id FROM work.claims WHERE write_key = %s", (key,)).fetchone())[0])
            claim_id = int(row[0])
            with conn.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO work.claim_members (claim_id, position, {_ANCHOR}, value, unit) "
                    "VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                    [
                        (claim_id, position, *anchor_values(m.anchor), m.value, m.unit)
                        for position, m in enumerate(members)
                    ],
                )
            quotes = "\n".join(m.anchor.exact for m in members)
            self._index_terms(conn, "claim", claim_id, f"{text}\n{quotes}")
            return claim_id

        return self.claim(self._write("the claim", body))

    def claim(self, claim_id: int) -> Claim:
        found = self._claims(("claim", claim_id), "WHERE c.id = %s", (claim_id,))
        if not found:
            raise StoreError(f"no claim-{claim_id}")
        return found[0]

    def claims(self, article: str | None = None) -> list[Claim]:
        if article:
            where = "WHERE c.id IN (SELECT claim_id FROM work.claim_members WHERE article = %s)"
            return self._claims(("claims", article), where, (article,))
        return self._claims(("claims", None), "", ())

    def _claims(self, key: Hashable, where: str, params: Sequence[object]) -> list[Claim]:
        rows = self._select(key, f"{_CLAIM} {where} ORDER BY c.id", params)
        return [
            Claim(
                int(row[0]),
                row[1],
                row[2],
                tuple(ClaimMember(Anchor(*m[:8]), m[8], m[9]) for m in row[7]),
                _stamp(row[3]),
                _stamp(row[4]),
                row[5],
                row[6],
            )
            for row in rows
        ]

    def remove_claim(self, claim_id: int) -> None:
        self._remove("claims", "claim", claim_id)

    def publish_claim(self, claim_id: int) -> None:
        """Publish a claim as the desk's (editors only: the server refuses anyone else)."""

        def body(conn: psycopg.Connection, key: str) -> None:
            if conn.execute("SELECT 1 FROM work.claims WHERE id = %s", (claim_id,)).fetchone() is None:
                raise StoreError(f"no claim-{claim_id}")
            conn.execute("INSERT INTO work.desk_claims (claim_id) VALUES (%s) ON CONFLICT DO NOTHING", (claim_id,))

        self._write(f"claim-{claim_id} as the desk's", body)

    def desk_claims(self) -> dict[int, str]:
        """Claims published as the desk's: claim id -> the editor who published it."""
        rows = self._select(("desk",), "SELECT claim_id, published_by FROM work.desk_claims ORDER BY claim_id", ())
        return {int(row[0]): row[1] for row in rows}

    # ------------------------------------------------------------------ saved searches (each analyst's own)

    def save_search(
        self, name: str, query: str, sort: str = "relevance", watch: bool = False, seen: Iterable[str] = ()
    ) -> SavedSearch:
        name, query = saved_search_input(name, query, sort)
        keys = list(seen)

        def body(conn: psycopg.Connection, key: str) -> int:
            row = conn.execute(
                "INSERT INTO work.saved_searches (name, query, sort, watch) VALUES (%s,%s,%s,%s) "
                "ON CONFLICT (author, name) DO UPDATE SET query = excluded.query, sort = excluded.sort, "
                "watch = excluded.watch RETURNING id",
                (name, query, sort, watch),
            ).fetchone()
            search_id = int(_one(row)[0])
            conn.execute("DELETE FROM work.saved_seen WHERE search_id = %s", (search_id,))
            _add_seen(conn, search_id, keys)
            return search_id

        return self._saved_one(self._write("the search", body))

    def saved_searches(self) -> list[SavedSearch]:
        return self._saved(("saved", None), "WHERE s.author = current_user", ())

    def saved_search(self, name_or_ref: str) -> SavedSearch:
        search_id = parse_ref(name_or_ref, "saved")
        found = self._saved(
            ("saved", name_or_ref),
            "WHERE s.author = current_user AND (s.name = %s OR s.id = %s)",
            (" ".join(name_or_ref.split()), search_id or -1),
        )
        if not found:
            names = ", ".join(s.name for s in self.saved_searches())
            raise StoreError(f"no saved search {name_or_ref!r}" + (f"; saved: {names}" if names else ""))
        return found[0]

    def _saved_one(self, search_id: int) -> SavedSearch:
        found = self._saved(("saved-id", search_id), "WHERE s.id = %s", (search_id,))
        if not found:
            raise StoreError(f"no saved-{search_id}")
        return found[0]

    def _saved(self, key: Hashable, where: str, params: Sequence[object]) -> list[SavedSearch]:
        rows = self._select(key, f"{_SAVED} {where} ORDER BY lower(s.name), s.id", params)
        return [
            SavedSearch(
                int(r[0]), r[1], r[2], r[3], bool(r[4]), _stamp(r[5]), _stamp(r[6]), r[7], frozenset(r[8] or ())
            )
            for r in rows
        ]

    def mark_seen(self, search_id: int, keys: Iterable[str]) -> SavedSearch:
        keys = list(keys)

        def body(conn: psycopg.Connection, key: str) -> None:
            cursor = conn.execute(
                "UPDATE work.saved_searches SET last_seen = now() WHERE id = %s AND author = current_user", (search_id,)
            )
            if cursor.rowcount == 0:
                raise StoreError(f"no saved-{search_id} of yours")
            _add_seen(conn, search_id, keys)

        self._write(f"saved-{search_id}", body)
        return self._saved_one(search_id)

    def remove_saved_search(self, search_id: int) -> None:
        self._remove("saved_searches", "saved", search_id)

    # ------------------------------------------------------------------ anchors and search

    def reanchor(self, text_of: Callable[[str], str | None]) -> int:
        """Re-find the anchors (everyone's) whose article changed; how many moved. A reader's
        store changes nothing (the server would refuse): it shows the anchors as stored."""
        if self.primary is None or not self._may(ANALYST):
            return 0
        rows = self._select(
            ("anchors",),
            f"SELECT 'bookmark', id, 0, {_ANCHOR} FROM work.bookmarks UNION ALL "
            f"SELECT 'note', id, 0, {_ANCHOR} FROM work.notes UNION ALL "
            f"SELECT 'claim', claim_id, position, {_ANCHOR} FROM work.claim_members",
            (),
        )
        current: dict[str, tuple[str | None, str]] = {}
        updates: list[tuple[str, int, int, Anchor]] = []
        for kind, key, position, *anchor_row in rows:
            anchor = Anchor(*anchor_row)
            if anchor.article not in current:
                text = text_of(anchor.article)
                current[anchor.article] = (text, text_hash(text) if text is not None else "")
            text, sha = current[anchor.article]
            if anchor.text_sha == sha and not anchor.orphaned:
                continue
            if text is None:
                found = anchor if anchor.orphaned else replace(anchor, status="orphaned")
            else:
                found = refind(anchor, text, sha)
            if found != anchor:
                updates.append((kind, int(key), int(position), found))
        if not updates:
            return 0

        def body(conn: psycopg.Connection, key: str) -> None:
            with conn.cursor() as cursor:
                cursor.executemany(
                    "SELECT work.set_anchor(%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                    [(kind, k, pos, *anchor_values(a)[1:]) for kind, k, pos, a in updates],
                )

        self._write("moved anchors", body)
        return len(updates)

    def search_text(self, terms: Sequence[str], kinds: Sequence[str] = ("note", "claim")) -> list[tuple[str, int]]:
        """``(kind, id)`` of everyone's notes/claims whose words hold every term (``x*``: a prefix)."""
        if not terms:
            return []
        found: set[tuple[str, int]] | None = None
        for term in terms:
            if term.endswith("*"):
                pattern = term[:-1].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                sql = "SELECT DISTINCT kind, item_id FROM work.item_terms WHERE kind = ANY(%s) AND term LIKE %s"
                params: tuple[list[str], str] = (list(kinds), pattern)
            else:
                sql = "SELECT DISTINCT kind, item_id FROM work.item_terms WHERE kind = ANY(%s) AND term = %s"
                params = (list(kinds), term)
            hits = {(row[0], int(row[1])) for row in self._select(("terms", term, tuple(kinds)), sql, params)}
            found = hits if found is None else found & hits
            if not found:
                return []
        return sorted(found or ())


# ---------------------------------------------------------------------- opening


def open_team_store(config: TeamConfig | None = None) -> PgStore | None:
    """The configured team's store, or None when team mode is off (everything stays local)."""
    config = config or team_config()
    if config is None:
        return None
    return PgStore(config.url or None, config.replica_url)


def open_work_store(data_dir: Path | None = None, *, warnings: StorageWarnings) -> PgStore | SQLiteStore:
    """The team's store when a connection string is set, else the local one in ``data_dir``
    (an unwritable or damaged one is said in ``warnings``, the library's)."""
    from jjj_brief.store.sqlite import open_store

    return open_team_store() or open_store(data_dir, warnings=warnings)


def _add_seen(conn: psycopg.Connection, search_id: int, keys: list[str]) -> None:
    if keys:
        conn.execute(
            "INSERT INTO work.saved_seen (search_id, key) SELECT %s, unnest(%s::text[]) ON CONFLICT DO NOTHING",
            (search_id, keys),
        )


def _bookmark_from(row: Sequence[Any]) -> Bookmark:
    return Bookmark(int(row[0]), Anchor(*row[1:9]), row[9], _stamp(row[10]), row[11])


def _note_from(row: Sequence[Any]) -> Note:
    return Note(
        int(row[0]), Anchor(*row[1:9]), row[9], row[10], _stamp(row[11]), _stamp(row[12]), int(row[13]), row[14]
    )
