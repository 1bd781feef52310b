"""The blocks a :class:`~jjj_brief.app.document.DocumentView` shows, and their line counts:
estimates from cell counts until a block is wrapped (see the document module's docstring)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text

#: Characters that take two cells (CJK and friends); counted to estimate a block's width.
_WIDE = re.compile(r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")


@dataclass
class Block:
    """One paragraph (or piece of one) or marker: display-safe text, and where it sits."""

    text: str
    start: int | None = None  # article offset of text[0]; None for lines that are not article text
    style: str = ""  # base style of the whole block (a repeat, a marker)
    gap_after: bool = True  # a blank line after the block
    cells: int = -1  # display width of the text in cells (computed when the block is added)

    def __post_init__(self) -> None:
        if self.cells < 0:
            self.cells = estimate_cells(self.text)

    @property
    def end(self) -> int | None:
        return None if self.start is None else self.start + len(self.text)


def estimate_cells(text: str) -> int:
    """The cell width of ``text``: exact for ASCII, wide characters counted twice otherwise."""
    if text.isascii():
        return len(text)
    return len(text) + len(_WIDE.findall(text))


Styler = Callable[[int, Block], Text]


class LineCounts:
    """Lines per block, with the line a block starts on and the block showing a line both in
    O(log n) (a Fenwick tree): wrapping one more block of a 10 MB document must not cost a
    pass over its 30,000 blocks."""

    def __init__(self, counts: list[int]) -> None:
        size = len(counts)
        tree = [0] * (size + 1)
        for position, count in enumerate(counts, 1):
            tree[position] += count
            parent = position + (position & -position)
            if parent <= size:
                tree[parent] += tree[position]
        self._tree = tree
        self._size = size
        self.counts = list(counts)
        self.total = sum(counts)
        self._top_bit = 1 << (size.bit_length() - 1) if size else 0

    def __getitem__(self, index: int) -> int:
        return self.counts[index]

    def set(self, index: int, count: int) -> None:
        change = count - self.counts[index]
        if not change:
            return
        self.counts[index] = count
        self.total += change
        position = index + 1
        while position <= self._size:
            self._tree[position] += change
            position += position & -position

    def start_of(self, index: int) -> int:
        """The first line of block ``index`` (the lines of all blocks before it)."""
        total, position = 0, index
        while position > 0:
            total += self._tree[position]
            position -= position & -position
        return total

    def find(self, line: int) -> tuple[int, int]:
        """(block, line within it) of ``line`` (``0 <= line < total``)."""
        position, rest, step = 0, line, self._top_bit
        while step:
            following = position + step
            if following <= self._size and self._tree[following] <= rest:
                position = following
                rest -= self._tree[following]
            step >>= 1
        return position, rest


def plain_style(index: int, block: Block) -> Text:
    return Text(block.text, style=block.style)
