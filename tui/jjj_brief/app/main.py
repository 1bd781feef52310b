"""The jjj-brief Textual app: topic tree, main pane (briefing / reader / comparison), search.

Construct :class:`BriefApp` with injected ``layers`` (or ``corpus``/``briefings``) to run it
on other data — the tests use that for a hostile corpus. Everything shown that did not
come from this package's source passes through :mod:`jjj_brief.app.safe_text`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Static, Tree
from textual.widgets._footer import FooterKey

from jjj_brief.app import safe_text
from jjj_brief.app.help import HelpScreen
from jjj_brief.app.layers import Layers
from jjj_brief.app.navigation import BriefProvider, TopicTree
from jjj_brief.app.parallel import ParallelView
from jjj_brief.app.reader import ReaderView, same_number
from jjj_brief.app.search_pane import SearchPane
from jjj_brief.app.state import History, Location, SettingsStore, format_citation, save_citation, save_export
from jjj_brief.app.views import (
    BriefingView,
    ComparisonView,
    HomeView,
    OpenArticle,
    OpenFact,
    OpenTopic,
    TimelineView,
)
from jjj_brief.app.work import SavedSearchView, WorkView
from jjj_brief.app.work_actions import WORK_KINDS, WorkActions
from jjj_brief.paths import STORAGE_WARNINGS
from jjj_brief.safety import one_line

VIEW_IDS = {
    "home": "home",
    "article": "reader",
    "topic": "briefing",
    "fact": "comparison",
    "alignment": "comparison",
    "timeline": "timeline",
    "parallel": "parallel",
    "work": "work",
    "claim": "comparison",
    "saved": "saved",
}


class BriefFooter(Footer):
    """The footer with help and quit first: on a narrow terminal the keys at the end are cut."""

    FIRST = ("help", "quit")

    def compose(self) -> ComposeResult:
        items = list(super().compose())
        first = [w for w in items if isinstance(w, FooterKey) and w.action in self.FIRST]
        yield from first + [w for w in items if w not in first]


class BriefApp(WorkActions, App[None]):
    """Read, search and cross-check the Beijing-Tianjin-Hebei briefings."""

    TITLE = "jjj-brief"
    COMMANDS = App.COMMANDS | {BriefProvider}

    BINDINGS = [
        Binding("slash", "focus_search", "Search", key_display="/"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("alt+left,backspace", "back", "Back", key_display="alt+←"),
        Binding("alt+right", "forward", "Forward", key_display="alt+→", show=False),
        Binding("y", "copy_citation", "Cite"),
        Binding("e", "export", "Export"),
        Binding("t", "focus_tree", "Tree", show=False),
        Binding("b", "bookmark", "Bookmark", show=False),
        Binding("h", "highlight", "Highlight + note", show=False),
        Binding("m", "mark_figure", "Mark figure for a claim", show=False),
        Binding("M", "make_claim", "Make your claim", key_display="M", show=False),
        Binding("w", "open_work", "Your work", show=False),
        Binding("ctrl+s", "save_search", "Save search", show=False),
        Binding("s", "toggle_sidebar", "Sidebar", show=False),
        Binding("p", "parallel", "Side by side", show=False),
        Binding("q", "quit", "Quit"),
        Binding("ctrl+q", "quit", "Quit (always)", show=False, priority=True),
    ]

    #: Below 110 columns the sidebar narrows and the reader's figure panel moves under the
    #: text, so the text keeps at least 60% of the width (``s`` hides the sidebar).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    CSS = """
    #top { dock: top; height: 1; background: $primary; color: $text; padding: 0 1; }
    #body { height: 1fr; }
    #sidebar { width: 44; border-right: vkey $primary 40%; }
    #tree { height: 1fr; min-height: 6; }
    #search { height: 1fr; border-top: hkey $primary 40%; }
    #sidebar.-searching #tree { height: 8; }
    #sidebar.-searching #search { height: 1fr; }
    #main { width: 1fr; }
    Screen.-narrow #sidebar { width: 28; }
    #sidebar.-hidden { display: none; }
    Screen.-narrow ReaderView #reader-meta { max-height: 3; }
    Screen.-narrow ReaderView #reader-body { layout: vertical; }
    Screen.-narrow ReaderView #figure-panel {
        width: 1fr; height: 8; border-left: none; border-top: hkey $primary 40%;
    }
    """

    def __init__(
        self,
        *,
        layers: Layers | None = None,
        corpus: Any | None = None,
        briefings: Any | None = None,
        data_dir: Path | None = None,
        build_index: bool = True,
        resume: bool | None = None,
    ) -> None:
        super().__init__()
        self.core = layers if layers is not None else Layers(corpus, briefings)
        self.data_dir = data_dir  # None: the user's data dir (settings, citations, exports)
        self.store = SettingsStore(data_dir)
        self.settings = self.store.settings
        self.history = History()
        self._build_index = build_index
        self._resume = self.settings.resume if resume is None else resume
        self.animation_level = "none"

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Static(Text("jjj-brief", style="bold"), id="top")
        with Horizontal(id="body"):
            with Vertical(id="sidebar"):
                yield TopicTree(self.core, id="tree")
                yield SearchPane(self.core, self.settings.query_history, id="search")
            with ContentSwitcher(initial="home", id="main"):
                yield HomeView(self.core, id="home")
                yield ReaderView(self.core, id="reader")
                yield BriefingView(self.core, id="briefing")
                yield ComparisonView(self.core, id="comparison")
                yield TimelineView(self.core, id="timeline")
                yield ParallelView(self.core, id="parallel")
                yield WorkView(self.core, id="work")
                yield SavedSearchView(id="saved")
        yield BriefFooter()

    def on_mount(self) -> None:
        if self.settings.theme and self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        if self.store.warning:
            self.notify(self.store.warning, severity="warning", markup=False)
        self.query_one(TopicTree).focus()
        self.open_work_store()
        if self.core.briefings_loaded:
            self._start_index()
        if not (self.core.corpus_loaded and self.core.briefings_loaded):
            self._load_layers()
        if self.core.corpus_loaded:
            self._open_first()
        else:
            self.open_location(Location("home"))  # the last article reopens when the corpus is read

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
            self.open_location(Location("home"))

    @work(thread=True, exclusive=True, group="briefings")
    def _load_layers(self) -> None:
        """The list of articles (10,000 imports: ~0.5 s) and the briefings' YAML: after the
        first paint, off the UI thread."""
        self.core.load_corpus()
        self.call_from_thread(self._corpus_ready)
        if not self.core.briefings_loaded:
            self.core.load_briefings()
            self.call_from_thread(self._briefings_ready)

    def _corpus_ready(self) -> None:
        self.query_one(TopicTree).repopulate()
        self.query_one(HomeView).refresh_text()
        if self.core.briefings_loaded:
            self.query_one(TimelineView).refresh_events()
        if self.work_store is not None:
            self._reanchor()
            self.refresh_work()
        self._open_first()

    def _briefings_ready(self) -> None:
        self.query_one(TopicTree).repopulate()
        self.query_one(HomeView).refresh_text()
        self.query_one(TimelineView).refresh_events()
        self._start_index()

    def _start_index(self) -> None:
        if self._build_index:
            self.search_pane.start_index_build()
            self.check_watches()
        else:
            self.search_pane.skip_index_build()

    def watch_theme(self, theme: str) -> None:
        if hasattr(self, "settings"):
            self.settings.theme = theme

    @property
    def search_pane(self) -> SearchPane:
        return self.query_one(SearchPane)

    @property
    def reader(self) -> ReaderView:
        return self.query_one(ReaderView)

    @property
    def comparison(self) -> ComparisonView:
        return self.query_one(ComparisonView)

    @property
    def briefing(self) -> BriefingView:
        return self.query_one(BriefingView)

    @property
    def location(self) -> Location | None:
        return self.history.current

    # -------------------------------------------------------------- navigating
    def open_location(self, location: Location, *, push: bool = True) -> bool:
        """Show ``location`` in the main pane; record it in history when ``push``."""
        self._remember_position()
        if not self._show(location):
            return False
        if push:
            self.history.push(location)
        self._persist()
        return True

    def _show(self, location: Location) -> bool:
        layers = self.core
        switcher = self.query_one(ContentSwitcher)
        if location.kind == "article":
            article = layers.article(location.ref)
            if article is None:
                self.notify(f"Article not found: {one_line(location.ref, 80)}", severity="warning", markup=False)
                return False
            switcher.current = "reader"
            self.reader.open_article(article, offset=location.offset, query=location.query)
            self.reader.document.focus()
            self._set_top("Article", f"{article.outlet} · {article.date} · {article.title}")
        elif location.kind == "topic":
            topic = layers.topic(location.ref)
            if topic is None:
                return False
            switcher.current = "briefing"
            self.briefing.show_topic(topic)
            self._set_top("Briefing", topic.title)
        elif location.kind == "fact":
            fact = layers.fact(location.ref)
            if fact is None:
                return False
            switcher.current = "comparison"
            self.comparison.show_fact(fact)
            self.comparison.show_yours(self.your_claims_rows(self.comparison.sources))
            self.call_after_refresh(self.comparison.focus_first)
            self._set_top("Comparison", fact.subject)
        elif location.kind == "alignment":
            article = layers.article(location.ref)
            figure = self._figure_at(article, location.offset) if article else None
            if article is None or figure is None:
                return False
            related = layers.related(article.id, figure.start, limit=8)
            switcher.current = "comparison"
            self.comparison.show_alignment(article, figure, related)
            self.comparison.show_yours(self.your_claims_rows(self.comparison.sources))
            self.call_after_refresh(self.comparison.focus_first)
            self._set_top("Alignment", f"{figure.text} · {article.outlet}")
        elif location.kind == "parallel":
            return self._show_parallel(location)
        elif location.kind in WORK_KINDS:
            return self.show_work_location(location)
        elif location.kind == "timeline":
            switcher.current = "timeline"
            timeline = self.query_one(TimelineView)
            timeline.show_event(location.ref or None)
            timeline.query_one("#timeline-list").focus()
            self._set_top("Timeline", "dated events")
        else:
            switcher.current = "home"
            self._set_top("Home", "")
        return True

    def _show_parallel(self, location: Location) -> bool:
        """An original beside its translation (either side's id as ``ref``)."""
        from jjj_brief.translation import find_pair, pair

        article = self.core.article(location.ref)
        found = find_pair(article, self.core.corpus) if article is not None else None
        if found is None:
            self.notify(
                "No translation or original is paired with this article (import it with translation_of: ID).",
                severity="warning",
                markup=False,
            )
            return False
        switcher = self.query_one(ContentSwitcher)
        switcher.current = "parallel"
        view = self.query_one(ParallelView)
        view.show_pair(pair(*found))
        view.focus()
        self._set_top("Side by side", f"{found[0].title} ⇄ {found[1].title}")
        return True

    def action_parallel(self) -> None:
        """From the reader: its article beside its translation (or original)."""
        view = self.query_one(ContentSwitcher).current
        if view != "reader" or self.reader.article is None:
            self.notify("Open an article first: p shows it beside its translation.", severity="warning", markup=False)
            return
        self.open_location(Location("parallel", self.reader.article.id))

    def _figure_at(self, article: Any, offset: int | None) -> Any | None:
        if offset is None:
            return None
        for figure in self.core.figures(article):
            if figure.start <= offset < figure.end:
                return figure
        return None

    def _set_top(self, view: str, where: str) -> None:
        top = Text()
        top.append("jjj-brief", style="bold")
        top.append(f" › {view}", style="bold")
        if where:
            top.append(" › ")
            top.append_text(safe_text.line(where, limit=150))
        self.query_one("#top", Static).update(top)

    def _remember_position(self) -> None:
        current = self.history.current
        if current is not None and current.kind == "article" and self.reader.article is not None:
            if self.reader.article.id == current.ref:
                position = self.reader.position()
                if position is not None:
                    self.history.update_current(current.at(position))

    def _persist(self) -> None:
        current = self.history.current
        if current is not None and current.kind == "article":
            self.settings.last_article = current.ref
            self.settings.last_offset = current.offset
        self.store.save()
        self.show_storage_warnings()

    def show_storage_warnings(self) -> None:
        """Say once, in the app, when some state is kept in memory (unwritable data or cache dir)."""
        for warning in STORAGE_WARNINGS.drain():
            self.notify(one_line(warning, 400), title="Working in memory", severity="warning", timeout=10, markup=False)

    def search_for(self, query: str) -> None:
        self.search_pane.focus_query()
        self.search_pane.search_now(query)

    # ---------------------------------------------------------------- messages
    def on_descendant_focus(self, event) -> None:
        """Searching gives the search pane most of the sidebar; the tree gets it back on focus."""
        widget = event.widget
        try:
            sidebar = self.screen.query_one("#sidebar")
        except Exception:
            return  # shutting down, or a modal screen (help, palette) has the focus
        if any(isinstance(node, SearchPane) for node in widget.ancestors_with_self):
            sidebar.add_class("-searching")
        elif isinstance(widget, TopicTree):
            sidebar.remove_class("-searching")

    @on(Tree.NodeSelected, "#tree")
    def _tree_selected(self, event: Tree.NodeSelected) -> None:
        location = event.node.data
        if location is not None:
            self.open_location(location)

    @on(SearchPane.OpenHit)
    def _open_hit(self, event: SearchPane.OpenHit) -> None:
        hit = event.hit
        kind = getattr(hit, "kind", "passage")
        ref = str(getattr(hit, "article", "") or "")
        self._persist()
        if kind in ("passage", "note", "claim"):  # your notes and claims open at their place
            self.open_location(Location("article", ref, offset=getattr(hit, "start", None), query=event.query))
        elif kind == "topic":
            self.open_location(Location("topic", ref))
        elif kind == "fact":
            self.open_location(Location("fact", ref))
        else:
            self._show_glossary(ref, hit)

    def _show_glossary(self, ref: str, hit: Any) -> None:
        briefings = self.core.briefings
        term = briefings.term(ref) if briefings is not None and hasattr(briefings, "term") else None
        if term is None:
            message = one_line(str(getattr(hit, "snippet", "")), 300)
            self.notify(message, title="Glossary", markup=False)
            return
        spellings = ", ".join(getattr(term, "spellings", []) or [term.term])
        wrong = getattr(term, "mistranslations", [])
        related = getattr(term, "see_also", [])
        extra = (f" — mistranslations: {', '.join(wrong)}" if wrong else "") + (
            f" — see also: {', '.join(related)}" if related else ""
        )
        message = one_line(f"{term.term}: {term.gloss} — spellings: {spellings}{extra}", 700)
        self.notify(message, title="Glossary", timeout=12, markup=False)

    @on(OpenArticle)
    def _open_article(self, event: OpenArticle) -> None:
        self.open_location(Location("article", event.article_id, offset=event.offset, query=event.query))

    @on(OpenFact)
    def _open_fact(self, event: OpenFact) -> None:
        self.open_location(Location("fact", event.fact_id))

    @on(OpenTopic)
    def _open_topic(self, event: OpenTopic) -> None:
        self.open_location(Location("topic", event.topic_id))

    @on(ReaderView.OpenRelated)
    def _open_related(self, event: ReaderView.OpenRelated) -> None:
        self.open_location(Location("article", event.article_id, offset=event.offset))

    @on(ReaderView.OpenComparison)
    def _open_comparison(self, event: ReaderView.OpenComparison) -> None:
        fact_id = self.fact_for_figure(event.article_id, event.offset)
        if fact_id is not None:
            self.open_location(Location("fact", fact_id))
        elif not self.open_location(Location("alignment", event.article_id, offset=event.offset)):
            self.notify("No comparison for this figure.", severity="warning", markup=False)

    def fact_for_figure(self, article_id: str, offset: int) -> str | None:
        """The curated fact whose claim quotes the figure at ``offset``, if any."""
        article = self.core.article(article_id)
        if article is None:
            return None
        figure = self._figure_at(article, offset)
        lo, hi = (figure.start, figure.end) if figure else (offset, offset + 1)
        found = self.core.fact_for_figure(article.id, lo, hi)
        if found is not None and self.core.fact(found) is not None:
            return found
        fallback = None
        for fact in self.core.facts():
            for claim in fact.claims:
                if claim.article != article.id:
                    continue
                span = self.core.locate_quote(article, claim.quote)
                if span is None or not (span[0] <= lo and hi <= span[1]):
                    continue
                value = getattr(figure, "value", None)
                if value is not None and same_number(value, claim.value):
                    return fact.id
                fallback = fallback or fact.id
        return fallback if figure is None else None

    # ----------------------------------------------------------------- actions
    def action_focus_search(self) -> None:
        self.query_one("#sidebar").remove_class("-hidden")
        self.search_pane.focus_query()

    def action_focus_tree(self) -> None:
        self.query_one("#sidebar").remove_class("-hidden")
        self.query_one(TopicTree).focus()

    def action_toggle_sidebar(self) -> None:
        """Hide or show the tree and search column (more room for the text)."""
        sidebar = self.query_one("#sidebar")
        sidebar.toggle_class("-hidden")
        if sidebar.has_class("-hidden") and self.focused is not None and sidebar in self.focused.ancestors:
            self._focus_main()

    def _focus_main(self) -> None:
        current = self.query_one(ContentSwitcher).current
        if current == "reader":
            self.reader.document.focus()
        else:
            self.screen.focus_next()

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.help_sections()))

    def help_sections(self) -> list[tuple[str, list]]:
        sections = [
            (
                "Everywhere",
                list(BriefApp.BINDINGS)
                + [
                    Binding(
                        "ctrl+p",
                        "command_palette",
                        "Command palette: articles, topics, facts, full-text search, themes",
                    )
                ],
            ),
            ("Search", list(SearchPane.BINDINGS)),
            ("Reader", list(ReaderView.BINDINGS)),
            (
                "Comparison",
                list(ComparisonView.BINDINGS)
                + [
                    Binding("enter", "open", "Open the focused source at its quote"),
                    Binding("left,right", "column", "Previous / next source"),
                ],
            ),
            ("Help", list(HelpScreen.BINDINGS)),
        ]
        focused_view = self.query_one(ContentSwitcher).current
        order = {"reader": "Reader", "comparison": "Comparison"}.get(focused_view or "")
        sections.sort(key=lambda section: section[0] != order)
        return sections

    def action_back(self) -> None:
        self._remember_position()
        location = self.history.back()
        if location is None:
            self.bell()
            return
        self._show(location)
        self._persist()

    def action_forward(self) -> None:
        self._remember_position()
        location = self.history.forward()
        if location is None:
            self.bell()
            return
        self._show(location)
        self._persist()

    def action_copy_citation(self) -> None:
        found = self._citation_source()
        if found is None:
            self.notify(
                "Nothing to cite here: open an article, a comparison or a briefing.", severity="warning", markup=False
            )
            return
        article, quote = found
        found_at = article.text.find(quote) if article.locators else -1
        locator = article.locator_at(found_at) if found_at >= 0 else None
        citation = format_citation(article.outlet, article.date, article.title, quote, locator)
        self.copy_to_clipboard(citation)
        path = save_citation(citation, self.data_dir)
        where = f"saved to {path}" if path else "could not be saved (data dir not writable)"
        if self.query_one(ContentSwitcher).current == "reader" and self.reader.quote_cut:
            where += "; the paragraph has no sentence break near here, so the quote is cut to the text around it (…)"
        self.notify(
            one_line(f"Citation copied to the clipboard (if the terminal allows) and {where}", 400),
            title="Cite",
            markup=False,
        )

    def _citation_source(self) -> tuple[Any, str] | None:
        view = self.query_one(ContentSwitcher).current
        if view == "reader" and self.reader.article is not None:
            quote = self.reader.citation_quote()
            return (self.reader.article, quote) if quote else None
        if view == "comparison":
            source = self.comparison.focused_source()
            if source is not None and source.article is not None:
                return source.article, source.quote
        if view == "briefing":
            return self.briefing.focused_quote()
        return None

    def action_export(self) -> None:
        current = self.history.current
        if current is not None and current.kind in WORK_KINDS:
            self.export_as("md")  # your claim, notes or saved search: a Markdown brief in exports/
            return
        if current is None or current.kind not in ("topic", "fact"):
            self.notify(
                "Export works on a briefing, a fact comparison or your work (other formats: ctrl+p).",
                severity="warning",
                markup=False,
            )
            return
        try:
            markdown = self.core.export_markdown(current.ref)
        except Exception as exc:
            self.notify(one_line(f"Export failed: {exc}", 300), severity="error", markup=False)
            return
        if markdown is None:
            self.notify("Export is not available (compare layer missing).", severity="warning", markup=False)
            return
        path = save_export(current.ref, markdown, self.data_dir)
        if path is None:
            self.copy_to_clipboard(markdown)
            self.notify(
                "Data dir not writable: the Markdown was copied to the clipboard instead.",
                severity="warning",
                markup=False,
            )
            return
        self.notify(one_line(f"Exported to {path}", 400), title="Export", markup=False)

    async def action_quit(self) -> None:
        self._remember_position()
        self._persist()
        store, self.work_store = self.work_store, None  # timers still due see no store
        if store is not None:
            store.close()  # refreshes the last good copy of your notes
        self.exit()

    def toggle_resume(self) -> None:
        self.settings.resume = not self.settings.resume
        saved = self.store.save()
        state = "on" if self.settings.resume else "off"
        where = "" if saved else " (kept in memory: data dir not writable)"
        self.notify(f"Open where you left off: {state}{where}", markup=False)

    def get_system_commands(self, screen: Screen):
        yield from super().get_system_commands(screen)
        state = "on" if self.settings.resume else "off"
        yield SystemCommand(
            "Open where you left off",
            f"Reopen the last article at the last position on start (now {state})",
            self.toggle_resume,
        )
        yield SystemCommand(
            "Copy citation",
            "Copy a citation of what is focused, and save it to the data dir",
            self.action_copy_citation,
        )
        yield SystemCommand("Export to Markdown", "Export the current briefing or comparison", self.action_export)
        yield SystemCommand("Timeline", "Show the dated events", lambda: self.open_location(Location("timeline")))
        yield from self.work_commands()
