"""Find a quote in an article: exactly (citable), or the closest passage (for "did you mean").

A quote is citable only when it occurs verbatim — same characters, same curly or straight
quotation marks, same garbled figures. :func:`locate_quote` is that exact test and returns
offsets into ``article.text``. :func:`closest_match` helps an editor fix a quote that is
not verbatim by pointing at the most similar stretch of the article.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from jjj_brief.corpus import Article, split_paragraphs

TextLike = Article | str


def _text(article: TextLike) -> str:
    return article if isinstance(article, str) else article.text


def locate_quote(article: TextLike, quote: str) -> tuple[int, int] | None:
    """``(start, end)`` of the first verbatim occurrence of ``quote``, or ``None``."""
    if not quote:
        return None
    start = _text(article).find(quote)
    return None if start < 0 else (start, start + len(quote))


def closest_match(article: TextLike, quote: str) -> tuple[int, int, str, float] | None:
    """The stretch of the article most like ``quote``: ``(start, end, snippet, ratio)``.

    Looks in each paragraph for the longest run shared with the quote, aligns a window of
    the quote's length on it, and keeps the window with the best similarity ratio (0–1).
    ``None`` for an empty quote or article.
    """
    text = _text(article)
    if not quote or not text:
        return None
    paragraphs = article.paragraphs if isinstance(article, Article) else split_paragraphs(text)
    best: tuple[int, int, int, int, float] | None = None  # start, end, para lo, para hi, ratio
    for paragraph in paragraphs:
        window = _anchored_window(text, paragraph.start, paragraph.end, quote)
        if window is None:
            continue
        ratio = _ratio(quote, text[window[0] : window[1]])
        if best is None or ratio > best[4]:
            best = (*window, paragraph.start, paragraph.end, ratio)
    if best is None:
        return None
    start, end, lo, hi, ratio = best
    # Refine the chosen window's ends a little (a dropped or extra character shifts them).
    for new_start in range(max(lo, start - 3), min(hi, start + 4)):
        for new_end in range(max(new_start + 1, end - 3), min(hi, end + 4) + 1):
            candidate = _ratio(quote, text[new_start:new_end])
            if candidate > ratio:
                start, end, ratio = new_start, new_end, candidate
    return start, end, text[start:end], ratio


def _ratio(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _anchored_window(text: str, lo: int, hi: int, quote: str) -> tuple[int, int] | None:
    """A quote-sized window of ``text[lo:hi]`` aligned on the longest run shared with ``quote``."""
    segment = text[lo:hi]
    matcher = SequenceMatcher(None, quote, segment, autojunk=False)
    block = matcher.find_longest_match(0, len(quote), 0, len(segment))
    if block.size == 0:
        return None
    start = max(lo, lo + block.b - block.a)
    end = min(hi, start + len(quote))
    return (start, end) if end > start else None
