"""Connections to the team database: psycopg 3 with a connection pool per server.

Writes go to the primary; reads to the replica when one is configured (else the
primary). Every failure to connect becomes one :class:`TeamUnavailable` line naming the
server (password hidden) and what to do: a wrong password, an unreachable server, a
missing database. Nothing here retries forever: a pool is opened only after one direct
connection has succeeded.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar, cast

from jjj_brief.errors import UserError
from jjj_brief.team.config import TeamConfig, redact, team_config

if TYPE_CHECKING:
    import psycopg
    from psycopg_pool import ConnectionPool

T = TypeVar("T")
CONNECT_TIMEOUT = 5  # seconds for one connection attempt
POOL_MAX = 4
POOL_TIMEOUT = 10.0  # seconds to wait for a free pooled connection


class TeamUnavailable(UserError):
    """The team database cannot be used right now (one line: which server, why, what to do)."""


_USER = re.compile(r'for user "([^"]*)"')


def explain(exc: BaseException, url: str) -> str:
    """One line for a connection failure (the server's words, shortened)."""
    text = " ".join(str(exc).split())
    where = redact(url)
    if "password authentication failed" in text:
        user = _USER.search(text)
        who = f" for user {user.group(1)!r}" if user else ""
        return f"team database {where}: wrong password{who} (check the connection string's password)"
    if "no password supplied" in text:
        return f"team database {where}: the server wants a password and none was given"
    if re.search(r'database "[^"]*" does not exist', text):
        return f"team database {where}: that database does not exist (create it, then run jjj-brief team init)"
    if re.search(r'role "[^"]*" does not exist', text):
        return f"team database {where}: no such user on the server"
    if "invalid dsn" in text.lower() or "missing" in text and "=" in text:
        return f"team database {where}: not a valid connection string ({text.split(':', 1)[-1].strip()})"
    reason = text.split("failed:")[-1].strip() if "failed:" in text else text
    return f"team database {where} is unreachable: {reason[:200]}"


def connect(url: str, *, autocommit: bool = False, **kwargs: Any) -> psycopg.Connection:
    """One direct connection; failures as :class:`TeamUnavailable`."""
    import psycopg

    try:
        return psycopg.connect(url, autocommit=autocommit, connect_timeout=CONNECT_TIMEOUT, **kwargs)
    except psycopg.Error as exc:
        raise TeamUnavailable(explain(exc, url)) from None
    except Exception as exc:  # a malformed string is a ProgrammingError or ValueError in libpq's parser
        raise TeamUnavailable(explain(exc, url)) from None


class Team:
    """The pools of one configuration: :meth:`write` (primary), :meth:`read` (replica or primary)."""

    def __init__(self, config: TeamConfig) -> None:
        self.config = config
        self._pools: dict[str, ConnectionPool] = {}
        self._lock = threading.Lock()
        self._kept: dict[str, Any] = {}  # what is built once per configuration (the search generation)
        self._kept_lock = threading.Lock()

    def kept(self, name: str, build: Callable[[], T]) -> T:
        """``build()``'s result, made once for this configuration's pools."""
        with self._kept_lock:
            if name not in self._kept:
                self._kept[name] = build()
            return cast(T, self._kept[name])  # kept under this name by this same call's build()

    def _pool(self, role: str) -> ConnectionPool:
        from psycopg_pool import ConnectionPool

        url = self.config.url if role == "primary" else (self.config.replica_url or self.config.url)
        with self._lock:
            pool = self._pools.get(role)
            if pool is None or pool.closed:
                connect(url).close()  # the clear one-line error, before any pool retries
                pool = ConnectionPool(
                    url,
                    min_size=1,
                    max_size=POOL_MAX,
                    timeout=POOL_TIMEOUT,
                    open=False,
                    kwargs={"connect_timeout": CONNECT_TIMEOUT},
                    check=ConnectionPool.check_connection,
                    name=f"jjj-brief-{role}",
                )
                pool.open(wait=True, timeout=POOL_TIMEOUT)
                self._pools[role] = pool
            return pool

    @contextmanager
    def _connection(self, role: str) -> Iterator[psycopg.Connection]:
        import psycopg
        from psycopg_pool import PoolTimeout

        url = self.config.url if role == "primary" else (self.config.replica_url or self.config.url)
        try:
            pool = self._pool(role)
            with pool.connection() as conn:
                yield conn
        except PoolTimeout as exc:
            raise TeamUnavailable(f"team database {redact(url)} is busy or unreachable ({exc})") from None
        except psycopg.OperationalError as exc:
            raise TeamUnavailable(explain(exc, url)) from None

    def write(self) -> Any:
        """A pooled connection to the primary, in a transaction committed when the block ends."""
        return self._connection("primary")

    def read(self) -> Any:
        """A pooled connection for reading: the replica when configured, else the primary."""
        return self._connection("replica" if self.config.replica_url else "primary")

    def close(self) -> None:
        with self._lock:
            for pool in self._pools.values():
                pool.close()
            self._pools.clear()


class TeamPools:
    """The pools for the configured team database, remade when the configuration changes.
    Owned by a :class:`~jjj_brief.library.Library` (``library.team()``), which closes them;
    the team layer keeps none of its own."""

    def __init__(self) -> None:
        self._team: Team | None = None
        self._lock = threading.Lock()

    def current(self) -> Team:
        """The pools of the configuration in force. Raises :class:`UserError` when team mode
        is not configured."""
        config = team_config()
        if config is None:
            raise UserError(
                "team mode is not configured: set JJJ_BRIEF_DATABASE_URL (or database_url in settings.json)"
            )
        with self._lock:
            if self._team is None or self._team.config != config:
                if self._team is not None:
                    self._team.close()
                self._team = Team(config)
            return self._team

    def close(self) -> None:
        """Close the pools (the next :meth:`current` opens them again)."""
        with self._lock:
            if self._team is not None:
                self._team.close()
            self._team = None
