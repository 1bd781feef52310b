"""Team mode's foundation: configuration, connecting (one clear line when it fails) and
the numbered migrations, tested from every earlier version."""

from __future__ import annotations

import json

import pytest

from jjj_brief.cli import main
from jjj_brief.errors import UserError
from jjj_brief.team import config as team_config_module
from jjj_brief.team.config import redact, team_config
from jjj_brief.team.connection import TeamPools, TeamUnavailable, connect
from jjj_brief.team.migrations import all_migrations, applied_versions, current_version, latest_version, migrate


def test_without_a_connection_string_team_mode_is_off(monkeypatch):
    monkeypatch.delenv("JJJ_BRIEF_DATABASE_URL", raising=False)
    assert team_config() is None
    with pytest.raises(UserError, match="team mode is not configured"):
        TeamPools().current()


def test_the_settings_file_and_the_environment_set_it(monkeypatch, isolated_home):
    monkeypatch.delenv("JJJ_BRIEF_DATABASE_URL", raising=False)
    settings = team_config_module.settings_path()
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(
        json.dumps({"database_url": "postgresql://a@/x", "database_replica_url": "postgresql://a@/y"}), "utf-8"
    )
    config = team_config()
    assert (config.url, config.replica_url, config.source) == ("postgresql://a@/x", "postgresql://a@/y", str(settings))
    monkeypatch.setenv("JJJ_BRIEF_DATABASE_URL", "postgresql://b@/z")
    assert team_config().url == "postgresql://b@/z"
    assert team_config().replica_url == "postgresql://a@/y"
    settings.write_text(json.dumps({"database_url": 5}), "utf-8")
    monkeypatch.delenv("JJJ_BRIEF_DATABASE_URL")
    with pytest.raises(UserError, match="database_url must be a connection string"):
        team_config()


def test_a_fifo_or_a_huge_file_at_the_settings_name_is_no_team_mode(isolated_home):
    """Every command asks whether team mode is on: a FIFO at settings.json blocked them all
    (opening a FIFO waits for a writer); it reads as no settings, like a file too big."""
    import os
    import threading

    settings = team_config_module.settings_path()
    settings.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(settings)
    answers: list[object] = []
    asker = threading.Thread(target=lambda: answers.append(team_config()), daemon=True)
    asker.start()
    asker.join(timeout=30)
    if asker.is_alive():  # let the blocked open go, so the test process can end
        with open(settings, "w"):
            pass
    assert answers == [None]
    settings.unlink()
    settings.write_text(json.dumps({"database_url": "postgresql://a@/x", "pad": "x" * 2_000_000}))
    assert team_config() is None


def test_passwords_never_show_in_messages():
    assert redact("postgresql://ann:s3cret@db.example/jjj") == "postgresql://ann:***@db.example/jjj"
    assert redact("host=db password=s3cret dbname=jjj") == "host=db password=*** dbname=jjj"


def test_migration_numbers_are_unique_and_in_their_owners_ranges():
    versions = [m.version for m in all_migrations()]
    assert versions == sorted(set(versions))
    assert all(1 <= v <= 99 for v in versions)
    assert {1, 2, 3, 4} <= set(versions)


@pytest.mark.pg
def test_a_wrong_password_is_one_clear_line(pg_cluster, monkeypatch, capsys):
    url = pg_cluster.url("postgres", "not-the-password", "postgres")
    with pytest.raises(TeamUnavailable) as caught:
        connect(url)
    text = str(caught.value)
    assert "wrong password for user 'postgres'" in text
    assert "not-the-password" not in text and "\n" not in text
    monkeypatch.setenv("JJJ_BRIEF_DATABASE_URL", url)
    assert main(["team", "status"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "wrong password" in err and "Traceback" not in err


@pytest.mark.pg
def test_a_missing_database_and_a_dead_server_are_one_line_each(pg_cluster):
    with pytest.raises(TeamUnavailable, match="that database does not exist"):
        connect(pg_cluster.admin_url("no_such_db"))
    dead = pg_cluster.admin_url().replace(f"port={pg_cluster.port}", "port=1")
    with pytest.raises(TeamUnavailable, match="is unreachable"):
        connect(dead)


def _schema(url: str) -> list[tuple]:
    """Tables, columns, indexes and settings of a database: what a migration produces."""
    with connect(url, autocommit=True) as conn:
        columns = conn.execute(
            "SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns"
            " WHERE table_schema = 'public' ORDER BY 1, 2"
        ).fetchall()
        indexes = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"
        ).fetchall()
        settings = conn.execute("SELECT key, value FROM team_settings ORDER BY 1").fetchall()
    return columns + indexes + settings


@pytest.mark.pg
def test_migrating_from_every_earlier_version_gives_the_same_schema(pg_cluster):
    migrations = all_migrations()
    fresh = pg_cluster.create_database()
    with connect(pg_cluster.admin_url(fresh), autocommit=True) as conn:
        assert migrate(conn) == [m.version for m in migrations]
        assert migrate(conn) == []  # nothing left: a second run changes nothing
        assert current_version(conn) == latest_version()
    expected = _schema(pg_cluster.admin_url(fresh))
    for earlier in [0] + [m.version for m in migrations[:-1]]:
        name = pg_cluster.create_database()
        with connect(pg_cluster.admin_url(name), autocommit=True) as conn:
            migrate(conn, target=earlier)
            assert current_version(conn) == earlier
            applied = migrate(conn)
            assert applied == [m.version for m in migrations if m.version > earlier]
            assert applied_versions(conn) == [m.version for m in migrations]
        assert _schema(pg_cluster.admin_url(name)) == expected, f"from version {earlier}"
        pg_cluster.drop_database(name)
    pg_cluster.drop_database(fresh)


@pytest.mark.pg
def test_a_database_from_a_newer_jjj_brief_is_refused(team_db):
    with connect(team_db, autocommit=True) as conn:
        migrate(conn)
        conn.execute("INSERT INTO schema_version (version, name) VALUES (999, 'from the future')")
        with pytest.raises(TeamUnavailable, match="schema version 999, newer than this jjj-brief"):
            migrate(conn)


@pytest.mark.pg
def test_a_failing_migration_leaves_the_last_complete_version(team_db):
    from jjj_brief.team.migrations import Migration

    broken = [*all_migrations()[:2], Migration(3, "broken", "CREATE TABLE half (x int); SELECT no_such_function()")]
    with connect(team_db, autocommit=True) as conn:
        with pytest.raises(Exception, match="no_such_function"):
            migrate(conn, migrations=broken)
        assert current_version(conn) == 2
        assert conn.execute("SELECT to_regclass('half')").fetchone()[0] is None


@pytest.mark.pg
def test_the_search_index_is_rum_when_the_server_has_it(team_db):
    with connect(team_db, autocommit=True) as conn:
        migrate(conn)
        available = conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'").fetchone()
        kind = conn.execute("SELECT value FROM team_settings WHERE key = 'search_index'").fetchone()[0]
        method = conn.execute(
            "SELECT am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam WHERE c.relname = 'passages_terms'"
        ).fetchone()[0]
    assert kind == method == ("rum" if available else "gin")
