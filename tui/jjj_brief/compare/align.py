"""Automatic alignment: from one figure, the figures in other articles that report the same quantity.

The index (:class:`FigureIndex`) is built once per corpus + glossary fingerprint and kept
in memory. For every comparable figure (not dates, years or labels) it stores the unit
*family* (yuan, %, km, ug/m3, a duration, a count…), the value normalised within that
family, the as-of year, and the subject terms (:mod:`jjj_brief.compare.subject`). Two
inverted lists serve a query:

* ``(family, term) -> [(entry, weight)]`` — figures of a compatible unit that share a
  subject term;
* ``(family, value bucket) -> [entry]`` — figures of a compatible unit whose value is
  close, or 10/100/1000 times off (a lost decimal point).

A query touches only the postings of its own terms in its own unit family, never every
figure, and scores exactly only the :data:`PRESELECT` candidates with the most term
overlap (plus value neighbours); only the returned ones get a reason string.

Scaling to 10,000 articles (~700,000 quantities at this corpus's density): a query's cost is
the length of its terms' postings within one unit family; terms are IDF-weighted and the
very common ones (in more than :data:`MAX_DF_SHARE` of a family's figures, e.g.
"Beijing") are not walked — they still count in the exact score of candidates found
through rarer terms — and exact scoring is capped, so latency grows with the postings
walked, not with the corpus (``bench/bench_compare.py``: the corpus copied 40 times gives
every figure 40 look-alikes and still answers in tens of milliseconds). Building is one
linear pass (about 12 ms per article here, a few minutes for 10,000): at that size the
entries would be persisted in the cache dir keyed by the same fingerprint and updated per
imported article — an entry depends only on its article and the glossary; only the IDF
table is global and cheap to recompute. A document of :data:`PERSIST_MIN_CHARS` or more
has its entries kept in the cache dir (``align/``), keyed by its text, its figures, the
glossary and this code: a one-shot ``jjj-brief related`` then reads them instead of
re-analysing a megabyte of text (:class:`EntryCache`).

Scoring (each part in 0..1; see :func:`score_pair`): subject overlap (cosine of IDF-weighted
term weights) dominates; then unit agreement (a count's counted noun), value relation
(equal, rounding, lost decimal, close, different) and as-of compatibility. Focus places
that differ (Beijing's PM2.5 vs Tianjin's) or explicitly printed years that differ make a
pair *related* but never the *same fact*; same-fact candidates are ranked first.
"""

from __future__ import annotations

import bisect
import math
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

from jjj_brief.compare.align_reason import pair_reason
from jjj_brief.compare.entries import (
    CACHE_FOLDER,
    NOT_ALIGNED_KINDS,
    PERSIST_MIN_CHARS,
    Entry,
    EntryCache,
    as_of_year,
    family_value,
    unit_family,
)
from jjj_brief.compare.subject import (
    CLAUSE_LOOKAROUND,
    PROVINCES,
    REGION,
    Glossary,
    ParagraphWords,
    figure_subject,
    sentence_bounds,
)
from jjj_brief.compare.values import Relation, relate, significant_digits
from jjj_brief.corpus import Article, Corpus, Paragraph

if TYPE_CHECKING:
    from jjj_brief.figures import Figure

__all__ = ["CACHE_FOLDER", "NOT_ALIGNED_KINDS", "PERSIST_MIN_CHARS", "Entry", "EntryCache", "FigureIndex"]

MAX_DF_SHARE = 0.5  # terms in more than half of a family's figures are not expanded
BUCKETS_PER_DECADE = 20
PRESELECT = 150  # candidates scored exactly, by term overlap
MAX_VALUE_NEIGHBOURS = 200
SAME_FACT_SUBJECT = 0.35
DISTINCTIVE_SUBJECT = 0.05

# Counted nouns the translations use for the same thing.
NOUN_FAMILIES = [
    {"company", "enterprise", "firm", "business"},
    {"institution", "subsidiary", "branch office", "unit", "agency", "organization", "organisation"},
    {"staff", "cadre", "worker", "employee", "personnel", "person", "people"},
    {"project", "program"},
    {"school", "university", "college"},
    {"hospital", "medical institution", "institution"},
    {"expert", "technician", "academician"},
]

