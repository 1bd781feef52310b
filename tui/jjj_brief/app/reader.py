"""The article reader: metadata, figures lit by kind, search matches, find, and a figure panel.

The text is shown by :class:`DocumentView`, which wraps and styles only the blocks on
screen. Opening an article cuts it into blocks in a thread worker (one pass over the
text); figures and search-match spans are found in the same worker and, for a big
article, painted when ready after the text is already on screen. A generation counter
drops the result of an article the user has already left.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from jjj_brief.app import safe_text
from jjj_brief.app.document import Block, DocumentView
from jjj_brief.app.state import quote_around
from jjj_brief.app.work_margin import NoteMargin
from jjj_brief.corpus import Article

KIND_STYLES: dict[str, str] = {
    "money": "green",
    "percent": "cyan",
    "percentage_points": "bright_cyan",
    "count": "magenta",
    "measure": "blue",
    "duration": "yellow",
    "multiple": "bright_magenta",
    "date": "bright_green",
    "year": "bright_green",
    "label": "bright_black",
}
KIND_NAMES: dict[str, str] = {
    "money": "money",
    "percent": "percent",
    "percentage_points": "points",
    "count": "count",
    "measure": "measure",
    "duration": "duration",
    "multiple": "multiple",
    "date": "date",
    "year": "year",
    "label": "label",
}
FIGURE_STYLE = "underline"
SUSPECT_STYLE = "bold italic underline red"
FOCUS_STYLE = "reverse bold"
MATCH_STYLE = "bold black on yellow"
CURRENT_MATCH_STYLE = "bold black on bright_yellow reverse"
REPEAT_STYLE = "dim"


def figure_style(figure: Any) -> str:
    if getattr(figure, "suspect", None):
        return SUSPECT_STYLE
    return f"{KIND_STYLES.get(getattr(figure, 'kind', ''), 'white')} {FIGURE_STYLE}"


def legend() -> Text:
    """The key to the figure colours (only our own strings)."""
    text = Text("Figures: ", style="bold")
    for kind, style in KIND_STYLES.items():
        if kind == "year":
            continue
        text.append(KIND_NAMES[kind], style=f"{style} {FIGURE_STYLE}")
        text.append(" ")
    text.append("suspect", style=SUSPECT_STYLE)
    text.append("  ")
    text.append("search match", style=MATCH_STYLE)
    return text


def describe_value(figure: Any) -> str:
    return format_number(getattr(figure, "value", None))


def format_number(value: Any) -> str:
    """A figure's normalized value for people: 4390000000000.0 -> 4,390,000,000,000."""
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, (int, float)) and abs(value) >= 1_000:
        return f"{value:,}"
    return str(value)


def same_number(a: Any, b: Any) -> bool:
    """Two normalized values are the same number (float noise aside)."""
    try:
        a, b = float(a), float(b)
    except (TypeError, ValueError):
        return False
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def figure_details(figure: Any) -> Text:
    """The focused figure's details for the side panel."""
    rows: list[Text] = [safe_text.parts(("Figure ", "bold"), (str(getattr(figure, "text", "")), figure_style(figure)))]
    fields = [
        ("kind", KIND_NAMES.get(getattr(figure, "kind", ""), str(getattr(figure, "kind", "")))),
        ("value", describe_value(figure)),
        ("unit", getattr(figure, "unit", None) or "—"),
        ("qualifier", getattr(figure, "qualifier", None) or "—"),
        ("as of", str(getattr(figure, "as_of", None) or "—")),
    ]
    for name, value in fields:
        rows.append(safe_text.parts((f"{name:<10}", "dim"), str(value)))
    suspect = getattr(figure, "suspect", None)
    if suspect:
        rows.append(safe_text.parts(("⚠ suspect: ", "bold red"), str(getattr(suspect, "reason", suspect))))
        likely = getattr(suspect, "likely", None)
        if likely is not None:
            rows.append(safe_text.parts(("  likely ", "dim"), str(likely)))
    return safe_text.paragraphs(*rows)


