"""Figures: every statistic in an article, normalized, with the suspect ones flagged.

This package is the single home of the figure grammar. Each module's docstring states the
rules it implements; the code under it implements exactly them:

- :mod:`.model`       what a figure is (span, kind, value, unit, qualifier, as-of, suspect);
- :mod:`.lexicon`     scale and word numbers, units and canonical units, hedges, counted nouns;
- :mod:`.scanner`     the one token pattern, the draft figure, sentence and quotation tables;
- :mod:`.extraction`  text to figures: what is and what is not a figure, ranges, lists;
- :mod:`.suspects`    the passes that flag a garbled figure (fused, split, over-100 ...);
- :mod:`.asof`        the year or date each figure is stated for;
- :mod:`.crosscheck`  corpus-level checks (cross-article, translation), held by a
                      :class:`FigureBook`, one per corpus generation;
- :mod:`.index`       the cross-article index (comparable figures by unit and leading digits);
- :mod:`.stored`      that index kept in the cache folder between processes;
- :mod:`.zh`          figures in Chinese lines (originals beside their translations).
- :mod:`.translation` an original and its translation paired (paragraphs, figures, x10^k suspects).

Nothing here keeps module-level mutable state: caches live in the :class:`FigureBook` (and
its :class:`FigureCache`) that the caller holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jjj_brief.figures.crosscheck import (
    CROSS_ARTICLE_MAX_CHARS,
    FigureBook,
    FigureCache,
    book_for,
    cross_article_flags,
)
from jjj_brief.figures.extraction import extract_figures
from jjj_brief.figures.index import CrossIndex, published_date
from jjj_brief.figures.lexicon import MONTHS, QUALIFIERS, SCALES, WORD_VALUES, normalize_unit, singular
from jjj_brief.figures.model import KINDS, Figure, Suspect, figure_at

if TYPE_CHECKING:
    from jjj_brief.corpus import Article

__all__ = [
    "CROSS_ARTICLE_MAX_CHARS",
    "KINDS",
    "MONTHS",
    "QUALIFIERS",
    "SCALES",
    "WORD_VALUES",
    "CrossIndex",
    "Figure",
    "FigureBook",
    "FigureCache",
    "Suspect",
    "article_figures",
    "book_for",
    "cross_article_flags",
    "extract_figures",
    "figure_at",
    "normalize_unit",
    "published_date",
    "singular",
]


def article_figures(article: Article, corpus: object) -> list[Figure]:
    """``article``'s figures with the corpus-level suspect flags, checked against ``corpus``
    (a Corpus, a holder of a ``figure_book`` such as the Library, a :class:`FigureBook`, or
    any iterable of articles). See :func:`book_for` for where the caches live."""
    return book_for(corpus).article_figures(article)
