"""Our prose names only the places, bodies and people its cited quotes name.

The second reading of issue 14 found sentences true of the article but not of the words
the item cites ("People's Daily visits it in Tongzhou" over a quote without Tongzhou; "the
four railways that tie Zhangjiakou to Beijing" over a quote that stopped before
Zhangjiakou; a group summary placing the sub-center in Tongzhou with no passage naming
Tongzhou). A reader sees only the quotes, so a name the prose relies on must be in one of
them, in any of its glossary spellings. What an item cites is what `check` says it cites:
a fact, its claims; an event, its quotes; a topic, its passages and the claims of the facts
filed under it or its sub-topics.
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
# (item, glossary id) the editors name on purpose, with why.
EDITORS = {
    ("topic:transport", "binhai"): "Jingbin (Beijing-Binhai) expands a printed pinyin name",
}
_CJK = re.compile(r"[\u3400-\u9fff]")


def _names(text: str, spelling: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(spelling.casefold())}(?![\w-])", text.casefold()) is not None


def _spellings(term: GlossaryTerm) -> list[str]:
    return [s for s in term.spellings if s and not _CJK.search(s)]


def _subtree(briefings: Briefings, topic_id: str) -> set[str]:
    ids = {topic_id}
    while True:
        more = {t.id for t in briefings.topics if t.parent in ids} - ids
        if not more:
            return ids
        ids |= more


def _items(briefings: Briefings) -> list[tuple[str, str, str]]:
    """(item, prose, cited quotes) for every topic, fact and event."""
    items = []
    for topic in briefings.topics:
        under = _subtree(briefings, topic.id)
        quotes = [p.quote for p in topic.passages]
        quotes += [c.quote for f in briefings.facts if f.topic in under for c in f.claims]
        items.append((f"topic:{topic.id}", " ".join([topic.summary, *topic.key_points]), " ".join(quotes)))
    for fact in briefings.facts:
        prose = " ".join([fact.explanation or "", *(c.note or "" for c in fact.claims)])
        items.append((f"fact:{fact.id}", prose, " ".join(c.quote for c in fact.claims)))
    for event in briefings.timeline:
        prose = " ".join([event.title, event.what or ""])
        items.append((f"event:{event.id}", prose, " ".join(q.quote for q in event.quotes)))
    return items


def unquoted_names(briefings: Briefings) -> list[tuple[str, str, list[str]]]:
    """(item, glossary id, spellings named) for each name an item's prose uses that none
    of its cited quotes prints."""
    terms = [t for t in briefings.glossary if t.kind in NAMED_KINDS and t.id not in EVERYWHERE]
    found = []
    for item, prose, quotes in _items(briefings):
        for term in terms:
            named = [s for s in _spellings(term) if _names(prose, s)]
            if named and (item, term.id) not in EDITORS and not any(_names(quotes, s) for s in _spellings(term)):
                found.append((item, term.id, named))
    return found


def test_prose_names_only_what_its_quotes_name():
    assert unquoted_names(shipped_briefings()) == []


def test_the_rule_sees_a_name_the_quotes_lack():
    briefings = shipped_briefings()
    fact = next(f for f in briefings.facts if f.id == "joint-office")
    claims = [c.model_copy(update={"quote": c.quote.replace("Tongzhou District, ", "")}) for c in fact.claims]
    broken = replace(briefings, topics=[], timeline=[], facts=[fact.model_copy(update={"claims": claims})])
    assert unquoted_names(broken) == [("fact:joint-office", "tongzhou", ["Tongzhou"])]


def test_a_group_summary_placing_the_sub_center_in_tongzhou_is_caught():
    """The group cites no passage naming Tongzhou (its sub-topic sub-center does)."""
    briefings = shipped_briefings()
    topics = [
        t.model_copy(
            update={
                "summary": t.summary.replace("and Beijing's city sub-center.", "and the city sub-center in Tongzhou.")
            }
        )
        if t.id == "relief-and-two-wings"
        else t
        for t in briefings.topics
    ]
    assert topics != briefings.topics
    found = unquoted_names(replace(briefings, topics=topics))
    assert found == [("topic:relief-and-two-wings", "tongzhou", ["Tongzhou"])]