class Spans:
    """Sorted ``(start, end)`` article spans, found by position with a binary search."""

    def __init__(self, spans: list[tuple[int, int]] | None = None) -> None:
        self.spans = sorted(spans or [])
        self.starts = [start for start, _ in self.spans]
        self.reach = max((end - start for start, end in self.spans), default=0)

    def __len__(self) -> int:
        return len(self.spans)

    def __getitem__(self, index: int) -> tuple[int, int]:
        return self.spans[index]

    def __iter__(self):
        return iter(self.spans)

    def __bool__(self) -> bool:
        return bool(self.spans)

    def __eq__(self, other: object) -> bool:
        return list(self.spans) == list(other) if isinstance(other, (Spans, list)) else NotImplemented

    def overlapping(self, lo: int, hi: int) -> list[tuple[int, int]]:
        found = []
        for index in range(bisect_left(self.starts, lo - self.reach), len(self.spans)):
            start, end = self.spans[index]
            if start >= hi:
                break
            if end > lo:
                found.append((start, end))
        return found

    def first_at_or_after(self, offset: int) -> int | None:
        index = bisect_left(self.starts, offset)
        return index if index < len(self.spans) else None


@dataclass
class PreparedArticle:
    """Everything the reader needs to show an article, computed off the UI thread.

    ``figures_ready`` is False while the figures (and match spans) of a big article are
    still being found: its text is already on screen.
    """

    article: Article
    blocks: list[Block]
    figures: list = field(default_factory=list)
    query_spans: Spans = field(default_factory=Spans)
    figures_ready: bool = False
    repeats: int = 0
    figure_starts: list[int] = field(default_factory=list)
    figure_reach: int = 0

    def set_figures(self, figures: list, query_spans: list[tuple[int, int]]) -> None:
        self.figures = sorted(figures, key=lambda figure: figure.start)
        self.figure_starts = [figure.start for figure in self.figures]
        self.figure_reach = max((figure.end - figure.start for figure in self.figures), default=0)
        self.query_spans = Spans(query_spans)
        self.figures_ready = True

    def figures_between(self, lo: int, hi: int) -> list[int]:
        """Numbers of the figures overlapping article characters ``[lo, hi)``."""
        found = []
        for number in range(bisect_left(self.figure_starts, lo - self.figure_reach), len(self.figures)):
            figure = self.figures[number]
            if figure.start >= hi:
                break
            if figure.end > lo:
                found.append(number)
        return found


#: Paragraphs longer than this are cut into blocks (at a space when there is one), so that
#: styling a figure or wrapping a line never touches megabytes at once.
CHUNK = 4000

#: Articles with more characters than this show their text first and their figures when
#: found (figure extraction runs at roughly 3 MB/s).
BIG_ARTICLE = 300_000


def article_blocks(article: Article) -> tuple[list[Block], int]:
    """The article cut into display blocks (safe text, offsets kept), and its repeat count.

    One pass over the text; no styling, no wrapping (the document view does those per
    block, when a block comes on screen).
    """
    safe = article.display_text
    blocks: list[Block] = []
    repeats = 0
    for paragraph in article.paragraphs:
        style = ""
        if paragraph.repeat_of is not None:
            repeats += 1
            marker = f"↻ repeats paragraph {paragraph.repeat_of + 1} (kept as printed)"
            blocks.append(Block(marker, style="italic dim", gap_after=False))
            style = REPEAT_STYLE
        edges = [0, *chunk_offsets(paragraph.text), len(paragraph.text)]
        for start, end in zip(edges, edges[1:]):
            begin = paragraph.start + start
            blocks.append(Block(safe[begin : paragraph.start + end], start=begin, style=style, gap_after=False))
        blocks[-1].gap_after = True
    return blocks, repeats


