"""An article made ready for the reader, off the UI thread: its display blocks, figures and
match spans, with position lookups by binary search. No Textual here."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from jjj_brief.app.document import Block
from jjj_brief.app.styles import REPEAT_STYLE
from jjj_brief.corpus import Article

if TYPE_CHECKING:
    from jjj_brief.figures import Figure


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

    def __iter__(self) -> Iterator[tuple[int, int]]:
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
    figures: list[Figure] = field(default_factory=list)
    query_spans: Spans = field(default_factory=Spans)
    figures_ready: bool = False
    repeats: int = 0
    figure_starts: list[int] = field(default_factory=list)
    figure_reach: int = 0
    suspects: list[int] = field(default_factory=list)  # numbers of the suspect figures
    marks: list[int] = field(default_factory=list)  # offsets where ⚠ is drawn (see suspect_marks)

    def set_figures(self, figures: list[Figure], query_spans: list[tuple[int, int]]) -> None:
        self.figures = sorted(figures, key=lambda figure: figure.start)
        self.figure_starts = [figure.start for figure in self.figures]
        self.figure_reach = max((figure.end - figure.start for figure in self.figures), default=0)
        self.query_spans = Spans(query_spans)
        self.suspects = [number for number, figure in enumerate(self.figures) if figure.suspect is not None]
        text = self.article.text
        self.marks = suspect_marks(text, [(self.figures[n].start, self.figures[n].end) for n in self.suspects])
        self.figures_ready = True

    def marks_between(self, lo: int, hi: int) -> list[int]:
        """The ⚠ offsets in ``[lo, hi)``."""
        return self.marks[bisect_left(self.marks, lo) : bisect_left(self.marks, hi)]

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


SUSPECT_MARK = "⚠"
MARK_REACH = 40  # characters searched for a space to draw the mark on


def suspect_marks(text: str, spans: list[tuple[int, int]]) -> list[int]:
    """Where to draw ⚠ for each suspect figure ``(start, end)`` without moving an offset: on
    the space before the word that holds the figure ("average ⚠386 micrograms"), else the
    space after it; a figure with no space in reach (a paragraph of one glued word) gets none.
    The character drawn over is a space, so wrapping, clicks and copied text are unchanged."""
    taken: set[int] = set()
    marks: list[int] = []
    for start, end in spans:
        at = _space_before(text, start, taken)
        if at is None:
            at = _space_after(text, end, taken)
        if at is not None:
            taken.add(at)
            marks.append(at)
    return sorted(marks)


def _space_before(text: str, start: int, taken: set[int]) -> int | None:
    for at in range(start - 1, max(-1, start - 1 - MARK_REACH), -1):
        if text[at] == "\n":
            return None
        if text[at] == " ":
            return None if at in taken else at
    return None


def _space_after(text: str, end: int, taken: set[int]) -> int | None:
    for at in range(end, min(len(text), end + MARK_REACH)):
        if text[at] == "\n":
            return None
        if text[at] == " ":
            return None if at in taken else at
    return None


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
