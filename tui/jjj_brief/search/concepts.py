"""What a hit holds of its query, engine-neutral: concepts, figures by value, snippet windows.

For each hit the search API reads its passage once (:func:`read_hit`): which concepts
of the query it holds (their spans, so the snippet lights them), which figures match
the query's numbers and ``value:`` filters (with the reason to show), and whether the
hit survives the value check (an engine finds value candidates by bucket keys; the exact
bounds are checked here). :func:`concept_snippet` then picks the window(s) covering the
most distinct concepts: one window when they fit, else two joined by an ellipsis.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from jjj_brief.search import values
from jjj_brief.search.analyzer import TOKEN_PATTERN, AnalyzedToken, _analyze_parts, _terms_and_positions, iter_tokens
from jjj_brief.search.query import ParsedQuery, ValueRange

SNIPPET_WIDTH = 220
ELLIPSIS = " … "
CHECK_LIMIT = 1_000_000  # characters of a huge passage read for its concepts


@dataclass
class HitReading:
    held: list[bool]  # per concept of the query
    spans: dict[int, list[tuple[int, int]]]  # concept index (or -1: a value filter) -> spans
    reasons: list[str] = field(default_factory=list)
    valid: bool = True  # False: a value candidate whose figures are not in range

    def missing(self, parsed: ParsedQuery) -> list[str]:
        return [c.shown for c, held in zip(parsed.concepts, self.held) if not held and not c.filler]

    def count(self, parsed: ParsedQuery) -> int:
        return sum(1 for c, held in zip(parsed.concepts, self.held) if held and not c.required and not c.filler)


def term_spans(tokens: Sequence[AnalyzedToken], terms: set[tuple[str, ...]] | set[str]) -> list[tuple[int, int]]:
    """Spans of ``tokens`` matching term sequences (1-tuples anywhere, longer ones as phrases)."""
    singles, phrases = term_sequences(terms)
    spans = {(t.start, t.end) for t in tokens if t.term in singles}
    if phrases:
        at: dict[int, dict[str, tuple[int, int]]] = {}
        for token in tokens:
            at.setdefault(token.pos, {})[token.term] = (token.start, token.end)
        spans.update(phrase_spans(at, phrases))
    return sorted(spans)


Occurrences = tuple[dict[str, list[tuple[int, int]]], dict[int, dict[str, tuple[int, int]]]]


def occurrences(text: str, singles: set[str], phrase_terms: set[str]) -> Occurrences:
    """One pass over ``text``'s tokens (:func:`iter_tokens`, inlined: same terms, positions
    and offsets) keeping only what the query can use: the spans of each term of ``singles``,
    and, for ``phrase_terms``, each position's terms and spans (what :func:`phrase_spans`
    reads). :func:`term_spans` of every token, restricted to the terms that can match."""
    spans_of: dict[str, list[tuple[int, int]]] = {}
    at: dict[int, dict[str, tuple[int, int]]] = {}
    pos = 0
    analyze_parts = _analyze_parts
    for match in TOKEN_PATTERN.finditer(text):
        parts, closed = analyze_parts(match.group())
        if not parts and closed is None:
            continue
        start = match.start()
        first = pos
        for term, _, s, e in parts:
            if term in singles:
                spans_of.setdefault(term, []).append((start + s, start + e))
            if term in phrase_terms:
                at.setdefault(pos, {})[term] = (start + s, start + e)
            pos += 1
        if closed is not None:
            term = closed[0]
            if term in singles:
                spans_of.setdefault(term, []).append((start, match.end()))
            if term in phrase_terms:
                at.setdefault(first, {})[term] = (start, match.end())
            if not parts:
                pos += 1
    return spans_of, at


def term_sequences(terms: set[tuple[str, ...]] | set[str]) -> tuple[set[str], list[tuple[str, ...]]]:
    """(single terms, phrases of two or more) of a concept's term sequences."""
    sequences = [(t,) if isinstance(t, str) else tuple(t) for t in terms]
    return {seq[0] for seq in sequences if len(seq) == 1}, [seq for seq in sequences if len(seq) > 1]


