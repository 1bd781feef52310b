"""The team's shared work on PostgreSQL: :class:`PgStore`, the same
:class:`~jjj_brief.store.base.WorkStore` as the local SQLite store.

* Every row carries its author: the login role that wrote it (``current_user``), set by the
  server. Row-level security (:mod:`jjj_brief.team.roles`) decides who may write what; a
  refusal is one line naming the role, never a half-written record.
* Every write is one transaction with a write key (a UUID the row keeps): when the
  connection drops during a write (a server restart) the store reconnects and runs the
  transaction again, and the key makes the second run find the first one's row instead of
  writing it twice. So a write is whole once, or absent with a message.
* An edit carries the revision it was made on (compare-and-set): a note changed in between
  raises :class:`~jjj_brief.store.model.ConflictError` naming who changed it and when.
* Reads go to the replica when one is configured, except while the replica has not yet
  replayed this store's own last write (read-your-writes: that read goes to the primary).
  Writes always go to the primary; a store with only a replica refuses them in one line.
* While the server is unreachable the store answers reads with what it last read
  (``status`` says so) and refuses writes in one line; it reconnects by itself.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

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
from jjj_brief.team.config import REPLICA_ENV, URL_ENV, TeamConfig, redact, team_config
from jjj_brief.team.connection import CONNECT_TIMEOUT, TeamUnavailable, connect, explain
from jjj_brief.team.roles import ANALYST, EDITOR

if TYPE_CHECKING:
    import psycopg
    from psycopg_pool import ConnectionPool

    from jjj_brief.store.sqlite import SQLiteStore

T = TypeVar("T")
WRITE_RETRY_SECONDS = 30.0  # a write waits this long for the server to come back (a restart)
READ_RETRY_SECONDS = 3.0  # a read, less: the app shows what it has meanwhile
OFFLINE_RETRY_SECONDS = 2.0  # a write while the listener knows the server is gone: refused soon
POOL_MAX = 3
_SINGLE_READS = ("bookmark", "note", "claim", "saved-id", "role")
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


class ReplicaOnly(StoreError):
    """A write asked of a store that reaches only a read replica."""


def _quiet_pool_logs() -> None:
    """The pool logs each failed reconnection; unhandled, Python would print them on the
    terminal (under the app's screen). The store says it in one line instead."""
    import logging

    logger = logging.getLogger("psycopg")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())


class _Server:
    """One server (primary or replica): a psycopg pool opened after one direct connection
    succeeded, so a wrong password or a missing database is one clear line at once."""

    def __init__(self, url: str, name: str) -> None:
        from psycopg_pool import ConnectionPool

        _quiet_pool_logs()
        self.url = url
        self.shown = redact(url)
        probe = connect(url)  # TeamUnavailable: wrong password, unreachable, no such database
        try:
            row = _one(probe.execute("SELECT current_user, pg_is_in_recovery()").fetchone())
        finally:
            probe.close()
        self.user, self.standby = str(row[0]), bool(row[1])
        self.pool: ConnectionPool = ConnectionPool(
            url,
            min_size=1,
            max_size=POOL_MAX,
            open=False,
            kwargs={"connect_timeout": CONNECT_TIMEOUT, "autocommit": True, "application_name": f"jjj-brief {name}"},
            check=ConnectionPool.check_connection,
            name=f"jjj-brief-{name}",
        )
        self.pool.open(wait=True, timeout=CONNECT_TIMEOUT * 2)

    def close(self) -> None:
        self.pool.close(timeout=2)