# A paragraph longer than WINDOW_CHARS (a text with no paragraph breaks) is analysed in
# windows: the figures starting in each WINDOW_CHARS stretch, with WINDOW_MARGIN characters
# of context either side (far more than a figure's subject ever reads).
WINDOW_CHARS = 50_000
WINDOW_MARGIN = 2_500
REPEAT_CONTEXT = 300

WEIGHTS = {"subject": 0.5, "unit": 0.15, "value": 0.25, "date": 0.10}


@dataclass
class PairScore:
    score: float
    same_fact: bool
    reason: str
    parts: dict[str, float] = field(default_factory=dict)


SHORT_SENTENCE = 80  # characters: a heading-like fragment that dates what follows
_LAST_YEAR = re.compile(r"\b(?:last|previous|past)\s+year\b", re.IGNORECASE)
_A_YEAR = re.compile(r"(?<![\d.,])((?:19|20)\d\d)(?![\d%])")


def nearby_year(
    paragraph: str,
    s_start: int,
    s_end: int,
    published: int | None,
    analysed: ParagraphWords | None = None,
    figure: tuple[int, int] | None = None,
) -> int | None:
    """For a figure with no as-of: "last year" in its sentence (the year before publication),
    else the one year printed in the sentence before ("2023 Hebei Province PM25. The
    average concentration dropped to 386…"). Given the ``figure``'s span, only
    :data:`CLAUSE_LOOKAROUND` characters either side of it are searched."""
    low, high = s_start, s_end
    if figure is not None:
        low, high = max(s_start, figure[0] - CLAUSE_LOOKAROUND), min(s_end, figure[1] + CLAUSE_LOOKAROUND)
    if published is not None and _LAST_YEAR.search(paragraph, low, high):
        return published - 1
    if s_start:
        p_start = (analysed.sentence_bounds(s_start - 1) if analysed else sentence_bounds(paragraph, s_start - 1))[0]
        if s_start - p_start > SHORT_SENTENCE:
            return None
        years = set(_A_YEAR.findall(paragraph, p_start, s_start))
        if len(years) == 1:
            return int(years.pop())
    return None


def nouns_relation(a: str | None, b: str | None) -> float:
    """1 for the same counted noun, 0.8 for nouns of one family, 0.5 when one is unknown, else 0.3."""
    if a is None or b is None:
        return 0.5
    if a == b:
        return 1.0
    if any(a in group and b in group for group in NOUN_FAMILIES):
        return 0.8
    return 0.3


