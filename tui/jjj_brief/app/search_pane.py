"""The search pane: a query box, the result count and "did you mean", and the results.

Searching runs in a thread worker after a short debounce. Every query gets a generation
number; a result is shown only if its generation is still the newest, so a slow search
for "bei" can never overwrite the results for "beijing" typed after it.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.events import Key
from textual.widgets import Input, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from jjj_brief.app import safe_text
from jjj_brief.app.data import AppData
from jjj_brief.app.deliver import deliver
from jjj_brief.app.facets import SORT_CYCLE, SORT_NAMES, FacetPicker, facets_line, with_sort
from jjj_brief.app.hit_text import hit_label, snippet_lines
from jjj_brief.app.in_order_input import InOrderInput
from jjj_brief.app.messages import OpenHit, ResultsShown
from jjj_brief.app.styles import palette_for

if TYPE_CHECKING:
    from textual.timer import Timer

    from jjj_brief.app.main import BriefApp

DEBOUNCE_SECONDS = 0.15
#: Results per query. Snippets are made per hit, so this bounds the search's cost.
RESULT_LIMIT = 20


class SearchPane(Vertical):
    """Query box and results; posts :class:`SearchPane.OpenHit` when a result is chosen."""

    BINDINGS = [
        Binding("escape", "leave", "Back to the view", show=False, id="search.leave"),
        Binding("ctrl+y", "accept_suggestion", "Did you mean: use it", key_display="^y", id="search.suggestion"),
        Binding("ctrl+o", "cycle_sort", "Sort: relevance/newest/oldest", key_display="^o", id="search.sort"),
        Binding("ctrl+r", "facets", "Narrow: outlet/year/kind", key_display="^r", id="search.facets"),
    ]

    DEFAULT_CSS = """
    SearchPane { height: 1fr; }
    SearchPane #query { margin: 0; }
    SearchPane #search-summary { height: auto; max-height: 3; padding: 0 1; color: $text-muted; }
    SearchPane #search-facets { height: auto; max-height: 1; padding: 0 1; color: $text-muted; }
    SearchPane #search-facets.-empty { display: none; }
    SearchPane #index-progress { height: 1; padding: 0 1; }
    SearchPane #index-progress.-done { display: none; }
    SearchPane #results { height: 1fr; border: none; }
    SearchPane #results > .option-list--option { padding: 0 0 1 0; }
    """

    def __init__(self, data: AppData, history: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.core = data
        self.history = history  # shared with the settings (oldest first)
        self._history_index: int | None = None
        self._generation = 0
        self._shown_generation = 0
        self._timer: Timer | None = None
        self._hits: list = []
        self._result: Any = None
        self._facets: dict[str, dict[str, int]] = {}
        self._drawn_height = self._drawn_width = 0  # the results' room when they were drawn
        self.shown_query = ""
        self.index_ready = threading.Event()
        self.last_latency: float | None = None  # debounce fired -> results shown
        self.last_search_time: float | None = None  # of which the search itself

    def compose(self) -> ComposeResult:
        yield InOrderInput(placeholder="Search (press / anywhere)", id="query")
        yield ProgressBar(total=None, show_eta=False, id="index-progress")
        yield Static(self._idle_summary(), id="search-summary")
        yield Static(Text(), id="search-facets", classes="-empty")
        yield OptionList(id="results")

    def _idle_summary(self) -> Text:
        if not self.core.has_search:
            return Text("Search is not available (search layer missing).", style="italic")
        return Text("Type to search passages, topics, facts and glossary.", style="dim")

    @property
    def query_input(self) -> Input:
        return self.query_one("#query", Input)

    @property
    def results(self) -> OptionList:
        return self.query_one("#results", OptionList)

    # ------------------------------------------------------------- index build
    def skip_index_build(self) -> None:
        self.index_ready.set()
        self.query_one("#index-progress").add_class("-done")

    def start_index_build(self) -> None:
        if not self.core.has_search:
            self.skip_index_build()
            return
        self.query_one("#search-summary", Static).update(Text("Preparing the search index…", style="italic"))
        self._build_index()

    @work(thread=True, exclusive=True, group="index")
    def _build_index(self) -> None:
        def progress(done: int, total: int) -> None:
            deliver(self, self._index_progress, done, total)

        error: str | None = None
        try:
            self.core.ensure_index(progress=progress)
        except Exception as exc:  # show it; searching will try again and report
            error = str(exc)
        finally:
            self.index_ready.set()
        deliver(self, self._index_done, error)

    def _index_progress(self, done: int, total: int) -> None:
        bar = self.query_one("#index-progress", ProgressBar)
        bar.update(total=max(1, total), progress=done)
        self.query_one("#search-summary", Static).update(
            Text(f"Building the index (first run) {done}/{total}", style="italic")
        )

    def _index_done(self, error: str | None) -> None:
        self.query_one("#index-progress").add_class("-done")
        cast("BriefApp", self.app).show_storage_warnings()  # e.g. a read-only cache dir: the index lives in memory
        if error:
            self.query_one("#search-summary", Static).update(
                safe_text.line(f"Search index problem: {error}", style="red")
            )
        elif not self.query_input.value.strip():
            self.query_one("#search-summary", Static).update(self._idle_summary())

    # ---------------------------------------------------------------- searching
    @on(Input.Changed, "#query")
    def _query_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._generation += 1
        if self._timer is not None:
            self._timer.stop()
        query = event.value
        if not query.strip():
            self._show_empty()
            return
        generation = self._generation
        self._timer = self.set_timer(DEBOUNCE_SECONDS, lambda: self._search(query, generation, time.perf_counter()))

    def search_again(self) -> None:
        """Run the shown query again (the corpus changed under it); the focus stays."""
        query = self.query_input.value
        if query.strip():
            self._generation += 1
            self._search(query, self._generation, time.perf_counter())

    def search_now(self, query: str) -> None:
        """Search at once (palette, tests): set the box and skip the debounce."""
        with self.query_input.prevent(Input.Changed):
            self.query_input.value = query
        self._generation += 1
        if query.strip():
            self._search(query, self._generation, time.perf_counter())
        else:
            self._show_empty()

    def _show_empty(self) -> None:
        self._hits = []
        self._result = None
        self._facets = {}
        self._show_facets(Text())
        self.refresh_bindings()
        self.results.clear_options()
        self.shown_query = ""
        self.query_one("#search-summary", Static).update(self._idle_summary())

    @work(thread=True, exclusive=False, group="search")
    def _search(self, query: str, generation: int, started: float) -> None:
        if generation != self._generation:
            return  # superseded before it began
        self.index_ready.wait(timeout=120)
        if generation != self._generation:
            return
        searching = time.perf_counter()
        try:
            result = self.core.search(query, limit=RESULT_LIMIT)
            error = None
        except Exception as exc:  # the search API should not raise; show it if it does
            result, error = None, str(exc)
        self.last_search_time = time.perf_counter() - searching
        deliver(self, self._show_result, query, generation, result, error, started)

    def _show_result(self, query: str, generation: int, result: Any, error: str | None, started: float) -> None:
        if generation != self._generation or generation < self._shown_generation:
            return  # a newer query is already on its way or shown
        self._shown_generation = generation
        summary = self.query_one("#search-summary", Static)
        self.results.clear_options()
        self.shown_query = query
        if error or result is None:
            self._hits = []
            self._result = None
            self._facets = {}
            self._show_facets(Text())
            summary.update(safe_text.line(error or "Search is not available.", style="red"))
            return
        self._hits = list(getattr(result, "hits", []) or [])
        self._result = result
        summary.update(self._summary(result))
        facets = getattr(result, "facets", None) or {}
        self._facets = dict(facets)
        self._show_facets(facets_line(facets, self._facets_width()))
        self.refresh_bindings()
        if not facets and self._hits:
            # Not free with the results: counted after, once the hits are on screen (a worker
            # started now shares the interpreter with their drawing: 277 ms to the paint of
            # "PM2.5 concentration" at 10,000 articles instead of ~65).
            self.call_after_refresh(self._load_facets, query, generation)
        self._draw_hits()
        if not self.results.scrollable_content_region.width:  # not laid out yet: again at its width
            self.call_after_refresh(self._draw_hits)
        if self._hits:
            self.results.highlighted = 0
        self.last_latency = time.perf_counter() - started
        self.post_message(ResultsShown(query, len(self._hits)))

    def _draw_hits(self) -> None:
        highlighted = self.results.highlighted
        drawn_at = self.results.scrollable_content_region.width
        width = max(20, drawn_at - 3)
        height = self._drawn_height = self.results.size.height
        self._drawn_width = drawn_at
        palette = palette_for(self.app)
        self.results.clear_options()
        self.results.add_options(
            [Option(hit_label(hit, width, palette, snippet_lines(hit, height, len(self._hits)))) for hit in self._hits]
        )
        if highlighted is not None and highlighted < len(self._hits):
            self.results.highlighted = highlighted
        self.call_after_refresh(self._redraw_if_narrowed, drawn_at)

    def _redraw_if_narrowed(self, drawn_at: int) -> None:
        """The list measures each result's height when it is added; a scrollbar that the
        results bring narrows the text after, which then wraps longer and loses its last
        line (``missing: ...``): have it measure again at the width it has now (replacing
        a prompt is the list's public way to drop its measurements; the options stay)."""
        results = self.results
        if results.option_count and results.scrollable_content_region.width != drawn_at:
            results.replace_option_prompt_at_index(0, results.get_option_at_index(0).prompt)

    def _summary(self, result: Any) -> Text:
        total = int(getattr(result, "total", len(self._hits)) or 0)
        shown = len(self._hits)
        label = getattr(result, "total_label", None) or str(total)
        text = Text(f"{label} result{'s' if total != 1 else ''}", style="bold")
        if shown < total:
            text.append(f" (top {shown})", style="dim")
        order = getattr(result, "sort", "relevance") or "relevance"
        if order != "relevance":
            text.append(f"  {SORT_NAMES.get(order, order)}", style="dim")
        suggestion = getattr(result, "suggestion", None)
        if suggestion:
            text.append("  did you mean ", style="italic")
            text.append_text(safe_text.line(str(suggestion), style="bold underline", limit=80))
            text.append("? (ctrl+y)", style="italic")

        message = getattr(result, "message", None)
        if message:
            text.append("\n")
            text.append_text(safe_text.line(str(message), style="yellow", limit=200))
        return text

    # --------------------------------------------------------------- choosing
    @on(OptionList.OptionSelected, "#results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._open(event.option_index)

    @on(Input.Submitted, "#query")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        if self.shown_query != event.value and event.value.strip():
            self.search_now(event.value)
            return
        index = self.results.highlighted
        self._open(index if index is not None else 0)

    def _open(self, index: int | None) -> None:
        if index is None or not 0 <= index < len(self._hits):
            return
        self._remember(self.shown_query)
        self.post_message(OpenHit(self._hits[index], self.shown_query))

    def _remember(self, query: str) -> None:
        query = query.strip()
        if not query:
            return
        if query in self.history:
            self.history.remove(query)
        self.history.append(query)
        del self.history[:-50]
        self._history_index = None

    def on_key(self, event: Key) -> None:
        if not self.query_input.has_focus:
            return
        if event.key == "down" and self._hits:
            event.stop()
            event.prevent_default()
            self.results.focus()
            if self.results.highlighted is None:
                self.results.highlighted = 0
        elif event.key == "up":
            value = self.query_input.value
            browsing = self._history_index is not None and value == self.history[self._history_index]
            if (not value or browsing) and self.history:
                event.stop()
                event.prevent_default()
                index = len(self.history) - 1 if self._history_index is None else max(0, self._history_index - 1)
                self._history_index = index
                self.query_input.value = self.history[index]
                self.query_input.cursor_position = len(self.history[index])

    def action_leave(self) -> None:
        """esc: the keys go back to the view shown (the reader, a briefing...; Home: the tree)."""
        cast("BriefApp", self.app).focus_view()

    @work(thread=True, exclusive=True, group="facets")
    def _load_facets(self, query: str, generation: int) -> None:
        facets = self.core.search_facets(query)
        deliver(self, self._facets_loaded, generation, facets)

    def _facets_loaded(self, generation: int, facets: dict) -> None:
        if generation != self._shown_generation or not facets:
            return  # a newer query is shown
        self._facets = dict(facets)
        self._show_facets(facets_line(facets, self._facets_width()))
        self.refresh_bindings()

    def on_resize(self) -> None:
        if self._facets:  # fitted again to the new width (the pane moves beside the tree on Home)
            self._show_facets(facets_line(self._facets, self._facets_width()))
        if self._hits:  # the results' room changed (the pane takes the screen, or gives it back)
            self.call_after_refresh(self._redraw_if_resized)

    def _redraw_if_resized(self) -> None:
        results = self.results
        if self._hits and (results.size.height, results.scrollable_content_region.width) != (
            self._drawn_height,
            self._drawn_width,
        ):
            self._draw_hits()

    def _facets_width(self) -> int | None:
        """The facet line's room (unknown before the first layout: no limit)."""
        width = self.query_one("#search-facets", Static).content_region.width or self.content_region.width - 2
        return width if width > 0 else None

    def _show_facets(self, line: Text) -> None:
        facets = self.query_one("#search-facets", Static)
        facets.update(line)
        facets.set_class(not line.plain, "-empty")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show the did-you-mean and narrowing keys only when they can act."""
        if action == "accept_suggestion":
            return bool(getattr(self._result, "suggestion", None))
        if action == "facets":
            return any(self._facets.values())  # no results: nothing to narrow by
        if action == "cycle_sort":
            return self._result is not None
        return True

    def action_accept_suggestion(self) -> None:
        """Search for the "did you mean" suggestion instead (one key)."""
        suggestion = getattr(self._result, "suggestion", None)
        if not suggestion:
            self.app.bell()
            return
        self.search_now(str(suggestion))
        self.query_input.cursor_position = len(self.query_input.value)

    def action_cycle_sort(self) -> None:
        """Relevance -> newest first -> oldest first, by rewriting the query's ``sort:``."""
        query = self.query_input.value
        if not query.strip():
            self.app.bell()
            return
        current = getattr(self._result, "sort", "relevance") or "relevance"
        order = SORT_CYCLE[(SORT_CYCLE.index(current) + 1) % len(SORT_CYCLE)] if current in SORT_CYCLE else "relevance"
        self.search_now(with_sort(query, order))

    def action_facets(self) -> None:
        facets = self._facets
        if not any(facets.values()):
            self.app.bell()
            return

        def chosen(choice: str | None) -> None:
            if choice:
                self.search_now(f"{self.query_input.value.strip()} {choice}".strip())
                self.focus_query()

        self.app.push_screen(FacetPicker(facets), chosen)

    def focus_query(self) -> None:
        # At once, not after the queued events: keys typed right after "/" (a paste, a fast
        # typist) go to the box, not to the widget that had the focus.
        self.app.set_focus(self.query_input)
        self._history_index = None

    def hits(self) -> list:
        return list(self._hits)
