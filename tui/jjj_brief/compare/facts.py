"""Curated facts side by side: each claim in its context, the spread, and a computed assessment.

The computed assessment is made from the claims' values, qualifiers and as-of dates (and
the figure layer's suspect flags) alone, without reading the curated verdict:

``same value``       every claim prints the same number;
``likely transcription error (x10)``  two claims are 10/100/1000 times apart with the same
                     digits, or a claim's figure is flagged suspect and its likely value
                     agrees with the others (a lost decimal point, a split figure);
``conflict``         two claims for the same date differ beyond rounding and hedges;
``different dates``  the claims differ, and every pair that differs beyond rounding has
                     different as-of dates (a claim with no as-of is dated by its
                     article); a pair within rounding whose printed as-of dates differ
                     counts as different dates too ("more than 9,500" in 2023-02 and
                     "more than 10,000" in 2024-02: the count grew);
``within rounding``  the claims differ only as far as rounding or their hedges allow
                     ("more than 100 km" and "about 105 km");
``different scopes`` fewer than two claims count the same whole: the others count a
                     part (``part:`` "Hebei only"), which is shown but never compared —
                     295 Hebei institutions are not a decline from 313 region-wide.

A suspect figure whose likely value agrees with another claim is a transcription error;
one whose likely value still differs is compared at that likely value (Liaowang's "21 in
20234%" is read 21.4 against Xinhua's 20.6 of a year earlier: different dates).

A category, date or status fact (``kind`` not ``number``) is compared by its readings
(``reads_as``, else the words; a date by the date the figure layer reads in them): one
reading is ``same value``; readings that change between dates are ``different dates``;
otherwise ``conflict``. Its spread lists the readings.

When that assessment and the curated verdict disagree, :attr:`Comparison.disagreement`
says so: either a curation error, or a subtlety the numbers cannot show (a different
scope, a garbled figure the figure layer did not flag).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any, cast

from jjj_brief import formatting
from jjj_brief.briefings import Claim, Fact, locate_quote
from jjj_brief.compare import state
from jjj_brief.compare.values import agree_when_rounded, decimal_power, hedged_agreement
from jjj_brief.corpus import Article, UserError
from jjj_brief.safety import one_line

if TYPE_CHECKING:
    from jjj_brief.figures import Figure
    from jjj_brief.library import Library

ASSESSMENT_LABELS = {
    "same-value": "same value",
    "rounding": "within rounding",
    "different-dates": "different dates",
    "transcription-error": "likely transcription error",
    "conflict": "conflict",
    "different-scopes": "different scopes",
}
# The curated verdict each computed assessment corresponds to.
MATCHING_VERDICT = {
    "same-value": "consistent",
    "rounding": "rounding",
    "different-dates": "different-date-or-scope",
    "transcription-error": "transcription-error",
    "conflict": "conflict",
    "different-scopes": "different-date-or-scope",
}


@dataclass
class Context:
    """The paragraph around a quote; all offsets are into the article text."""

    start: int
    end: int
    text: str
    quote_start: int
    quote_end: int
    figure_start: int | None
    figure_end: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "quote": [self.quote_start - self.start, self.quote_end - self.start],
            "figure": None
            if self.figure_start is None
            else [self.figure_start - self.start, self.figure_end - self.start],  # type: ignore[operator]
        }


@dataclass
class ClaimView:
    """One source's claim, resolved against its article."""

    article: str
    file: str | None
    outlet: str
    date: str
    title: str
    quote: str
    start: int | None
    end: int | None
    figure: Any | None  # jjj_brief.figures.Figure inside the quote that carries the value (or WordsSpan)
    context: Context | None
    value: float | str
    unit: str | None
    qualifier: str | None
    as_of: str | None
    note: str | None = None
    part: str | None = None  # counts only part of what the others count: not compared
    reading: str | None = None  # a non-numeric value's reading (reads_as, the words, or an ISO date)

    @property
    def number(self) -> float:
        """The value of a number fact's claim (the schema makes it a number there)."""
        return cast(float, self.value)

    def to_dict(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "file": self.file,
            "outlet": self.outlet,
            "date": self.date,
            "title": self.title,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "figure": self.figure.to_dict() if self.figure is not None else None,
            "context": self.context.to_dict() if self.context else None,
            "value": self.value,
            "unit": self.unit,
            "qualifier": self.qualifier,
            "as_of": self.as_of,
            "note": self.note,
            "part": self.part,
            "reading": self.reading,
        }

    @property
    def is_number(self) -> bool:
        return isinstance(self.value, (int, float)) and not isinstance(self.value, bool)


@dataclass(frozen=True)
class WordsSpan:
    """Where a category, date or status value is printed: highlighted like a figure."""

    start: int
    end: int
    text: str
    value: None = None
    suspect: None = None

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "kind": "words"}


