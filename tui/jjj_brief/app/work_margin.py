"""Your highlights beside the article text: a one-cell margin in the reader."""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

#: Highlight colours as shown in the reader (background) and in lists (a swatch).
COLOR_STYLES = {
    "yellow": "on #6b5b00",
    "green": "on #1f5a2a",
    "blue": "on #1f3f6b",
    "pink": "on #6b1f4f",
    "purple": "on #4b2a6b",
}


# ------------------------------------------------------------------ the reader's margin
class NoteMargin(Widget):
    """A one-cell margin left of the article text: a bar beside every line that holds one of
    your highlights, in its colour (a bar without colour under ``NO_COLOR``).

    It reads the document view's layout for the lines on screen, so it costs one check per
    visible line and follows scrolling and re-wrapping by itself.
    """

    DEFAULT_CSS = """
    NoteMargin { width: 1; height: 1fr; background: $surface; }
    """
    BAR = "▌"

    def __init__(self, document: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.document = document
        self.spans: list[tuple[int, int, str]] = []  # (start, end, colour name)

    def on_mount(self) -> None:
        for name in ("scroll_y", "virtual_size", "size"):
            self.watch(self.document, name, self._document_moved, init=False)

    def _document_moved(self) -> None:
        self.refresh()

    def set_spans(self, spans: list[tuple[int, int, str]]) -> None:
        self.spans = sorted(spans)
        self.refresh()

    def line_color(self, y: int) -> str | None:
        """The colour of the first highlight on screen line ``y``, or ``None``."""
        document = self.document
        if not self.spans:
            return None
        found = document._locate(document.scroll_offset.y + y)
        if found is None:
            return None
        index, within = found
        block = document._blocks[index]
        if block.start is None:
            return None
        start, end = document._line_span(index, within)
        lo, hi = block.start + start, block.start + end
        if hi <= lo:
            return None  # the blank line between paragraphs
        for span_start, span_end, color in self.spans:
            if span_start < hi and span_end > lo:
                return color
        return None

    def render_lines(self, crop: Region) -> list[Strip]:
        """The lines on screen, with the widget's style looked up once for them all (it walks
        the CSS of every ancestor: one look-up a line was ~1 ms of a 45-line frame's 0.1 s)."""
        base, width = self.rich_style, self.size.width
        blank = Strip.blank(width, base)
        bars: dict[str, Strip] = {}
        lines = []
        for y in range(crop.y, crop.bottom):
            color = self.line_color(y)
            if color is None:
                lines.append(blank)
                continue
            if color not in bars:
                style = base + Style(color=COLOR_STYLES.get(color, "").replace("on ", "") or None)
                bars[color] = Strip([Segment(self.BAR, style)]).crop_extend(0, width, base)
            lines.append(bars[color])
        return [line.crop(crop.x, crop.right) for line in lines]
