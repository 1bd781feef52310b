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
import os
import shutil
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TypedDict, Unpack

from jjj_brief import paths
from jjj_brief.store.anchors import Anchor, make_anchor
from jjj_brief.store.migrations import BACKFILL_AFTER, MIGRATIONS, SCHEMA_VERSION
from jjj_brief.store.model import StoreError
from jjj_brief.store.sqlite_conn import (
    _CORRUPT_CODES,
    BACKUP_SUFFIX,
    FILE_NAME,
    Analyze,
    DamagedStore,
    SQLiteConnection,
    _first_line,
    _store_error,
    now,
)
from jjj_brief.store.sqlite_items import SQLiteItems

__all__ = ["FILE_NAME", "DamagedStore", "SQLiteConnection", "SQLiteStore", "bookmark_anchor", "now", "open_store"]


class SQLiteStore(SQLiteItems):
    """:class:`jjj_brief.store.base.WorkStore` on SQLite. Thread-safe (one lock per store)."""

    def __init__(self, path: Path | None, *, author: str | None = None, analyze: Analyze | None = None) -> None:
        super().__init__(path, author=author, analyze=analyze)
        self._migrate()

    def __enter__(self) -> SQLiteStore:
        return self

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


# ---------------------------------------------------------------------- opening


class StoreOptions(TypedDict, total=False):
    """What :func:`open_store` passes on to :class:`SQLiteStore`."""

    author: str | None
    analyze: Analyze | None


def open_store(
    folder: Path | None = None, *, warnings: paths.StorageWarnings, **options: Unpack[StoreOptions]
) -> SQLiteStore:
    """The user's store in ``folder`` (default: the data dir), or an in-memory one.

    Never raises for a damaged or unwritable file: the reason goes to ``warnings`` (the
    library's, which the CLI prints and the app shows) and the work continues (restored
    from the last good copy, or in memory). A database from a newer version raises StoreError.
    """
    target = paths.writable_dir(folder or paths.data_dir(), "your notes and bookmarks", warnings)
    if target is None:
        return SQLiteStore(None, **options)
    path = target / FILE_NAME
    try:
        return SQLiteStore(path, **options)
    except DamagedStore as exc:
        return _recover(path, str(exc), options, warnings)
    except sqlite3.DatabaseError as exc:
        if (
            getattr(exc, "sqlite_errorcode", None) in _CORRUPT_CODES
            or "malformed" in str(exc)
            or "not a database" in str(exc)
        ):
            return _recover(path, str(exc), options, warnings)
        raise _store_error(exc, str(path)) from exc


def _recover(path: Path, reason: str, options: StoreOptions, warnings: paths.StorageWarnings) -> SQLiteStore:
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
            store = SQLiteStore(path, **options)
            when = datetime.fromtimestamp(backup.stat().st_mtime, UTC).strftime("%Y-%m-%d %H:%M UTC")
            restored = f"restored the last good copy ({when})"
        except (OSError, sqlite3.Error, StoreError):
            with contextlib.suppress(OSError):
                path.unlink()
            store = SQLiteStore(path, **options)
            restored = "the last good copy was damaged too; starting empty"
    else:
        store = SQLiteStore(path, **options)
        restored = "no earlier copy to restore; starting empty"
    warnings.add(
        f"your notes database {path} was damaged ({_first_line(reason)}); kept it as {damaged.name}; {restored}"
    )
    return store


# ---------------------------------------------------------------------- helpers


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]


def bookmark_anchor(article_id: str, text: str, offset: int, width: int = 40) -> Anchor:
    """A bookmark's anchor: the place plus the words after it (up to the line's end)."""
    offset = max(0, min(offset, len(text)))
    end = min(len(text), offset + width)
    newline = text.find("\n", offset, end)
    if newline > offset:
        end = newline
    return make_anchor(article_id, text, offset, end)