class FigureIndex:
    """Every comparable figure of a corpus, indexed by unit family, subject terms and value."""

    def __init__(
        self,
        corpus: Corpus,
        glossary: Glossary,
        figures_of: Callable[[Article], list[Figure]],
        cache_dir: Path | None = None,
    ) -> None:
        """``cache_dir``: where large documents' entries are kept (default: ``paths.cache_dir()``)."""
        started = time.perf_counter()
        self.glossary = glossary
        self.entries: list[Entry] = []
        self.by_figure: dict[tuple[str, int], Entry] = {}
        # The inverted lists of a unit family are made when a query first asks for that
        # family (``_family_lists``): a one-shot ``related`` walks one family, not all.
        self.postings: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
        self.buckets: dict[tuple[str, int], list[int]] = defaultdict(list)
        self.family_sizes: dict[str, int] = {}
        self._by_family: dict[str, list[Entry]] = defaultdict(list)
        self._listed: set[str] = set()
        self._lists_lock = threading.Lock()
        cache = EntryCache(glossary, cache_dir)
        for article in corpus:
            figures = figures_of(article)
            first = len(self.entries)
            kept = cache.load(first, article, figures)
            if kept is None:
                self._add_article(article, figures)
                cache.save(article, figures, self.entries[first:])
            else:
                for entry in kept:
                    self._append(entry)
        cache.prune(corpus)
        self._weigh()
        self.build_seconds = time.perf_counter() - started

    # ------------------------------------------------------------------ build
    def _add_article(self, article: Article, figures: list[Figure]) -> None:
        """Index an article's figures: one pass over its paragraphs, each analysed once
        (a huge paragraph in windows of :data:`WINDOW_CHARS`), so building costs time and
        memory in proportion to the text, whatever its shape."""
        publication_year = article.year
        seen: set[int] = set()
        starts = [f.start for f in figures]
        for paragraph in article.paragraphs:
            first = bisect.bisect_left(starts, paragraph.start)
            last = bisect.bisect_left(starts, paragraph.end)
            inside = [f for f in figures[first:last] if f.end <= paragraph.end]
            for base, text, members in _windows(paragraph, inside):
                self._add_window(article, publication_year, base, text, members, seen)

    def _add_window(
        self, article: Article, publication_year: int | None, base: int, text: str, inside: list[Figure], seen: set[int]
    ) -> None:
        """Index the figures ``inside`` a paragraph (or window) ``text`` starting at ``base``."""
        families = {id(f): unit_family(f) for f in inside}
        listed: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for f in inside:
            family = families[id(f)]
            if family is not None:
                listed[family].append((f.start - base, f.end - base))
        analysed = ParagraphWords(text, self.glossary) if listed else None
        for figure in inside:
            family = families[id(figure)]
            if family is None or analysed is None:
                continue
            start, end = figure.start - base, figure.end - base
            subject = figure_subject(
                text,
                start,
                end,
                self.glossary,
                is_count=figure.kind == "count",
                listed=listed[family],
                analysed=analysed,
            )
            printed = as_of_year(figure.as_of)
            s_start, s_end = analysed.sentence_bounds(start)
            inferred = nearby_year(text, s_start, s_end, publication_year, analysed, (start, end))
            # A sentence printed again verbatim (a repeated paragraph): its figures are
            # indexed once. Keyed by a hash of the words near the figure, not a copy.
            near = text[max(s_start, start - REPEAT_CONTEXT) : min(s_end, end + REPEAT_CONTEXT)]
            repeat_key = hash((figure.text, start - max(s_start, start - REPEAT_CONTEXT), " ".join(near.split())))
            first_time = repeat_key not in seen
            seen.add(repeat_key)
            entry = Entry(
                id=len(self.entries),
                article=article,
                figure=figure,
                family=family,
                value=family_value(figure),
                year=printed if printed is not None else inferred if inferred is not None else publication_year,
                year_printed=printed is not None,
                subject=subject,
                indexed=first_time,
            )
            self._append(entry)

    def _append(self, entry: Entry) -> None:
        self.entries.append(entry)
        self.by_figure[(entry.article.id, entry.figure.start)] = entry

    def _weigh(self) -> None:
        indexed = [e for e in self.entries if e.indexed]
        df = Counter(chain.from_iterable(entry.subject.terms for entry in indexed))
        total = max(1, len(indexed))
        self.idf = {term: math.log(1.0 + total / count) for term, count in df.items()}
        self.df = df
        for entry in indexed:
            self._by_family[entry.family].append(entry)
        self.family_sizes = {family: len(members) for family, members in self._by_family.items()}

    def _family_lists(self, family: str) -> None:
        """Fill the term postings and value buckets of one unit family (once)."""
        with self._lists_lock:
            if family in self._listed:
                return
            postings, buckets = self.postings, self.buckets
            for entry in self._by_family.get(family, ()):
                for term, weight in entry.subject.terms.items():
                    postings[(family, term)].append((entry.id, weight))
                buckets[(family, _bucket(entry.value))].append(entry.id)
            self._listed.add(family)

    def norm(self, entry: Entry) -> float:
        """The length of an entry's IDF-weighted term vector (only candidates ever need it)."""
        if not entry.norm:
            idf = self.idf
            entry.norm = math.sqrt(sum((w * idf.get(t, 1.0)) ** 2 for t, w in entry.subject.terms.items())) or 1.0
        return entry.norm

    # ------------------------------------------------------------------ query
    def entry_for(self, article_id: str, figure: Figure) -> Entry | None:
        return self.by_figure.get((article_id, figure.start))

    def candidates(self, query: Entry) -> dict[int, float]:
        """Entries of the query's unit family in other articles that share a term or a value,
        each with its accumulated term overlap (the postings of very common terms are not
        walked: they add to the exact score later, not to the search for candidates)."""
        self._family_lists(query.family)
        found: dict[int, float] = defaultdict(float)
        common = MAX_DF_SHARE * max(1, self.family_sizes.get(query.family, 0))
        for term, weight in query.subject.terms.items():
            posting = self.postings.get((query.family, term), ())
            if len(posting) > common and len(posting) > 20:
                continue
            idf = self.idf.get(term, 1.0)
            boost = weight * idf * idf
            for entry_id, other in posting:
                found[entry_id] += boost * other
        for entry_id in self._value_neighbours(query):
            found.setdefault(entry_id, 0.0)
        return {i: v for i, v in found.items() if self.entries[i].article.id != query.article.id}

    def _value_neighbours(self, query: Entry) -> list[int]:
        """Figures whose value is within a bucket of the query's, or 10/100/1000 times off."""
        if query.value <= 0:
            return []
        self._family_lists(query.family)
        centre = _bucket(query.value)
        out: list[int] = []
        for shift in (0, BUCKETS_PER_DECADE, 2 * BUCKETS_PER_DECADE, 3 * BUCKETS_PER_DECADE):
            for sign in (1, -1) if shift else (1,):
                for near in (-1, 0, 1):
                    out.extend(self.buckets.get((query.family, centre + sign * shift + near), ()))
        return out[:MAX_VALUE_NEIGHBOURS]

    def rank(self, query: Entry, limit: int = 10) -> list[tuple[Entry, PairScore]]:
        """The best ``limit`` candidates: same-fact ones first, each group by score.

        Only the :data:`PRESELECT` candidates with the most term overlap (plus the value
        neighbours) are scored exactly, and only the returned ones get a reason.
        """
        found = self.candidates(query)
        by_overlap = sorted(found, key=lambda i: found[i] / self.norm(self.entries[i]), reverse=True)
        chosen = set(by_overlap[:PRESELECT]) | {i for i in found if found[i] == 0.0}
        scored = [(self.entries[i], self.score_pair(query, self.entries[i], explain=False)) for i in chosen]
        scored = [(e, s) for e, s in scored if s.parts["subject"] > 0 or s.parts["value"] >= 0.75]
        scored.sort(key=lambda pair: (pair[1].same_fact, pair[1].score, -pair[0].id), reverse=True)
        best: list[Entry] = []
        mentioned: set[tuple[str, float]] = set()
        for entry, _ in scored:
            # An article that prints the same number again ("ten years" five times) is
            # shown once, at its best-matching mention.
            key = (entry.article.id, entry.value)
            if key not in mentioned:
                mentioned.add(key)
                best.append(entry)
            if len(best) >= limit:
                break
        return [(entry, self.score_pair(query, entry)) for entry in best]

    def subject_similarity(self, a: Entry, b: Entry, labels: bool = True) -> tuple[float, list[str]]:
        """Cosine of the IDF-weighted subject terms, and the shared terms as printed (best first)."""
        shared = []
        dot = 0.0
        for term, weight in a.subject.terms.items():
            other = b.subject.terms.get(term)
            if other:
                idf = self.idf.get(term, 1.0)
                dot += weight * other * idf * idf
                shared.append((weight * other * idf * idf, term))
        if not labels:
            return dot / (self.norm(a) * self.norm(b)), []
        shared.sort(reverse=True)
        names: list[str] = []
        seen: set[str] = set()
        for _, term in shared:
            label = b.subject.labels.get(term) or a.subject.labels.get(term) or term
            if label.casefold() not in seen:
                seen.add(label.casefold())
                names.append(label)
        return dot / (self.norm(a) * self.norm(b)), names

    def score_pair(self, query: Entry, other: Entry, explain: bool = True) -> PairScore:
        subject, shared = self.subject_similarity(query, other, labels=explain)
        qf, of = query.figure, other.figure
        relation = relate(query.value, other.value, qf.qualifier, of.qualifier)
        unit = nouns_relation(qf.unit, of.unit) if query.family == "count" else 1.0
        value = _value_score(relation)
        date = _date_score(query.year, other.year)
        place_conflict = places_conflict(query.subject.places, other.subject.places)
        years_differ = query.year_printed and other.year_printed and query.year != other.year
        parts = {"subject": subject, "unit": unit, "value": value, "date": date}
        score = sum(WEIGHTS[k] * v for k, v in parts.items())
        if place_conflict:
            score *= 0.6
        # The very same uncommon number in the same physical unit ("216,000 square
        # kilometers", three significant digits or more) is the same figure even when the
        # words around it differ ("an area of" / "of land"); a count still needs a shared word.
        distinctive = relation.kind == "equal" and significant_digits(query.figure.value) >= 3
        needed = SAME_FACT_SUBJECT
        if distinctive:
            needed = DISTINCTIVE_SUBJECT if query.family == "count" else 0.0
        same_fact = (
            subject >= needed
            and unit >= 0.8
            and not place_conflict
            and not years_differ
            and relation.kind in ("equal", "rounding", "hedge", "decimal", "close")
        )
        reason = pair_reason(query, other, relation, shared, place_conflict, years_differ) if explain else ""
        return PairScore(round(score, 4), same_fact, reason, parts)