class PgStore:
    """:class:`jjj_brief.store.base.WorkStore` on a PostgreSQL server (team mode). Thread-safe."""

    persistent = True

    def __init__(
        self,
        url: str | None,
        replica_url: str | None = None,
        *,
        analyze: Callable[[str], list[str]] | None = None,
        write_retry_seconds: float = WRITE_RETRY_SECONDS,
        read_retry_seconds: float = READ_RETRY_SECONDS,
    ) -> None:
        if not url and not replica_url:
            raise StoreError(f"team mode needs a connection string: set {URL_ENV}")
        self._analyze = analyze
        self.write_retry_seconds = write_retry_seconds
        self.read_retry_seconds = read_retry_seconds
        self._lock = threading.RLock()
        self._cache: dict[Hashable, Any] = {}  # last answer of each read, shown while offline
        self._wrote_lsn: str | None = None  # the primary's WAL position after this store's last write
        self.offline: str | None = None  # why the server cannot be reached (None: connected)
        self.followed = False  # a live listener keeps ``offline`` current (jjj_brief.team.live.follow)
        self.last_read_from = ""  # "primary" or "replica" (tests, status line)
        self.primary: _Server | None = None
        self.replica: _Server | None = None
        try:
            self.primary = _Server(url, "primary") if url else None
            self.replica = _Server(replica_url, "replica") if replica_url else None
        except TeamUnavailable as exc:
            self.close()
            raise StoreError(str(exc)) from None
        main = self.primary or self.replica
        assert main is not None
        self.author = main.user
        self.location = main.shown
        self._version = 0

    # ------------------------------------------------------------------ plumbing

    def close(self) -> None:
        for server in (self.primary, self.replica):
            if server is not None:
                server.close()

    def __enter__(self) -> PgStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def status(self) -> str:
        """One line for a status bar."""
        if self.offline:
            return f"team server unreachable ({self.offline}); showing what was read, read-only until it is back"
        return f"team: {self.author} on {self.location}"

    def online(self) -> None:
        """The server answers again (the live listener reconnected)."""
        self.offline = None

    def _write(self, what: str, body: Callable[[psycopg.Connection, str], T]) -> T:
        """Run ``body(conn, write_key)`` in one transaction on the primary; retried whole (same
        key) when the connection drops, until ``write_retry_seconds`` pass."""
        import psycopg

        server = self.primary
        if server is None:
            raise ReplicaOnly(
                f"cannot save {what}: this jjj-brief reaches only a read replica ({self.location}); "
                f"set {URL_ENV} to the primary server to write"
            )
        key = str(uuid.uuid4())
        wait = min(self.write_retry_seconds, OFFLINE_RETRY_SECONDS) if self.offline else self.write_retry_seconds
        deadline = time.monotonic() + wait
        while True:
            try:
                with server.pool.connection(timeout=max(0.5, deadline - time.monotonic())) as conn:
                    with conn.transaction():
                        result = body(conn, key)
                    if self.replica is not None:
                        self._wrote_lsn = str(_one(conn.execute("SELECT pg_current_wal_insert_lsn()").fetchone())[0])
                    self.offline = None
                    self._version += 1
                    return result
            except StoreError:
                raise
            except (psycopg.OperationalError, TeamUnavailable) as exc:
                reason = _reason(exc, server.url)
                if time.monotonic() >= deadline or "password" in reason:
                    self.offline = reason
                    raise StoreError(f"cannot save {what}: {reason}; nothing was changed") from None
                time.sleep(0.2)
            except psycopg.Error as exc:
                raise _refusal(exc, what, self.author, server) from None

    def _read(self, key: Hashable, body: Callable[[psycopg.Connection], T], empty: T | None = None) -> T:
        """Run a read on the replica (or the primary when the replica lags behind this store's
        own write, or is down). While the server is known to be gone: the last answer to the
        same read, without waiting; in an app (a listener follows the store) ``empty`` for a
        read never made before, so a view shows nothing new rather than failing."""
        import psycopg

        with self._lock:
            if self.offline and key in self._cache:
                return self._cache[key]
            if self.offline and self.followed and empty is not None:
                return empty
        deadline = time.monotonic() + self.read_retry_seconds
        while True:
            server, source = self._read_server()
            try:
                with server.pool.connection(timeout=max(0.5, deadline - time.monotonic())) as conn:
                    result = body(conn)
                self.last_read_from = source
                self.offline = None
                with self._lock:
                    self._cache[key] = result
                return result
            except (psycopg.OperationalError, TeamUnavailable) as exc:
                if source == "replica" and self.primary is not None:
                    self._replica_down = time.monotonic()
                    continue
                if time.monotonic() < deadline:
                    time.sleep(0.2)
                    continue
                self.offline = _reason(exc, server.url)
                with self._lock:
                    if key in self._cache:
                        return self._cache[key]
                if self.followed and empty is not None:
                    return empty
                raise StoreError(f"cannot read from the team server: {self.offline}") from None
            except psycopg.Error as exc:
                raise StoreError(f"{server.shown}: {_first_line(exc)}") from None

    _replica_down = 0.0

    def _read_server(self) -> tuple[_Server, str]:
        if self.replica is None:
            assert self.primary is not None
            return self.primary, "primary"
        if self.primary is None:
            return self.replica, "replica"
        if time.monotonic() - self._replica_down < 5.0:
            return self.primary, "primary"
        if self._wrote_lsn is not None and not self._replica_has(self._wrote_lsn):
            return self.primary, "primary"  # read your own write: the replica has not replayed it yet
        self._wrote_lsn = None
        return self.replica, "replica"

    def _replica_has(self, lsn: str) -> bool:
        import psycopg

        assert self.replica is not None
        try:
            with self.replica.pool.connection(timeout=1.0) as conn:
                row = conn.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (lsn,)).fetchone()
        except (psycopg.Error, TeamUnavailable):
            self._replica_down = time.monotonic()
            return False
        return bool(row and row[0])

    def data_version(self) -> int:
        """Grows with every committed change on the server (anyone's)."""
        try:
            return self._read(
                "version", lambda conn: int(_one(conn.execute("SELECT last_value FROM work.changes").fetchone())[0])
            )
        except StoreError:
            return -1

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
                params: tuple = (list(kinds), pattern)
            else:
                sql = "SELECT DISTINCT kind, item_id FROM work.item_terms WHERE kind = ANY(%s) AND term = %s"
                params = (list(kinds), term)
            hits = {(row[0], int(row[1])) for row in self._select(("terms", term, tuple(kinds)), sql, params)}
            found = hits if found is None else found & hits
            if not found:
                return []
        return sorted(found or ())

    # ------------------------------------------------------------------ helpers

    def _may(self, role: str) -> bool:
        """Whether this store's login role is a member of ``role`` (jjj_analyst, jjj_editor)."""
        rows = self._select(("role", role), "SELECT pg_has_role(current_user, %s, 'MEMBER')", (role,))
        return bool(rows and rows[0][0])

    def may_write(self) -> bool:
        return self.primary is not None and self._may(ANALYST)

    def may_publish(self) -> bool:
        return self.primary is not None and self._may(EDITOR)

    def _select(self, key: Hashable, sql: str, params: Sequence[object]) -> list[tuple]:
        single = isinstance(key, tuple) and key[0] in _SINGLE_READS  # "no note-5" would be untrue offline
        empty: list[tuple] | None = None if single else []
        return self._read(key, lambda conn: conn.execute(sql, params or None).fetchall(), empty)

    def _remove(self, table: str, kind: str, item_id: int) -> None:
        def body(conn: psycopg.Connection, key: str) -> None:
            row = conn.execute(f"SELECT author FROM work.{table} WHERE id = %s", (item_id,)).fetchone()
            if row is None:
                raise StoreError(f"no {kind}-{item_id}")
            if row[0] != self.author:
                raise StoreError(f"{kind}-{item_id} is {row[0]}'s: you can remove only your own ({self.author})")
            conn.execute(f"DELETE FROM work.{table} WHERE id = %s", (item_id,))
            if kind in ("note", "claim", "bookmark"):
                conn.execute("DELETE FROM work.item_terms WHERE kind = %s AND item_id = %s", (kind, item_id))

        self._write(f"{kind}-{item_id}", body)

    def _index_terms(self, conn: psycopg.Connection, kind: str, item_id: int, text: str) -> None:
        conn.execute("DELETE FROM work.item_terms WHERE kind = %s AND item_id = %s", (kind, item_id))
        try:
            words = set(self._analyzer()(text))
        except Exception:  # an analyzer failure must not lose the note itself
            words = set(text.casefold().split())
        with conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO work.item_terms (kind, item_id, term) VALUES (%s,%s,%s) ON CONFLICT DO NOTHING",
                [(kind, item_id, word) for word in sorted(words)],
            )

    def _analyzer(self) -> Callable[[str], list[str]]:
        if self._analyze is None:
            from jjj_brief.search.analyzer import terms

            self._analyze = terms
        return self._analyze


