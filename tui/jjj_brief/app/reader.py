"""The article reader: metadata, figures lit by kind, search matches, find, and a figure panel.

The text is shown by :class:`DocumentView`, which wraps and styles only the blocks on
screen. Opening an article cuts it into blocks in a thread worker (one pass over the
text); figures and search-match spans are found in the same worker and, for a big
article (or when they are slow to come in a large collection, see :mod:`.text_first`),
painted when ready after the text is already on screen. A generation counter
drops the result of an article the user has already left.
"""

from __future__ import annotations

import threading
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from jjj_brief.app import safe_text
from jjj_brief.app.article_header import article_header
from jjj_brief.app.data import AppData
from jjj_brief.app.deliver import deliver
from jjj_brief.app.document import Block, DocumentView
from jjj_brief.app.figure_text import figure_details, legend, related_label
from jjj_brief.app.in_order_input import InOrderInput
from jjj_brief.app.messages import (
    ArticleOpened,
    CompareFigure,
    FiguresShown,
    Navigate,
    RelatedShown,
)
from jjj_brief.app.prepared import (
    BIG_ARTICLE,
    SUSPECT_MARK,
    PreparedArticle,
    Spans,
    article_blocks,
    find_spans,
)
from jjj_brief.app.reader_steps import ReaderSteps
from jjj_brief.app.state import Location
from jjj_brief.app.styles import palette_for
from jjj_brief.app.text_first import LARGE_COLLECTION, TextFirst
from jjj_brief.app.view import View
from jjj_brief.app.work_margin import NoteMargin
from jjj_brief.corpus import Article

if TYPE_CHECKING:
    from jjj_brief.compare import Candidate
    from jjj_brief.figures import Figure


