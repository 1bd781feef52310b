"""Imports made elsewhere (``jjj-brief import`` in another terminal) appear, open and go away
while the app runs: a mixin of :class:`jjj_brief.app.main.BriefApp`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work

from jjj_brief.app.home import HomeView
from jjj_brief.app.messages import ImportsChanged
from jjj_brief.app.reader import ReaderView
from jjj_brief.app.state import Location
from jjj_brief.app.topic_tree import TopicTree

if TYPE_CHECKING:
    from jjj_brief.live_imports import CorpusChange

#: How often the app looks for imports made elsewhere (a file read and a stat).
IMPORTS_POLL_SECONDS = 1.0


class LiveImports:
    """The corpus read again when the imports folder's stamp changes; the tree, Home, the
    search shown and the reader follow."""

    def _watch_imports(self: Any) -> None:
        """Imports made elsewhere (``jjj-brief import`` in another terminal) show up live: one
        stamp read a second tells when to read the corpus again."""
        from jjj_brief.live_imports import ImportsWatch

        self._imports_watch = ImportsWatch()
        self.set_interval(IMPORTS_POLL_SECONDS, self._check_imports)

    def _check_imports(self: Any) -> None:
        if self.core.corpus_loaded and self._imports_watch.changed():
            self.reload_imports()

    @work(thread=True, exclusive=True, group="imports", description="read the imports again")
    def reload_imports(self: Any, then: Location | None = None) -> None:
        change = self.core.reload_corpus()
        self.post_message(ImportsChanged(change, then))

    def on_imports_changed(self: Any, event: ImportsChanged) -> None:
        if not self.is_running:
            return  # posted by the reload worker as the app quit: its widgets are being removed
        change = event.change
        if change:
            self.query_one(TopicTree).repopulate()
            home = self.main.made(HomeView)
            if isinstance(home, HomeView):
                home.refresh_text()
            self.search_pane.search_again()
            self._leave_removed(change)
            titles = {i: a.title for i in change.added + change.changed if (a := self.core.article(i)) is not None}
            self.notify(change.summary(titles), title="Imports", markup=False)
        if event.then is not None:
            self.open_location(event.then)

    def _leave_removed(self: Any, change: CorpusChange) -> None:
        """The article on screen was removed (Home instead) or replaced (read again)."""
        current = self.history.current
        if current is None or current.kind != "article" or not change.touches(current.ref):
            return
        if current.ref in change.removed:
            self.notify(f"The import {current.ref} was removed.", severity="warning", markup=False)
            self.open_location(Location("home"))
        elif self.showing(ReaderView):
            self._show(current)