# ---------------------------------------------------------------------- opening


def open_team_store(config: TeamConfig | None = None) -> PgStore | None:
    """The configured team's store, or None when team mode is off (everything stays local)."""
    config = config or team_config()
    if config is None:
        return None
    return PgStore(config.url or None, config.replica_url)


def open_work_store(data_dir: Path | None = None) -> PgStore | SQLiteStore:
    """The team's store when a connection string is set, else the local one in ``data_dir``."""
    from jjj_brief.store.sqlite import open_store

    return open_team_store() or open_store(data_dir)


# ---------------------------------------------------------------------- helpers


def _insert(conn: psycopg.Connection, table: str, key: str, sql: str, params: Sequence[object]) -> int:
    """Insert once per write key (a retried transaction finds the row the first run wrote)."""
    row = conn.execute(f"{sql} ON CONFLICT (write_key) DO NOTHING RETURNING id", params).fetchone()
    if row is None:
        row = conn.execute(f"SELECT id FROM work.{table} WHERE write_key = %s", (key,)).fetchone()
    return int(_one(row)[0])


def _one(row: tuple | None) -> tuple:
    if row is None:  # a query that always answers one row did not: the server is not ours
        raise StoreError("the team server answered no row where one was expected; is the schema migrated?")
    return row


def _add_seen(conn: psycopg.Connection, search_id: int, keys: list[str]) -> None:
    if keys:
        conn.execute(
            "INSERT INTO work.saved_seen (search_id, key) SELECT %s, unnest(%s::text[]) ON CONFLICT DO NOTHING",
            (search_id, keys),
        )


