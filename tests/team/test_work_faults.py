"""Faults of the team store on a real server: a restart mid-session, a connection killed in
the middle of a write, a wrong password. (Two analysts on one note: test_work_store; a
lagging replica: test_work_replica.)"""

from __future__ import annotations

import threading
import time

import pytest

from jjj_brief.store import ClaimMember, StoreError, make_anchor
from jjj_brief.team.live import follow
from jjj_brief.team.store import PgStore
from team.work_support import quick_reconnect, stores, work_db  # noqa: F401  (fixtures)

pytestmark = pytest.mark.pg
TEXT = "Beijing moved 1,200 firms to Hebei in 2023. Tianjin port grew 4.5 percent."
WAIT = 60.0


def _anchor(article: str = "art-a", word: str = "Tianjin"):
    start = TEXT.index(word)
    return make_anchor(article, TEXT, start, start + len(word))


def _until(check, timeout: float = WAIT) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_server_restart_loses_no_note_and_the_store_reconnects(work_db, pg_cluster, quick_reconnect):
    alice = PgStore(work_db.url("alice"))
    statuses: list[str] = []
    listener = follow(alice, lambda change: None, lambda state, reason: statuses.append(state))
    try:
        assert listener.wait_live(WAIT)
        before = alice.add_note(_anchor(), "before the restart")
        pg_cluster.restart()
        after = alice.add_note(_anchor(), "after the restart")  # the pool's dead connection is replaced
        assert [n.text for n in alice.notes()] == ["before the restart", "after the restart"]
        assert {before.id, after.id} == {n.id for n in alice.notes()}
        assert _until(lambda: "lost" in statuses and statuses[-1] == "live"), statuses
    finally:
        listener.stop()
        alice.close()


def test_a_note_saved_while_the_server_is_down_lands_once_it_is_back(work_db, pg_cluster):
    alice = PgStore(work_db.url("alice"), write_retry_seconds=WAIT)
    try:
        alice.add_note(_anchor(), "first")
        pg_cluster.stop()
        outcome: list[object] = []
        writer = threading.Thread(target=lambda: outcome.append(alice.add_note(_anchor(), "while down")))
        writer.start()
        # The write is really waiting on the stopped server (the pool's queue), not done before it.
        assert _until(lambda: alice.primary.pool.get_stats().get("requests_waiting", 0) > 0)
        assert writer.is_alive() and not outcome
        pg_cluster.start()
        writer.join(WAIT)
        assert len(outcome) == 1 and outcome[0].text == "while down"
        assert [n.text for n in alice.notes()] == ["first", "while down"]  # exactly once
    finally:
        if not _running(pg_cluster):
            pg_cluster.start()
        alice.close()


def _running(pg_cluster) -> bool:
    result = pg_cluster.run_as_owner([pg_cluster.bin("pg_ctl"), "-D", str(pg_cluster.data), "status"], check=False)
    return result.returncode == 0


def test_while_the_server_is_down_the_app_keeps_what_it_read_and_writes_are_refused(
    work_db, pg_cluster, quick_reconnect
):
    alice = PgStore(work_db.url("alice"), write_retry_seconds=0.5, read_retry_seconds=0.5)
    lost = threading.Event()
    listener = follow(alice, lambda change: None, lambda state, reason: lost.set() if state == "lost" else None)
    try:
        assert listener.wait_live(WAIT)
        note = alice.add_note(_anchor(), "read before")
        assert [n.id for n in alice.notes()] == [note.id]
        pg_cluster.stop()
        assert lost.wait(WAIT)
        assert [n.id for n in alice.notes()] == [note.id]  # what was read, without waiting on the server
        assert "unreachable" in alice.status and "read-only" in alice.status
        assert alice.notes("art-never-read") == []  # a view opened meanwhile shows nothing new, at once
        with pytest.raises(StoreError, match="cannot read from the team server"):
            alice.note(note.id + 1)  # never "no note-N": it may well exist
        with pytest.raises(StoreError) as raised:
            alice.add_note(_anchor(), "while down")
        message = str(raised.value)
        assert message.startswith("cannot save the note:") and "nothing was changed" in message
        assert "\n" not in message
        pg_cluster.start()
        assert listener.wait_live(WAIT)
        assert alice.offline is None
        # The pool reconnects on its own schedule (psycopg_pool's back-off): once it has a
        # connection, reads are the server's again -- bob's note, written after the restart,
        # cannot come from what alice read before.
        bob = PgStore(work_db.url("bob"))
        try:
            bob.add_note(_anchor(), "after the restart")
        finally:
            bob.close()
        assert _until(lambda: alice.primary.pool.get_stats().get("pool_available", 0) > 0)
        assert [n.text for n in alice.notes()] == ["read before", "after the restart"]
        assert alice.offline is None
    finally:
        if not _running(pg_cluster):
            pg_cluster.start()
        listener.stop()
        alice.close()


