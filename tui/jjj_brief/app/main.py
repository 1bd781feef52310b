"""The jjj-brief Textual app: topic tree, main pane (one :class:`~jjj_brief.app.view.View` at a
time), search.

The shell picks the view for a :class:`Location`, lets it show the location, and moves the
focus to it; views are built when first shown. Construct :class:`BriefApp` with injected
``data`` (or ``corpus``/``briefings``) to run it on other data — the tests use that for a
hostile corpus. Everything shown that did not come from this package's source passes
through :mod:`jjj_brief.app.safe_text`.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea, Tree
from textual.worker import Worker, WorkerState, get_current_worker

from jjj_brief.app.app_actions import ShellActions
from jjj_brief.app.app_focus import MainScreen, SearchRoomAndTab
from jjj_brief.app.app_imports import LiveImports
from jjj_brief.app.briefing import BriefingView
from jjj_brief.app.comparison import ComparisonView
from jjj_brief.app.data import AppData
from jjj_brief.app.deliver import deliver
from jjj_brief.app.footer import BriefFooter
from jjj_brief.app.help import HelpScreen, active_sections
from jjj_brief.app.home import HomeView
from jjj_brief.app.keymap import load_keymap
from jjj_brief.app.messages import (
    CompareFigure,
    DataLoaded,
    Navigate,
    OpenHit,
    ViewShown,
)
from jjj_brief.app.palette import BriefProvider, CommandWords
from jjj_brief.app.parallel import ParallelView
from jjj_brief.app.reader import ReaderView
from jjj_brief.app.search_pane import SearchPane
from jjj_brief.app.shell_css import SHELL_CSS
from jjj_brief.app.state import (
    History,
    Location,
    SettingsStore,
)
from jjj_brief.app.timeline import TimelineView
from jjj_brief.app.topic_tree import TopicTree
from jjj_brief.app.view import MainPane, View
from jjj_brief.app.work import SavedSearchView, WorkView
from jjj_brief.app.work_actions import WORK_KINDS, WorkActions
from jjj_brief.safety import one_line

if TYPE_CHECKING:
    from jjj_brief.briefings import Briefings
    from jjj_brief.corpus import Corpus
    from jjj_brief.library import Library


def known_binding_ids() -> set[str]:
    """Every binding id a keymap may name."""
    from jjj_brief.app.comparison import SourceColumn
    from jjj_brief.app.glossary import GlossaryScreen

    owners: list[type[object]] = [BriefApp, SearchPane, SourceColumn, HelpScreen, GlossaryScreen, *VIEWS]
    return {b.id for owner in owners for b in getattr(owner, "BINDINGS", []) if isinstance(b, Binding) and b.id}


#: Seconds the article list's worker waits for the first frame before reading anyway.
FIRST_FRAME_WAIT = 5.0

#: The app's keys that act on the view shown (off while the search covers it).
VIEW_KEYS = {"bookmark", "highlight", "mark_figure", "parallel", "copy_citation", "export"}

#: A pending view's "focus when asked": never the focus now, so the view does not take it.
_NO_FOCUS = Static()

VIEWS: list[type[View]] = [
    HomeView,
    ReaderView,
    BriefingView,
    ComparisonView,
    TimelineView,
    ParallelView,
    WorkView,
    SavedSearchView,
]


class BriefApp(ShellActions, LiveImports, WorkActions, SearchRoomAndTab, App[None]):
    """Read, search and cross-check the Beijing-Tianjin-Hebei briefings."""

    TITLE = "jjj-brief"
    COMMANDS = App.COMMANDS | {BriefProvider, CommandWords}

    BINDINGS = [
        # Priority: handled as it arrives, so keys typed or pasted right after it ("/tianjin
        # port") go to the search box, not to the view the focus is leaving.
        Binding("slash", "focus_search", "Search", key_display="/", priority=True, id="app.search"),
        Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
        # Help where "?" is typed (the search box): the footer shows it there.
        Binding("f1", "help", "Help (in a text box too)", key_display="F1", show=False, id="app.help_always"),
        Binding("alt+left,backspace", "go_back", "Back", key_display="alt+←", id="app.back"),
        Binding("alt+right", "go_forward", "Forward", key_display="alt+→", show=False, id="app.forward"),
        Binding("t", "focus_tree", "Tree", show=False, id="app.tree"),
        Binding("s", "toggle_sidebar", "Sidebar", show=False, id="app.sidebar"),
        Binding("w", "open_work", "Your work", show=False, id="app.work"),
        Binding("ctrl+s", "save_search", "Save search", show=False, id="app.save_search"),
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("ctrl+q", "quit", "Quit (always)", show=False, priority=True, id="app.quit_always"),
        # Keys of what is shown: active only where they can act (check_action).
        Binding("y", "copy_citation", "Cite", id="app.cite"),
        Binding("e", "export", "Export", id="app.export"),
        Binding("b", "bookmark", "Bookmark", show=False, id="reader.bookmark"),
        Binding("h", "highlight", "Highlight + note", show=False, id="reader.highlight"),
        Binding("m", "mark_figure", "Mark figure for a claim", show=False, id="reader.mark"),
        Binding("M", "make_claim", "Make your claim", key_display="M", show=False, id="app.make_claim"),
        Binding("p", "parallel", "Side by side", show=False, id="reader.parallel"),
    ]

    #: Below 110 columns the sidebar narrows and the reader's figure panel moves under the
    #: text, so the text keeps at least 60% of the width (``s`` hides the sidebar).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    #: Below 40 rows (or 110 columns) the search takes the screen while it has the keys: under
    #: the tree beside a view its results had 8 rows at 110x30 (1 hit seen whole), 13 at 120x40.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (40, "-tall")]

    CSS = SHELL_CSS

    def __init__(
        self,
        *,
        data: AppData | None = None,
        corpus: Corpus | None = None,
        briefings: Briefings | None = None,
        data_dir: Path | None = None,
        build_index: bool = True,
        resume: bool | None = None,
        library: Library | None = None,
    ) -> None:
        """``library``: the Library shown (the CLI passes its default; ``None``: the same, the
        process default); ``data``: the app's view of it, given whole (a test's)."""
        super().__init__()
        self.core = data if data is not None else AppData(corpus, briefings, library=library)
        self.data_dir = data_dir  # None: the user's data dir (settings, citations, exports)
        self.store = SettingsStore(data_dir, warnings=self.core.library.warnings)
        self.settings = self.store.settings
        self.history = History()
        self._build_index = build_index
        self._resume = self.settings.resume if resume is None else resume
        self.animation_level = "none"
        self.keymap_problem = self._load_keymap()
        self._first_frame = threading.Event()
        self._closing = False

    def get_default_screen(self) -> Screen[None]:
        return MainScreen(id="_default")

    def _load_keymap(self) -> str | None:
        keymap, problem = load_keymap(self.data_dir, known_binding_ids())
        if keymap:
            self.set_keymap(keymap)
        return problem

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Static(Text("jjj-brief", style="bold"), id="top")
        with Horizontal(id="body"):
            with Vertical(id="sidebar"):
                yield TopicTree(self.core, id="tree")
                yield SearchPane(self.core, self.settings.query_history, id="search")
            yield MainPane(VIEWS, id="main")
        yield BriefFooter()

    @property
    def main(self) -> MainPane:
        return self.query_one(MainPane)

    def on_mount(self) -> None:
        if self.settings.theme and self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        for warning in (self.store.warning, self.keymap_problem):
            if warning:
                self.notify(warning, severity="warning", markup=False, timeout=10)
        self.set_focus(self.query_one(TopicTree))  # now: a "/" typed at once is not undone later
        self.open_work_store()
        if self.core.briefings_loaded:
            self._start_index()
        if not (self.core.corpus_loaded and self.core.briefings_loaded):
            self._load_data()
        if self.core.corpus_loaded:
            self._open_first()
        else:
            self.open_location(Location("home"), focus=False)  # the last article reopens when the corpus is read
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        """The imports watch (it imports the search package), then the article list's read
        (a worker sharing the interpreter): both would delay the first frame."""
        self._watch_imports()  # before the list is read: an import landing after the read is seen
        self._first_frame.set()

    def on_unmount(self) -> None:
        """A quit before the first frame: the data worker stops waiting for that frame (the
        exit used to wait for it, up to ``FIRST_FRAME_WAIT``) and returns: ``_closing`` is set
        first, so the worker sees it whether or not Textual has cancelled it yet."""
        self._closing = True
        self._first_frame.set()

    def _open_first(self) -> None:
        """Home, or the last article read (setting ``resume``) unless the user went elsewhere."""
        current = self.history.current
        if current is not None and current.kind != "home":
            return
        last = self.settings.last_article
        if self._resume and last and self.core.article(last) is not None:
            # The corpus is read after the first paint: a user who already went to the search
            # box keeps it (the reopened article must not take the keys they are typing).
            focused = self.focused
            self.open_location(Location("article", last, offset=self.settings.last_offset))
            if focused is not None and not isinstance(focused, TopicTree):
                focused.focus()
        elif current is None:
            self.open_location(Location("home"), focus=False)

    @work(thread=True, exclusive=True, group="briefings")
    def _load_data(self) -> None:
        """The list of articles (10,000 imports: ~0.5 s) and the briefings' YAML: after the
        first paint, off the UI thread."""
        self._first_frame.wait(FIRST_FRAME_WAIT)
        if self._closing or get_current_worker().is_cancelled:
            return  # the app is closing
        self.core.load_corpus()
        # Waits for the UI to show the articles before reading the YAML (the two would
        # share the interpreter: the first screen's keys would wait).
        deliver(self, self._data_loaded, "corpus")
        if not self.core.briefings_loaded:
            self.core.load_briefings()
            deliver(self, self._data_loaded, "briefings")
        # The figure code, which the first article opened needs on the UI thread (its header
        # for an import): imported here, it was 0.15 s of a 10 MB import's first screen.
        import jjj_brief.figures.translation  # noqa: F401

    def _data_loaded(self, what: str) -> None:
        self.query_one(TopicTree).repopulate()
        home = self.main.made(HomeView)
        if isinstance(home, HomeView):
            home.refresh_text()
        timeline = self.main.made(TimelineView)
        if isinstance(timeline, TimelineView) and self.core.briefings_loaded:
            timeline.refresh_events()
        if what == "corpus":
            if self.work_store is not None:
                self._reanchor()
                self.refresh_work()
            self._open_first()
        else:
            self._start_index()
        self.post_message(DataLoaded(what))  # for whoever waits on it (tests)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a worker's failure is reported: one line, and the app goes on."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            what = event.worker.description or event.worker.name or "background work"
            self.notify(one_line(f"{what} failed: {event.worker.error}", 300), severity="error", markup=False)

    def _start_index(self) -> None:
        if self._build_index:
            self.search_pane.start_index_build()
            self.check_watches()
        else:
            self.search_pane.skip_index_build()

    def watch_theme(self, theme: str) -> None:
        if hasattr(self, "settings"):
            self.settings.theme = theme
        for view in self.query(View):
            view.refresh_styles()

    @property
    def search_pane(self) -> SearchPane:
        return self.query_one(SearchPane)

    @property
    def reader(self) -> ReaderView:
        view = self.main.view(ReaderView)
        assert isinstance(view, ReaderView)
        return view

    @property
    def comparison(self) -> ComparisonView:
        view = self.main.view(ComparisonView)
        assert isinstance(view, ComparisonView)
        return view

    @property
    def briefing(self) -> BriefingView:
        view = self.main.view(BriefingView)
        assert isinstance(view, BriefingView)
        return view

    @property
    def location(self) -> Location | None:
        return self.history.current

    @property
    def visible_view(self) -> View | None:
        return self.main.shown_view

    def showing(self, view_type: type[View]) -> bool:
        """Whether the main pane shows a view of this type (the keys of hidden views are off)."""
        return isinstance(self.visible_view, view_type)

    # -------------------------------------------------------------- navigating
    def open_location(self, location: Location, *, push: bool = True, focus: bool = True) -> bool:
        """Show ``location`` in the main pane and give it the keys (unless ``focus`` is off: the
        start-up Home); record it in history when ``push``."""
        self._remember_position()
        if not self._show(location, focus=focus):
            return False
        if push:
            self.history.push(location)
        self._persist()
        return True

    def _show(self, location: Location, *, focus: bool = True) -> bool:
        """Let the location's view show it (built first if never shown), switch to it and
        give it the focus."""
        pane = self.main
        view_type = pane.view_types.get(location.kind)
        if view_type is None:
            return False
        problem = view_type.cannot_show(self.core, location)
        if problem is not None:
            if problem:
                self.notify(problem, severity="warning", markup=False)
            return False
        view = pane.view(view_type)
        if view.ready:
            return self._fill(view, location, take_focus=focus)
        if focus:
            # Keys typed while the view is built go to the app's bindings (q quits), not to
            # the search box or list the user is leaving.
            self.screen.set_focus(None)
        view.pending = (location, None if focus else _NO_FOCUS)  # shown by the view's on_mount
        self._place_results()
        return True

    def show_pending(self, view: View, location: Location, focused: Widget | None) -> None:
        """A view built for ``location`` is composed: show it (unless the user went on); it
        takes the focus unless the user moved it meanwhile (clicked the search box)."""
        if location == self.history.current or self.history.current is None:
            self._fill(view, location, take_focus=self.focused is focused, focused=focused)

    def _fill(self, view: View, location: Location, *, take_focus: bool = True, focused: Widget | None = None) -> bool:
        # Where the keys were when this was asked for (the view takes them back only from
        # there); a view built meanwhile for a user who moved on: never.
        view.focus_at_request = (focused or _NO_FOCUS) if not take_focus else self.focused
        previous = self.main.current
        self.main.current = view.id  # visible first: the view lays out at its real width
        where = view.show(location)
        if where is None:
            self.main.current = previous
            return False
        self._set_top(view.heading(location), where)
        if take_focus:
            view.focus_view()
        self._place_results()
        view.after_show(location)
        self.refresh_bindings()
        self.post_message(ViewShown(location))
        return True

    def action_parallel(self) -> None:
        """From the reader: its article beside its translation (or original)."""
        article = self.reader.article if self.showing(ReaderView) else None
        if article is None:
            self.notify("Open an article first: p shows it beside its translation.", severity="warning", markup=False)
            return
        self.open_location(Location("parallel", article.id))

    def search_for(self, query: str) -> None:
        self.search_pane.focus_query()
        self.search_pane.search_now(query)

    # ---------------------------------------------------------------- messages
    @on(Tree.NodeSelected, "#tree")
    def _tree_selected(self, event: Tree.NodeSelected[Location]) -> None:
        location = event.node.data
        if location is not None:
            self.open_location(location)

    @on(Navigate)
    def _navigate(self, event: Navigate) -> None:
        self.open_location(event.location)

    @on(OpenHit)
    def _open_hit(self, event: OpenHit) -> None:
        hit = event.hit
        self._persist()
        if hit.kind in ("passage", "note", "claim"):  # your notes and claims open at their place
            location = Location("article", hit.article, offset=hit.start, query=event.query)
            if self.core.corpus_loaded and self.core.article(hit.article) is None:
                self.reload_imports(location)  # imported since the corpus was read: read it, then open
                return
            self.open_location(location)
        elif hit.kind in ("topic", "fact"):
            self.open_location(Location(hit.kind, hit.article))  # type: ignore[arg-type]
        else:
            self._show_glossary(hit)

    @on(CompareFigure)
    def _compare_figure(self, event: CompareFigure) -> None:
        fact_id = self.fact_for_figure(event.article_id, event.offset)
        if fact_id is not None:
            self.open_location(Location("fact", fact_id))
        elif not self.open_location(Location("alignment", event.article_id, offset=event.offset)):
            self.notify("No comparison for this figure.", severity="warning", markup=False)

    def fact_for_figure(self, article_id: str, offset: int) -> str | None:
        """The curated fact whose claim quotes the figure at ``offset``, if any (compare's rule)."""
        article = self.core.article(article_id)
        if article is None:
            return None
        figure = self.core.figure_at(article, offset)
        lo, hi = (figure.start, figure.end) if figure else (offset, offset + 1)
        return self.core.fact_for_figure(article.id, lo, hi)

    # ----------------------------------------------------------------- actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys of a view act only while it is shown; hidden otherwise (footer and help too),
        and while the search covers it (from the results list: ``y`` cited the hidden article)."""
        if action in VIEW_KEYS and self.search_covers_the_view:
            return False
        needs = {
            "bookmark": ReaderView,
            "highlight": ReaderView,
            "mark_figure": ReaderView,
            "parallel": ReaderView,
        }
        view_type = needs.get(action)
        if view_type is not None:
            return self.showing(view_type)
        if action == "copy_citation":
            return self.showing(ReaderView) or self.showing(ComparisonView) or self.showing(BriefingView)
        if action == "export":
            current = self.history.current
            return current is not None and (current.kind in ("topic", "fact") or current.kind in WORK_KINDS)
        if action == "make_claim":
            return len(self.marked) >= 2 if hasattr(self, "marked") else False
        if action == "focus_search":
            return not isinstance(self.focused, (Input, TextArea))  # "/" typed in a text box is a character
        return True

    def action_help(self) -> None:
        self.push_screen(HelpScreen(active_sections(self)))
