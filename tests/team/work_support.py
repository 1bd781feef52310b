"""Fixtures of the shared-work tests: a migrated database and four people in it.

``alice`` and ``bob`` are analysts, ``carol`` a reader, ``ed`` an editor: login roles
made the way the README's "Team mode" section says, members of the group roles that
migration 51 creates.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

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
    name = pg_cluster.create_database()
    migrate_database(pg_cluster.admin_url(name))
    ensure_people(pg_cluster)
    try:
        yield WorkDb(pg_cluster, name)
    finally:
        pg_cluster.drop_database(name)


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