def chunk_offsets(text: str, size: int = CHUNK) -> list[int]:
    """Offsets (after 0) where a long paragraph is cut into blocks of about ``size`` chars."""
    cuts: list[int] = []
    position = size
    while position < len(text):
        space = text.rfind(" ", position - size // 4, position)
        cut = space + 1 if space > 0 else position
        cuts.append(cut)
        position = cut + size
    return cuts


def find_spans(text: str, needle: str, limit: int = 10_000) -> list[tuple[int, int]]:
    """Case-insensitive occurrences of ``needle`` in ``text`` (find-in-article)."""
    if not needle:
        return []
    return [(m.start(), m.end()) for _, m in zip(range(limit), re.finditer(re.escape(needle), text, re.IGNORECASE))]


class ReaderView(Vertical):
    """One article: header, legend, wrapped text with figures, figure panel, find bar."""

    BINDINGS = [
        Binding("right_square_bracket", "next_figure", "Next figure", key_display="]"),
        Binding("left_square_bracket", "prev_figure", "Prev figure", key_display="["),
        Binding("n", "next_match", "Next match"),
        Binding("N", "prev_match", "Prev match", key_display="N"),
        Binding("c", "compare", "Compare"),
        Binding("ctrl+f", "find", "Find"),
        Binding("escape", "close_find", "Close find", show=False),
    ]

    DEFAULT_CSS = """
    ReaderView { height: 1fr; }
    ReaderView #reader-meta { height: auto; max-height: 8; padding: 0 1; background: $boost; }
    ReaderView #reader-legend { height: 1; padding: 0 1; color: $text-muted; }
    ReaderView #reader-body { height: 1fr; }
    ReaderView DocumentView { width: 1fr; }
    ReaderView #reader-text { width: 1fr; height: 1fr; }
    ReaderView #figure-panel { width: 38; border-left: vkey $primary 40%; padding: 0 1; }
    ReaderView #figure-panel.-hidden { display: none; }
    ReaderView #figure-detail { height: auto; }
    ReaderView #reader-notes { height: auto; max-height: 12; margin-bottom: 1; display: none; }
    ReaderView #related { height: auto; max-height: 16; border: none; }
    ReaderView #find { dock: bottom; display: none; }
    ReaderView #reader-status { height: 1; padding: 0 1; color: $text-muted; }
    """

    class OpenComparison(Message):
        """Compare the figure at ``offset`` of ``article_id`` (curated fact or alignment)."""

        def __init__(self, article_id: str, offset: int) -> None:
            self.article_id = article_id
            self.offset = offset
            super().__init__()

    class OpenRelated(Message):
        def __init__(self, article_id: str, offset: int) -> None:
            self.article_id = article_id
            self.offset = offset
            super().__init__()

    def __init__(self, layers: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.core = layers
        self.prepared: PreparedArticle | None = None
        self.focused_figure: int | None = None
        self.query = ""
        self.find_text = ""
        self.quote_cut = False  # the last citation quote was cut (no sentence break near it)
        self._find_spans = Spans()
        self._current_match: int | None = None
        self._generation = 0
        self._pending_offset: int | None = None
        self._related: list = []
        self._focus_at_open: Any = None
        self.related_for: int | None = None  # the figure whose related figures are shown
        self.note_spans: list[tuple[int, int, str]] = []  # your highlights: (start, end, style)

    def compose(self) -> ComposeResult:
        yield Static(id="reader-meta")
        yield Static(legend(), id="reader-legend")
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
        yield Input(placeholder="Find in article (enter: next, esc: close)", id="find")

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
        self._focus_at_open = self.app.focused
        if self.prepared is not None and self.prepared.article is article and query == self.query:
            self._after_open(offset)
            return
        self.query = query
        self.query_one("#reader-meta", Static).update(self._metadata(article))
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
        if big:  # the text first; figures are painted when found
            painted = threading.Event()
            self.app.call_from_thread(self._apply, prepared, generation, painted)
            # Finding figures holds the GIL for seconds: let the first screen be drawn first.
            painted.wait(2.0)
        figures = self.core.figures(article)
        query_spans = self.core.match_spans(query, article.text) if query else []
        if big:
            self.app.call_from_thread(self._figures_found, prepared, generation, figures, query_spans)
        else:
            prepared.set_figures(figures, query_spans)
            self.app.call_from_thread(self._apply, prepared, generation)

    def _apply(self, prepared: PreparedArticle, generation: int, painted: threading.Event | None = None) -> None:
        if painted is not None:
            self.call_after_refresh(painted.set)
        if generation != self._generation:
            return  # the user opened something else meanwhile
        self.prepared = prepared
        self.focused_figure = None
        self._current_match = None
        self._find_spans = Spans(find_spans(prepared.article.text, self.find_text))
        self.document.set_blocks(prepared.blocks, self._style_block)
        focused = self.app.focused
        if focused is None or focused is self._focus_at_open or focused is self.document:
            self.document.focus()  # unless the user went somewhere else while it opened
        self.query_one("#figure-panel").add_class("-hidden")
        if prepared.figures_ready:
            self._after_open(self._pending_offset)
        else:
            if self._pending_offset is not None:
                self.document.scroll_to_offset(self._pending_offset)
            self._update_status()
        self.post_message(self.Opened(prepared.article))

    def _figures_found(self, prepared: PreparedArticle, generation: int, figures: list, query_spans: list) -> None:
        """A big article's figures and matches arrived: paint them where the reader is."""
        if generation != self._generation or self.prepared is not prepared:
            return
        prepared.set_figures(figures, query_spans)
        self.document.restyle()
        offset = self._pending_offset
        if offset is not None and self.focused_figure is None and self._current_match is None:
            self._after_open(offset)
        else:
            self._update_status()

    class Opened(Message):
        def __init__(self, article: Article) -> None:
            self.article = article
            super().__init__()

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
            if self.query and matches:
                self._current_match = matches.first_at_or_after(offset)
                self._restyle_all()
        self._update_status()

    def _metadata(self, article: Article) -> Text:
        precision = {"day": "", "month": " (month only)", "year": " (year only)", "unknown": " (undated)"}.get(
            article.date_precision, ""
        )
        inferred = ", inferred" if getattr(article, "date_inferred", False) else ""
        rows = [
            safe_text.line(article.title, style="bold"),
            safe_text.parts(
                (article.outlet, "bold"),
                ("  ·  ", "dim"),
                (article.date, ""),
                (f"{precision}{inferred}", "dim"),
                ("  ·  ", "dim"),
                (", ".join(article.byline) if article.byline else "no byline", "italic"),
            ),
        ]
        language = getattr(article, "language", "") or ""
        if article.source == "seed" or "machine" in language.lower():
            rows.append(
                Text(
                    "Machine translation from Chinese: wording and figures are as printed, defects included.",
                    style="dim italic",
                )
            )
        else:
            rows.append(Text("Imported document.", style="dim italic"))
        return safe_text.paragraphs(*rows)

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
        spans: list[tuple[int, int, str]] = []
        for start, end, style in self.note_spans:  # your highlights under the figure colours
            if start < hi and end > lo:
                spans.append((start, end, style))
        for number in prepared.figures_between(lo, hi):
            figure = prepared.figures[number]
            spans.append((figure.start, figure.end, figure_style(figure)))
        for start, end in self._matches().overlapping(lo, hi):
            spans.append((start, end, MATCH_STYLE))
        current = self._current_span()
        if current is not None and current[0] < hi and current[1] > lo:
            spans.append((current[0], current[1], CURRENT_MATCH_STYLE))
        if self.focused_figure is not None:
            figure = prepared.figures[self.focused_figure]
            if figure.start < hi and figure.end > lo:
                spans.append((figure.start, figure.end, FOCUS_STYLE))
        size = len(block.text)
        local = [(max(0, s - lo), min(size, e - lo), style) for s, e, style in spans]
        return safe_text.block(block.text, local, style=block.style)

    def _restyle_span(self, span: tuple[int, int] | None) -> None:
        """Draw again the blocks showing article characters ``span``."""
        if span is not None:
            self.document.restyle(self.document.blocks_between(*span))

    def _restyle_all(self) -> None:
        self.document.restyle()

    def _current_span(self) -> tuple[int, int] | None:
        matches = self._matches()
        if self._current_match is None or not 0 <= self._current_match < len(matches):
            return None
        return matches[self._current_match]

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
    def figure(self) -> Any | None:
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
        self.document.scroll_to_offset(figure.start)
        panel = self.query_one("#figure-panel")
        panel.remove_class("-hidden")
        self.query_one("#figure-detail", Static).update(figure_details(figure))
        self._show_related([])
        self._load_related(prepared.article.id, figure.start, self._generation)
        self._update_status()

    @work(thread=True, exclusive=True, group="reader-related", description="related figures")
    def _load_related(self, article_id: str, offset: int, generation: int) -> None:
        related = self.core.related(article_id, offset, limit=8)
        self.app.call_from_thread(self._related_loaded, related, generation, offset)

    def _related_loaded(self, related: list, generation: int, offset: int) -> None:
        figure = self.figure
        if generation != self._generation or figure is None or figure.start != offset:
            return
        self._show_related(related)
        self.related_for = offset

    def _show_related(self, related: list) -> None:
        self._related = related
        options = self.query_one("#related", OptionList)
        options.clear_options()
        title = self.query_one("#related-title", Static)
        if not self.core.has_compare:
            title.update(Text("Related figures: alignment not available", style="dim"))
            return
        title.update(Text("Related figures in other articles", style="bold"))
        for candidate in related:
            options.add_option(Option(related_label(self.core, candidate)))

    @on(OptionList.OptionSelected, "#related")
    def _open_related(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self._related):
            candidate = self._related[event.option_index]
            self.post_message(self.OpenRelated(_attr(candidate, "article"), int(_attr(candidate, "start") or 0)))

    def _step_figure(self, forward: bool) -> None:
        prepared = self.prepared
        if prepared is None or not prepared.figures:
            self.app.bell()
            return
        if self.focused_figure is None:
            visible = self.document.visible_offsets()
            anchor = visible[0] if visible else 0
            starts = prepared.figure_starts
            after = bisect_left(starts, anchor)
            if forward:
                number = after if after < len(starts) else 0
            else:
                number = after - 1 if after > 0 else len(starts) - 1
        else:
            number = (self.focused_figure + (1 if forward else -1)) % len(prepared.figures)
        self.focus_figure(number)

    def action_next_figure(self) -> None:
        self._step_figure(True)

    def action_prev_figure(self) -> None:
        self._step_figure(False)

    def action_compare(self) -> None:
        figure = self.figure
        if figure is None or self.article is None:
            self.app.notify("Focus a figure first (] or [, or click one).", severity="warning", markup=False)
            return
        self.post_message(self.OpenComparison(self.article.id, figure.start))

    @on(DocumentView.Clicked)
    def _clicked(self, event: DocumentView.Clicked) -> None:
        number = self._figure_index_at(event.offset)
        if number is not None:
            self.focus_figure(number)

    # ---------------------------------------------------------------- matches
    def _step_match(self, forward: bool) -> None:
        matches = self._matches()
        if not matches:
            self.app.bell()
            return
        if self._current_match is None:
            visible = self.document.visible_offsets()
            anchor = visible[0] if visible else 0
            after = bisect_left(matches.starts, anchor)
            if forward:
                index = after if after < len(matches) else 0
            else:
                index = after - 1 if after > 0 else len(matches) - 1
        else:
            index = (self._current_match + (1 if forward else -1)) % len(matches)
        previous = self._current_span()
        self._current_match = index
        self._restyle_span(previous)
        self._restyle_span(matches[index])
        self.document.scroll_to_offset(matches[index][0])
        self._update_status()

    def action_next_match(self) -> None:
        self._step_match(True)

    def action_prev_match(self) -> None:
        self._step_match(False)

    def action_find(self) -> None:
        find = self.query_one("#find", Input)
        find.display = True
        find.focus()

    def action_close_find(self) -> None:
        find = self.query_one("#find", Input)
        if not find.display:
            return
        find.display = False
        find.value = ""
        self.document.focus()

    @on(Input.Changed, "#find")
    def _find_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.find_text = event.value
        self._find_spans = Spans(find_spans(self.article.text, event.value) if self.article else [])
        self._current_match = None
        self._restyle_all()
        if self._find_spans:
            self._step_match(True)
        self._update_status()

    @on(Input.Submitted, "#find")
    def _find_next(self, event: Input.Submitted) -> None:
        event.stop()
        self._step_match(True)

    def _original_locator(self) -> str | None:
        """An imported PDF's page (or EPUB's chapter) at the focused figure or match."""
        article = self.article
        if article is None or not getattr(article, "locators", None):
            return None
        figure = self.figure
        span = self._current_span() if figure is None else None
        anchor = figure.start if figure is not None else (span[0] if span else None)
        return article.locator_at(anchor) if anchor is not None else None

    def _update_status(self) -> None:
        prepared = self.prepared
        if prepared is None:
            return
        parts: list[str] = []
        figures = prepared.figures
        if not self.core.has_figures:
            parts.append("figures: layer not available")
        elif not prepared.figures_ready:
            parts.append("figures: finding…")
        else:
            suspects = sum(1 for f in figures if getattr(f, "suspect", None))
            position = f"{self.focused_figure + 1}/" if self.focused_figure is not None else ""
            parts.append(f"figures {position}{len(figures)} ({suspects} suspect)")
        locator = self._original_locator()
        if locator:
            parts.append(f"{locator} of the original")
        matches = self._matches()
        label = "find" if self.find_text else "matches"
        if self.find_text or self.query:
            position = f"{self._current_match + 1}/" if self._current_match is not None else ""
            parts.append(f"{label} {position}{len(matches)}")
        repeats = prepared.repeats
        if repeats:
            parts.append(f"{repeats} repeated paragraph{'s' if repeats != 1 else ''} marked ↻")
        self.query_one("#reader-status", Static).update(Text("  ·  ".join(parts)))

    # --------------------------------------------------------------- citation
    def citation_quote(self) -> str | None:
        """The sentence around the focused figure or match, else the top visible paragraph."""
        article = self.article
        if article is None:
            return None
        anchor: int | None = None
        if self.figure is not None:
            anchor = self.figure.start
        elif self._current_span() is not None:
            anchor = self._current_span()[0]
        else:
            visible = self.document.visible_offsets()
            anchor = visible[0] if visible else None
        if anchor is None:
            return None
        paragraph = article.paragraph_at(anchor)
        if paragraph is None:
            return None
        quote, self.quote_cut = quote_around(paragraph.text, anchor - paragraph.start)
        return quote

    def position(self) -> int | None:
        """The article offset the user is looking at (to reopen there)."""
        if self.figure is not None:
            return self.figure.start
        return self.document.anchor_offset()


def _overlapping(spans: list[tuple[int, int]], lo: int, hi: int) -> list[tuple[int, int]]:
    return [(s, e) for s, e in spans if s < hi and e > lo]


def _attr(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def related_label(layers: Any, candidate: Any) -> Text:
    article = layers.article(str(_attr(candidate, "article", "")))
    outlet = article.outlet if article else str(_attr(candidate, "article", ""))
    date = article.date if article else ""
    same = _attr(candidate, "same_fact", False)
    head = safe_text.parts(
        ("same fact " if same else "related ", "bold green" if same else "dim"),
        (str(_attr(candidate, "text", "")), "bold"),
        ("  ", ""),
        (outlet, ""),
        (f" {date}", "dim"),
    )
    reason = _attr(candidate, "reason", "")
    if reason:
        head.append("\n")
        head.append_text(safe_text.line(str(reason), style="dim", limit=120))
    return head
