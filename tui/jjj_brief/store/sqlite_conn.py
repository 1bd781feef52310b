"""The SQLite connection under :class:`jjj_brief.store.sqlite.SQLiteStore`: opening (WAL,
foreign keys, ``quick_check``), one ``BEGIN IMMEDIATE`` transaction per write, reads, the
last good copy (``work.db.bak``), and sqlite failures as one-line StoreErrors.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from jjj_brief.store.model import StoreError

FILE_NAME = "work.db"
BACKUP_SUFFIX = ".bak"
BUSY_TIMEOUT_MS = 15_000
BACKUP_EVERY_S = 600.0  # while writing, refresh the last good copy at most this often
_CORRUPT_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB

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


class SQLiteConnection:
    """The connection, its lock and its transactions; :class:`SQLiteStore` adds the items."""

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
