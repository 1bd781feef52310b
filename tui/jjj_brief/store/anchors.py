"""Anchors that survive edits: offsets plus a W3C TextQuoteSelector (exact, prefix, suffix).

An anchor records where a bookmark, highlight or claimed figure sits in an article, two
ways: by character offsets (fast, exact while the text is unchanged) and by the quoted
text with a little context either side (the Web Annotation model's TextQuoteSelector),
which still finds the place after the article is re-imported with edits. The article's
text hash says which applies: same hash, the offsets stand; another hash, the quote is
searched again. A quote that is no longer in the text leaves the anchor *orphaned*: it
keeps its exact text and is shown as such, never dropped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Literal

CONTEXT_CHARS = 32  # of prefix and suffix kept, like hypothes.is
AnchorStatus = Literal["ok", "moved", "orphaned"]


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Anchor:
    """A span of an article: ``article.text[start:end] == exact`` while ``status`` is not orphaned."""

    article: str
    start: int
    end: int
    exact: str
    prefix: str = ""
    suffix: str = ""
    text_sha: str = ""
    status: AnchorStatus = "ok"

    @property
    def orphaned(self) -> bool:
        return self.status == "orphaned"

    def to_dict(self) -> dict[str, object]:
        return {
            "article": self.article,
            "start": self.start,
            "end": self.end,
            "exact": self.exact,
            "prefix": self.prefix,
            "suffix": self.suffix,
            "status": self.status,
        }


def make_anchor(article_id: str, text: str, start: int, end: int) -> Anchor:
    """The anchor of ``text[start:end]`` (offsets clamped into the text; empty spans allowed)."""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    return Anchor(
        article=article_id,
        start=start,
        end=end,
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT_CHARS) : start],
        suffix=text[end : end + CONTEXT_CHARS],
        text_sha=text_hash(text),
    )


def refind(anchor: Anchor, text: str, text_sha: str | None = None) -> Anchor:
    """``anchor`` re-found in ``text`` (the article's current text).

    Unchanged text: the anchor as is. Otherwise every occurrence of the exact quote is
    scored by how much of the prefix and suffix still surround it, then by closeness to
    the old offset; the best wins. No occurrence: the anchor, orphaned, offsets kept.
    """
    sha = text_sha or text_hash(text)
    if sha == anchor.text_sha:
        return anchor if anchor.status != "orphaned" else replace(anchor, status="ok")
    best: tuple[tuple[int, int], int] | None = None
    if anchor.exact:
        for at in _occurrences(text, anchor.exact):
            score = (_context_score(anchor, text, at), -abs(at - anchor.start))
            if best is None or score > best[0]:
                best = (score, at)
    elif 0 <= anchor.start <= len(text) and _context_score(anchor, text, anchor.start) > 0:
        best = ((0, 0), anchor.start)  # a bookmark at a point: kept where its context still is
    if best is None:
        return replace(anchor, status="orphaned")
    at = best[1]
    found = make_anchor(anchor.article, text, at, at + len(anchor.exact))
    moved = at != anchor.start
    return replace(found, status="moved" if moved else "ok", text_sha=sha)


def _occurrences(text: str, exact: str, limit: int = 10_000) -> Iterator[int]:
    at = text.find(exact)
    count = 0
    while at != -1 and count < limit:
        yield at
        count += 1
        at = text.find(exact, at + 1)


def _context_score(anchor: Anchor, text: str, at: int) -> int:
    """Characters of prefix (read backwards) and suffix that still match around ``at``."""
    score = 0
    before = text[max(0, at - len(anchor.prefix)) : at]
    for a, b in zip(reversed(anchor.prefix), reversed(before)):
        if a != b:
            break
        score += 1
    after_start = at + len(anchor.exact)
    after = text[after_start : after_start + len(anchor.suffix)]
    for a, b in zip(anchor.suffix, after):
        if a != b:
            break
        score += 1
    return score
