"""A throwaway PostgreSQL cluster for the team-mode tests (marker ``pg``).

One cluster per test session (per xdist worker): ``initdb`` in a temporary folder,
``pg_ctl`` on a free port, listening on a unix socket in that folder only (no TCP: the
suite never touches the network). PostgreSQL refuses to run as root, and tests and CI run
as root: then the cluster runs as the ``postgres`` system user the server package
creates, in a folder that user owns. Everything is stopped and deleted at the end.

Fixtures for tests:

* ``pg_cluster`` (session): :class:`Cluster` -- ``url(user, password, dbname)``,
  ``admin_url(dbname)``, ``create_database()``, ``sql()``, ``restart()``, ``stop()``,
  ``start()``, ``run_as_owner()``, ``bin()``;
* ``team_db`` (function): a new empty database, its superuser URL in
  ``JJJ_BRIEF_DATABASE_URL``; dropped after the test;
* ``shipped_template`` (session): the name of a database where ``jjj-brief team init`` has
  run (the newest schema and the shipped corpus), made once per worker on first use. A test
  that needs that state copies it (``create_database(template=shipped_template)``, ~0.05 s)
  instead of loading the corpus again (~1 s); tests of ``team init`` itself still run it.

Tests skip, saying why, only when the server binaries are missing (``.ci/run`` installs
``postgresql`` and ``postgresql-15-rum``).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest

PG_BIN = Path(os.environ.get("JJJ_BRIEF_PG_BIN", "/usr/lib/postgresql/15/bin"))
SUPERUSER = "postgres"
SUPERUSER_PASSWORD = "jjj-test-superuser"
OWNER = "postgres"  # the system user that runs the cluster when we are root


def pytest_configure(config):
    config.addinivalue_line("markers", "pg: needs a PostgreSQL server (tests/team/conftest.py starts a throwaway one)")


def _missing_binaries() -> str | None:
    needed = ["initdb", "pg_ctl", "postgres"]
    missing = [name for name in needed if not (PG_BIN / name).is_file()]
    if missing:
        return (
            f"PostgreSQL server binaries not found in {PG_BIN} ({', '.join(missing)}): "
            "install postgresql (Debian: apt-get install postgresql postgresql-15-rum)"
        )
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(OWNER)
        except KeyError:
            return f"running as root and there is no {OWNER!r} system user to run PostgreSQL as"
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))  # bind only (never connect): a port number nobody uses
        return probe.getsockname()[1]


@dataclass
class Cluster:
    """A running throwaway cluster (unix socket in ``folder``)."""

    folder: Path
    port: int
    databases: list[str] = field(default_factory=list)

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def socket_dir(self) -> str:
        return str(self.folder)

    def bin(self, name: str) -> str:
        return str(PG_BIN / name)

    def run_as_owner(self, args: list[str], *, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
        """Run a server program as the cluster's owner (``runuser`` when we are root)."""
        if os.geteuid() == 0:
            args = ["runuser", "-u", OWNER, "--", *args]
        kwargs.setdefault("capture_output", True)
        kwargs.setdefault("text", True)
        kwargs.setdefault("timeout", 120)
        result = subprocess.run(args, check=False, **kwargs)
        if check and result.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
        return result

    def url(self, user: str, password: str | None, dbname: str) -> str:
        auth = quote(user, safe="") + (":" + quote(password, safe="") if password is not None else "")
        return f"postgresql://{auth}@/{quote(dbname, safe='')}?host={quote(self.socket_dir)}&port={self.port}"

    def admin_url(self, dbname: str = "postgres") -> str:
        return self.url(SUPERUSER, SUPERUSER_PASSWORD, dbname)

    def sql(self, statement: str, params: tuple = (), dbname: str = "postgres") -> list[tuple]:
        """Run one statement as the superuser (autocommit); its rows, if any."""
        import psycopg

        with psycopg.connect(self.admin_url(dbname), autocommit=True) as conn:
            cursor = conn.execute(statement, params or None)
            return cursor.fetchall() if cursor.description else []

    def create_database(self, name: str | None = None, template: str | None = None) -> str:
        """A new database, empty or a copy of ``template`` (no one may be connected to it);
        returns its name."""
        name = name or f"t_{uuid.uuid4().hex[:12]}"
        self.sql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        self.databases.append(name)
        return name

    def drop_database(self, name: str) -> None:
        self.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def start(self) -> None:
        self.run_as_owner(
            [
                self.bin("pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.folder / "server.log"),
                "-w",
                "-t",
                "60",
                "-o",
                f"-p {self.port} -k {self.socket_dir} -c listen_addresses=''",
                "start",
            ]
        )

    def stop(self, mode: str = "fast") -> None:
        self.run_as_owner([self.bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"], check=False)

    def restart(self) -> None:
        self.stop()
        self.start()


def _init_cluster() -> Cluster:
    folder = Path(tempfile.mkdtemp(prefix="jjj-pg-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam(OWNER)
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    os.chmod(folder, 0o700)
    cluster = Cluster(folder, _free_port())
    pwfile = folder / "pwfile"
    pwfile.write_text(SUPERUSER_PASSWORD + "\n", encoding="utf-8")
    if os.geteuid() == 0:
        os.chown(pwfile, owner.pw_uid, owner.pw_gid)
    cluster.run_as_owner(
        [
            cluster.bin("initdb"),
            "-D",
            str(cluster.data),
            "-U",
            SUPERUSER,
            f"--pwfile={pwfile}",
            "--auth-local=scram-sha-256",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ]
    )
    pwfile.unlink()
    with (cluster.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
        # A test server: no durability wait, small memory, room for replicas. Commits do not
        # wait for their WAL; the WAL writer writes it within 10 ms (default 200 ms), and only
        # written WAL goes to a replica: each replica test waited up to 0.2 s a change.
        conf.write("\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\nwal_writer_delay = 10ms\n")
        conf.write("shared_buffers = 32MB\nmax_connections = 60\nwal_level = replica\nmax_wal_senders = 4\n")
    # initdb --auth-local applies to replication too; keep it.
    cluster.start()
    return cluster


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    reason = _missing_binaries()
    if reason:
        pytest.skip(reason)
    cluster = _init_cluster()
    try:
        yield cluster
    finally:
        cluster.stop("immediate")
        shutil.rmtree(cluster.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def shipped_template(pg_cluster, tmp_path_factory) -> str:
    """A database after ``init_team`` with the shipped library (its own home), never opened
    again: CREATE DATABASE ... TEMPLATE copies it for each test that needs it."""
    from jjj_brief.commands.libraries import default_library, forget_libraries
    from jjj_brief.team.admin import init_team

    name = pg_cluster.create_database("shipped_template")
    patch = pytest.MonkeyPatch()
    try:
        patch.setenv("JJJ_BRIEF_HOME", str(tmp_path_factory.mktemp("shipped-template-home")))
        patch.setenv("JJJ_BRIEF_DATABASE_URL", pg_cluster.admin_url(name))
        patch.delenv("JJJ_BRIEF_DATABASE_REPLICA_URL", raising=False)
        report = init_team(library=default_library())
        assert report["shipped_loaded"], report
    finally:
        forget_libraries()  # closes the library's team pools: no session left on the template
        patch.undo()
    return name


@pytest.fixture
def team_db(pg_cluster, monkeypatch) -> Iterator[str]:
    """A fresh database; ``JJJ_BRIEF_DATABASE_URL`` names it (as the superuser)."""
    from jjj_brief.commands.libraries import forget_libraries

    name = pg_cluster.create_database()
    url = pg_cluster.admin_url(name)
    monkeypatch.setenv("JJJ_BRIEF_DATABASE_URL", url)
    monkeypatch.delenv("JJJ_BRIEF_DATABASE_REPLICA_URL", raising=False)
    try:
        yield url
    finally:
        forget_libraries()  # closes the libraries and their team pools
        pg_cluster.drop_database(name)
