"""`check`: our prose names only the places, bodies and people its cited quotes name.

The second reading of issue 14 found sentences true of the article but not of the words
the item cites ("People's Daily visits it in Tongzhou" over a quote without Tongzhou; "the
four railways that tie Zhangjiakou to Beijing" over a quote that stopped before
Zhangjiakou; a group summary placing the sub-center in Tongzhou with no passage naming
Tongzhou). A reader sees only the quotes, so a name the prose relies on must be in one of
them, in any of its glossary spellings (the broken fixture name_not_cited.yaml).
"""

from __future__ import annotations

from dataclasses import replace

from jjj_brief.briefings import shipped_briefings
from jjj_brief.briefings import traceability as trace
from jjj_brief.briefings.check import check_briefings
from jjj_brief.commands.libraries import default_library
from jjj_brief.corpus import load_corpus


def _messages(briefings) -> list[str]:
    return [p.message for p in check_briefings(briefings, library=default_library())]


def test_a_name_is_traced_in_any_of_its_spellings_and_only_as_a_whole_name():
    article = load_corpus(library=default_library()).get("liaowang-2024")
    quote = "Relying on four railways, including the Beijing-Zhangjiakou high-speed railway"
    at = article.text.index(quote)
    cited = trace.Cited(quotes=[(article, at, at + len(quote))])
    names = {"zhangjiakou": ["Zhangjiakou", "Zhangzhou"], "line-22": ["Line 22", "Pinggu Line"]}
    assert list(trace.name_problems("It ties Zhangjiakou to Beijing.", cited, names)) == [
        "names Zhangjiakou but no passage this item cites names it; cite one or drop the name"
    ]
    assert list(trace.name_problems("The Beijing-Zhangjiakou railway.", cited, names)) == []
    assert trace.names_in("on the pinggu line", "Pinggu Line")


def test_check_sees_a_fact_name_its_quotes_lack():
    briefings = shipped_briefings(library=default_library())
    fact = next(f for f in briefings.facts if f.id == "joint-office")
    claims = [
        c.model_copy(
            update={"quote": c.quote.replace("At No. 55 Yunhe East Street, Tongzhou District, Beijing, the", "the")}
        )
        for c in fact.claims
    ]
    facts = [fact.model_copy(update={"claims": claims}) if f is fact else f for f in briefings.facts]
    messages = _messages(replace(briefings, facts=facts, sources={}))
    assert "names Tongzhou but no passage this item cites names it; cite one or drop the name" in messages


def test_check_sees_a_group_summary_name_no_passage_of_it_names():
    """relief-and-two-wings cites no passage naming Tongzhou (its sub-topic sub-center does)."""
    briefings = shipped_briefings(library=default_library())
    old = "and Beijing's city sub-center."
    topics = [
        t.model_copy(update={"summary": t.summary.replace(old, "and the city sub-center in Tongzhou.")})
        if t.id == "relief-and-two-wings"
        else t
        for t in briefings.topics
    ]
    assert topics != briefings.topics
    messages = _messages(replace(briefings, topics=topics, sources={}))
    assert "names Tongzhou but no passage this item cites names it; cite one or drop the name" in messages


def test_a_name_every_article_prints_needs_no_quote():
    """The region and Xiong'an are printed by all five articles: common ground."""
    briefings = shipped_briefings(library=default_library())
    fact = next(f for f in briefings.facts if f.id == "joint-office")
    explained = fact.model_copy(update={"explanation": fact.explanation + " Far from Xiong'an."})
    facts = [explained if f is fact else f for f in briefings.facts]
    assert _messages(replace(briefings, facts=facts, sources={})) == []
