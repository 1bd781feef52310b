"""What a figure is about: weighted subject terms from the words around it.

A figure's *subject* is what is counted, where, and when. It is read from the text
around the figure, never from the curated facts:

* the sentence holding the figure (a term's weight falls with its distance in words),
  and the sentence before it in the same paragraph at a low weight (machine translation
  often puts the subject in its own sentence: "2023 Hebei Province PM25. The average
  concentration dropped to 386 micrograms…");
* for a count, the counted noun phrase inside the figure ("15 … vocational education
  groups") at full weight — it *is* the subject;
* words become terms through the search analyzer (:mod:`jjj_brief.search.analyzer`), so
  stemming, folding and spelling variants match exactly as search does; runs of words
  that spell a glossary alias add the glossary entry as a term of its own ("PM25" and
  "PM2.5" share ``@pm25``; "Xiongan" and "Xiong’an New Area" share ``@xiongan``);
* "A, B and C … x, y and z respectively" gives the i-th figure the i-th name only, so
  Beijing's 32 µg/m³ is not also about Tianjin and Hebei;
* *places* (glossary places plus the three provinces and their cities) nearest the
  figure are its *focus*: two figures whose focus places differ are look-alikes
  (related, never the same fact).

Years printed in the words are not terms (they are the figure's as-of date, compared
separately); other numbers are dropped too.
"""

from __future__ import annotations

import bisect
import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING, NamedTuple

from jjj_brief.text_rules import (
    STOP_WORDS,
    TOKEN_PATTERN,
    fold,
    iter_tokens,
    stem,
    words_key,
)

if TYPE_CHECKING:
    from jjj_brief.briefings.schema import GlossaryTerm

# Hedges and verbs of change say how a number is reported, not what it is about.
_NOT_SUBJECT = frozenset(
    stem(w)
    for w in """more than less fewer least most nearly about approximately around almost roughly
    over above below under exceeded exceeds exceed exceeding close up no total totally
    reached reach reaches increased increase decrease decreased dropped drop down rose
    only also which will has have been year years last past other various respectively
    per each every annual new number times""".split()
)

# Places that are not glossary entries of their own (the glossary groups "Beijing,
# Tianjin and Hebei" as one region; here each province must stay distinct).
_BASE_PLACES = """beijing tianjin hebei shijiazhuang baoding tangshan langfang zhangjiakou
chengde cangzhou hengshui xingtai handan qinhuangdao tongzhou daxing pinggu yanjiao
xiongan binhai caofeidian zhongguancun wuqing baodi shunyi haidian chaoyang""".split()

PROVINCES = frozenset(stem(fold(p)) for p in ("Beijing", "Tianjin", "Hebei"))
# The region as a whole: its glossary entries and the word "regional".
REGION = frozenset({"@jjj", "@capital-region", stem("regional")})
SENTENCE_END = re.compile(r"[.!?;。！？]+(?=[\s\"”’)]|\Z)")
_YEAR = re.compile(r"(?:19|20)\d\d\Z")
_NAME = r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*"
# A clause ends at ; or : and at a comma — except a comma inside a list of names or
# numbers ("Beijing, Tianjin and Hebei", "32, 41, and 38.6"); ", and Tianjin …" does
# start a new clause.
_CLAUSE_BREAK = re.compile(r"(?:[;:，；：]|,(?!\s*(?:[A-Z0-9]|and\s+\d)))\s*")
_LIST_GAP = re.compile(r"\s*,?\s*(?:and\s+)?")
_NAME_LIST = re.compile(rf"({_NAME})((?:,\s*{_NAME})*),?\s+and\s+({_NAME})")

PREVIOUS_SENTENCE_WEIGHT = 0.25
OUTSIDE_CLAUSE = 0.6  # words of the same sentence but another clause
WINDOW_WORDS = 25  # long run-on sentences: only this many words either side count
MIN_WEIGHT = 0.2
DECAY_WORDS = 10.0


@dataclass(frozen=True, eq=False)  # hashed by identity: it keys a cache
class Glossary:
    """Alias spellings (by analyzer words key) -> glossary concept, and the place terms."""

    aliases: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (term, label)
    places: frozenset[str] = frozenset()
    starts: dict[str, tuple[int, ...]] = field(default_factory=dict)  # first word's key -> lengths, longest first
    fingerprint: str = ""