@dataclass
class ReadingSpread:
    """A non-numeric fact's spread: the distinct readings, in claim order."""

    readings: list[str]

    @property
    def label(self) -> str:
        if len(self.readings) == 1:
            return f"{self.readings[0]} (all claims)"
        return " / ".join(self.readings) + f" ({len(self.readings)} readings)"

    def __str__(self) -> str:
        return self.label

    def to_dict(self) -> dict[str, Any]:
        return {"readings": list(self.readings), "label": self.label}


@dataclass
class Spread:
    min: float
    max: float
    relative: float  # (max - min) / max
    parts: int = 0  # claims that count a part: left out of the spread

    @property
    def label(self) -> str:
        left_out = f"; {self.parts} part{'s' if self.parts > 1 else ''} not compared" if self.parts else ""
        if self.min == self.max:
            return f"{formatting.number(self.min)} ({'all claims' if not self.parts else 'the whole'}{left_out})"
        return f"{formatting.number(self.min)} – {formatting.number(self.max)} ({self.relative:.1%} relative difference{left_out})"

    def __str__(self) -> str:
        return self.label

    def to_dict(self) -> dict[str, Any]:
        return {"min": self.min, "max": self.max, "relative": round(self.relative, 6), "label": self.label}


@dataclass
class Assessment:
    code: str  # a key of ASSESSMENT_LABELS
    label: str
    detail: str

    def __str__(self) -> str:
        return self.label

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "label": self.label, "detail": self.detail}


@dataclass
class Comparison:
    fact: Fact
    claims: list[ClaimView]
    spread: Spread | ReadingSpread
    assessment: Assessment
    verdict: str
    disagreement: str | None = None
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.fact.id,
            "topic": self.fact.topic,
            "subject": self.fact.subject,
            "verdict": self.verdict,
            "explanation": self.fact.explanation,
            "assessment": self.assessment.to_dict(),
            "disagreement": self.disagreement,
            "spread": self.spread.to_dict(),
            "claims": [claim.to_dict() for claim in self.claims],
            "problems": list(self.problems),
        }


# ----------------------------------------------------------------------- claims


def claim_figure(
    article: Article, claim: Claim, span: tuple[int, int], library: Library | None = None
) -> Figure | WordsSpan | None:
    """The figure inside the quote that carries the claim's value (same unit preferred);
    for words, where they are printed inside the quote."""
    from jjj_brief.figures import normalize_unit

    if not claim.is_number:
        at = claim.quote.find(str(claim.value))
        if at < 0:
            return None
        start = span[0] + at
        return WordsSpan(start, start + len(str(claim.value)), str(claim.value))

    inside = [
        f
        for f in state.figures_of(article, library)
        if span[0] <= f.start
        and f.end <= span[1]
        and f.value is not None
        and math.isclose(f.value, cast(float, claim.value), rel_tol=1e-9, abs_tol=1e-9)
    ]
    wanted = normalize_unit(claim.unit or "")
    same_unit = [f for f in inside if f.unit is not None and normalize_unit(f.unit) == wanted]
    best = same_unit or inside
    return best[0] if best else None


def claim_view(claim: Claim, library: Library | None = None) -> ClaimView:
    article = state.corpus(library).find(claim.article)
    if article is None:
        return ClaimView(
            claim.article,
            None,
            claim.article,
            "",
            "",
            claim.quote,
            None,
            None,
            None,
            None,
            claim.value,
            claim.unit,
            claim.qualifier,
            claim.as_of,
            f"article {claim.article!r} is not in the corpus",
            claim.part,
            _reading(claim, None),
        )
    span = locate_quote(article, claim.quote)
    figure = context = None
    note = claim.note
    if span is None:
        note = "quote not found verbatim in the article"
    else:
        figure = claim_figure(article, claim, span, library)
        paragraph = article.paragraph_at(span[0])
        lo, hi = (paragraph.start, max(paragraph.end, span[1])) if paragraph else span
        context = Context(
            lo,
            hi,
            article.text[lo:hi],
            span[0],
            span[1],
            figure.start if figure else None,
            figure.end if figure else None,
        )
    return ClaimView(
        claim.article,
        article.file,
        article.outlet,
        article.date,
        article.title,
        claim.quote,
        span[0] if span else None,
        span[1] if span else None,
        figure,
        context,
        claim.value,
        claim.unit,
        claim.qualifier,
        claim.as_of,
        note,
        claim.part,
        _reading(claim, article),
    )


def _reading(claim: Claim, article: Article | None) -> str | None:
    """What a non-numeric claim says, for comparison (``None`` for a number)."""
    if claim.is_number:
        return None
    if claim.reads_as is None and article is not None:
        from jjj_brief.briefings.check import claim_date_reading

        date = claim_date_reading(claim, article)
        if date is not None and _looks_like_date(str(claim.value)):
            return date
    return claim.reading


