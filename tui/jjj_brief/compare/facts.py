"""Curated facts side by side: each claim in its context, the spread, and a computed
assessment (:mod:`jjj_brief.compare.assess`), with the disagreement between that
assessment and the curated verdict when they differ. The parts of a comparison are
:mod:`jjj_brief.compare.model`."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, cast

from jjj_brief.briefings import Claim, Fact, locate_quote
from jjj_brief.compare import state
from jjj_brief.compare.assess import assess, assess_readings, disagreement, scopes
from jjj_brief.compare.model import (
    ASSESSMENT_LABELS,
    MATCHING_VERDICT,
    Assessment,
    ClaimView,
    Comparison,
    Context,
    ReadingSpread,
    Spread,
    WordsSpan,
)
from jjj_brief.corpus import Article, UserError
from jjj_brief.safety import one_line

if TYPE_CHECKING:
    from jjj_brief.figures import Figure
    from jjj_brief.library import Library

__all__ = [
    "ASSESSMENT_LABELS",
    "MATCHING_VERDICT",
    "Assessment",
    "ClaimView",
    "Comparison",
    "Context",
    "ReadingSpread",
    "Spread",
    "WordsSpan",
    "assess",
    "assess_readings",
    "claim_figure",
    "claim_view",
    "compare_fact",
    "fact_for_figure",
    "find_fact",
]

# ----------------------------------------------------------------------- claims


def claim_figure(article: Article, claim: Claim, span: tuple[int, int], library: Library) -> Figure | WordsSpan | None:
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


def claim_view(claim: Claim, library: Library) -> ClaimView:
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
        context = Context.around(article, span, figure)
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


# ------------------------------------------------------------------------- API


def find_fact(fact_id: str, library: Library) -> Fact:
    briefings = state.briefings(library)
    fact = briefings.fact(fact_id.strip())
    if fact is None:
        known = ", ".join(f.id for f in briefings.facts[:8])
        more = "…" if len(briefings.facts) > 8 else ""
        raise UserError(f"unknown fact {one_line(fact_id, 60)!r}; facts include: {known}{more} (see jjj-brief facts)")
    return fact


def compare_fact(fact_id: str, library: Library) -> Comparison:
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
        assessment = assess_readings(whole) if len(whole) >= 2 else scopes(views)
    else:
        values = [v.number for v in (whole or views)]
        low, high = min(values), max(values)
        spread = Spread(low, high, (high - low) / abs(high) if high else 0.0, len(views) - len(whole))
        assessment = assess(whole) if len(whole) >= 2 else scopes(views)
    problems = [f"{v.article}: {v.note}" for v in views if v.start is None and v.note]
    return Comparison(fact, views, spread, assessment, fact.verdict, disagreement(assessment, fact.verdict), problems)


def fact_for_figure(article_id: str, start: int, end: int, library: Library) -> Fact | None:
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
