"""Live: a colleague's note, claim or import reaches a listening client at commit (LISTEN/
NOTIFY), a lost connection is reported and healed by itself."""

from __future__ import annotations

import queue
import statistics
import time

import pytest

from jjj_brief.store import ClaimMember, StoreError, make_anchor
from jjj_brief.team.live import Change, Listener, follow, parse
from team.work_support import quick_reconnect, stores, work_db  # noqa: F401  (fixtures)

pytestmark = pytest.mark.pg
TEXT = "Beijing moved 1,200 firms to Hebei in 2023. Tianjin port grew 4.5 percent."
WAIT = 15.0  # generous: a loaded machine; the latency itself is checked on the median below


def _anchor(article: str = "art-a", word: str = "Tianjin"):
    start = TEXT.index(word)
    return make_anchor(article, TEXT, start, start + len(word))


class Inbox:
    """What a listener delivered, with the time each change arrived."""

    def __init__(self) -> None:
        self.changes: queue.Queue[tuple[float, Change]] = queue.Queue()
        self.statuses: queue.Queue[tuple[str, str]] = queue.Queue()

    def change(self, change: Change) -> None:
        self.changes.put((time.monotonic(), change))

    def status(self, state: str, reason: str) -> None:
        self.statuses.put((state, reason))

    def next_change(self, kind: str | None = None) -> tuple[float, Change]:
        deadline = time.monotonic() + WAIT
        while True:
            arrived, change = self.changes.get(timeout=max(0.01, deadline - time.monotonic()))
            if kind is None or change.kind == kind:
                return arrived, change

    def next_status(self, state: str) -> str:
        deadline = time.monotonic() + WAIT
        while True:
            got, reason = self.statuses.get(timeout=max(0.01, deadline - time.monotonic()))
            if got == state:
                return reason


def _listening(url: str) -> tuple[Listener, Inbox]:
    inbox = Inbox()
    listener = Listener(url, inbox.change, inbox.status).start()
    assert listener.wait_live(WAIT), listener.reason
    return listener, inbox


def test_a_colleagues_note_and_claim_arrive_at_commit(stores, work_db):
    listener, inbox = _listening(work_db.url("alice"))
    try:
        latencies = []
        for _ in range(5):
            saved = time.monotonic()
            note = stores["bob"].add_note(_anchor(), "bob's note")
            arrived, change = inbox.next_change("note")
            assert (change.op, change.id, change.author) == ("insert", str(note.id), "bob")
            assert change.label == "bob added a note"
            latencies.append(arrived - saved)
        assert statistics.median(latencies) < 1.0, latencies  # "within a second", on the typical case
        members = [ClaimMember(_anchor("art-a"), 4.5), ClaimMember(_anchor("art-b"), 4.5)]
        claim = stores["bob"].add_claim(members, "consistent")
        _, change = inbox.next_change("claim")
        assert change.author == "bob" and change.id == str(claim.id)
    finally:
        listener.stop()


def test_a_refused_write_announces_nothing(stores, work_db):
    listener, inbox = _listening(work_db.url("alice"))
    try:
        with pytest.raises(StoreError):
            stores["carol"].add_note(_anchor(), "a reader's note")  # rolled back: no NOTIFY
        stores["bob"].add_bookmark(_anchor())
        _, change = inbox.next_change()
        assert (change.kind, change.author) == ("bookmark", "bob")
    finally:
        listener.stop()


def test_an_import_into_the_shared_corpus_is_announced(work_db):
    listener, inbox = _listening(work_db.url("bob"))
    try:
        work_db.as_user(
            "alice",
            "INSERT INTO articles (id, source, file, text) VALUES ('new-1', 'import', 'new-1.md', 'Hebei news')",
        )
        _, change = inbox.next_change("import")
        assert change.author == "alice" and change.label == "alice imported articles"
    finally:
        listener.stop()


def test_a_killed_connection_is_reported_and_healed_by_itself(stores, work_db, quick_reconnect):
    inbox = Inbox()
    listener = follow(stores["alice"], inbox.change, inbox.status)
    try:
        assert listener.wait_live(WAIT)
        killed = work_db.sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = 'jjj-brief live' AND datname = current_database()"
        )
        assert killed == [(True,)]
        reason = inbox.next_status("lost")
        assert "\n" not in reason and reason
        inbox.next_status("live")
        _, change = inbox.next_change("resync")
        assert change.label == "reconnected to the team server"
        assert stores["alice"].offline is None
        note = stores["bob"].add_note(_anchor(), "after the reconnection")
        _, change = inbox.next_change("note")
        assert change.id == str(note.id)
    finally:
        listener.stop()


def test_a_payload_that_is_not_ours_still_means_something_changed():
    assert parse("jjj_work", "not json").kind == "work"
    assert parse("jjj_corpus", "[]").kind == "import"
