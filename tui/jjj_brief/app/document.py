"""A scrollable, wrapped view of a long document, rendered line by line (Textual's Line API).

Why not one widget per paragraph: mounting and laying out hundreds of ``Static`` widgets
costs far more than wrapping the text ourselves (see ``bench/bench_app.py``), and a single
2 MB line would still be one enormous widget. Here a document is a list of
:class:`Block` s (a paragraph, a marker line) holding safe ``rich.text.Text``; on each
width change the blocks are wrapped into lines (character offsets kept), and only the
visible lines are turned into segments, on demand, with a small cache.

Offsets: a block may carry the article offset of its first character (``start``), so
``line_of_offset`` finds the line showing any article character, and a click maps back to
an article offset.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from rich._wrap import divide_line
from rich.cells import cell_len
from rich.segment import Segment
from rich.text import Text
from textual.events import Click, Resize
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip


@dataclass
class Block:
    """One paragraph or marker of the document: safe text, and where it sits in the article."""

    text: Text
    start: int | None = None  # article offset of text[0]; None for lines that are not article text
    gap_after: bool = True  # a blank line after the block
    breaks: list[int] = field(default_factory=list)  # char offsets of wrapped line starts (after 0)
    pieces: list[Text] | None = None  # text divided at ``breaks``, made on first render


@dataclass(frozen=True)
class _Line:
    block: int
    start: int  # char offset in the block's text
    end: int


class DocumentView(ScrollView, can_focus=True):
    """Wrapped lines of styled text; scrolls to article offsets; reports clicks as offsets."""

    DEFAULT_CSS = """
    DocumentView { background: $surface; padding: 0 1; }
    """

    class Clicked(Message):
        """The user clicked on the article character at ``offset``."""

        def __init__(self, offset: int) -> None:
            self.offset = offset
            super().__init__()

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._blocks: list[Block] = []
        self._lines: list[_Line] = []
        self._block_first_line: list[int] = []
        self._starts: list[int] = []  # article starts of blocks that have one, ascending
        self._start_blocks: list[int] = []
        self._wrapped_width = 0
        self._strip_cache: dict[int, Strip] = {}

    # ------------------------------------------------------------------ content
    def set_blocks(self, blocks: list[Block]) -> None:
        self._blocks = blocks
        self._starts = [b.start for b in blocks if b.start is not None]
        self._start_blocks = [i for i, b in enumerate(blocks) if b.start is not None]
        self._wrapped_width = 0
        self._relayout()

    def restyle(self, index: int, text: Text) -> None:
        """Replace block ``index``'s text with the same characters differently styled."""
        block = self._blocks[index]
        block.text = text
        block.pieces = None
        self._strip_cache.clear()
        self.refresh()

    @property
    def blocks(self) -> list[Block]:
        return self._blocks

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def plain_lines(self) -> list[str]:
        """Every wrapped line as plain text (what the user would see, for tests)."""
        return [self._blocks[ln.block].text.plain[ln.start : ln.end] for ln in self._lines]

    # ------------------------------------------------------------------- layout
    def _text_width(self) -> int:
        width = self.scrollable_content_region.width
        return max(10, width or 80)

    def _relayout(self) -> None:
        width = self._text_width()
        self._wrapped_width = width
        lines: list[_Line] = []
        first: list[int] = []
        for index, block in enumerate(self._blocks):
            first.append(len(lines))
            plain = block.text.plain
            block.breaks = divide_line(plain, width, fold=True) if cell_len(plain) > width else []
            block.pieces = None
            edges = [0, *block.breaks, len(plain)]
            for start, end in zip(edges, edges[1:]):
                lines.append(_Line(index, start, end))
            if not plain:
                lines.append(_Line(index, 0, 0))
            if block.gap_after:
                lines.append(_Line(-1, 0, 0))
        self._lines = lines
        self._block_first_line = first
        self._strip_cache.clear()
        self.virtual_size = Size(width, len(lines))
        self.refresh()

    def on_resize(self, event: Resize) -> None:
        if self._text_width() != self._wrapped_width:
            self._relayout()

    # ---------------------------------------------------------------- rendering
    def render_line(self, y: int) -> Strip:
        _, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not 0 <= index < len(self._lines):
            return Strip.blank(width, base)
        strip = self._strip_cache.get(index)
        if strip is None:
            strip = self._render(index)
            if len(self._strip_cache) > 512:
                self._strip_cache.clear()
            self._strip_cache[index] = strip
        return strip.crop_extend(0, width, base).apply_style(base)

    def _render(self, index: int) -> Strip:
        line = self._lines[index]
        if line.block < 0:
            return Strip([])
        block = self._blocks[line.block]
        if block.pieces is None:
            block.pieces = list(block.text.divide(block.breaks))
        text = block.pieces[bisect_right(block.breaks, line.start)].copy()
        text.rstrip()
        segments = [
            Segment(seg.text, seg.style)
            for seg in text.render(self.app.console, end="")
            if seg.text
        ]
        return Strip(segments)

    # ----------------------------------------------------------------- offsets
    def line_of_offset(self, offset: int) -> int | None:
        """The line showing article character ``offset``, or the nearest line before it."""
        if not self._starts:
            return None
        pos = bisect_right(self._starts, offset) - 1
        if pos < 0:
            pos = 0
        block_index = self._start_blocks[pos]
        block = self._blocks[block_index]
        local = max(0, offset - (block.start or 0))
        within = bisect_right(block.breaks, local)
        return self._block_first_line[block_index] + within

    def scroll_to_offset(self, offset: int, *, center: bool = True) -> None:
        """Bring article character ``offset`` into view, a third of the way down."""
        line = self.line_of_offset(offset)
        if line is None:
            return
        height = max(1, self.scrollable_content_region.height)
        target = max(0, line - height // 3 if center else line)
        # The virtual size may have just changed: scroll once the layout has caught up.
        self.call_after_refresh(self.scroll_to, y=target, animate=False, immediate=True)

    def anchor_offset(self) -> int | None:
        """The article offset a third of the way down the view (what scroll_to_offset restores)."""
        height = max(1, self.scrollable_content_region.height)
        top = self.scroll_offset.y
        for index in range(min(len(self._lines) - 1, top + height // 3), top - 1, -1):
            line = self._lines[index]
            if line.block >= 0 and self._blocks[line.block].start is not None:
                return self._blocks[line.block].start + line.start
        return None

    def offset_at(self, x: int, y: int) -> int | None:
        """The article offset of the character under widget coordinates ``(x, y)``."""
        index = self.scroll_offset.y + y
        if not 0 <= index < len(self._lines):
            return None
        line = self._lines[index]
        if line.block < 0:
            return None
        block = self._blocks[line.block]
        if block.start is None:
            return None
        plain = block.text.plain[line.start : line.end]
        column = x - self.styles.padding.left
        cells = 0
        for position, char in enumerate(plain):
            cells += cell_len(char)
            if cells > column:
                return block.start + line.start + position
        return None

    def visible_offsets(self) -> tuple[int, int] | None:
        """The article offsets of the first and last visible characters (approximately)."""
        top = self.scroll_offset.y
        bottom = min(len(self._lines), top + self.scrollable_content_region.height)
        found = [
            self._blocks[ln.block].start + ln.start
            for ln in self._lines[top:bottom]
            if ln.block >= 0 and self._blocks[ln.block].start is not None
        ]
        return (found[0], found[-1]) if found else None

    def on_click(self, event: Click) -> None:
        offset = self.offset_at(event.x, event.y)
        if offset is not None:
            self.post_message(self.Clicked(offset))
