"""A scrollable, wrapped view of a long document that only works on what is on screen.

A document is a list of :class:`Block` s (a paragraph or a piece of one, or a marker line)
holding display-safe plain text. Nothing is done to the whole document up front:

* **Heights are estimated** from each block's cell count until the block is wrapped; the
  estimate is replaced by the exact line count the first time the block is needed (drawn,
  scrolled to, clicked). Blocks are only ever wrapped at or below the top of the view while
  drawing, so refining an estimate never moves what is already on screen.
* **Styling is on demand**: a ``styler`` callback turns one block into a styled
  ``rich.text.Text`` (figures, matches, focus) when the block is first drawn; ``restyle``
  drops the cached lines of the blocks that changed.
* **A line cache** (LRU, per block) keeps the rendered strips of recently drawn blocks, so
  scrolling back and forth costs nothing.

This is the approach of line-based viewers such as toolong (line index + LRU cache of
rendered lines), with word wrapping added. Opening a 10 MB article therefore costs one
pass to cut it into blocks; ``bench/bench_app.py`` measures first screen and PageDown.

Offsets: a block may carry the article offset of its first character (``start``), so
:meth:`DocumentView.line_of_offset` finds the line showing any article character, and a
click maps back to an article offset. Text selection uses Textual's selection API
(offset metadata on each strip, :meth:`DocumentView.get_selection`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from rich._wrap import divide_line
from rich.cells import cell_len
from rich.segment import Segment
from rich.text import Text
from textual.cache import LRUCache
from textual.events import Click, Resize
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip

from jjj_brief.app.blocks import Block, LineCounts, Styler, plain_style


class DocumentView(ScrollView, can_focus=True):
    """Wrapped lines of styled text; scrolls to article offsets; reports clicks as offsets."""

    DEFAULT_CSS = """
    DocumentView { background: $surface; padding: 0 1; }
    """

    #: Rendered blocks kept (each holds all its lines at the current width).
    CACHE_BLOCKS = 256

    class Clicked(Message):
        """The user clicked on the article character at ``offset``."""

        def __init__(self, offset: int) -> None:
            self.offset = offset
            super().__init__()

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._blocks: list[Block] = []
        self._styler: Styler = plain_style
        self._starts: list[int] = []  # article starts of blocks that have one, ascending
        self._start_blocks: list[int] = []
        self._width = 0
        self._breaks: dict[int, list[int]] = {}  # block -> wrap points, at self._width
        self._heights = LineCounts([])  # lines per block (exact when in _breaks, else estimated)
        self._strips: LRUCache[int, list[Strip]] = LRUCache(self.CACHE_BLOCKS)
        self._pending_offset: int | None = None
        self._anchor_request: tuple[int, int] | None = None
        self._size_sync_pending = False
        self._wrapped_unseen = False

    # ------------------------------------------------------------------ content
    def set_blocks(self, blocks: list[Block], styler: Styler | None = None) -> None:
        """Show ``blocks``, styled by ``styler`` (called per block, when it is first drawn)."""
        self._blocks = blocks
        self._styler = styler or plain_style
        self._pending_offset = None
        self._anchor_request = None
        self._starts = [b.start for b in blocks if b.start is not None]
        self._start_blocks = [i for i, b in enumerate(blocks) if b.start is not None]
        self._reset_layout(self.text_width())
        self.scroll_to(y=0, animate=False, immediate=True)

    def restyle(self, indexes: Iterable[int] | None = None) -> None:
        """Blocks ``indexes`` (all when ``None``) look different now: draw them again."""
        if indexes is None:
            self._strips.clear()
        else:
            for index in indexes:
                self._strips.discard(index)
        self.refresh()

    @property
    def blocks(self) -> list[Block]:
        return self._blocks

    def block_text(self, index: int) -> Text:
        """Block ``index`` as styled for display (what the styler gives)."""
        return self._styler(index, self._blocks[index])

    def blocks_between(self, lo: int, hi: int) -> range:
        """Indexes of the blocks holding article characters in ``[lo, hi)``."""
        if not self._starts:
            return range(0)
        first = max(0, bisect_right(self._starts, lo) - 1)
        last = max(first, bisect_left(self._starts, max(lo + 1, hi)) - 1)
        return range(self._start_blocks[first], self._start_blocks[last] + 1)

    @property
    def line_count(self) -> int:
        """Lines in the document at the current width (blocks not yet wrapped: estimated)."""
        return self._line_total()

    def plain_lines(self) -> list[str]:
        """Every wrapped line as plain text (wraps the whole document: for tests)."""
        lines: list[str] = []
        for index, block in enumerate(self._blocks):
            breaks = self._wrap(index)
            edges = [0, *breaks, len(block.text)]
            lines.extend(block.text[start:end] for start, end in zip(edges, edges[1:]))
            if block.gap_after:
                lines.append("")
        self._sync_size()
        return lines

    # ------------------------------------------------------------------- layout
    def text_width(self) -> int:
        width = self.scrollable_content_region.width
        return max(10, width or 80)

    def _estimate(self, block: Block, width: int) -> int:
        lines = 1 if block.cells <= width else -(-block.cells // max(1, width - 3))
        return lines + (1 if block.gap_after else 0)

    def _reset_layout(self, width: int) -> None:
        """Forget every wrap (new blocks or a new width): back to estimates."""
        self._width = width
        # Wrapped before the view had a size (the article came before the first layout), at
        # text_width()'s default: nothing was seen at that wrap, so it has no place to keep.
        self._wrapped_unseen = not self.scrollable_content_region.width
        self._breaks = {}
        self._strips.clear()
        self._heights = LineCounts([self._estimate(block, width) for block in self._blocks])
        # The tail is wrapped now, so that End lands exactly on the last line.
        lines, index = 0, len(self._blocks) - 1
        while index >= 0 and lines < 3 * max(24, self.scrollable_content_region.height):
            self._wrap(index)
            lines += self._heights[index]
            index -= 1
        self._sync_size()

    def _wrap(self, index: int) -> list[int]:
        """Block ``index``'s wrap points at the current width (computed once)."""
        breaks = self._breaks.get(index)
        if breaks is None:
            block = self._blocks[index]
            text, width = block.text, self._width
            breaks = divide_line(text, width, fold=True) if block.cells > width else []
            self._breaks[index] = breaks
            height = len(breaks) + 1 + (1 if block.gap_after else 0)
            if height != self._heights[index]:
                self._heights.set(index, height)
                self._size_changed()
        return breaks

    def _size_changed(self) -> None:
        """Tell Textual the new line count, when it matters: a new size costs a layout pass,
        so small drifts of the estimate in the middle of a long document wait (the end of
        the document is always exact: its last screens are wrapped up front)."""
        shown = self.virtual_size.height
        drift = abs(self._heights.total - shown)
        near_end = self.scroll_offset.y + 2 * max(24, self.scrollable_content_region.height) >= shown
        if (drift > max(50, shown // 100) or near_end) and not self._size_sync_pending and self.is_attached:
            self._size_sync_pending = True
            self.call_after_refresh(self._sync_size)

    def _line_total(self) -> int:
        return self._heights.total

    def _sync_size(self) -> None:
        self._size_sync_pending = False
        size = Size(self._width, self._line_total())
        if self.virtual_size != size:
            self.virtual_size = size

    def _locate(self, y: int) -> tuple[int, int] | None:
        """(block, line within the block) of document line ``y``; wraps that block."""
        if not self._blocks or y < 0 or y >= self._heights.total:
            return None
        index, within = self._heights.find(y)
        self._wrap(index)
        if within >= self._heights[index]:  # the block turned out shorter than its estimate
            return self._locate(y)
        return index, within

    def on_resize(self, event: Resize) -> None:
        width = self.text_width()
        if not self._blocks:
            return
        if width == self._width:
            # Only the height changed (a panel under the text came or went): the place last
            # asked for, if the user has not scrolled since, keeps its third of the way down.
            request = self._anchor_request
            if self._pending_offset is None and request is not None and request[1] == self.scroll_offset.y:
                self.scroll_to_offset(request[0])  # (a scroll already asked for is computed after this)
            return
        if self._wrapped_unseen:  # only a place asked for is kept (the top stays the top)
            request = self._anchor_request
            anchor = (
                self._pending_offset if self._pending_offset is not None else None if request is None else request[0]
            )
        else:
            anchor = self.anchor_offset()
        self._reset_layout(width)
        if anchor is not None:
            self.scroll_to_offset(anchor)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self._heights.total != self.virtual_size.height:
            self._size_changed()  # near the end, the exact line count now matters

    # ---------------------------------------------------------------- rendering
    def render_lines(self, crop: Region) -> list[Strip]:
        self._frame_style = self.rich_style  # once per frame, not once per line (~0.3 ms each)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = getattr(self, "_frame_style", None) or self.rich_style
        line = self.scroll_offset.y + y
        found = self._locate(line)
        if found is None:
            return Strip.blank(width, base)
        index, within = found
        strips = self._block_strips(index)
        strip = strips[within] if within < len(strips) else Strip([])
        selection = self.text_selection
        if selection is not None:
            strip = self._select(strip, index, within, line, selection)
        return strip.crop_extend(0, width, base).apply_style(base).apply_offsets(0, line)

    def _block_strips(self, index: int) -> list[Strip]:
        strips = self._strips.get(index)
        if strips is None:
            block = self._blocks[index]
            breaks = self._wrap(index)
            text = self._styler(index, block)
            console = self.app.console
            strips = []
            for piece in text.divide(breaks) if breaks else [text]:
                piece.rstrip()
                strips.append(Strip([Segment(s.text, s.style) for s in piece.render(console, end="") if s.text]))
            if block.gap_after:
                strips.append(Strip([]))
            self._strips[index] = strips
        return strips

    def _line_span(self, index: int, within: int) -> tuple[int, int]:
        """The character range of the block's text on its ``within``-th line."""
        block = self._blocks[index]
        edges = [0, *self._wrap(index), len(block.text)]
        if within + 1 >= len(edges):
            return len(block.text), len(block.text)  # the gap line
        return edges[within], edges[within + 1]

    def _line_plain(self, index: int, within: int) -> str:
        start, end = self._line_span(index, within)
        return self._blocks[index].text[start:end].rstrip()

    # ---------------------------------------------------------------- selection
    def _select(self, strip: Strip, index: int, within: int, line: int, selection: Selection) -> Strip:
        span = selection.get_span(line)
        if span is None:
            return strip
        plain = self._line_plain(index, within)
        start, end = span
        end = len(plain) if end == -1 else min(end, len(plain))
        if start >= end:
            return strip
        text = Text(plain)
        for segment_text, style in self._segment_styles(strip):
            text.stylize(style, *segment_text)
        text.stylize(self.screen.get_component_rich_style("screen--selection"), start, end)
        return Strip([Segment(s.text, s.style) for s in text.render(self.app.console, end="") if s.text])

    @staticmethod
    def _segment_styles(strip: Strip):
        position = 0
        for segment in strip:
            size = len(segment.text)
            if segment.style is not None:
                yield (position, position + size), segment.style
            position += size

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The selected text (Textual's selection API; ctrl+c copies it)."""
        if selection.start is None and selection.end is None:
            return "\n\n".join(block.text for block in self._blocks), "\n"
        first = selection.start.y if selection.start is not None else 0
        last = selection.end.y if selection.end is not None else self._line_total() - 1
        if last - first > 100_000:
            last = first + 100_000  # a selection dragged over a huge document: cut, not frozen
        pieces: list[str] = []
        previous = None
        for line in range(first, last + 1):
            found = self._locate(line)
            if found is None:
                break
            span = selection.get_span(line)
            if span is None:
                continue
            index, within = found
            start, end = self._line_span(index, within)
            cut_end = end if span[1] == -1 else min(end, start + span[1])
            piece = self._blocks[index].text[start + span[0] : cut_end]
            if previous is not None and (index != previous or start >= end):
                pieces.append("\n")  # a new block, or a gap line: soft wraps join without one
            pieces.append(piece)
            previous = index
        return "".join(pieces).rstrip(" "), "\n"

    def selected_span(self) -> tuple[int, int] | None:
        """The article offsets ``[start, end)`` of the text selected in this view, if any."""
        selection = self.text_selection
        if selection is None or selection.start is None or selection.end is None:
            return None
        edges = []
        for line, at_end in ((selection.start.y, False), (selection.end.y, True)):
            found, span = self._locate(line), selection.get_span(line)
            if found is None or span is None or self._blocks[found[0]].start is None:
                return None
            index, within = found
            start, end = self._line_span(index, within)
            column = (end - start if span[1] == -1 else min(end - start, span[1])) if at_end else span[0]
            edges.append(self._blocks[index].start + start + column)  # type: ignore[operator]
        lo, hi = min(edges), max(edges)
        return (lo, hi) if hi > lo else None

    def selection_updated(self, selection: Selection | None) -> None:
        self.refresh()

    # ----------------------------------------------------------------- offsets
    def _block_of_offset(self, offset: int) -> int | None:
        if not self._starts:
            return None
        return self._start_blocks[max(0, bisect_right(self._starts, offset) - 1)]

    def line_of_offset(self, offset: int) -> int | None:
        """The line showing article character ``offset``, or the nearest line before it."""
        index = self._block_of_offset(offset)
        if index is None:
            return None
        local = max(0, offset - (self._blocks[index].start or 0))
        within = bisect_right(self._wrap(index), local)
        return self._heights.start_of(index) + within

    def scroll_to_offset(self, offset: int) -> None:
        """Bring article character ``offset`` into view, a third of the way down.

        The scroll happens after the next refresh (the size may just have changed),
        computed then from the layout of that moment; until then the offset counts as the
        view's anchor, so a re-wrap in between keeps it.
        """
        self._pending_offset = offset
        self.call_after_refresh(self._scroll_to_pending)

    def _scroll_to_pending(self) -> None:
        offset, self._pending_offset = self._pending_offset, None
        if offset is None:
            return
        index = self._block_of_offset(offset)
        if index is None:
            return
        height = max(1, self.scrollable_content_region.height)
        # Wrap the blocks that will sit above the target first, so that it stays put.
        lines, before = 0, index
        while before > 0 and lines < height:
            before -= 1
            self._wrap(before)
            lines += self._heights[before]
        line = self.line_of_offset(offset) or 0
        self._sync_size()
        self.scroll_to(y=max(0, line - height // 3), animate=False, immediate=True)
        # Near the end the scroll is clamped; remember what was asked for, while unmoved.
        self._anchor_request = (offset, self.scroll_offset.y)

    def _line_offset(self, line: int) -> int | None:
        found = self._locate(line)
        if found is None:
            return None
        index, within = found
        block = self._blocks[index]
        if block.start is None:
            return None
        start, end = self._line_span(index, within)
        if start >= len(block.text) and block.text:
            return None  # the gap line
        return block.start + start

    def anchor_offset(self) -> int | None:
        """The article offset a third of the way down the view (what scroll_to_offset restores)."""
        if self._pending_offset is not None:
            return self._pending_offset
        if self._anchor_request is not None and self._anchor_request[1] == self.scroll_offset.y:
            return self._anchor_request[0]
        if not self._blocks:
            return None
        height = max(1, self.scrollable_content_region.height)
        top = self.scroll_offset.y
        for line in range(min(self._line_total() - 1, top + height // 3), top - 1, -1):
            offset = self._line_offset(line)
            if offset is not None:
                return offset
        index = self._locate(top)
        if index is not None:
            for block in reversed(self._blocks[: index[0] + 1]):
                if block.start is not None:
                    return block.start
        return None

    def visible_offsets(self) -> tuple[int, int] | None:
        """The article offsets of the first and last visible lines."""
        top = self.scroll_offset.y
        bottom = min(self._line_total(), top + self.scrollable_content_region.height)
        found = [offset for line in range(top, bottom) if (offset := self._line_offset(line)) is not None]
        return (found[0], found[-1]) if found else None

    def offset_at(self, x: int, y: int) -> int | None:
        """The article offset of the character under widget coordinates ``(x, y)``."""
        found = self._locate(self.scroll_offset.y + y)
        if found is None:
            return None
        index, within = found
        block = self._blocks[index]
        if block.start is None:
            return None
        start, end = self._line_span(index, within)
        column = x - self.styles.padding.left
        cells = 0
        for position, char in enumerate(block.text[start:end]):
            cells += cell_len(char)
            if cells > column:
                return block.start + start + position
        return None

    def on_click(self, event: Click) -> None:
        offset = self.offset_at(event.x, event.y)
        if offset is not None:
            self.post_message(self.Clicked(offset))