def build_glossary(terms: Iterable[GlossaryTerm]) -> Glossary:
    """From :class:`jjj_brief.briefings.GlossaryTerm` items (duck-typed)."""
    aliases: dict[str, tuple[str, str]] = {}
    places = {stem(fold(p)) for p in _BASE_PLACES} | REGION
    starts: dict[str, set[int]] = {}
    parts = []
    for term in terms:
        concept = "@" + term.id
        if term.kind == "place":
            places.add(concept)
        for spelling in term.spellings:
            key = words_key(spelling)
            surfaces = TOKEN_PATTERN.findall(spelling)
            if key and surfaces:
                aliases.setdefault(key, (concept, term.term))
                starts.setdefault(words_key(surfaces[0]), set()).add(len(surfaces))
                parts.append(f"{term.id}={spelling}")
    ordered = {first: tuple(sorted(lengths, reverse=True)) for first, lengths in starts.items()}
    return Glossary(aliases, frozenset(places), ordered, str(hash("\n".join(parts))))


class Word(NamedTuple):
    """One analyzed word of a paragraph (or a glossary concept spanning several words).

    Stored as a plain tuple in this field order (cheaper to make by the hundred thousand)."""

    term: str
    label: str  # as printed (or the glossary's name for a concept)
    start: int
    end: int
    index: int  # type: ignore[assignment]  # position among the paragraph's words (shadows tuple.index)


@dataclass
class Subject:
    """A figure's subject: term -> weight (0..1], readable labels, focus places."""

    terms: dict[str, float]
    labels: dict[str, str]
    places: frozenset[str]


def _is_number(word: str) -> bool:
    return any(ch.isdigit() for ch in word) and not any(ch.isalpha() for ch in word)


CLAUSE_LOOKAROUND = 1000  # characters either side of a figure searched for its clause's ends
PREVIOUS_CONTEXT_WORDS = 200  # words before a figure that can count as "the sentence before"


class ParagraphWords:
    """A paragraph (or a window of a huge one) analysed once: its subject-bearing words in
    text order, its surface-word ends and its sentence breaks, so that each figure's subject
    costs a few bisects and the words near it, never a walk over the whole paragraph."""

    def __init__(self, text: str, glossary: Glossary) -> None:
        self.text = text
        # The surface words and their offsets without a match object each: split keeps
        # the words at odd positions, and the running length of the pieces gives their ends.
        pieces = _TOKEN_SPLIT.split(text)
        bounds = list(accumulate(map(len, pieces)))
        self.word_ends = bounds[1::2]
        self.words = _words_of(pieces[1::2], bounds[0:-1:2], self.word_ends, glossary)
        self.starts = list(map(_start_of, self.words))
        self.indices = list(map(_index_of, self.words))
        marks = [match.span() for match in SENTENCE_END.finditer(text)]
        self.mark_starts = [a for a, _ in marks]
        self.mark_ends = [b for _, b in marks]

    def sentence_bounds(self, offset: int) -> tuple[int, int]:
        """Same as :func:`sentence_bounds` on this text, by bisection."""
        before = bisect.bisect_right(self.mark_ends, offset)
        start = self.mark_ends[before - 1] if before else 0
        after = bisect.bisect_left(self.mark_starts, offset)
        return start, (self.mark_ends[after] if after < len(self.mark_ends) else len(self.text))

    def word_index_at(self, offset: int) -> int:
        return bisect.bisect_right(self.word_ends, offset)

    def near(self, low: int, high: int, first_index: int, last_index: int, must_reach: int) -> Iterable[Word]:
        """Words starting in ``[low, high)`` whose word index is in ``[first_index, last_index]``
        (and every word starting before ``must_reach``, a figure's end)."""
        lo = max(bisect.bisect_left(self.starts, low), bisect.bisect_left(self.indices, first_index))
        hi = max(bisect.bisect_right(self.indices, last_index), bisect.bisect_left(self.starts, must_reach))
        hi = min(hi, bisect.bisect_left(self.starts, high))
        return self.words[lo:hi]


