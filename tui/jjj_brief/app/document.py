"""A scrollable, wrapped view of a long document, rendered line by line (Textual's Line API).

Why not one widget per paragraph: mounting and laying out hundreds of ``Static`` widgets
costs far more than wrapping the text ourselves (``bench/bench_app.py`` measures both),
and a single 2 MB line would still be one enormous widget. Here a document is a list of
:class:`Block` s (a paragraph or a piece of one, a marker line) holding safe
``rich.text.Text``. A :class:`Layout` wraps the blocks for one width (character offsets
kept); only the visible lines are turned into segments, on demand, with a small cache.

Big documents are wrapped off the UI thread: the reader computes the first layout in its
worker, and a resize of a big document re-wraps in a thread worker while the old layout
stays on screen.

Offsets: a block may carry the article offset of its first character (``start``), so
:meth:`DocumentView.line_of_offset` finds the line showing any article character, and a
click maps back to an article offset.
"""

from __future__ import annotations

import time
from bisect import bisect_right
from dataclasses import dataclass, field

from rich._wrap import divide_line
from rich.cells import cell_len
from rich.segment import Segment
from rich.text import Text
from textual import work
from textual.events import Click, Resize
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

#: Documents with more characters than this are re-wrapped in a thread worker on resize.
BIG_DOCUMENT = 200_000


@dataclass
class Block:
    """One paragraph (or piece of one) or marker: safe text, and where it sits in the article."""

    text: Text
    start: int | None = None  # article offset of text[0]; None for lines that are not article text
    gap_after: bool = True  # a blank line after the block


@dataclass(frozen=True)
class _Line:
    block: int  # -1 for a blank gap line
    start: int  # char offset in the block's text
    end: int


@dataclass
class Layout:
    """The blocks wrapped for one width."""

    width: int
    lines: list[_Line]
    first_line: list[int]  # per block
    breaks: list[list[int]]  # per block: char offsets where wrapped lines start (after 0)
    pieces: dict[int, list[Text]] = field(default_factory=dict)  # block -> text cut at breaks


def wrap_blocks(blocks: list[Block], width: int, *, in_thread: bool = False) -> Layout:
    """Wrap every block at ``width`` cells. Pure: safe to run in a worker thread.

    ``in_thread``: yield the GIL after each block, so the UI thread (which needs it for
    every turn of its event loop) stays responsive while a big document is wrapped.
    """
    lines: list[_Line] = []
    first: list[int] = []
    all_breaks: list[list[int]] = []
    for index, block in enumerate(blocks):
        first.append(len(lines))
        plain = block.text.plain
        breaks = divide_line(plain, width, fold=True) if len(plain) > width or cell_len(plain) > width else []
        all_breaks.append(breaks)
        edges = [0, *breaks, len(plain)]
        for start, end in zip(edges, edges[1:]):
            lines.append(_Line(index, start, end))
        if not plain:
            lines.append(_Line(index, 0, 0))
        if block.gap_after:
            lines.append(_Line(-1, 0, 0))
        if in_thread:
            time.sleep(0)
    return Layout(width, lines, first, all_breaks)


