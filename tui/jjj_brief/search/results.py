"""What a search returns: :class:`Hit` and :class:`SearchResult`, and the snippets and
highlight spans they carry (offsets into the passage's text, see ARCHITECTURE.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jjj_brief.search.concepts import (
    ELLIPSIS,
    cut_end,
    cut_start,
    densest_window,
    occurrences,
    phrase_spans,
    term_sequences,
)

SNIPPET_WIDTH = 220
SNIPPET_SCAN_CHUNK = 65_536  # characters of a huge passage tokenized at a time for its snippet
SNIPPET_SCAN_LIMIT = 1_000_000  # ... and no further: past that, the snippet is the passage's start


@dataclass
class Hit:
    kind: str  # passage | topic | fact | glossary
    article: str  # article id, or the briefing item's id
    file: str | None  # article file name; None for briefing hits
    title: str
    outlet: str
    date: str
    score: float
    start: int  # passage offsets in article.text (briefing hits: 0..len(body))
    end: int
    snippet: str  # verbatim slice of the passage, trimmed at word boundaries
    highlights: list[tuple[int, int]]  # offsets into snippet
    snippet_start: int = 0  # where the snippet starts, in article coordinates
    # The snippet's windows in article coordinates (two when the concepts did not fit in
    # one: the snippet is then both joined by " … ").
    parts: list[tuple[int, int]] = field(default_factory=list)
    match: str = "all"  # "all": every concept of the query; "most": the natural fallback
    missing: list[str] = field(default_factory=list)  # concepts a "most" hit lacks, as shown
    reasons: list[str] = field(default_factory=list)  # why a figure matched by value

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "article": self.article,
            "file": self.file,
            "title": self.title,
            "outlet": self.outlet,
            "date": self.date,
            "score": round(self.score, 4),
            "start": self.start,
            "end": self.end,
            "snippet": self.snippet,
            "highlights": [[s, e] for s, e in self.highlights],
            "parts": [
                [s, e] for s, e in (self.parts or [(self.snippet_start, self.snippet_start + len(self.snippet))])
            ],
            "match": self.match,
            "missing": list(self.missing),
            "reasons": list(self.reasons),
        }

    def highlight_spans_in_article(self) -> list[tuple[int, int]]:
        """The snippet highlights in article coordinates (across the snippet's windows)."""
        parts = self.parts or [(self.snippet_start, self.snippet_start + len(self.snippet))]
        out = []
        for s, e in self.highlights:
            at = 0
            for start, end in parts:
                if at <= s and e <= at + (end - start):
                    out.append((start + s - at, start + e - at))
                    break
                at += end - start + len(ELLIPSIS)
        return out


@dataclass
class SearchResult:
    query: str
    parsed: str  # how the query was understood
    total: int  # matching documents (grouped: matching articles / briefing items)
    suggestion: str | None = None  # "did you mean"
    message: str | None = None  # what was ignored or went wrong
    hits: list[Hit] = field(default_factory=list)
    total_exact: bool = True  # False: ``total`` is an estimate, or a lower bound (``total_lower_bound``)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)  # outlet / year / kind -> value -> hits
    sort: str = "relevance"  # relevance | date | -date
    total_lower_bound: bool = False  # ``total`` is "at least" (shown "N+")

    @property
    def total_label(self) -> str:
        """The count as shown: exact ("12"), an estimate ("about 3,800") or a bound ("1,000+")."""
        return count_label(self.total, self.total_exact, self.total_lower_bound)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "parsed": self.parsed,
            "total": self.total,
            "total_exact": self.total_exact,
            "total_lower_bound": self.total_lower_bound,
            "total_label": self.total_label,
            "suggestion": self.suggestion,
            "message": self.message,
            "sort": self.sort,
            "facets": self.facets,
            "hits": [hit.to_dict() for hit in self.hits],
        }


def count_label(total: int, exact: bool, lower_bound: bool = False) -> str:
    """How a count is printed: exact counts as they are; an estimate as "about N" (rounded
    to two significant digits, which is within 5% of it); a lower bound as "N+"."""
    if exact:
        return f"{total:,}"
    if lower_bound:
        return f"{total:,}+"
    if total >= 100:
        digits = len(str(total)) - 2
        total = round(total, -digits)
    return f"about {total:,}"


# ---------------------------------------------------------------- snippets and spans


def spans_for_terms(text: str, terms: set[tuple[str, ...]] | set[str]) -> list[tuple[int, int]]:
    """Character spans of ``text`` that match ``terms`` (merged, sorted).

    ``terms`` holds term sequences: a 1-tuple (or a plain string) lights every occurrence
    of that term, a longer tuple only consecutive occurrences (a phrase).
    """
    if not terms:
        return []
    singles, phrases = term_sequences(terms)
    phrase_terms = {term for phrase in phrases for term in phrase}
    spans_of, at = occurrences(text, singles, phrase_terms)  # runs on every hit's passage: one pass
    spans = {span for found in spans_of.values() for span in found}
    if phrases:
        spans.update(phrase_spans(at, phrases))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def make_snippet(
    text: str, terms: set[tuple[str, ...]] | set[str], width: int = SNIPPET_WIDTH
) -> tuple[int, int, list[tuple[int, int]]]:
    """(start, end, highlights-in-text) of the best window of ``text`` around the matches.

    The window holds as many distinct matched terms as possible, starts and ends at word
    boundaries, and is the whole text when that is short enough. A huge passage (an
    imported 10 MB line) is scanned in chunks up to the first one with a match, and no
    further than :data:`SNIPPET_SCAN_LIMIT`, so one hit cannot stall a search.
    """
    if len(text) > 2 * SNIPPET_SCAN_CHUNK:
        return _snippet_of_huge(text, terms, width)
    spans = spans_for_terms(text, terms)
    if len(text) <= width:
        return 0, len(text), spans
    if not spans:
        return 0, cut_end(text, width), []
    best_start = densest_window(text, spans, width)
    start = cut_start(text, best_start)
    end = cut_end(text, min(len(text), start + width))
    inside = [(s, e) for s, e in spans if s >= start and e <= end]
    return start, end, inside


def _snippet_of_huge(
    text: str, terms: set[tuple[str, ...]] | set[str], width: int
) -> tuple[int, int, list[tuple[int, int]]]:
    offset = 0
    while offset < min(len(text), SNIPPET_SCAN_LIMIT):
        end = text.find(" ", offset + SNIPPET_SCAN_CHUNK, offset + SNIPPET_SCAN_CHUNK + 1024)
        end = min(len(text), offset + SNIPPET_SCAN_CHUNK) if end < 0 else end
        start, stop, spans = make_snippet(text[offset:end], terms, width)
        if spans:
            return offset + start, offset + stop, [(offset + s, offset + e) for s, e in spans]
        offset = end
    return 0, cut_end(text, width), []


def _join_windows(
    text: str, windows: list[tuple[int, int]], spans: list[tuple[int, int]]
) -> tuple[str, list[tuple[int, int]]]:
    """The snippet text (windows joined by an ellipsis) and the spans in its coordinates."""
    pieces, highlights, at = [], [], 0
    for start, end in windows:
        pieces.append(text[start:end])
        highlights += [(at + s - start, at + e - start) for s, e in spans if s >= start and e <= end]
        at += end - start + len(ELLIPSIS)
    return ELLIPSIS.join(pieces), highlights


# ---------------------------------------------------------------- the engine
