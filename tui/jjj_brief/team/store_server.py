"""The plumbing of the team store (:class:`~jjj_brief.team.store.PgStore`): one server's pool,
writes in one retried transaction, reads from the replica or the primary, refusals in one line.

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
from collections.abc import Callable, Hashable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from jjj_brief.store.model import StoreError
from jjj_brief.team.config import REPLICA_ENV, URL_ENV, redact
from jjj_brief.team.connection import CONNECT_TIMEOUT, TeamUnavailable, connect, explain
from jjj_brief.team.roles import ANALYST, EDITOR

if TYPE_CHECKING:
    import psycopg
    from psycopg_pool import ConnectionPool

T = TypeVar("T")
WRITE_RETRY_SECONDS = 30.0  # a write waits this long for the server to come back (a restart)
READ_RETRY_SECONDS = 3.0  # a read, less: the app shows what it has meanwhile
OFFLINE_RETRY_SECONDS = 2.0  # a write while the listener knows the server is gone: refused soon
POOL_MAX = 3
_SINGLE_READS = ("bookmark", "note", "claim", "saved-id", "role")


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


class ServerStore:
    """A store's connection to the team's servers: the plumbing under :class:`~jjj_brief.team.store.PgStore`."""

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

    def __enter__(self) -> Self:
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
        self._online_at = time.monotonic()

    def _gone(self, reason: str, started: float) -> None:
        """A read or write begun at ``started`` failed: the server is taken as gone, unless
        the listener said it was back after that began (a read that failed during the
        restart must not leave a live app reading its cache for good)."""
        if self._online_at <= started:
            self.offline = reason

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
        started = time.monotonic()
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
                    self._gone(reason, started)
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
                return cast(T, self._cache[key])  # the last answer of this same read
            if self.offline and self.followed and empty is not None:
                return empty
        started = time.monotonic()
        deadline = started + self.read_retry_seconds
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
                reason = _reason(exc, server.url)
                self._gone(reason, started)
                with self._lock:
                    if key in self._cache:
                        return cast(T, self._cache[key])  # the last answer of this same read
                if self.followed and empty is not None:
                    return empty
                raise StoreError(f"cannot read from the team server: {reason}") from None
            except psycopg.Error as exc:
                raise StoreError(f"{server.shown}: {_first_line(exc)}") from None

    _replica_down = 0.0
    _online_at = 0.0  # when the listener last said the server answers again

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

    # ------------------------------------------------------------------ helpers

    def _may(self, role: str) -> bool:
        """Whether this store's login role is a member of ``role`` (jjj_analyst, jjj_editor)."""
        rows = self._select(("role", role), "SELECT pg_has_role(current_user, %s, 'MEMBER')", (role,))
        return bool(rows and rows[0][0])

    def may_write(self) -> bool:
        return self.primary is not None and self._may(ANALYST)

    def may_publish(self) -> bool:
        return self.primary is not None and self._may(EDITOR)

    def _select(self, key: Hashable, sql: str, params: Sequence[object]) -> list[tuple[Any, ...]]:
        single = isinstance(key, tuple) and key[0] in _SINGLE_READS  # "no note-5" would be untrue offline
        empty: list[tuple[Any, ...]] | None = None if single else []
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


# ---------------------------------------------------------------------- helpers


def _insert(conn: psycopg.Connection, table: str, key: str, sql: str, params: Sequence[object]) -> int:
    """Insert once per write key (a retried transaction finds the row the first run wrote)."""
    row = conn.execute(f"{sql} ON CONFLICT (write_key) DO NOTHING RETURNING id", params).fetchone()
    if row is None:
        row = conn.execute(f"SELECT id FROM work.{table} WHERE write_key = %s", (key,)).fetchone()
    return int(_one(row)[0])


def _one(row: tuple[Any, ...] | None) -> tuple[Any, ...]:
    if row is None:  # a query that always answers one row did not: the server is not ours
        raise StoreError("the team server answered no row where one was expected; is the schema migrated?")
    return row


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
