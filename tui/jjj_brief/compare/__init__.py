"""Compare: how each source reports the same fact (no Textual here).

* :func:`compare_fact` — a curated fact's claims side by side, with the spread, a computed
  assessment and, when it differs from the curated verdict, the disagreement;
* :func:`related` — from any figure, the figures in other articles that report the same
  quantity (automatic alignment over :class:`~jjj_brief.compare.align.FigureIndex`);
* :func:`fact_for_figure` — the curated fact a figure belongs to;
* :func:`export_markdown` — a fact or a topic as a Markdown brief, every claim cited.

:mod:`jjj_brief.compare.evaluate` measures the alignment against the curated facts.
"""

from jjj_brief.compare.export import export_markdown
from jjj_brief.compare.facts import (
    Assessment,
    ClaimView,
    Comparison,
    Context,
    Spread,
    compare_fact,
    fact_for_figure,
)
from jjj_brief.compare.related import Candidate, Related, related

__all__ = [
    "Assessment",
    "Candidate",
    "ClaimView",
    "Comparison",
    "Context",
    "Related",
    "Spread",
    "compare_fact",
    "export_markdown",
    "fact_for_figure",
    "related",
]
