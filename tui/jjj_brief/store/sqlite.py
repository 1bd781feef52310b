"""The local store: SQLite (``work.db`` in the data dir), shared by every app window and CLI.

* WAL mode, so readers never wait for a writer; ``busy_timeout`` so writers queue instead
  of failing; every write is one ``BEGIN IMMEDIATE`` transaction; foreign keys on.
* The schema is versioned (:mod:`jjj_brief.store.migrations`), migrated forward on open.
* A damaged file (not a database, or ``quick_check`` failing) is never fatal: it is kept
  aside as ``work.db.damaged-<time>`` and the last good copy (``work.db.bak``, refreshed
  after a session that wrote) takes its place, with one message saying so.
* An unwritable data dir: the work is kept in memory for the run, with one message.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from jjj_brief import paths
from jjj_brief.store.anchors import Anchor, make_anchor, refind, text_hash
from jjj_brief.store.migrations import BACKFILL_AFTER, MIGRATIONS, SCHEMA_VERSION
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

FILE_NAME = "work.db"
BACKUP_SUFFIX = ".bak"
BUSY_TIMEOUT_MS = 15_000
BACKUP_EVERY_S = 600.0  # while writing, refresh the last good copy at most this often
_CORRUPT_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
_ANCHOR_COLUMNS = "article, span_start, span_end, exact, prefix, suffix, text_sha, status"

Analyze = Callable[[str], list[str]]


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _default_author() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return ""


def _default_analyze(text: str) -> list[str]:
    from jjj_brief.search.analyzer import terms

    return terms(text)


class DamagedStore(StoreError):
    """The database file is not a usable SQLite database."""


class SQLiteStore:
    """:class:`jjj_brief.store.base.WorkStore` on SQLite. Thread-safe (one lock per store)."""

    def __init__(self, path: Path | None, *, author: str | None = None, analyze: Analyze | None = None) -> None:
        self.path = path
        self.persistent = path is not None
        self.location = str(path) if path else "memory (not saved)"
        self.author = _default_author() if author is None else author
        self._analyze = analyze or _default_analyze
        self._lock = threading.RLock()
        self._wrote = False
        self._last_backup = 0.0
        self._conn = self._connect()
        self._migrate()

    # ------------------------------------------------------------------ connection

    def _connect(self) -> sqlite3.Connection:
        target = str(self.path) if self.path else ":memory:"
        conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if self.path:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise DamagedStore(f"cannot use WAL mode on {self.path} (got {mode})")
                conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            if self.path:
                result = conn.execute("PRAGMA quick_check").fetchone()[0]
                if result != "ok":
                    raise DamagedStore(f"{self.path} failed its integrity check ({result})")
        except BaseException:
            conn.close()
            raise
        return conn

    def close(self) -> None:
        with self._lock:
            if self._conn is None:
                return
            if self._wrote:
                self._backup()
            self._conn.close()
            self._conn = None  # type: ignore[assignment]

    def _open_connection(self) -> sqlite3.Connection:
        """The connection, or a one-line StoreError once :meth:`close` ran (an app timer
        or worker may still fire between closing the store and the app's exit)."""
        if self._conn is None:
            raise StoreError(f"{self.location}: the store is closed")
        return self._conn

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction: whole or nothing; sqlite failures become one-line StoreErrors."""
        with self._lock:
            conn = self._open_connection()
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise _store_error(exc, self.location) from exc
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise _store_error(exc, self.location) from exc
                raise
            self._wrote = True
        if self.path and time.monotonic() - self._last_backup > BACKUP_EVERY_S and self._last_backup:
            self._backup()

    def _read(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        with self._lock:
            conn = self._open_connection()
            try:
                cursor = conn.execute(sql, params)
                return cursor.fetchall()
            except sqlite3.Error as exc:
                raise _store_error(exc, self.location) from exc

    # ------------------------------------------------------------------ schema

    def data_version(self) -> int:
        """Changes whenever another connection (another window, a CLI) commits: poll it to refresh."""
        with self._lock:
            if self._conn is None:
                return -1
            try:
                return int(self._conn.execute("PRAGMA data_version").fetchone()[0])
            except sqlite3.Error:
                return -1

    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        found = self.schema_version()
        if found > SCHEMA_VERSION:
            raise StoreError(
                f"{self.location} was written by a newer jjj-brief (schema {found}; this one knows "
                f"{SCHEMA_VERSION}); upgrade jjj-brief to use it"
            )
        while found < SCHEMA_VERSION:
            with self._write() as conn:
                found = int(conn.execute("PRAGMA user_version").fetchone()[0])
                if found >= SCHEMA_VERSION:
                    break
                step = found + 1
                for statement in _statements(MIGRATIONS[step - 1]):
                    conn.execute(statement)
                if BACKFILL_AFTER.get(step) == "terms":
                    self._backfill_terms(conn)
                conn.execute(f"PRAGMA user_version = {step}")
                found = step
        self._last_backup = time.monotonic()

    def _backfill_terms(self, conn: sqlite3.Connection) -> None:
        for row in conn.execute("SELECT id, text, exact FROM notes").fetchall():
            self._index_terms(conn, "note", row[0], f"{row[1]}\n{row[2]}")
        for row in conn.execute("SELECT id, text FROM claims").fetchall():
            self._index_terms(conn, "claim", row[0], self._claim_words(conn, row[0], row[1]))

    # ------------------------------------------------------------------ backup

    @property
    def backup_path(self) -> Path | None:
        return self.path.with_name(self.path.name + BACKUP_SUFFIX) if self.path else None

    def _backup(self) -> None:
        """Refresh ``work.db.bak`` (the last good state) atomically; failures are not fatal."""
        target = self.backup_path
        if target is None or self._conn is None:
            return
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            with self._lock:
                copy = sqlite3.connect(str(tmp))
                try:
                    self._conn.backup(copy)
                finally:
                    copy.close()
            with open(tmp, "rb+") as handle:
                os.fsync(handle.fileno())
            os.replace(tmp, target)
            self._last_backup = time.monotonic()
        except (OSError, sqlite3.Error):
            with contextlib.suppress(OSError):
                tmp.unlink()

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

    # ------------------------------------------------------------------ anchors and search

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
            updates: list[tuple[str, tuple, Anchor]] = []
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


# ---------------------------------------------------------------------- opening


def open_store(folder: Path | None = None, **options: object) -> SQLiteStore:
    """The user's store in ``folder`` (default: the data dir), or an in-memory one.

    Never raises for a damaged or unwritable file: the reason goes to
    :data:`jjj_brief.paths.STORAGE_WARNINGS` and the work continues (restored from the
    last good copy, or in memory). A database from a newer version raises StoreError.
    """
    target = paths.writable_dir(folder or paths.data_dir(), "your notes and bookmarks")
    if target is None:
        return SQLiteStore(None, **options)  # type: ignore[arg-type]
    path = target / FILE_NAME
    try:
        return SQLiteStore(path, **options)  # type: ignore[arg-type]
    except DamagedStore as exc:
        return _recover(path, str(exc), options)
    except sqlite3.DatabaseError as exc:
        if (
            getattr(exc, "sqlite_errorcode", None) in _CORRUPT_CODES
            or "malformed" in str(exc)
            or "not a database" in str(exc)
        ):
            return _recover(path, str(exc), options)
        raise _store_error(exc, str(path)) from exc


def _recover(path: Path, reason: str, options: dict) -> SQLiteStore:
    """Keep the damaged file aside, put the last good copy in its place, say so once."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    damaged = path.with_name(f"{path.name}.damaged-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        source = path.with_name(path.name + suffix)
        if source.exists():
            os.replace(source, damaged.with_name(damaged.name + suffix))
    backup = path.with_name(path.name + BACKUP_SUFFIX)
    restored = ""
    if backup.is_file():
        try:
            shutil.copyfile(backup, path.with_name(f".{path.name}.restore"))
            os.replace(path.with_name(f".{path.name}.restore"), path)
            store = SQLiteStore(path, **options)  # type: ignore[arg-type]
            when = datetime.fromtimestamp(backup.stat().st_mtime, UTC).strftime("%Y-%m-%d %H:%M UTC")
            restored = f"restored the last good copy ({when})"
        except (OSError, sqlite3.Error, StoreError):
            with contextlib.suppress(OSError):
                path.unlink()
            store = SQLiteStore(path, **options)  # type: ignore[arg-type]
            restored = "the last good copy was damaged too; starting empty"
    else:
        store = SQLiteStore(path, **options)  # type: ignore[arg-type]
        restored = "no earlier copy to restore; starting empty"
    paths.STORAGE_WARNINGS.add(
        f"your notes database {path} was damaged ({_first_line(reason)}); kept it as {damaged.name}; {restored}"
    )
    return store


# ---------------------------------------------------------------------- helpers


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]