def _looks_like_date(words: str) -> bool:
    from jjj_brief.figures import extract_figures

    return any(f.kind in ("date", "year") for f in extract_figures(words))


def _order_key(view: ClaimView) -> tuple[str, str]:
    as_of = (view.as_of or view.date or "").split("/")[-1]
    return (as_of, view.date)


# ------------------------------------------------------------------- assessment


def _date_of(view: ClaimView) -> str:
    return (view.as_of or view.date or "").split("/")[-1]


def _dates_differ(a: ClaimView, b: ClaimView) -> bool:
    """Different as-of dates, compared at the precision both give ("2024" = "2024-02")."""
    da, db = _date_of(a), _date_of(b)
    if (a.as_of or "").count("/") or (b.as_of or "").count("/"):
        if (a.as_of or a.date) != (b.as_of or b.date):
            return True  # different spans ("2013/2022" vs "2014/2023")
    common = min(len(da), len(db))
    return bool(common) and da[:common] != db[:common]


def _agree(a: ClaimView, av: float, b: ClaimView, bv: float) -> bool:
    return (
        math.isclose(av, bv, rel_tol=1e-9)
        or agree_when_rounded(av, bv, a.qualifier, b.qualifier)
        or hedged_agreement(av, a.qualifier, bv, b.qualifier)
    )


def _likely(view: ClaimView) -> float | None:
    suspect = getattr(view.figure, "suspect", None)
    return getattr(suspect, "likely", None) if suspect else None


def assess(views: list[ClaimView]) -> Assessment:
    values = [v.number for v in views]
    if all(math.isclose(x, values[0], rel_tol=1e-9, abs_tol=1e-9) for x in values):
        return Assessment(
            "same-value", ASSESSMENT_LABELS["same-value"], f"every source prints {formatting.number(values[0])}"
        )
    for a, b in combinations(views, 2):
        power = decimal_power(abs(a.number), abs(b.number))
        if power:
            low, high = sorted((a, b), key=lambda v: v.number)
            return Assessment(
                "transcription-error",
                f"likely transcription error (x{10**power:g})",
                f"{high.outlet} prints {formatting.number(high.number)}, {10**power:g} times {low.outlet}'s "
                f"{formatting.number(low.number)}: a lost decimal point",
            )
    repaired: dict[int, float] = {}
    for view in views:
        likely = _likely(view)
        if likely is None:
            continue
        others = [o for o in views if o is not view]
        if any(_agree(view, likely, o, o.number) for o in others):
            assert view.figure is not None  # a likely value comes from the figure's suspect flag
            reason = view.figure.suspect.reason.split(":")[0]
            return Assessment(
                "transcription-error",
                f"likely transcription error ({reason})",
                f"the figure layer flags {view.outlet}'s {view.figure.text!r} ({reason}); "
                f"likely {formatting.number(likely)}",
            )
        repaired[id(view)] = likely  # still differs once repaired: compare the repaired value

    def value(view: ClaimView) -> float:
        return repaired.get(id(view), view.number)

    conflicts, by_date = [], []
    for a, b in combinations(views, 2):
        if math.isclose(value(a), value(b), rel_tol=1e-9):
            continue
        if _agree(a, value(a), b, value(b)):
            # rounding explains it — unless both sources date their figures differently
            if a.as_of and b.as_of and _dates_differ(a, b):
                by_date.append((a, b))
        elif _dates_differ(a, b):
            by_date.append((a, b))
        else:
            conflicts.append((a, b))
    if conflicts:
        a, b = conflicts[0]
        return Assessment(
            "conflict",
            ASSESSMENT_LABELS["conflict"],
            f"{a.outlet} {formatting.number(value(a))} vs {b.outlet} {formatting.number(value(b))}, "
            f"{'both as of' if a.as_of and b.as_of else 'no as-of printed; both published in'} "
            f"{_date_of(a) if len(_date_of(a)) <= len(_date_of(b)) else _date_of(b)}",
        )
    if by_date:
        a, b = by_date[0]
        return Assessment(
            "different-dates",
            ASSESSMENT_LABELS["different-dates"],
            f"the values differ between dates ({formatting.number(value(a))} as of {_date_of(a)}, "
            f"{formatting.number(value(b))} as of {_date_of(b)})"
            + (" once the flagged figure is read at its likely value" if repaired else ""),
        )
    return Assessment(
        "rounding", ASSESSMENT_LABELS["rounding"], "the values differ only as rounding or their hedges allow"
    )


