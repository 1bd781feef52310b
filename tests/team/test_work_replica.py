"""Many readers: reads from a streaming replica (made with ``pg_basebackup -R`` from the
throwaway primary), writes always to the primary, read-your-writes while the replica lags,
and a clear line for a write on a replica-only configuration."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from jjj_brief.store import StoreError, make_anchor
from jjj_brief.team.store import PgStore, ReplicaOnly, open_team_store
from team.work_support import Replica, make_replica, quick_replica_poll, work_db  # noqa: F401  (fixtures)

pytestmark = pytest.mark.pg
TEXT = "Beijing moved 1,200 firms to Hebei in 2023. Tianjin port grew 4.5 percent."


def _anchor(word: str = "Tianjin"):
    start = TEXT.index(word)
    return make_anchor("art-a", TEXT, start, start + len(word))


@pytest.fixture(scope="module")
def replica(pg_cluster) -> Iterator[Replica]:
    made = make_replica(pg_cluster)
    try:
        yield made
    finally:
        made.stop()


def _primary_lsn(work_db) -> str:
    return work_db.sql("SELECT pg_current_wal_insert_lsn()::text")[0][0]


def _eventually(check, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.05)


def test_reads_go_to_the_replica_and_writes_to_the_primary(work_db, replica):
    replica.wait_caught_up(_primary_lsn(work_db))
    assert replica.sql("SELECT pg_is_in_recovery()")[0][0] is True
    alice = PgStore(work_db.url("alice"), replica.url("alice", work_db.name))
    bob = PgStore(work_db.url("bob"), replica.url("bob", work_db.name))
    try:
        note = alice.add_note(_anchor(), "written on the primary")
        assert work_db.sql("SELECT author FROM work.notes")[0][0] == "alice"  # landed on the primary
        replica.wait_caught_up(_primary_lsn(work_db))
        assert [n.text for n in bob.notes()] == ["written on the primary"]
        assert bob.last_read_from == "replica"
        assert bob.note(note.id).author == "alice"
    finally:
        alice.close()
        bob.close()


def test_a_lagging_replica_still_shows_a_writer_their_own_write(work_db, replica):
    replica.wait_caught_up(_primary_lsn(work_db))
    alice = PgStore(work_db.url("alice"), replica.url("alice", work_db.name))
    bob = PgStore(work_db.url("bob"), replica.url("bob", work_db.name))
    replica.sql("SELECT pg_wal_replay_pause()")
    try:
        assert _eventually(lambda: replica.sql("SELECT pg_get_wal_replay_pause_state()")[0][0] == "paused")
        note = alice.add_note(_anchor(), "fresh")
        # The writer reads the primary until the replica has replayed the write...
        assert [n.id for n in alice.notes()] == [note.id]
        assert alice.last_read_from == "primary"
        # ...while a colleague reading the lagging replica does not see it yet.
        assert bob.notes() == []
        assert bob.last_read_from == "replica"
    finally:
        replica.sql("SELECT pg_wal_replay_resume()")
    try:
        assert _eventually(lambda: [n.id for n in bob.notes()] == [note.id])
        assert _eventually(lambda: alice.notes() and alice.last_read_from == "replica")
    finally:
        alice.close()
        bob.close()


def test_a_replica_only_configuration_refuses_writes_in_one_line(work_db, replica):
    replica.wait_caught_up(_primary_lsn(work_db))
    reader = PgStore(None, replica.url("alice", work_db.name))
    try:
        assert reader.notes() == [] and reader.last_read_from == "replica"
        with pytest.raises(ReplicaOnly) as raised:
            reader.add_note(_anchor(), "mine")
        message = str(raised.value)
        assert "only a read replica" in message and "JJJ_BRIEF_DATABASE_URL" in message and "\n" not in message
    finally:
        reader.close()
    # The primary's connection string pointing at the replica: the server's refusal, explained.
    mistaken = PgStore(replica.url("alice", work_db.name))
    try:
        with pytest.raises(StoreError) as raised:
            mistaken.add_bookmark(_anchor())
        assert "is a read-only replica" in str(raised.value) and "\n" not in str(raised.value)
    finally:
        mistaken.close()


def test_the_configuration_selects_primary_and_replica(work_db, replica, monkeypatch):
    monkeypatch.setenv("JJJ_BRIEF_DATABASE_URL", work_db.url("alice"))
    monkeypatch.setenv("JJJ_BRIEF_DATABASE_REPLICA_URL", replica.url("alice", work_db.name))
    store = open_team_store()
    try:
        assert store.primary is not None and store.replica is not None and store.author == "alice"
        assert store.replica.standby and not store.primary.standby
    finally:
        store.close()
    monkeypatch.delenv("JJJ_BRIEF_DATABASE_URL")
    monkeypatch.delenv("JJJ_BRIEF_DATABASE_REPLICA_URL")
    assert open_team_store() is None  # no connection string: local, as before


def test_a_replica_only_store_hears_colleagues_changes_by_polling_the_replica(work_db, replica, quick_replica_poll):
    """A standby refuses LISTEN and delivers no NOTIFY: a replica-only store is followed by
    polling the replica. Each of bob's notes on the primary (and its update, and its
    removal) arrives as a work change once replayed; a bumped corpus version as an import."""
    import queue

    from jjj_brief.team.live import ReplicaWatcher, follow

    replica.wait_caught_up(_primary_lsn(work_db))  # carol and the database exist on the replica
    changes: queue.Queue = queue.Queue()
    reader = PgStore(None, replica.url("carol", work_db.name))
    bob = PgStore(work_db.url("bob"))
    listener = follow(reader, changes.put)
    try:
        assert isinstance(listener, ReplicaWatcher) and listener.wait_live(30), listener.reason
        assert listener.poll_seconds == 0.05  # the module's setting, read when the watcher was made
        for step in ("add", "edit", "remove"):
            if step == "add":
                note = bob.add_note(_anchor(), "bob's note")
            elif step == "edit":
                note = bob.update_note(note.id, "bob's better note", "blue", expected_revision=note.revision)
            else:
                bob.remove_note(note.id)
            assert changes.get(timeout=30).kind == "work", step
            shown = [n.text for n in reader.notes()]
            assert shown == ({"add": ["bob's note"], "edit": ["bob's better note"], "remove": []}[step]), step
        work_db.sql("UPDATE team_settings SET value = value || 'x' WHERE key = 'corpus_version'")
        work_db.sql(
            "INSERT INTO team_settings (key, value) SELECT 'corpus_version', '1' "
            "WHERE NOT EXISTS (SELECT 1 FROM team_settings WHERE key = 'corpus_version')"
        )
        assert changes.get(timeout=30).kind == "import"
    finally:
        listener.stop()
        reader.close()
        bob.close()
