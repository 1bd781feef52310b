"""Keeping the analyst's work current in the app: this window's store connection (opened
at start, never failing it), ``PRAGMA data_version`` polled so another window or a CLI's
write shows, the team server's changes, anchors re-found after imports, and every store
write run as one step whose failure is a message. A mixin of :class:`BriefApp`.
"""

from __future__ import annotations

from typing import Any

from textual import work
from textual.css.query import NoMatches
from textual.message import Message

from jjj_brief import paths
from jjj_brief.app.deliver import deliver
from jjj_brief.app.messages import WorkRefreshed, WorkSaved
from jjj_brief.app.reader import ReaderView
from jjj_brief.app.work import WorkView, fill_work_branches
from jjj_brief.safety import one_line
from jjj_brief.store import ClaimMember, SQLiteStore, StoreError
from jjj_brief.team.store import open_work_store

POLL_SECONDS = 2.0


def _imports_stamp() -> float:
    """The imports folder's modification time: it changes when an import is added or removed."""
    try:
        return (paths.data_dir() / "imports").stat().st_mtime
    except OSError:
        return 0.0


class TeamChange(Message):
    """From the team server's listener thread: a colleague's change, or the connection's state."""

    def __init__(self, change: Any = None, state: str = "", reason: str = "") -> None:
        super().__init__()
        self.change, self.state, self.reason = change, state, reason


def follow_team(app: Any) -> Any:
    """Team mode: listen to the server (LISTEN/NOTIFY; a replica only: polled) and post each change to the app."""
    store = app.work_store
    if getattr(store, "primary", None) is None and getattr(store, "replica", None) is None:
        return None  # local store
    from jjj_brief.team.live import follow

    def post(message: TeamChange) -> None:
        if not app.post_message(message):  # the app has closed: stop listening
            listener.cancel()

    listener = follow(
        app.work_store,
        lambda change: post(TeamChange(change)),
        lambda state, reason: post(TeamChange(state=state, reason=reason)),
    )
    return listener


class WorkSync:
    """The store behind the work views and its refreshes (the app provides ``core``, ``notify``...)."""

    work_store: SQLiteStore | None = None
    watch_counts: dict[int, int]
    marked: list[ClaimMember]

    # ------------------------------------------------------------------ store
    def open_work_store(self: Any) -> None:
        """Open this window's connection; never fails the start (memory store, one message)."""
        self.watch_counts, self.marked = {}, []
        try:
            # the team's server when configured; its problems said in the library's warnings
            self.work_store = open_work_store(self.data_dir, warnings=self.core.library.warnings)
        except StoreError as exc:
            self.notify(
                one_line(f"{exc}; your work is kept in memory for this run", 400),
                title="Your notes",
                severity="error",
                markup=False,
                timeout=15,
            )
            self.work_store = SQLiteStore(None)
        if self.core.corpus_loaded:  # else once the article list is read (app._data_loaded)
            self._reanchor()
        self._data_version = self.work_store.data_version()
        self._imports_stamp = _imports_stamp()  # an import made before the first poll still counts
        self.set_interval(POLL_SECONDS, self._poll_work)
        self.refresh_work_tree()
        self._team_listener = follow_team(self)
        self._team_reads_corpus = not self.core.corpus_loaded  # not given one: it reads the data home's

    def _reanchor(self: Any) -> None:
        corpus = self.core.corpus

        def text_of(article_id: str) -> str | None:
            article = self.core.article(article_id)
            return article.text if article is not None and article.id == article_id else None

        try:
            self.work_store.reanchor(text_of)
        except StoreError as exc:
            self.notify(one_line(str(exc), 300), severity="warning", markup=False)
        del corpus

    def _poll_work(self: Any) -> None:
        store = self.work_store
        if store is None or not self._on_main_screen():
            return  # checked again once the dialog or palette is closed
        imports_stamp = _imports_stamp()
        if imports_stamp != self._imports_stamp:
            self.check_watches()  # an import (from a CLI, another window): rerun watched searches
        self._imports_stamp = imports_stamp
        version = store.data_version()
        if version != self._data_version:
            self._data_version = version
            self.refresh_work()

    def on_imports_changed(self: Any, message: Any) -> None:
        """The app read the articles again (an import, a removal, a re-import with edits made
        elsewhere): anchors are re-found against them — moved, or orphaned with their text —
        and the work views refreshed. (A ``jjj-brief import --remove`` alone re-anchors nothing.)"""
        if message.change and self.work_store is not None:
            self._reanchor()
            self._data_version = self.work_store.data_version()
            self.refresh_work()
            self.check_watches()  # the articles changed: watched searches have new results to count

    def on_team_change(self: Any, message: TeamChange) -> None:
        """A colleague's import, note or claim: the views refresh now; a lost server: one message,
        what is shown stays (read-only) until the listener has reconnected by itself."""
        if message.state == "lost":
            self.notify(
                one_line(f"team server unreachable ({message.reason}); your work is shown read-only until it is back"),
                title="Team",
                severity="warning",
                markup=False,
                timeout=10,
            )
            return
        if message.change is None:
            return
        if message.change.kind in ("import", "resync"):
            self._team_reload_corpus()  # a colleague's articles come from the server
        if message.change.kind == "resync":
            self.notify(message.change.label, title="Team", markup=False, timeout=4)
        elif message.change.author and message.change.author != getattr(self.work_store, "author", ""):
            self.notify(one_line(message.change.label), title="Team", markup=False, timeout=4)
        self._data_version = self.work_store.data_version()
        self.refresh_work()

    @work(thread=True, exclusive=True, group="team-corpus")
    def _team_reload_corpus(self: Any) -> None:
        """Read the corpus again after a colleague's import (an app given its own corpus keeps it)."""
        if not self._team_reads_corpus:
            return
        corpus = self.core.library.corpus(refresh=True)
        deliver(self, self._team_corpus_ready, corpus)

    def _team_corpus_ready(self: Any, corpus: Any) -> None:
        self.core.corpus = corpus
        self._data_loaded("corpus")  # the article tree, home, anchors and work views, as at start
        self.check_watches()

    def _on_main_screen(self: Any) -> bool:
        """A dialog, the help or the palette may be on top: the main widgets are not queried then."""
        try:
            self.query_one("#tree")
            return True
        except NoMatches:
            return False

    def refresh_work(self: Any) -> None:
        """Show the store as it is now: tree branches, the work view, the reader's notes."""
        if not self._on_main_screen():
            return
        self.refresh_work_tree()
        current = self.history.current
        view = self.visible_view
        if current is not None and current.kind == "work" and isinstance(view, WorkView):
            view.fill(self.work_store, current.ref, self.watch_counts)
        if isinstance(view, ReaderView) and view.article is not None:
            self.show_article_notes(view.article)
        self.post_message(WorkRefreshed())

    def _save(self: Any, what: str, write) -> Any:
        """Run one store write; a failure (full disk, busy, damaged) is one message, never a crash."""
        try:
            result = write()
        except StoreError as exc:
            self.notify(one_line(f"{what} not saved: {exc}", 400), severity="error", markup=False, timeout=12)
            return None
        self._data_version = self.work_store.data_version()
        self.refresh_work()
        self.show_storage_warnings()
        self.post_message(WorkSaved(what))
        return result

    def refresh_work_tree(self: Any) -> None:
        if not self._on_main_screen():
            return
        tree = self.query_one("#tree")
        branches = getattr(tree, "work_branches", None)
        if branches and self.work_store is not None:
            bookmarks, yours = branches
            fill_work_branches(bookmarks, yours, self.work_store, self.core, self.watch_counts)