def _reason(exc: BaseException, url: str) -> str:
    if isinstance(exc, TeamUnavailable):
        return str(exc)
    return explain(exc, url)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _refusal(exc: Exception, what: str, user: str, server: _Server) -> StoreError:
    """One line for a write the server refused."""
    import psycopg.errors as errors

    if isinstance(exc, errors.ReadOnlySqlTransaction):
        return ReplicaOnly(
            f"cannot save {what}: {server.shown} is a read-only replica; set {URL_ENV} to the primary "
            f"(a replica goes in {REPLICA_ENV})"
        )
    if isinstance(exc, errors.InsufficientPrivilege):
        return StoreError(
            f"cannot save {what}: {user} may not write here (read-only role; writing needs the {ANALYST} role, "
            f"publishing the desk's claims {EDITOR}); nothing was changed"
        )
    return StoreError(f"cannot save {what}: {_first_line(exc)}; nothing was changed")


def _stamp(value: object) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds")
    return str(value or "")


def _bookmark_from(row: Sequence) -> Bookmark:
    return Bookmark(int(row[0]), Anchor(*row[1:9]), row[9], _stamp(row[10]), row[11])


def _note_from(row: Sequence) -> Note:
    return Note(
        int(row[0]), Anchor(*row[1:9]), row[9], row[10], _stamp(row[11]), _stamp(row[12]), int(row[13]), row[14]
    )
