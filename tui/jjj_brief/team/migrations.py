"""Versioned schema migrations for the team database.

Each migration has a number and runs once, in its own transaction, under an advisory
lock (two ``team init`` at once: one migrates, the other waits and finds nothing to do).
``schema_version`` records every applied number. Migrations are declared in modules
named ``jjj_brief.team.migrations_*`` (a ``MIGRATIONS`` list each) and numbered by
owner: 1-49 the shared corpus and its search (:mod:`.migrations_corpus`), 50-99 the
analysts' shared work. A database at a version this jjj-brief does not know (a newer
one migrated it) is refused with one line.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from jjj_brief.team.connection import TeamUnavailable

if TYPE_CHECKING:
    import psycopg

LOCK_KEY = 0x6A6A6A62  # pg_advisory_xact_lock key: "jjjb"
OWNERS = {"corpus and search": range(1, 50), "shared work": range(50, 100)}


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: str | Callable[[psycopg.Connection], None]  # SQL, or a function given the connection


BOOTSTRAP = """
CREATE TABLE IF NOT EXISTS schema_version (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    applied_by text NOT NULL DEFAULT current_user
)
"""


def all_migrations() -> list[Migration]:
    """Every declared migration, by number (numbers unique, each in its owner's range)."""
    import jjj_brief.team as package

    found: dict[int, Migration] = {}
    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("migrations_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for migration in getattr(module, "MIGRATIONS", ()):
            if migration.version in found:
                raise ValueError(f"migration {migration.version} is declared twice ({info.name})")
            if not any(migration.version in numbers for numbers in OWNERS.values()):
                raise ValueError(f"migration {migration.version} ({info.name}) is outside 1-99")
            found[migration.version] = migration
    return [found[v] for v in sorted(found)]


def latest_version(migrations: Sequence[Migration] | None = None) -> int:
    migrations = all_migrations() if migrations is None else migrations
    return max((m.version for m in migrations), default=0)


def applied_versions(conn: psycopg.Connection) -> list[int]:
    """Numbers applied to this database ([] for an empty one)."""
    exists = conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return []
    return [row[0] for row in conn.execute("SELECT version FROM schema_version ORDER BY version")]


def current_version(conn: psycopg.Connection) -> int:
    return max(applied_versions(conn), default=0)


def migrate(
    conn: psycopg.Connection,
    *,
    target: int | None = None,
    migrations: Sequence[Migration] | None = None,
    on_step: Callable[[Migration], None] | None = None,
) -> list[int]:
    """Apply the missing migrations up to ``target`` (default: all); returns the numbers applied.

    ``conn`` must be in autocommit mode: each migration is its own transaction, so a
    failure leaves the database at the last complete version."""
    migrations = all_migrations() if migrations is None else list(migrations)
    known = {m.version for m in migrations}
    done: list[int] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
        conn.execute(BOOTSTRAP)
    unknown = sorted(set(applied_versions(conn)) - known)
    if unknown:
        raise TeamUnavailable(
            f"the team database has schema version {unknown[-1]}, newer than this jjj-brief knows "
            f"({latest_version(migrations)}): upgrade jjj-brief"
        )
    for migration in migrations:
        if target is not None and migration.version > target:
            break
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
            row = conn.execute("SELECT 1 FROM schema_version WHERE version = %s", (migration.version,)).fetchone()
            if row:
                continue
            if on_step is not None:
                on_step(migration)
            if callable(migration.apply):
                migration.apply(conn)
            else:
                conn.execute(migration.apply)
            conn.execute(
                "INSERT INTO schema_version (version, name) VALUES (%s, %s)", (migration.version, migration.name)
            )
        done.append(migration.version)
    return done
