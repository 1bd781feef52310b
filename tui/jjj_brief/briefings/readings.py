"""The figure layer as the briefings' checks read it: figures inside a quote, a date
claim's reading, the likely value of a garbled figure, and whether a figure carries a
claimed value and unit.

Every function works without the figure layer installed (value checks are then skipped).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol, cast

from jjj_brief.briefings.quotes import locate_quote
from jjj_brief.briefings.schema import Claim
from jjj_brief.corpus import Article, Corpus

if TYPE_CHECKING:  # pragma: no cover
    from jjj_brief.figures import Figure

# Figure kinds whose unit is a measure (must match across a fact's claims); a count's unit
# is the counted noun, whose wording legitimately varies between sources.
COUNT_KINDS = {"count"}
VALUELESS_KINDS = {"date", "label"}

ISO_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


class FigureLayer(Protocol):
    """What the checks use of the figure layer (the module :mod:`jjj_brief.figures` is one)."""

    def extract_figures(self, text: str, published: str | None = None) -> list[Figure]: ...

    def article_figures(self, article: Article, corpus: object) -> list[Figure]: ...

    def normalize_unit(self, unit_text: str | None) -> str: ...


def figures_available() -> bool:
    return figures_module() is not None


def figures_module() -> FigureLayer | None:
    """The figure layer, or ``None`` while it is not installed (value checks are skipped)."""
    try:
        from jjj_brief import figures
    except ImportError:
        return None
    return figures


@lru_cache(maxsize=64)
def article_figures(article_id: str, text: str, published: str | None = None) -> tuple[Figure, ...]:
    figures = figures_module()
    return tuple(figures.extract_figures(text, published)) if figures else ()


def figures_in_span(article: Article, start: int, end: int) -> list[Figure]:
    """The figure layer's figures (on the whole article) that overlap ``[start, end)``."""
    published = getattr(article, "date", None) or None
    return [f for f in article_figures(article.id, article.text, published) if f.start < end and f.end > start]


def claim_date_reading(claim: Claim, article: Article | None) -> str | None:
    """The ISO date a date claim states: ``reads_as``, else the date the figure layer
    reads inside its printed words (``None`` when it reads none)."""
    if claim.reads_as:
        return claim.reads_as
    span = locate_quote(article, claim.quote) if article else None
    at = claim.quote.find(str(claim.value)) if span else -1
    if span is None or at < 0:
        return None
    start = span[0] + at
    inside = [
        f
        for f in figures_in_span(article, start, start + len(str(claim.value)))  # type: ignore[arg-type]
        if f.kind in ("date", "year") and f.as_of and "/" not in f.as_of
    ]
    return cast(str, inside[0].as_of).lstrip("-") if inside else None


def likely_values(article: Article, start: int, end: int, corpus: Corpus) -> list[float]:
    """The values the figure layer restores for suspect figures in ``[start, end)``,
    cross-article flags included ("439 trillion" -> 4.39e12 from People's Daily)."""
    figures = figures_module()
    if figures is None:
        return []
    try:
        found = figures.article_figures(article, corpus)
    except Exception:
        return []
    return [
        f.suspect.likely
        for f in found
        if f.start < end and f.end > start and f.suspect is not None and f.suspect.likely is not None
    ]


def same_date(a: str, b: str) -> bool:
    """Two dates agree when one is the other at a lower precision ("2014-02", "2014-02-26")."""
    return a.startswith(b) or b.startswith(a)


def is_count_unit(figures_mod: FigureLayer, unit: str | None) -> bool:
    """A counted noun (``branch``), as opposed to a unit the figure grammar knows (``km``)."""
    parsed = figures_mod.extract_figures(f"2 {unit}")
    return not parsed or parsed[0].kind in COUNT_KINDS


def figure_matches(figures_mod: FigureLayer, figure: Figure, claim: Claim) -> bool:
    """Same value, and the same unit — or a bare count ("100 million") whose counted noun
    the grammar could not name, claimed with a counted noun by the curator."""
    if figure.value is None or not close(figure.value, cast(float, claim.value)):
        return False
    wanted = figures_mod.normalize_unit(claim.unit)
    if figure.unit is None:
        return figure.kind in COUNT_KINDS and is_count_unit(figures_mod, claim.unit)
    return figure.unit == wanted or figures_mod.normalize_unit(figure.unit) == wanted


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() and abs(value) < 1e15 else f"{value:,g}"


def describe(figure: Figure) -> str:
    unit = f" {figure.unit}" if figure.unit else ""
    return f"{figure.text!r} = {fmt(figure.value)}{unit}" if figure.value is not None else repr(figure.text)
