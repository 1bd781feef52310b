"""Hand-curated briefings: topics, multi-source facts, glossary and timeline.

The YAML schema is :mod:`jjj_brief.briefings.schema`; loading (never raising for content
problems) is :mod:`jjj_brief.briefings.load`; quote lookup is :mod:`.quotes`; the integrity
checks behind ``jjj-brief check`` are :mod:`.check`.
"""

from jjj_brief.briefings.load import Briefings, Problem, load_briefings, shipped_briefings
from jjj_brief.briefings.quotes import closest_match, locate_quote
from jjj_brief.briefings.schema import (
    VERDICTS,
    Claim,
    Fact,
    GlossaryTerm,
    Passage,
    TimelineEvent,
    Topic,
)

__all__ = [
    "shipped_briefings",
    "VERDICTS",
    "Briefings",
    "Claim",
    "Fact",
    "GlossaryTerm",
    "Passage",
    "Problem",
    "TimelineEvent",
    "Topic",
    "closest_match",
    "load_briefings",
    "locate_quote",
]