def _first_line(text: str) -> str:
    return text.splitlines()[0] if text else ""


def _store_error(exc: sqlite3.Error, location: str) -> StoreError:
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc)
    if primary == 13 or "full" in text or (primary == 10 and _nearly_full(location)):
        return StoreError(f"cannot save to {location}: the disk is full; nothing was changed")
    if primary in (5, 6) or "locked" in text:
        return StoreError(f"{location} is busy (another jjj-brief is writing); try again")
    if primary == 8 or "readonly" in text:
        return StoreError(f"cannot save to {location}: it is read-only; nothing was changed")
    if code in _CORRUPT_CODES:
        return DamagedStore(f"{location} is damaged ({text}); restart jjj-brief to restore the last good copy")
    return StoreError(f"{location}: {text}")


def _nearly_full(location: str, slack: int = 1 << 20) -> bool:
    """SQLite reports a full disk met while growing the WAL or its index as a plain I/O error."""
    try:
        stats = os.statvfs(Path(location).parent)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < slack


def _anchor_from(row: Sequence, at: int) -> Anchor:
    return Anchor(row[at], row[at + 1], row[at + 2], row[at + 3], row[at + 4], row[at + 5], row[at + 6], row[at + 7])


def _orphan(anchor: Anchor) -> Anchor:
    from dataclasses import replace

    return replace(anchor, status="orphaned")


def _bookmark_from(row: Sequence) -> Bookmark:
    return Bookmark(row[0], _anchor_from(row, 1), row[9], row[10], row[11])


def _note_from(row: Sequence) -> Note:
    return Note(row[0], _anchor_from(row, 1), row[9], row[10], row[11], row[12], row[13], row[14])


def bookmark_anchor(article_id: str, text: str, offset: int, width: int = 40) -> Anchor:
    """A bookmark's anchor: the place plus the words after it (up to the line's end)."""
    offset = max(0, min(offset, len(text)))
    end = min(len(text), offset + width)
    newline = text.find("\n", offset, end)
    if newline > offset:
        end = newline
    return make_anchor(article_id, text, offset, end)
