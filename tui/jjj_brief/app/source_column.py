"""One source's column in a comparison: its outlet, date and title, the quote with the figure
lit, and the paragraph around it; enter opens the article at the quote."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static

from jjj_brief import formatting
from jjj_brief.app import safe_text
from jjj_brief.app.messages import Navigate
from jjj_brief.app.state import Location
from jjj_brief.app.styles import QUOTE_STYLE
from jjj_brief.corpus import Article

if TYPE_CHECKING:
    from jjj_brief.compare.facts import ClaimView


class SourceColumn(Static, can_focus=True):
    """One source in a comparison; enter opens the article at the quote."""

    # left/right live here, not on ComparisonView: the shared scroll (which can scroll
    # sideways) would otherwise take them first.
    BINDINGS = [
        Binding("enter", "open", "Open article", id="source.open"),
        Binding("left", "step(-1)", "Prev source", show=False, id="source.previous"),
        Binding("right", "step(1)", "Next source", show=False, id="source.next"),
    ]

    DEFAULT_CSS = """
    SourceColumn { width: 24; height: auto; padding: 0 1; border: round $primary 30%; }
    SourceColumn:focus { border: heavy $accent; }
    """

    def __init__(self, source: ClaimView, article: Article | None, **kwargs: Any) -> None:
        super().__init__(column_text(source, article), **kwargs)
        self.source = source
        self.article = article

    def on_mount(self) -> None:
        if self.app.no_color:  # "not in the corpus" marked without colour
            self.update(column_text(self.source, self.article, no_color=True))

    def action_open(self) -> None:
        span = figure_span(self.source) or (
            (self.source.start, self.source.end) if self.source.start is not None else None
        )
        self.post_message(Navigate(Location("article", self.source.article, offset=span[0] if span else None)))

    def action_step(self, step: int) -> None:
        """The keys to the next (or previous) source beside this one, round the row."""
        if self.parent is None:
            return
        row = [column for column in self.parent.children if isinstance(column, SourceColumn)]
        row[(row.index(self) + step) % len(row)].focus()

    def on_click(self) -> None:
        self.focus()


def short_value(value: float | str | None, unit: str | None) -> str:
    return formatting.quantity(value, unit)


def figure_span(view: ClaimView) -> tuple[int, int] | None:
    figure = view.figure
    return (figure.start, figure.end) if figure is not None else None


def column_text(source: ClaimView, article: Article | None, no_color: bool = False) -> Text:
    rows = []
    if article is not None:
        rows.append(safe_text.line(article.outlet, style="bold", limit=60))
        rows.append(safe_text.parts((article.date, ""), (f" ({article.date_precision})", "dim")))
        rows.append(safe_text.line(article.title, style="italic", limit=120))
    else:
        rows.append(
            safe_text.line(f"{source.article} (not in the corpus)", style="bold reverse" if no_color else "bold red")
        )
    rows.append(Text(""))
    value = short_value(source.value, source.unit) if source.value is not None else "—"
    rows.append(safe_text.parts(("value     ", "dim"), (value, "bold")))
    rows.append(safe_text.parts(("qualifier ", "dim"), str(source.qualifier or "—")))
    rows.append(safe_text.parts(("as of     ", "dim"), formatting.date(source.as_of) or "—"))
    note = column_note(source)
    if note:
        rows.append(safe_text.line(note, style="dim italic", limit=200))
    rows.append(Text(""))
    rows.append(context_text(source))
    return safe_text.paragraphs(*rows)


def column_note(view: ClaimView) -> str:
    note = view.note or ""
    if view.reading and view.reading != view.value:  # a category, date or status as compared
        note = f"reads as: {view.reading}" + (f". {note}" if note else "")
    if view.part:  # a part of what the others count: shown, not compared
        note = f"part, not compared: {view.part}" + (f". {note}" if note else "")
    return note


def context_text(source: ClaimView) -> Text:
    """The quote's paragraph, quote underlined, figure highlighted; or the bare quote."""
    context = source.context
    if context is None or source.start is None or source.end is None:
        return safe_text.block(f"“{source.quote}”", style="italic")
    start, end = source.start, source.end
    lo, hi = context.start, context.end
    # Keep long paragraphs readable: a window around the quote.
    window_lo = max(lo, start - 240)
    window_hi = min(hi, end + 240)
    text_of = context.text
    if window_lo > lo:  # start the window at a word
        space = text_of.find(" ", window_lo - lo, start - lo)
        window_lo = lo + space + 1 if space >= 0 else window_lo
    spans = [(start - window_lo, end - window_lo, QUOTE_STYLE)]
    if context.figure_start is not None and context.figure_end is not None:
        spans.append((context.figure_start - window_lo, context.figure_end - window_lo, "reverse bold"))
    text = safe_text.block(text_of[window_lo - lo : window_hi - lo], spans)
    if window_lo > lo:
        text = Text("…").append_text(text)
    if window_hi < hi:
        text.append("…")
    return text
