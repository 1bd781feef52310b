"""A fact's explanation names only places, bodies and people its own quotes name.

The second reading of issue 14 found explanations that were true of the article but not
of the words the fact cites ("People's Daily visits it in Tongzhou" over a quote without
Tongzhou; "the four railways that tie Zhangjiakou to Beijing" over a quote that stopped
before Zhangjiakou). A reader of the comparison sees only the quotes, so a name the
explanation relies on must be in one of them, in any of its glossary spellings.
"""

from __future__ import annotations

import re
from dataclasses import replace

from jjj_brief.briefings import shipped_briefings
from jjj_brief.briefings.load import Briefings
from jjj_brief.briefings.schema import GlossaryTerm

NAMED_KINDS = ("place", "organisation", "person", "infrastructure")
# The region itself is the subject of every article: "the three places" needs no quote.
EVERYWHERE = {"jjj"}
_CJK = re.compile(r"[\u3400-\u9fff]")


def _names(text: str, spelling: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(spelling.casefold())}(?![\w-])", text.casefold()) is not None


def _spellings(term: GlossaryTerm) -> list[str]:
    return [s for s in term.spellings if s and not _CJK.search(s)]


def unquoted_names(briefings: Briefings) -> list[tuple[str, str, list[str]]]:
    """(fact id, glossary id, spellings named) for each name an explanation or claim note
    uses that none of the fact's quotes prints."""
    terms = [t for t in briefings.glossary if t.kind in NAMED_KINDS and t.id not in EVERYWHERE]
    found = []
    for fact in briefings.facts:
        prose = " ".join([fact.explanation or "", *(c.note or "" for c in fact.claims)])
        quotes = " ".join(c.quote for c in fact.claims)
        for term in terms:
            named = [s for s in _spellings(term) if _names(prose, s)]
            if named and not any(_names(quotes, s) for s in _spellings(term)):
                found.append((fact.id, term.id, named))
    return found


def test_an_explanation_names_only_what_its_quotes_name():
    assert unquoted_names(shipped_briefings()) == []


def test_the_rule_sees_a_name_the_quotes_lack():
    briefings = shipped_briefings()
    fact = next(f for f in briefings.facts if f.id == "joint-office")
    claims = [c.model_copy(update={"quote": c.quote.replace("Tongzhou District, ", "")}) for c in fact.claims]
    broken = replace(briefings, facts=[fact.model_copy(update={"claims": claims})])
    assert unquoted_names(broken) == [("joint-office", "tongzhou", ["Tongzhou"])]
