"""Fixtures of the shared-work tests: a migrated database and four people in it.

``alice`` and ``bob`` are analysts, ``carol`` a reader, ``ed`` an editor: login roles
made the way the README's "Team mode" section says, members of the group roles that
migration 51 creates.
"""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PEOPLE = {"alice": "jjj_analyst", "bob": "jjj_analyst", "carol": "jjj_reader", "ed": "jjj_editor"}


def password(user: str) -> str:
    return f"{user}-secret"


@dataclass
class WorkDb:
    cluster: object
    name: str

    def url(self, user: str, secret: str | None = None) -> str:
        return self.cluster.url(user, secret if secret is not None else password(user), self.name)

    @property
    def admin(self) -> str:
        return self.cluster.admin_url(self.name)

    def sql(self, statement: str, params: tuple = ()) -> list[tuple]:
        return self.cluster.sql(statement, params, dbname=self.name)

    def as_user(self, user: str, statement: str, params: tuple = ()) -> list[tuple]:
        """One statement as ``user`` (autocommit); its rows."""
        import psycopg

        with psycopg.connect(self.url(user), autocommit=True) as conn:
            cursor = conn.execute(statement, params or None)
            return cursor.fetchall() if cursor.description else []


def migrate_database(url: str) -> list[int]:
    import psycopg

    from jjj_brief.team.migrations import migrate

    with psycopg.connect(url, autocommit=True) as conn:
        return migrate(conn)


def ensure_people(cluster) -> None:
    """The login roles (cluster-wide; the group roles exist once any database migrated)."""
    for user, role in PEOPLE.items():
        cluster.sql(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{user}') THEN "
            f"CREATE ROLE {user} LOGIN PASSWORD '{password(user)}' IN ROLE {role}; END IF; END $$"
        )


@pytest.fixture
def work_db(pg_cluster) -> Iterator[WorkDb]:
    """A database migrated to the newest schema (corpus and work), with alice, bob, carol and ed."""
    yield from _people_database(pg_cluster, template=None)


@pytest.fixture
def shipped_work_db(pg_cluster, shipped_template) -> Iterator[WorkDb]:
    """As ``work_db``, with the shipped corpus loaded as ``jjj-brief team init`` does: a copy
    of the session's ``shipped_template`` (tests/team/conftest.py)."""
    yield from _people_database(pg_cluster, template=shipped_template)


def _people_database(cluster, template: str | None) -> Iterator[WorkDb]:
    """A new database (migrated, or a copy of ``template``) with the login roles; dropped after."""
    name = cluster.create_database(template=template)
    if template is None:
        migrate_database(cluster.admin_url(name))
    ensure_people(cluster)
    try:
        yield WorkDb(cluster, name)
    finally:
        cluster.drop_database(name)


@pytest.fixture
def quick_reconnect(monkeypatch) -> None:
    """The product's reconnection waits, shortened for a test that stops the server: the
    live listener retries every 0.05-0.2 s (users: 0.2 s doubling to 2 s), and a write while
    the listener knows the server is gone is refused after 0.5 s (users: 2 s). Only the
    intervals change; each is read when used, so the code paths are the users' own. (The
    psycopg pool's own back-off, 1 s doubling, is the library's and stays.)"""
    from jjj_brief.team import live, store_server

    monkeypatch.setattr(live, "BACKOFF", (0.05, 0.2))
    monkeypatch.setattr(store_server, "OFFLINE_RETRY_SECONDS", 0.5)


@pytest.fixture
def quick_replica_poll(monkeypatch) -> None:
    """A replica-only store's watcher looks for replayed changes every 0.05 s (users: 0.25 s),
    read when the watcher is made: the same polling, less waiting for the next look."""
    from jjj_brief.team import live

    monkeypatch.setattr(live, "REPLICA_POLL_SECONDS", 0.05)


@pytest.fixture
def stores(work_db) -> Iterator[dict]:
    """An open PgStore per person (closed after the test)."""
    from jjj_brief.team.store import PgStore

    opened = {user: PgStore(work_db.url(user)) for user in PEOPLE}
    try:
        yield opened
    finally:
        for store in opened.values():
            store.close()


@dataclass
class Replica:
    """A streaming replica of the throwaway cluster (``pg_basebackup -R``) on its own port,
    its socket beside the primary's."""

    cluster: object
    data: Path
    port: int

    def _swap(self, url: str) -> str:
        return url.replace(f"port={self.cluster.port}", f"port={self.port}")

    def url(self, user: str, dbname: str) -> str:
        return self._swap(self.cluster.url(user, password(user), dbname))

    def sql(self, statement: str, dbname: str = "postgres") -> list[tuple]:
        """One statement as the superuser on the replica."""
        import psycopg

        with psycopg.connect(self._swap(self.cluster.admin_url(dbname)), autocommit=True) as conn:
            cursor = conn.execute(statement)
            return cursor.fetchall() if cursor.description else []

    def start(self) -> None:
        self.cluster.run_as_owner(
            [
                self.cluster.bin("pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.data.with_suffix(".log")),
                "-w",
                "-t",
                "60",
                "-o",
                f"-p {self.port} -k {self.cluster.socket_dir} -c listen_addresses=''",
                "start",
            ]
        )

    def stop(self) -> None:
        self.cluster.run_as_owner(
            [self.cluster.bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"], check=False
        )

    def wait_caught_up(self, primary_lsn: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.sql(f"SELECT pg_last_wal_replay_lsn() >= '{primary_lsn}'::pg_lsn")[0][0]:
                return
            time.sleep(0.05)
        raise AssertionError(f"the replica did not replay up to {primary_lsn} in {timeout} s")


def make_replica(cluster) -> Replica:
    """``pg_basebackup -R`` from the running throwaway primary, started as a hot standby."""
    data = cluster.folder / f"replica-{uuid.uuid4().hex[:8]}"
    port = _free_port()
    cluster.run_as_owner(
        [
            cluster.bin("pg_basebackup"),
            "-d",
            cluster.admin_url("postgres"),
            "-D",
            str(data),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
        ]
    )
    replica = Replica(cluster, data, port)
    replica.start()
    return replica


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))  # bound, never connected: a number nobody uses
        return probe.getsockname()[1]