def places_conflict(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two figures are about different places.

    Places are compared level by level: provinces with provinces, smaller places with
    smaller places — a province and a place inside it (Hebei, Xiong'an) do not conflict.
    The whole region conflicts with a single province singled out ("regional PM2.5 fell
    nearly 60%" vs Beijing's 62.7%).
    """
    ap, bp = a & PROVINCES, b & PROVINCES
    if ap and bp and not ap & bp:
        return True
    ao, bo = a - PROVINCES - REGION, b - PROVINCES - REGION
    if ao and bo and not ao & bo:
        return True
    for x, xp, y, yp in ((a, ap, b, bp), (b, bp, a, ap)):
        if x & REGION and not xp and len(yp) == 1 and not y & REGION:
            return True
    return False


def _windows(paragraph: Paragraph, inside: list[Figure]) -> Iterator[tuple[int, str, list[Figure]]]:
    """(offset of the text, the text, its figures) for a paragraph: itself when it is not
    longer than :data:`WINDOW_CHARS`, else overlapping windows around stretches of it."""
    size = len(paragraph.text)
    if size <= WINDOW_CHARS + 2 * WINDOW_MARGIN:
        yield paragraph.start, paragraph.text, inside
        return
    starts = [f.start - paragraph.start for f in inside]
    for core in range(0, size, WINDOW_CHARS):
        first = bisect.bisect_left(starts, core)
        last = bisect.bisect_left(starts, core + WINDOW_CHARS)
        if first == last:
            continue
        low = max(0, core - WINDOW_MARGIN)
        high = min(size, max(core + WINDOW_CHARS, inside[last - 1].end - paragraph.start) + WINDOW_MARGIN)
        yield paragraph.start + low, paragraph.text[low:high], inside[first:last]


def _bucket(value: float) -> int:
    return math.floor(math.log10(value) * BUCKETS_PER_DECADE) if value > 0 else -(10**6)


def _value_score(relation: Relation) -> float:
    if relation.kind == "close":  # 0.6 when nearly equal, falling to 0.2 at twice as much
        return 0.6 - 0.4 * (relation.ratio - 1.0)
    return {"equal": 1.0, "rounding": 0.85, "hedge": 0.7, "decimal": 0.75}.get(
        relation.kind, 0.1 if relation.ratio < 10 else 0.0
    )


def _date_score(a: int | None, b: int | None) -> float:
    if a is None or b is None:
        return 0.6
    gap = abs(a - b)
    return 1.0 if gap == 0 else 0.7 if gap == 1 else 0.3
