"""Live changes from the team server: ``LISTEN`` in a thread, each ``NOTIFY`` handed on.

The server announces every committed change of the shared work on ``jjj_work`` and every
import into the shared corpus on ``jjj_corpus`` (triggers of :mod:`jjj_brief.team.roles`).
A :class:`Listener` holds one connection that only listens; each notification becomes a
:class:`Change` given to ``on_change`` (in the listener's thread: the app posts a message
from there). When the connection is lost, ``on_status`` hears ``"lost"`` with the reason
once, the listener reconnects by itself (backing off up to two seconds), and on coming
back says ``"live"`` and hands on a ``resync`` change: what was missed meanwhile is read
again. No Textual here.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jjj_brief.team.config import redact
from jjj_brief.team.connection import CONNECT_TIMEOUT, explain
from jjj_brief.team.roles import CORPUS_CHANNEL, WORK_CHANNEL

if TYPE_CHECKING:
    import psycopg

    from jjj_brief.team.store import PgStore

WAIT_SECONDS = 0.25  # the thread checks for stop this often while idle
PING_SECONDS = 5.0  # an idle connection is checked this often (a silently dead one is noticed)
BACKOFF = (0.2, 2.0)  # first and longest wait between reconnection attempts

_KINDS = {
    "notes": "note",
    "claims": "claim",
    "claim_members": "claim",
    "desk_claims": "claim",
    "bookmarks": "bookmark",
    "saved_searches": "saved",
}


@dataclass(frozen=True)
class Change:
    """One committed change: ``kind`` is note, claim, bookmark, saved, import or resync."""

    kind: str
    op: str = ""
    id: str = ""
    author: str = ""

    @property
    def label(self) -> str:
        """For a notification: ``alice added a note``."""
        verbs = {"insert": "added", "update": "changed", "delete": "removed"}
        if self.kind == "resync":
            return "reconnected to the team server"
        if self.kind == "import":
            return f"{self.author or 'someone'} imported articles"
        return f"{self.author or 'someone'} {verbs.get(self.op, 'changed')} a {self.kind}"


def parse(channel: str, payload: str) -> Change:
    """A notification as a :class:`Change` (a payload that is not ours still means "something changed")."""
    try:
        data = json.loads(payload)
        if not isinstance(data, dict):
            raise ValueError
    except ValueError:
        data = {}
    if channel == CORPUS_CHANNEL:
        return Change("import", str(data.get("op", "")), "", str(data.get("author", "")))
    kind = _KINDS.get(str(data.get("table", "")), "work")
    return Change(kind, str(data.get("op", "")), str(data.get("id", "")), str(data.get("author", "")))


class Listener:
    """Listens on the team server in a daemon thread until :meth:`stop`."""

    def __init__(
        self,
        url: str,
        on_change: Callable[[Change], None],
        on_status: Callable[[str, str], None] | None = None,
        *,
        channels: Sequence[str] = (WORK_CHANNEL, CORPUS_CHANNEL),
        ping_seconds: float = PING_SECONDS,
    ) -> None:
        self.url = url
        self.on_change = on_change
        self.on_status = on_status
        self.channels = tuple(channels)
        self.ping_seconds = ping_seconds
        self.status = "connecting"
        self.reason = ""
        self._stop = threading.Event()
        self._live = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"jjj-brief listen {redact(url)}", daemon=True)
        self._conn = None

    def start(self) -> Listener:
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def cancel(self) -> None:
        """Stop soon, without waiting (safe from a callback, in the listener's own thread)."""
        self._stop.set()

    def wait_live(self, timeout: float) -> bool:
        """Block until the listener is connected and listening (tests, a CLI's ``watch``)."""
        return self._live.wait(timeout)

    def _set_status(self, status: str, reason: str = "") -> None:
        if status == self.status and reason == self.reason:
            return
        self.status, self.reason = status, reason
        if status == "live":
            self._live.set()
        else:
            self._live.clear()
        if self.on_status is not None:
            try:
                self.on_status(status, reason)
            except Exception:  # a failing receiver must not stop the listening
                pass

    def _emit(self, change: Change) -> None:
        try:
            self.on_change(change)
        except Exception:  # a failing receiver must not stop the listening
            pass

    def _run(self) -> None:
        import psycopg

        delay, connected_before = BACKOFF[0], False
        while not self._stop.is_set():
            try:
                conn = psycopg.connect(
                    self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT, application_name="jjj-brief live"
                )
            except psycopg.Error as exc:
                self._set_status("lost", explain(exc, self.url))
                self._stop.wait(delay)
                delay = min(delay * 2, BACKOFF[1])
                continue
            try:
                for channel in self.channels:
                    conn.execute(f"LISTEN {channel}")  # our own constant names, not user input
                self._prepare(conn)
                self._set_status("live")
                if connected_before:
                    self._emit(Change("resync"))
                connected_before, delay = True, BACKOFF[0]
                self._listen(conn)
            except psycopg.Error as exc:
                self._set_status("lost", explain(exc, self.url))
            finally:
                conn.close()
        self._set_status("stopped")

    def _prepare(self, conn: psycopg.Connection[Any]) -> None:
        """Before saying "live": anything to read first (nothing: NOTIFY brings each change)."""

    def _listen(self, conn: psycopg.Connection[Any]) -> None:
        last_ping = time.monotonic()
        while not self._stop.is_set():
            for notify in conn.notifies(timeout=WAIT_SECONDS):
                self._emit(parse(notify.channel, notify.payload))
            if time.monotonic() - last_ping >= self.ping_seconds:
                conn.execute("SELECT 1")
                last_ping = time.monotonic()


REPLICA_POLL_SECONDS = 0.25  # a replica-only app looks for replayed changes this often
WORK_TABLES = ("bookmarks", "notes", "claims", "claim_members", "desk_claims", "saved_searches")
# Where the replica's replay is (on a primary given as the replica: its own WAL position).
REPLAYED_SQL = (
    "SELECT coalesce(pg_last_wal_replay_lsn(), CASE WHEN NOT pg_is_in_recovery() THEN pg_current_wal_lsn() END)::text"
)
CORPUS_STAMP_SQL = "SELECT value FROM public.team_settings WHERE key = 'corpus_version'"
# Rows and the sum of their row versions (xmin) in each work table this login may read: any insert, update or
# delete changes it. (work.changes cannot tell: a standby sees a sequence move 32 at a time.)
WORK_STAMP_SQL = "SELECT " + " || ' ' || ".join(
    f"(SELECT count(*) || '/' || coalesce(sum(xmin::text::bigint), 0) FROM work.{table})" for table in WORK_TABLES
)


class ReplicaWatcher(Listener):
    """Live changes for a replica-only configuration: a standby delivers no ``NOTIFY`` and
    refuses ``LISTEN``, so this polls it (:data:`REPLICA_POLL_SECONDS`): when the replayed WAL
    position moves, the shared work's stamp and the corpus version are read again, and a
    change of either is handed on (``work`` or ``import``, without an author: the replica
    cannot say who). Connection loss and reconnection are the :class:`Listener`'s."""

    def __init__(
        self,
        url: str,
        on_change: Callable[[Change], None],
        on_status: Callable[[str, str], None] | None = None,
        *,
        poll_seconds: float | None = None,
        ping_seconds: float = PING_SECONDS,
    ) -> None:
        super().__init__(url, on_change, on_status, channels=(), ping_seconds=ping_seconds)
        self.poll_seconds = REPLICA_POLL_SECONDS if poll_seconds is None else poll_seconds
        self._stamps = ("", "", "")

    def _prepare(self, conn: psycopg.Connection[Any]) -> None:
        """What the replica holds when the watcher says "live": later changes are news."""
        self._stamps = (self._replayed(conn), self._one(conn, CORPUS_STAMP_SQL), self._one(conn, WORK_STAMP_SQL))

    def _listen(self, conn: psycopg.Connection[Any]) -> None:
        replayed, corpus, work = self._stamps
        while not self._stop.wait(self.poll_seconds):
            now = self._replayed(conn)
            if now == replayed:
                continue
            replayed = now
            corpus_now, work_now = self._one(conn, CORPUS_STAMP_SQL), self._one(conn, WORK_STAMP_SQL)
            if corpus_now != corpus:
                corpus = corpus_now
                self._emit(Change("import"))
            if work_now != work:
                work = work_now
                self._emit(Change("work"))

    @staticmethod
    def _one(conn: psycopg.Connection[Any], sql: str) -> str:
        row = conn.execute(sql).fetchone()
        return str(row[0]) if row else ""

    def _replayed(self, conn: psycopg.Connection[Any]) -> str:
        return self._one(conn, REPLAYED_SQL)


def listen(
    url: str, on_change: Callable[[Change], None], on_status: Callable[[str, str], None] | None = None
) -> Listener:
    """Start a listener on ``url`` (the primary: a replica does not deliver NOTIFY)."""
    return Listener(url, on_change, on_status).start()


def follow(
    store: PgStore, on_change: Callable[[Change], None], on_status: Callable[[str, str], None] | None = None
) -> Listener:
    """Listen for a :class:`~jjj_brief.team.store.PgStore`: its ``offline`` state follows the
    listener's (reads then answer from what was read, without waiting on a dead server).
    On the primary with ``LISTEN``; for a replica-only store, a :class:`ReplicaWatcher`."""
    if store.primary is None and store.replica is None:
        raise ValueError("no team server to follow")

    def status(state: str, reason: str) -> None:
        if state == "live":
            store.online()
        elif state == "lost":
            store.offline = reason
        if on_status is not None:
            on_status(state, reason)

    store.followed = True
    if store.primary is None:  # a replica only: it is polled (a standby delivers no NOTIFY)
        assert store.replica is not None
        return ReplicaWatcher(store.replica.url, on_change, status).start()
    return Listener(store.primary.url, on_change, status).start()