def _block_claim_members(work_db):
    """An admin transaction holding claim_members: a claim's write stops between its two inserts."""
    import psycopg

    conn = psycopg.connect(work_db.admin)
    conn.execute("LOCK TABLE work.claim_members IN ACCESS EXCLUSIVE MODE")
    return conn


def _kill_waiting_writer(work_db) -> None:
    assert _until(
        lambda: (
            work_db.sql(
                "SELECT count(*) FROM pg_stat_activity WHERE usename = 'alice' AND wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )[0][0]
            == 1
        )
    )
    killed = work_db.sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'alice' AND wait_event_type = 'Lock' "
        "AND datname = current_database()"
    )
    assert killed == [(True,)]


def _members():
    return [ClaimMember(_anchor("art-a", "1,200"), 1200.0), ClaimMember(_anchor("art-b", "1,200"), 1200.0)]


@pytest.mark.parametrize("retry", [True, False], ids=["retried-whole", "refused-absent"])
def test_a_connection_killed_in_the_middle_of_a_write_leaves_it_whole_or_absent(work_db, retry):
    alice = PgStore(work_db.url("alice"), write_retry_seconds=WAIT if retry else 0.0)
    outcome: list[object] = []

    def write() -> None:
        try:
            outcome.append(alice.add_claim(_members(), "consistent", "same count"))
        except StoreError as exc:
            outcome.append(exc)

    blocker = _block_claim_members(work_db)
    try:
        writer = threading.Thread(target=write)
        writer.start()
        _kill_waiting_writer(work_db)  # its claim row is inserted, its members wait
        blocker.commit()
        writer.join(WAIT)
    finally:
        blocker.close()
    try:
        claims = work_db.sql(
            "SELECT id, (SELECT count(*) FROM work.claim_members WHERE claim_id = id) FROM work.claims"
        )
        if retry:
            assert len(outcome) == 1 and not isinstance(outcome[0], StoreError), outcome
            assert claims == [(outcome[0].id, 2)]  # whole, once
            assert len(alice.claim(outcome[0].id).members) == 2
        else:
            assert isinstance(outcome[0], StoreError) and "nothing was changed" in str(outcome[0])
            assert claims == []  # absent: no claim without its figures
    finally:
        alice.close()


def test_a_wrong_password_is_one_clear_line(work_db):
    with pytest.raises(StoreError) as raised:
        PgStore(work_db.url("alice", "not-her-password"))
    message = str(raised.value)
    assert "wrong password" in message and "alice" in message and "\n" not in message
    assert "not-her-password" not in message


def test_a_read_that_fails_after_the_listener_said_live_does_not_leave_the_store_offline(work_db):
    """The race behind a live app stuck on its cache after a server restart: a read begun
    during the outage fails only after the listener has reconnected (and called online()).
    That late failure answers from the cache but must not mark the store offline again,
    or every later read would return the cache without asking the server."""
    import psycopg

    store = PgStore(work_db.url("alice"), read_retry_seconds=0.0)
    try:
        note_rows = store.notes()  # cached
        store.followed = True

        def fails_after_the_listener_came_back(conn):
            store.online()  # the listener reconnects while this read is still failing
            raise psycopg.OperationalError("server closed the connection unexpectedly")

        assert store._read(("notes",), fails_after_the_listener_came_back, []) in ([], note_rows)
        assert store.offline is None
        store.add_note(_anchor(), "after the restart")
        assert [n.text for n in store.notes()] == ["after the restart"]  # read from the server, not the cache

        def fails(conn):
            raise psycopg.OperationalError("server closed the connection unexpectedly")

        store._read(("notes",), fails, [])  # a failure with no reconnection since: offline, as before
        assert store.offline
    finally:
        store.close()