def _words_of(texts: list[str], starts: list[int], ends: list[int], glossary: Glossary) -> tuple[Word, ...]:
    """Every subject-bearing word of a text (its surface words ``texts`` at ``starts`` ..
    ``ends``), plus glossary concepts, in text order. Each distinct surface word is analysed
    once (a long text repeats its words); a run of words is looked up in the glossary by
    its words' keys joined. The loop is over the words that bear a subject or start a
    glossary spelling only: a megabyte of text is ~150,000 words."""
    parts_of = list(map(_subject_parts, texts))
    first_words = glossary.starts
    keys: list[str] = list(map(_surface_key, texts)) if first_words else []
    concept_at = {i for i, key in enumerate(keys) if key in first_words}
    words: list[Word] = []
    append = words.append
    for index in [i for i, parts in enumerate(parts_of) if parts or i in concept_at]:
        base = starts[index]
        for term, label, start, end in parts_of[index]:
            append((term, label, base + start, base + end, index))  # type: ignore[arg-type]  # a plain tuple: see Word
        if index in concept_at:
            for width in first_words[keys[index]]:
                if index + width > len(texts):
                    continue
                hit = glossary.aliases.get("".join(keys[index : index + width]))
                if hit:
                    append((hit[0], hit[1], base, ends[index + width - 1], index))  # type: ignore[arg-type]
                    break
    words.sort(key=_start_of)  # stable: a concept follows its first word
    return tuple(words)  # plain tuples in Word's field order: a long text makes many of them


_start_of = operator.itemgetter(2)
_index_of = operator.itemgetter(4)
_TOKEN_SPLIT = re.compile(f"({TOKEN_PATTERN.pattern})", TOKEN_PATTERN.flags)


@lru_cache(maxsize=65536)
def _surface_key(surface: str) -> str:
    return words_key(surface)


@lru_cache(maxsize=65536)
def _subject_parts(surface: str) -> tuple[tuple[str, str, int, int], ...]:
    """(term, the word as printed, start, end) of each subject-bearing part of a surface word."""
    if _is_number(surface.replace(",", "").replace(".", "")) or _YEAR.match(surface):
        return ()
    return tuple(
        (token.term, surface[token.start : token.end], token.start, token.end)
        for token in iter_tokens(surface)
        if not (token.term in STOP_WORDS or token.term in _NOT_SUBJECT or token.word.isdigit())
    )


@lru_cache(maxsize=64)
def paragraph_words(text: str, glossary: Glossary) -> ParagraphWords:
    return ParagraphWords(text, glossary)


def sentence_bounds(text: str, offset: int) -> tuple[int, int]:
    """The sentence of ``text`` (a paragraph) around ``offset``."""
    start = 0
    for match in SENTENCE_END.finditer(text):
        if match.end() <= offset:
            start = match.end()
        elif match.start() >= offset:
            return start, match.end()
    return start, len(text)


def figure_subject(
    paragraph_text: str,
    figure_start: int,
    figure_end: int,
    glossary: Glossary,
    *,
    is_count: bool,
    listed: list[tuple[int, int]] | None = None,
    analysed: ParagraphWords | None = None,
) -> Subject:
    """The subject of the figure at ``[figure_start, figure_end)`` (paragraph-relative offsets).

    ``listed`` are the spans of the figures of the same unit in the paragraph (this one
    included, sorted), used for the "respectively" rule. ``analysed``: the paragraph's
    :class:`ParagraphWords` when the caller holds it (the aligner, one per paragraph).
    The cost is bounded by the words near the figure, whatever the paragraph's size.
    """
    view = analysed if analysed is not None else paragraph_words(paragraph_text, glossary)
    s_start, s_end = view.sentence_bounds(figure_start)
    p_start = view.sentence_bounds(max(0, s_start - 1))[0] if s_start else s_start
    c_start, c_end = clause_bounds(paragraph_text, s_start, s_end, figure_start, figure_end)
    own_index = view.word_index_at(figure_start)
    only, excluded = _respectively(paragraph_text, s_start, s_end, figure_start, listed or [])
    terms: dict[str, float] = {}
    labels: dict[str, str] = {}
    clause_places: set[str] = set()
    before_places: dict[str, int] = {}
    previous_places: set[str] = set()
    previous = view.near(p_start, s_start, own_index - PREVIOUS_CONTEXT_WORDS, own_index, s_start)
    own = view.near(s_start, s_end, own_index - WINDOW_WORDS, own_index + WINDOW_WORDS, figure_end)
    places = glossary.places
    # near() gives the sentence before's words (start in [p_start, s_start)), then the
    # figure's own sentence's (start in [s_start, s_end)): two loops, no range tests.
    for term, label, _start, _end, _index in previous:
        if term in places:
            previous_places.add(term)
        if PREVIOUS_SENTENCE_WEIGHT > terms.get(term, 0.0):
            terms[term] = PREVIOUS_SENTENCE_WEIGHT
        labels.setdefault(term, label)
    only_start, only_end = only if only else (-1, -1)
    for term, label, start, end, index in own:
        inside_figure = figure_start <= start and end <= figure_end
        if inside_figure and not is_count:
            continue  # a unit's own words ("micrograms per cubic meter") are not the subject
        if excluded and any(start < b and a < end for a, b in excluded):
            continue
        distance = abs(index - own_index)
        in_clause = c_start <= start < c_end
        if inside_figure:
            weight = 1.0
        elif distance > WINDOW_WORDS:
            continue
        elif only_start <= start < only_end:
            weight = 1.0
        else:
            weight = (_IN_CLAUSE if in_clause else _OUTSIDE_CLAUSE)[distance]
        if term in places:
            if in_clause or only_start <= start < only_end:
                clause_places.add(term)
            elif start < figure_start:
                before_places[term] = distance
        if weight > terms.get(term, 0.0):
            terms[term] = weight
        labels.setdefault(term, label)
    return Subject(terms, labels, _focus(clause_places, before_places, previous_places))