class ReaderView(ReaderSteps, View):
    """One article: header, legend, wrapped text with figures, figure panel, find bar."""

    BINDINGS = [
        Binding("right_square_bracket", "next_figure", "Next figure", key_display="]", id="reader.next_figure"),
        Binding("left_square_bracket", "prev_figure", "Prev figure", key_display="[", id="reader.prev_figure"),
        Binding("n", "next_match", "Next match", id="reader.next_match"),
        Binding("N", "prev_match", "Prev match", key_display="N", id="reader.prev_match"),
        Binding("c", "compare", "Compare", id="reader.compare"),
        Binding(
            "right_curly_bracket", "next_suspect", "Next suspect", key_display="}", show=False, id="reader.next_suspect"
        ),
        Binding(
            "left_curly_bracket", "prev_suspect", "Prev suspect", key_display="{", show=False, id="reader.prev_suspect"
        ),
        Binding("ctrl+f", "find", "Find", id="reader.find"),
        Binding("escape", "close_find", "Close find", show=False, id="reader.close_find"),
    ]

    DEFAULT_CSS = """
    ReaderView { height: 1fr; }
    ReaderView #reader-meta { height: auto; max-height: 8; padding: 0 1; background: $boost; }
    ReaderView #reader-legend { height: 1; padding: 0 1; color: $text-muted; }
    ReaderView #reader-body { height: 1fr; }
    /* The scrollbar's column is always reserved: the text is wrapped to a width that does not
       change when the scrollbar comes (no resize event says so: the lines were cut at the edge). */
    ReaderView DocumentView { width: 1fr; overflow-y: scroll; overflow-x: hidden; }
    ReaderView #reader-text { width: 1fr; height: 1fr; }
    ReaderView #figure-panel { width: 38; border-left: vkey $primary 40%; padding: 0 1; }
    ReaderView #figure-panel.-hidden { display: none; }
    ReaderView #figure-detail { height: auto; }
    ReaderView #reader-notes { height: auto; max-height: 12; margin-bottom: 1; display: none; }
    ReaderView #related { height: auto; max-height: 16; border: none; }
    ReaderView #find { dock: bottom; display: none; }
    ReaderView #reader-status { height: 1; padding: 0 1; color: $text-muted; }
    """

    KINDS = ("article",)
    NAME = "Article"
    ID = "reader"

    #: What the reader points at: the focused figure, the current match (of the search or the
    #: find box) and the find box's text. The status line follows them (the watchers below).
    focused_figure: reactive[int | None] = reactive(None, init=False, repaint=False)
    current_match: reactive[int | None] = reactive(None, init=False, repaint=False)
    find_text: reactive[str] = reactive("", init=False, repaint=False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.prepared: PreparedArticle | None = None
        self.search_query = ""
        self.quote_cut = False  # the last citation quote was cut (no sentence break near it)
        self._find_spans = Spans()
        self._generation = 0
        self._pending_offset: int | None = None
        self._related: list[Candidate] = []
        self._focus_at_open: Widget | None = None
        self.related_for: int | None = None  # the figure whose related figures are shown
        self.note_spans: list[tuple[int, int, str]] = []  # your highlights: (start, end, style)

    def watch_focused_figure(self) -> None:
        self._update_status()

    def watch_current_match(self) -> None:
        self._update_status()

    def watch_find_text(self) -> None:
        self._update_status()

    def compose(self) -> ComposeResult:
        yield Static(id="reader-meta")
        yield Static(legend(palette_for(self.app)), id="reader-legend")
        with Horizontal(id="reader-body"):
            with Horizontal(id="reader-text"):  # the margin stays beside the text in any layout
                document = DocumentView(id="doc")
                yield NoteMargin(document, id="note-margin")
                yield document
            with VerticalScroll(id="figure-panel", classes="-hidden"):
                yield Static(id="reader-notes")
                yield Static(id="figure-detail")
                yield Static(Text("Related figures in other articles", style="bold"), id="related-title")
                yield OptionList(id="related")
        yield Static(id="reader-status")
        yield InOrderInput(placeholder="Find in article (enter: next, esc: close)", id="find")

    # ------------------------------------------------------------------ showing
    @classmethod
    def cannot_show(cls, data: AppData, location: Location) -> str | None:
        if data.article(location.ref) is None:
            return f"Article not found: {safe_text.line(location.ref, limit=80).plain}"
        return None

    def show(self, location: Location) -> str | None:
        article = self.data.article(location.ref)
        if article is None:
            return None
        self.open_article(article, offset=location.offset, query=location.query)
        return f"{article.outlet} · {article.date} · {article.title}"

    def focus_view(self) -> None:
        self.document.focus()

    def tab_stops(self) -> list[Widget]:
        """The text, then the related figures and the find box when they are shown."""
        related = self.query_one("#related", OptionList)
        stops: list[Widget] = [self.document]
        if related.option_count:
            stops.append(related)
        stops.append(self.query_one("#find", Input))
        return stops

    def refresh_styles(self) -> None:
        self.query_one("#reader-legend", Static).update(legend(palette_for(self.app)))
        self._restyle_all()
        figure = self.figure
        if figure is not None:
            self.query_one("#figure-detail", Static).update(figure_details(figure, palette_for(self.app)))

    # ------------------------------------------------------------------ opening
    @property
    def article(self) -> Article | None:
        return self.prepared.article if self.prepared else None

    @property
    def document(self) -> DocumentView:
        return self.query_one(DocumentView)

    def open_article(self, article: Article, *, offset: int | None = None, query: str = "") -> None:
        """Show ``article``; the text appears when the worker has cut it into blocks."""
        self._generation += 1
        self._pending_offset = offset
        self._focus_at_open = self.focus_at_request or self.app.focused
        if self.prepared is not None and self.prepared.article is article and query == self.search_query:
            self._after_open(offset)
            return
        self.search_query = query
        self.query_one("#reader-meta", Static).update(article_header(article, self.data.corpus))
        self.query_one("#reader-status", Static).update(Text("Opening…", style="italic"))
        # No spinner: its animation competes for the GIL with the worker (a 10 MB article
        # opens in well under a second); the status line says "Opening…" meanwhile.
        self.prepared = None
        self.document.set_blocks([])
        self._prepare(article, query, self._generation)

    @work(thread=True, exclusive=True, group="reader-open", description="open an article")  # no repr of a 10 MB text
    def _prepare(self, article: Article, query: str, generation: int) -> None:
        blocks, repeats = article_blocks(article)
        prepared = PreparedArticle(article, blocks, repeats=repeats)
        big = len(article.text) > BIG_ARTICLE
        waiting = None
        if big:  # the text first; figures are painted when found
            painted = threading.Event()
            deliver(self, self._apply, prepared, generation, painted)
            # Finding figures holds the GIL for seconds: let the first screen be drawn first.
            painted.wait(2.0)
        elif len(self.data.corpus) > LARGE_COLLECTION:  # the figures may wait for the collection's index
            waiting = TextFirst(partial(deliver, self, self._apply, prepared, generation))
        figures = self.data.figures(article)
        query_spans = self.data.query_mentions(query, article.text) if query else []
        if big or (waiting is not None and waiting.figures_found()):
            deliver(self, self._figures_found, prepared, generation, figures, query_spans)
        else:
            prepared.set_figures(figures, query_spans)
            deliver(self, self._apply, prepared, generation)

    def _apply(self, prepared: PreparedArticle, generation: int, painted: threading.Event | None = None) -> None:
        if painted is not None:
            self.call_after_refresh(painted.set)
        if generation != self._generation:
            return  # the user opened something else meanwhile
        self.prepared = prepared
        self.focused_figure = None
        self.current_match = None
        self._find_spans = Spans(find_spans(prepared.article.text, self.find_text))
        self.document.set_blocks(prepared.blocks, self._style_block)
        focused = self.app.focused
        if focused is None or focused is self._focus_at_open or focused is self.document:
            self.document.focus()  # unless the user went somewhere else while it opened
        self.query_one("#figure-panel").add_class("-hidden")
        if prepared.figures_ready:
            self._after_open(self._pending_offset)
            self.post_message(FiguresShown(prepared.article.id, len(prepared.figures)))
        else:
            if self._pending_offset is not None:
                self.document.scroll_to_offset(self._pending_offset)
            self._update_status()
        self.post_message(ArticleOpened(prepared.article))

    def _figures_found(
        self, prepared: PreparedArticle, generation: int, figures: list[Figure], query_spans: list[tuple[int, int]]
    ) -> None:
        """A big article's figures and matches arrived: paint them where the reader is."""
        if generation != self._generation or self.prepared is not prepared:
            return
        prepared.set_figures(figures, query_spans)
        self.document.restyle()
        self.post_message(FiguresShown(prepared.article.id, len(prepared.figures)))
        offset = self._pending_offset
        if offset is not None and self.focused_figure is None and self.current_match is None:
            self._after_open(offset)
        else:
            self._update_status()

    def _after_open(self, offset: int | None) -> None:
        if offset is None:
            self.document.scroll_to(y=0, animate=False, immediate=True)
        else:
            figure = self._figure_index_at(offset)
            if figure is not None:
                self.focus_figure(figure)
            else:
                self.document.scroll_to_offset(offset)
            matches = self._matches()
            if self.search_query and matches:
                self.current_match = matches.first_at_or_after(offset)
                self._restyle_all()
        self._update_status()

    # ---------------------------------------------------------------- styling
    def _matches(self) -> Spans:
        if self.find_text:
            return self._find_spans
        return self.prepared.query_spans if self.prepared else Spans()

    def _style_block(self, index: int, block: Block) -> Text:
        """One block as shown: figures by kind, matches, the current match, the focused figure.

        Called by the document view when the block comes on screen.
        """
        prepared = self.prepared
        if prepared is None or block.start is None:
            return Text(block.text, style=block.style)
        lo, hi = block.start, block.start + len(block.text)
        palette = palette_for(self.app)
        spans: list[tuple[int, int, str | Style]] = []
        for start, end, style in self.note_spans:  # your highlights under the figure colours
            if start < hi and end > lo:
                spans.append((start, end, style))
        for number in prepared.figures_between(lo, hi):
            figure = prepared.figures[number]
            spans.append((figure.start, figure.end, palette.figure(figure.kind, figure.suspect is not None)))
        for start, end in self._matches().overlapping(lo, hi):
            spans.append((start, end, palette.match))
        current = self._current_span()
        if current is not None and current[0] < hi and current[1] > lo:
            spans.append((current[0], current[1], palette.current_match))
        if self.focused_figure is not None:
            figure = prepared.figures[self.focused_figure]
            if figure.start < hi and figure.end > lo:
                spans.append((figure.start, figure.end, palette.focus))
        shown = block.text
        marks = prepared.marks_between(lo, hi)
        if marks:  # ⚠ drawn over the space before each suspect figure: every offset stays put
            chars = list(shown)
            for at in marks:
                chars[at - lo] = SUSPECT_MARK
                spans.append((at, at + 1, palette.error))
            shown = "".join(chars)
        size = len(shown)
        local = [(max(0, s - lo), min(size, e - lo), style) for s, e, style in spans]
        return safe_text.block(shown, local, style=block.style)

    def _restyle_span(self, span: tuple[int, int] | None) -> None:
        """Draw again the blocks showing article characters ``span``."""
        if span is not None:
            self.document.restyle(self.document.blocks_between(*span))

    def _restyle_all(self) -> None:
        self.document.restyle()

    def _current_span(self) -> tuple[int, int] | None:
        matches = self._matches()
        if self.current_match is None or not 0 <= self.current_match < len(matches):
            return None
        return matches[self.current_match]

    def show_notes(self, spans: list[tuple[int, int, str, str]], panel: Text | None) -> None:
        """Your highlights ``(start, end, style, colour)``: lit in the text, a bar in the margin,
        and your notes on this article in the side panel."""
        self.note_spans = [(start, end, style) for start, end, style, _ in spans]
        self.query_one(NoteMargin).set_spans([(start, end, color) for start, end, _, color in spans])
        notes = self.query_one("#reader-notes", Static)
        notes.update(panel or Text(""))
        notes.display = panel is not None
        if panel is not None:
            self.query_one("#figure-panel").remove_class("-hidden")
        self._restyle_all()

    # ---------------------------------------------------------------- figures
    def _figure_index_at(self, offset: int) -> int | None:
        if self.prepared is None:
            return None
        for number in self.prepared.figures_between(offset, offset + 1):
            return number
        return None

    @property
    def figure(self) -> Figure | None:
        if self.prepared is None or self.focused_figure is None:
            return None
        return self.prepared.figures[self.focused_figure]

    def focus_figure(self, number: int) -> None:
        prepared = self.prepared
        if prepared is None or not 0 <= number < len(prepared.figures):
            return
        if self.focused_figure is not None:
            previous = prepared.figures[self.focused_figure]
            self._restyle_span((previous.start, previous.end))
        self.focused_figure = number
        figure = prepared.figures[number]
        self._restyle_span((figure.start, figure.end))
        # The panel first: under the text (below 110 columns) it takes lines from the text,
        # and the scroll is computed on the height the text has once it is there.
        self.query_one("#figure-panel").remove_class("-hidden")
        self.document.scroll_to_offset(figure.start)
        self.query_one("#figure-detail", Static).update(figure_details(figure, palette_for(self.app)))
        self._show_related([], loaded=False)
        self._load_related(prepared.article.id, figure.start, self._generation)

    @work(thread=True, exclusive=True, group="reader-related", description="related figures")
    def _load_related(self, article_id: str, offset: int, generation: int) -> None:
        related = self.data.related(article_id, offset, limit=8)
        deliver(self, self._related_loaded, related, generation, offset)

    def _related_loaded(self, related: list[Candidate], generation: int, offset: int) -> None:
        figure = self.figure
        if generation != self._generation or figure is None or figure.start != offset:
            return
        self._show_related(related)
        self.related_for = offset
        self.post_message(RelatedShown(offset, len(related)))

    def _show_related(self, related: list[Candidate], *, loaded: bool = True) -> None:
        self._related = related
        options = self.query_one("#related", OptionList)
        options.clear_options()
        title = self.query_one("#related-title", Static)
        heading = Text("Related figures in other articles", style="bold")
        if not loaded:
            heading.append(" …", style="dim")  # still looking
        elif not related:
            heading.append(": none", style="dim")
        title.update(heading)
        options.display = bool(related)
        for candidate in related:
            options.add_option(Option(related_label(self.data, candidate, palette_for(self.app))))

    @on(OptionList.OptionSelected, "#related")
    def _open_related(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self._related):
            candidate = self._related[event.option_index]
            self.post_message(Navigate(Location("article", candidate.article, offset=candidate.start)))

    def action_compare(self) -> None:
        figure = self.figure
        if figure is None or self.article is None:
            self.app.notify("Focus a figure first (] or [, or click one).", severity="warning", markup=False)
            return
        self.post_message(CompareFigure(self.article.id, figure.start))

    @on(DocumentView.Clicked)
    def _clicked(self, event: DocumentView.Clicked) -> None:
        number = self._figure_index_at(event.offset)
        if number is not None:
            self.focus_figure(number)

    # ---------------------------------------------------------------- matches
    @on(Input.Changed, "#find")
    def _find_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._find_spans = Spans(find_spans(self.article.text, event.value) if self.article else [])
        self.find_text = event.value  # the status follows (the spans are already the new ones)
        self.current_match = None
        self._restyle_all()
        if self._find_spans:
            self._step_match(True)

    @on(Input.Submitted, "#find")
    def _find_next(self, event: Input.Submitted) -> None:
        event.stop()
        self._step_match(True)

    def _original_locator(self) -> str | None:
        """An imported PDF's page (or EPUB's chapter) at the focused figure or match."""
        article = self.article
        if article is None or not article.locators:
            return None
        figure = self.figure
        span = self._current_span() if figure is None else None
        anchor = figure.start if figure is not None else (span[0] if span else None)
        return article.locator_at(anchor) if anchor is not None else None

    def _update_status(self) -> None:
        prepared = self.prepared
        if prepared is None or not self.is_mounted:
            return
        parts: list[str] = []
        figures = prepared.figures
        if not prepared.figures_ready:
            parts.append("figures: finding…")
        else:
            suspects = sum(1 for f in figures if f.suspect is not None)
            position = f"{self.focused_figure + 1}/" if self.focused_figure is not None else ""
            parts.append(f"figures {position}{len(figures)} ({suspects} suspect)")
        locator = self._original_locator()
        if locator:
            parts.append(f"{locator} of the original")
        matches = self._matches()
        label = "find" if self.find_text else "match"
        if self.find_text or self.search_query:
            position = f"{self.current_match + 1}/" if self.current_match is not None else ""
            parts.append(f"{label} {position}{len(matches)}")
        repeats = prepared.repeats
        if repeats:
            parts.append(f"{repeats} repeated paragraph{'s' if repeats != 1 else ''} marked ↻")
        self.query_one("#reader-status", Static).update(Text("  ·  ".join(parts)))