def assess_readings(views: list[ClaimView]) -> Assessment:
    """A category, date or status: same reading, readings that change between dates, or
    a conflict."""

    def same(a: ClaimView, b: ClaimView) -> bool:
        ra, rb = a.reading or "", b.reading or ""
        return ra.casefold() == rb.casefold() or (
            _ISO.fullmatch(ra) is not None
            and _ISO.fullmatch(rb) is not None
            and (ra.startswith(rb) or rb.startswith(ra))
        )

    if all(same(v, views[0]) for v in views):
        return Assessment("same-value", ASSESSMENT_LABELS["same-value"], f"every source says {views[0].reading}")
    differing = [(a, b) for a, b in combinations(views, 2) if not same(a, b)]
    if all(_dates_differ(a, b) for a, b in differing):
        a, b = differing[0]
        return Assessment(
            "different-dates",
            ASSESSMENT_LABELS["different-dates"],
            f"the readings change between dates ({a.reading} as of {_date_of(a)}, {b.reading} as of {_date_of(b)})",
        )
    a, b = next((a, b) for a, b in differing if not _dates_differ(a, b))
    return Assessment(
        "conflict",
        ASSESSMENT_LABELS["conflict"],
        f"{a.outlet} says {a.reading}, {b.outlet} {b.reading}, for the same date",
    )


def _scopes(views: list[ClaimView]) -> Assessment:
    parts = ", ".join(f"{v.outlet}: {v.part}" for v in views if v.part)
    return Assessment(
        "different-scopes",
        ASSESSMENT_LABELS["different-scopes"],
        f"fewer than two claims count the same whole; the others count a part ({parts})",
    )


_ISO = __import__("re").compile(r"\d{4}(?:-\d\d(?:-\d\d)?)?")


def _disagreement(assessment: Assessment, verdict: str) -> str | None:
    expected = MATCHING_VERDICT[assessment.code]
    if expected == verdict:
        return None
    hint = {
        ("conflict", "different-date-or-scope"): "the numbers differ for the same date; the curator reads a "
        "different scope, which the numbers alone cannot show",
        ("different-dates", "transcription-error"): "the numbers differ between dates; the curator reads a "
        "garbled figure the figure layer did not flag",
        ("different-dates", "conflict"): "the numbers differ between dates; the curator still counts them "
        "as conflicting",
        ("rounding", "different-date-or-scope"): "the values agree within rounding; the curator reads a "
        "different date or scope",
    }.get((assessment.code, verdict), "check the claims' values, qualifiers and as-of dates")
    return f"computed '{assessment.label}' but curated '{verdict}': {hint}"


# ------------------------------------------------------------------------- API


def find_fact(fact_id: str, library: Library | None = None) -> Fact:
    briefings = state.briefings(library)
    fact = briefings.fact(fact_id.strip())
    if fact is None:
        known = ", ".join(f.id for f in briefings.facts[:8])
        more = "…" if len(briefings.facts) > 8 else ""
        raise UserError(f"unknown fact {one_line(fact_id, 60)!r}; facts include: {known}{more} (see jjj-brief facts)")
    return fact


def compare_fact(fact_id: str, library: Library | None = None) -> Comparison:
    """The curated fact ``fact_id`` compared across its sources. Raises UserError if unknown."""
    fact = find_fact(fact_id, library)
    views = sorted((claim_view(claim, library) for claim in fact.claims), key=_order_key)
    whole = [v for v in views if not v.part]
    spread: Spread | ReadingSpread
    if fact.kind != "number":
        readings: dict[str, str] = {}
        for v in whole or views:
            readings.setdefault((v.reading or "").casefold(), v.reading or "")
        spread = ReadingSpread(list(readings.values()))
        assessment = assess_readings(whole) if len(whole) >= 2 else _scopes(views)
    else:
        values = [v.number for v in (whole or views)]
        low, high = min(values), max(values)
        spread = Spread(low, high, (high - low) / abs(high) if high else 0.0, len(views) - len(whole))
        assessment = assess(whole) if len(whole) >= 2 else _scopes(views)
    problems = [f"{v.article}: {v.note}" for v in views if v.start is None and v.note]
    return Comparison(fact, views, spread, assessment, fact.verdict, _disagreement(assessment, fact.verdict), problems)


def fact_for_figure(article_id: str, start: int, end: int, library: Library | None = None) -> Fact | None:
    """The curated fact whose claim (in this article) quotes this figure, or ``None``.

    A claim's figure is the one carrying its value inside its quote; failing that, any
    quote of the article that contains ``[start, end)`` counts.
    """
    article = state.corpus(library).find(article_id)
    if article is None:
        return None
    fallback = None
    for fact in state.briefings(library).facts:
        for claim in fact.claims:
            if claim.article != article.id:
                continue
            span = locate_quote(article, claim.quote)
            if span is None or not (span[0] <= start and end <= span[1]):
                continue
            figure = claim_figure(article, claim, span, library)
            if figure is not None and figure.start < end and start < figure.end:
                return fact
            if figure is None and fallback is None:
                fallback = fact
    return fallback