# A word's weight by its distance in words from the figure (see figure_subject).
_IN_CLAUSE = tuple(max(MIN_WEIGHT, 1.0 / (1.0 + d / DECAY_WORDS)) for d in range(WINDOW_WORDS + 1))
_OUTSIDE_CLAUSE = tuple(w * OUTSIDE_CLAUSE for w in _IN_CLAUSE)


def clause_bounds(text: str, s_start: int, s_end: int, figure_start: int, figure_end: int) -> tuple[int, int]:
    """The clause (between commas, semicolons or colons) holding the figure, within its sentence.

    Only :data:`CLAUSE_LOOKAROUND` characters either side are searched: a clause longer
    than that (a run-on text with no punctuation) ends there.
    """
    low = max(s_start, figure_start - CLAUSE_LOOKAROUND)
    high = min(s_end, figure_end + CLAUSE_LOOKAROUND)
    start = low
    for match in _CLAUSE_BREAK.finditer(text, low, figure_start):
        start = match.end()
    found = _CLAUSE_BREAK.search(text, figure_end, high)
    return start, found.start() if found else high


def _focus(clause: set[str], before: dict[str, int], previous: set[str]) -> frozenset[str]:
    """The places the figure is about: named in its clause; else the nearest named before it
    in the sentence; else those of the sentence before."""
    if clause:
        return frozenset(clause)
    if before:
        nearest = min(before.values())
        return frozenset(p for p, d in before.items() if d <= nearest + 3)
    return frozenset(previous)


def _respectively(
    text: str, s_start: int, s_end: int, figure_start: int, listed: list[tuple[int, int]]
) -> tuple[tuple[int, int] | None, list[tuple[int, int]]]:
    """For "A, B and C … x, y and z respectively": (span of this figure's name, spans of the others).

    Looks :data:`CLAUSE_LOOKAROUND` characters either side of the figure (within its sentence).
    """
    s_start = max(s_start, figure_start - CLAUSE_LOOKAROUND)
    s_end = min(s_end, figure_start + CLAUSE_LOOKAROUND)
    sentence = text[s_start:s_end]
    if "respectively" not in sentence:
        return None, []
    first = bisect.bisect_left(listed, (s_start, -1))
    last = bisect.bisect_left(listed, (s_end, -1))
    group = sorted(set(listed[first:last]))
    group = _consecutive_run(text, group, figure_start)
    if len(group) < 2:
        return None, []
    position = [a for a, _ in group].index(figure_start)
    for match in _NAME_LIST.finditer(sentence):
        names = _names(match, s_start)
        if len(names) == len(group) and match.start() + s_start < figure_start:
            return names[position], [span for i, span in enumerate(names) if i != position]
    return None, []


def _consecutive_run(text: str, group: list[tuple[int, int]], figure_start: int) -> list[tuple[int, int]]:
    """The figures listed together with the one at ``figure_start`` ("32, 41, and 38.6 …")."""
    runs: list[list[tuple[int, int]]] = []
    for span in group:
        if runs:
            gap = text[runs[-1][-1][1] : span[0]]
            if _LIST_GAP.fullmatch(gap):
                runs[-1].append(span)
                continue
        runs.append([span])
    for run in runs:
        if any(a == figure_start for a, _ in run):
            return run
    return []


def _names(match: re.Match[str], base: int) -> list[tuple[int, int]]:
    spans = [(match.start(1) + base, match.end(1) + base)]
    middle = match.group(2)
    at = match.start(2)
    for name in re.finditer(_NAME, middle):
        spans.append((at + name.start() + base, at + name.end() + base))
    spans.append((match.start(3) + base, match.end(3) + base))
    return spans