def read_hit(
    body: str, parsed: ParsedQuery, stored: Sequence[Sequence[Any]] | None, *, loose: bool = False
) -> HitReading:
    """Concepts held, their spans, value matches and reasons for one hit's text
    (``loose``: a word's family counts for it, as in the natural fallback).

    The text is tokenized once for all the concepts, keeping only the tokens of their terms
    (:func:`occurrences`); each concept's spans are then :func:`term_spans` of the passage."""
    by_concept = [
        term_sequences(concept.terms | concept.loose_terms if loose else concept.terms) for concept in parsed.concepts
    ]
    singles = {term for one, _ in by_concept for term in one}
    phrase_terms = {term for _, phrases in by_concept for phrase in phrases for term in phrase}
    spans_of, at = occurrences(body[:CHECK_LIMIT], singles, phrase_terms) if singles or phrase_terms else ({}, {})
    figures = [values.StoredFigure.from_tuple(row) for row in (stored or ())]
    reading = HitReading(held=[], spans={})
    reasons: dict[str, None] = {}
    for index, concept in enumerate(parsed.concepts):
        one, phrases = by_concept[index]
        found = {span for term in one for span in spans_of.get(term, ())}
        if phrases:
            found.update(phrase_spans(at, phrases))
        spans = sorted(found)
        for value_range in concept.values:
            spans += _figure_spans(body, figures, value_range, reasons)
        reading.spans[index] = spans
        reading.held.append(bool(spans) or len(body) > CHECK_LIMIT)
    for value_range in parsed.value_filters:
        spans = _figure_spans(body, figures, value_range, reasons)
        if not spans:
            reading.valid = False
        reading.spans.setdefault(-1, []).extend(spans)
    reading.reasons = list(reasons)
    return reading


def held_concepts(
    body: str, parsed: ParsedQuery, stored: Sequence[Sequence[Any]] | None, *, loose: bool = False
) -> tuple[list[bool], bool]:
    """(held per concept, passes the value filters): :func:`read_hit` without spans or
    reasons, for ranking many candidates cheaply (figures first, then a term look-up)."""
    figures = [values.StoredFigure.from_tuple(row) for row in (stored or ())]
    valid = all(any(_in_range(f, r) for f in figures) for r in parsed.value_filters)
    positions: dict[str, set[int]] | None = None
    held = []
    for concept in parsed.concepts:
        if any(_in_range(f, r) for r in concept.values for f in figures):
            held.append(True)
            continue
        if positions is None:  # once, for the terms any concept looks up (the others are never read)
            wanted = {
                term
                for each in parsed.concepts
                for seq in (each.terms | each.loose_terms if loose else each.terms)
                for term in ((seq,) if isinstance(seq, str) else seq)
            }
            positions = {}
            for term, pos in [pair for pair in _terms_and_positions(body[:CHECK_LIMIT]) if pair[0] in wanted]:
                positions.setdefault(term, set()).add(pos)
        terms = concept.terms | concept.loose_terms if loose else concept.terms
        held.append(any(_has_sequence(positions, seq) for seq in terms) or len(body) > CHECK_LIMIT)
    return held, valid


def _in_range(figure: values.StoredFigure, value_range: ValueRange) -> bool:
    return values.matches(figure, value_range.low, value_range.high, value_range.unit, value_range.widen) is not None


def _has_sequence(positions: dict[str, set[int]], sequence: tuple[str, ...]) -> bool:
    first = positions.get(sequence[0])
    if not first:
        return False
    if len(sequence) == 1:
        return True
    rest = [positions.get(term) for term in sequence[1:]]
    if not all(rest):
        return False
    return any(all(p + i + 1 in at for i, at in enumerate(rest)) for p in first)  # type: ignore[operator]


def _figure_spans(
    body: str, figures: list[values.StoredFigure], value_range: ValueRange, reasons: dict[str, None]
) -> list[tuple[int, int]]:
    spans = []
    for figure in figures:
        how = values.matches(figure, value_range.low, value_range.high, value_range.unit, value_range.widen)
        if how is None:
            continue
        spans.append((figure.start, figure.end))
        reasons[values.reason(figure, body[figure.start : figure.end], how)] = None
    return spans


# ---------------------------------------------------------------- snippets


MAX_WINDOWS = 4


