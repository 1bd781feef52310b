"""Plain-data views of the briefings with quotes resolved to article offsets.

What ``topics --json``, ``facts --json`` and ``timeline --json`` print, and what the app
can use: quotes carry ``file``, ``start`` and ``end`` (offsets into ``article.text``;
``None`` when the quote is not found verbatim — ``check`` reports that).
"""

from __future__ import annotations

from typing import Any

from jjj_brief.briefings.load import Briefings
from jjj_brief.briefings.quotes import locate_quote
from jjj_brief.briefings.schema import Claim, Fact, Passage, TimelineEvent, Topic
from jjj_brief.corpus import Corpus


def resolve(corpus: Corpus, article_id: str, quote: str) -> dict[str, Any]:
    """``article``, ``file``, ``start``, ``end`` for a quote (offsets ``None`` if not found)."""
    article = corpus.find(article_id)
    span = locate_quote(article, quote) if article is not None else None
    return {
        "article": article_id,
        "file": article.file if article is not None else None,
        "start": span[0] if span else None,
        "end": span[1] if span else None,
    }


def passage_dict(corpus: Corpus, passage: Passage) -> dict[str, Any]:
    out = resolve(corpus, passage.article, passage.quote)
    out["quote"] = passage.quote
    if passage.note:
        out["note"] = passage.note
    return out


def claim_dict(corpus: Corpus, claim: Claim) -> dict[str, Any]:
    out = resolve(corpus, claim.article, claim.quote)
    out.update(
        quote=claim.quote,
        value=claim.value,
        unit=claim.unit,
        reads_as=claim.reads_as,
        part=claim.part,
        as_of=claim.as_of,
        qualifier=claim.qualifier,
        note=claim.note,
    )
    return out


def fact_dict(corpus: Corpus, fact: Fact) -> dict[str, Any]:
    return {
        "id": fact.id,
        "topic": fact.topic,
        "subject": fact.subject,
        "kind": fact.kind,
        "verdict": fact.verdict,
        "explanation": fact.explanation,
        "claims": [claim_dict(corpus, claim) for claim in fact.claims],
    }


def topic_articles(briefings: Briefings, topic: Topic) -> list[str]:
    """Article ids a topic draws on (its passages and its facts' claims), first use first."""
    ids = [p.article for p in topic.passages]
    ids += [c.article for f in briefings.facts_of(topic.id) for c in f.claims]
    return list(dict.fromkeys(ids))


def topic_dict(briefings: Briefings, topic: Topic, corpus: Corpus | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": topic.id,
        "title": topic.title,
        "parent": topic.parent,
        "children": [child.id for child in briefings.children(topic.id)],
        "articles": topic_articles(briefings, topic),
        "facts": [fact.id for fact in briefings.facts_of(topic.id)],
        "summary": topic.summary,
        "key_points": list(topic.key_points),
    }
    if corpus is not None:
        out["passages"] = [passage_dict(corpus, p) for p in topic.passages]
    return out


def tree_order(briefings: Briefings) -> list[tuple[int, Topic]]:
    """Topics depth-first from the groups, with their depth; orphans (unknown parent,
    cycles) come last at depth 0 so that nothing loaded is hidden."""
    ordered: list[tuple[int, Topic]] = []
    seen: set[int] = set()

    def visit(topic: Topic, depth: int) -> None:
        if id(topic) in seen:
            return
        seen.add(id(topic))
        ordered.append((depth, topic))
        for child in briefings.children(topic.id):
            visit(child, depth + 1)

    for group in briefings.groups:
        visit(group, 0)
    for topic in briefings.topics:
        visit(topic, 0)
    return ordered


def event_dict(corpus: Corpus, event: TimelineEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "date": event.date,
        "precision": event.precision,
        "title": event.title,
        "what": event.what,
        "topics": list(event.topics),
        "quotes": [passage_dict(corpus, q) for q in event.quotes],
    }


def timeline_order(briefings: Briefings) -> list[TimelineEvent]:
    """Events by date; a less precise date ("2023") sorts before the days in it."""
    return sorted(briefings.timeline, key=lambda e: (e.date, e.id))


def facts_in_tree_order(briefings: Briefings) -> list[Fact]:
    """Facts grouped by their topic, topics in tree order; facts of unknown topics last."""
    rank = {topic.id: i for i, (_, topic) in enumerate(tree_order(briefings))}
    return sorted(briefings.facts, key=lambda fact: rank.get(fact.topic, len(rank)))