def document_size(blocks: list[Block]) -> int:
    return sum(len(block.text) for block in blocks)


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
        self._layout = Layout(0, [], [], [])
        self._starts: list[int] = []  # article starts of blocks that have one, ascending
        self._start_blocks: list[int] = []
        self._strip_cache: dict[int, Strip] = {}
        self._big = False
        self._pending_offset: int | None = None
        self._anchor_request: tuple[int, int] | None = None

    # ------------------------------------------------------------------ content
    def set_blocks(self, blocks: list[Block], layout: Layout | None = None) -> None:
        """Show ``blocks``; ``layout`` may be precomputed (off the UI thread) for the current width."""
        self._blocks = blocks
        self._pending_offset = None
        self._anchor_request = None
        self._starts = [b.start for b in blocks if b.start is not None]
        self._start_blocks = [i for i, b in enumerate(blocks) if b.start is not None]
        self._big = document_size(blocks) > BIG_DOCUMENT
        if layout is None or layout.width != self.text_width():
            layout = wrap_blocks(blocks, self.text_width())
        self._apply_layout(layout, keep_place=False)

    def restyle(self, index: int, text: Text) -> None:
        """Replace block ``index``'s text with the same characters differently styled."""
        self._blocks[index].text = text
        self._layout.pieces.pop(index, None)
        self._strip_cache.clear()
        self.refresh()

    @property
    def blocks(self) -> list[Block]:
        return self._blocks

    @property
    def line_count(self) -> int:
        return len(self._layout.lines)

    def plain_lines(self) -> list[str]:
        """Every wrapped line as plain text (what the user would see, for tests)."""
        return [
            self._blocks[ln.block].text.plain[ln.start : ln.end] if ln.block >= 0 else ""
            for ln in self._layout.lines
        ]

    # ------------------------------------------------------------------- layout
    def text_width(self) -> int:
        width = self.scrollable_content_region.width
        return max(10, width or 80)

    def _apply_layout(self, layout: Layout, *, keep_place: bool = True) -> None:
        """Show ``layout``; on a re-wrap, keep the same text at the same place on screen."""
        anchor = self.anchor_offset() if keep_place and self._layout.lines else None
        self._layout = layout
        self._strip_cache.clear()
        self.virtual_size = Size(layout.width, len(layout.lines))
        self.refresh()
        if anchor is not None:
            self.scroll_to_offset(anchor)

    def on_resize(self, event: Resize) -> None:
        width = self.text_width()
        if width == self._layout.width or not self._blocks:
            return
        if self._big:
            self._rewrap(self._blocks, width)
        else:
            self._apply_layout(wrap_blocks(self._blocks, width))

    @work(thread=True, exclusive=True, group="document-wrap")
    def _rewrap(self, blocks: list[Block], width: int) -> None:
        layout = wrap_blocks(blocks, width, in_thread=True)
        self.app.call_from_thread(self._rewrapped, blocks, layout)

    def _rewrapped(self, blocks: list[Block], layout: Layout) -> None:
        if blocks is self._blocks and layout.width == self.text_width():
            self._apply_layout(layout)

    # ---------------------------------------------------------------- rendering
    def render_line(self, y: int) -> Strip:
        _, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not 0 <= index < len(self._layout.lines):
            return Strip.blank(width, base)
        strip = self._strip_cache.get(index)
        if strip is None:
            strip = self._render(index)
            if len(self._strip_cache) > 512:
                self._strip_cache.clear()
            self._strip_cache[index] = strip
        return strip.crop_extend(0, width, base).apply_style(base)

    def _render(self, index: int) -> Strip:
        layout = self._layout
        line = layout.lines[index]
        if line.block < 0:
            return Strip([])
        pieces = layout.pieces.get(line.block)
        if pieces is None:
            pieces = list(self._blocks[line.block].text.divide(layout.breaks[line.block]))
            layout.pieces[line.block] = pieces
        text = pieces[bisect_right(layout.breaks[line.block], line.start)].copy()
        text.rstrip()
        segments = [Segment(seg.text, seg.style) for seg in text.render(self.app.console, end="") if seg.text]
        return Strip(segments)

    # ----------------------------------------------------------------- offsets
    def line_of_offset(self, offset: int) -> int | None:
        """The line showing article character ``offset``, or the nearest line before it."""
        if not self._starts or not self._layout.first_line:
            return None
        pos = max(0, bisect_right(self._starts, offset) - 1)
        block_index = self._start_blocks[pos]
        local = max(0, offset - (self._blocks[block_index].start or 0))
        within = bisect_right(self._layout.breaks[block_index], local)
        return self._layout.first_line[block_index] + within

    def scroll_to_offset(self, offset: int) -> None:
        """Bring article character ``offset`` into view, a third of the way down.

        The scroll happens after the next refresh (the virtual size may just have
        changed), computed then from the layout of that moment; until then the offset
        counts as the view's anchor, so a re-wrap in between keeps it.
        """
        self._pending_offset = offset
        self.call_after_refresh(self._scroll_to_pending)

    def _scroll_to_pending(self) -> None:
        offset, self._pending_offset = self._pending_offset, None
        if offset is None:
            return
        line = self.line_of_offset(offset)
        if line is None:
            return
        height = max(1, self.scrollable_content_region.height)
        self.scroll_to(y=max(0, line - height // 3), animate=False, immediate=True)
        # Near the end the scroll is clamped; remember what was asked for, while unmoved.
        self._anchor_request = (offset, self.scroll_offset.y)

    def _line_offset(self, index: int) -> int | None:
        line = self._layout.lines[index]
        if line.block < 0 or self._blocks[line.block].start is None:
            return None
        return self._blocks[line.block].start + line.start

    def anchor_offset(self) -> int | None:
        """The article offset a third of the way down the view (what scroll_to_offset restores)."""
        if self._pending_offset is not None:
            return self._pending_offset
        if self._anchor_request is not None and self._anchor_request[1] == self.scroll_offset.y:
            return self._anchor_request[0]
        lines = self._layout.lines
        if not lines:
            return None
        height = max(1, self.scrollable_content_region.height)
        top = self.scroll_offset.y
        for index in range(min(len(lines) - 1, top + height // 3), -1, -1):
            offset = self._line_offset(index)
            if offset is not None:
                return offset
        return None

    def visible_offsets(self) -> tuple[int, int] | None:
        """The article offsets of the first and last visible lines."""
        top = self.scroll_offset.y
        bottom = min(len(self._layout.lines), top + self.scrollable_content_region.height)
        found = [offset for i in range(top, bottom) if (offset := self._line_offset(i)) is not None]
        return (found[0], found[-1]) if found else None

    def offset_at(self, x: int, y: int) -> int | None:
        """The article offset of the character under widget coordinates ``(x, y)``."""
        index = self.scroll_offset.y + y
        if not 0 <= index < len(self._layout.lines):
            return None
        line = self._layout.lines[index]
        start = self._line_offset(index)
        if start is None:
            return None
        plain = self._blocks[line.block].text.plain[line.start : line.end]
        column = x - self.styles.padding.left
        cells = 0
        for position, char in enumerate(plain):
            cells += cell_len(char)
            if cells > column:
                return start + position
        return None

    def on_click(self, event: Click) -> None:
        offset = self.offset_at(event.x, event.y)
        if offset is not None:
            self.post_message(self.Clicked(offset))