def concept_snippet(
    text: str, spans_by_concept: dict[int, list[tuple[int, int]]], width: int = SNIPPET_WIDTH
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(windows, highlights): windows of ``text`` covering every concept it holds.

    One window of ``width`` when every concept present fits in one; otherwise two
    windows of half the width each (the densest, then the one holding most of what the
    first lacks), joined by an ellipsis; a passage whose concepts lie further apart gets
    up to :data:`MAX_WINDOWS` narrower ones, so each concept it holds is lit. Highlights
    are every concept span inside the windows.
    """
    labelled = sorted({(s, e, label) for label, spans in spans_by_concept.items() for s, e in spans})
    merged = _merge([(s, e) for s, e, _ in labelled])
    if len(text) <= width:
        return [(0, len(text))], merged
    if not labelled:
        return [(0, cut_end(text, width))], []
    present = {label for _, _, label in labelled}
    best: list[tuple[int, int]] = []
    for count in range(1, MAX_WINDOWS + 1):
        windows = _greedy_windows(text, labelled, max(60, width // count), count)
        covered = set().union(*(_labels_inside(labelled, w) for w in windows))
        best = windows
        if covered >= present:
            break
    return best, _inside(merged, best)


def _greedy_windows(text: str, labelled: list[tuple[int, int, int]], width: int, count: int) -> list[tuple[int, int]]:
    """Up to ``count`` windows, each holding most of the concepts the earlier ones lack."""
    windows: list[tuple[int, int]] = []
    lacking = labelled
    while lacking and len(windows) < count:
        start = densest_window(text, [(s, e) for s, e, _ in lacking], width, [str(lab) for *_, lab in lacking])
        window = _window(text, start, width)
        windows.append(window)
        got = _labels_inside(labelled, window)
        lacking = [(s, e, lab) for s, e, lab in lacking if lab not in got]
    windows.sort()
    joined: list[tuple[int, int]] = []
    for start, end in windows:  # windows that touch become one
        if joined and start <= joined[-1][1] + len(ELLIPSIS):
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    return joined


def _labels_inside(labelled: list[tuple[int, int, int]], window: tuple[int, int]) -> set[int]:
    return {label for s, e, label in labelled if s >= window[0] and e <= window[1]}


def _inside(spans: list[tuple[int, int]], windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [(s, e) for s, e in spans if any(s >= a and e <= b for a, b in windows)]


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _window(text: str, start: int, width: int) -> tuple[int, int]:
    start = cut_start(text, start)
    return start, cut_end(text, min(len(text), start + width))


def densest_window(text: str, spans: list[tuple[int, int]], width: int, labels: list[str] | None = None) -> int:
    """Start of the first window (``anchor - width/4``) holding the most distinct labels
    (by default the matched words themselves).

    A sliding window over the sorted spans: linear, because one passage can hold millions
    of matches (an imported 10 MB line) and comparing every window with every span hangs.
    """
    words = labels if labels is not None else [text[s:e].casefold() for s, e in spans]
    starts = [s for s, _ in spans]
    ends = [e for _, e in spans]
    most = len(set(words))
    inside: Counter[str] = Counter()
    low = high = 0  # the counter holds words[low:high]
    best_start, best_count = spans[0][0], -1
    for anchor in starts:
        start = max(0, anchor - width // 4)
        first = bisect.bisect_left(starts, start)
        last = max(first, bisect.bisect_right(ends, start + width))
        if first >= high:
            inside.clear()
            low = high = first
        while high < last:
            inside[words[high]] += 1
            high += 1
        while low < first:
            inside[words[low]] -= 1
            if not inside[words[low]]:
                del inside[words[low]]
            low += 1
        if len(inside) > best_count:
            best_start, best_count = start, len(inside)
            if best_count == most:
                break
    return best_start


def phrase_spans(at: dict[int, dict[str, tuple[int, int]]], phrases: Sequence[Sequence[str]]) -> set[tuple[int, int]]:
    """The spans of every occurrence of each phrase, given each position's terms and spans."""
    spans: set[tuple[int, int]] = set()
    for phrase in phrases:
        for pos, by_term in at.items():
            if phrase[0] not in by_term:
                continue
            found = [at.get(pos + i, {}).get(term) for i, term in enumerate(phrase)]
            if all(found):
                spans.update(found)  # type: ignore[arg-type]
    return spans


def mention_spans(text: str, terms: set[tuple[str, ...]] | set[str]) -> list[tuple[int, int]]:
    """Each mention of a query in ``text`` as one span, sorted: what the reader steps through.

    A phrase or a glossary spelling is one mention from its first word to its last
    ("Xiong'an New Area", not "Xiong'an", "New", "Area"); a word alone is one. Mentions
    that overlap (the word "Xiongan" inside the spelling "Xiongan New Area") are one.
    ``terms`` are a parsed query's term sequences (:attr:`ParsedQuery.terms`).
    """
    sequences = {(t,) if isinstance(t, str) else tuple(t) for t in terms}
    if not sequences or not text:
        return []
    firsts = {seq[0] for seq in sequences}
    wanted = {term for seq in sequences for term in seq}
    at: dict[int, dict[str, tuple[int, int]]] = {}
    starts: dict[str, list[int]] = {}
    for token in iter_tokens(text):
        if token.term in wanted:
            at.setdefault(token.pos, {})[token.term] = (token.start, token.end)
            if token.term in firsts:
                starts.setdefault(token.term, []).append(token.pos)
    spans: set[tuple[int, int]] = set()
    for seq in sequences:
        for pos in starts.get(seq[0], ()):
            found = [at.get(pos + i, {}).get(term) for i, term in enumerate(seq)]
            if all(found):
                spans.add((found[0][0], max(end for _, end in found)))  # type: ignore[index, misc]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def cut_start(text: str, at: int) -> int:
    if at <= 0:
        return 0
    if text[at - 1].isspace():
        return at
    space = text.find(" ", at)
    return space + 1 if 0 <= space < at + 40 else at


def cut_end(text: str, at: int) -> int:
    if at >= len(text):
        return len(text)
    space = text.rfind(" ", max(0, at - 40), at + 1)
    return space if space > 0 else at
