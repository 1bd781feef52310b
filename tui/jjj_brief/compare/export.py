"""A fact or a topic as a Markdown brief: every claim quoted verbatim and cited.

Article text and YAML strings are untrusted: control characters are blanked
(:func:`jjj_brief.safety.one_line`) and Markdown syntax is escaped, so a quote such as
"Beijing Babcock Wilcox***" prints as written instead of turning into emphasis.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from jjj_brief import formatting
from jjj_brief.compare import state
from jjj_brief.compare.facts import Comparison, compare_fact
from jjj_brief.errors import UserError
from jjj_brief.safety import one_line

if TYPE_CHECKING:
    from jjj_brief.briefings import Briefings, Topic
    from jjj_brief.library import Library

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}<>#|~!])")


def md(text: str | None) -> str:
    """Untrusted text as inert Markdown on one line."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", one_line(text or ""))


def citation(outlet: str, date: str, title: str, locator: str | None = None) -> str:
    """Outlet, date, title; and the page or chapter ("p. 12") when the original had them."""
    return f"{md(outlet)}, {md(date)}, “{md(title)}”" + (f", {md(locator)}" if locator else "")


def locator_of(article_id: str, start: int | None, quote: str | None = None, *, library: Library) -> str | None:
    """The page/chapter of an imported article at ``start`` (or where ``quote`` first occurs)."""
    article = state.corpus(library).find(article_id)
    if article is None or not article.locators:
        return None
    if start is None and quote:
        found = article.text.find(quote)
        start = found if found >= 0 else None
    return article.locator_at(start) if start is not None else None


def fact_markdown(comparison: Comparison, level: int = 2, *, library: Library) -> str:
    fact = comparison.fact
    head = "#" * level
    lines = [f"{head} {md(fact.subject)}", ""]
    lines.append(f"**Verdict:** {md(fact.verdict)} — {md(fact.explanation)}")
    lines.append("")
    for view in comparison.claims:
        details = [md(formatting.quantity(view.value, view.unit))]
        if view.reading and view.reading != view.value:
            details.append(f"reads as {md(view.reading)}")
        if view.part:
            details.append(f"part, not compared: {md(view.part)}")
        if view.qualifier:
            details.append(md(view.qualifier))
        if view.as_of:
            details.append(md(formatting.as_of(view.as_of)))
        lines.append(f"> “{md(view.quote)}”")
        lines.append(">")
        where = locator_of(view.article, view.start, library=library)
        lines.append(f"> — {citation(view.outlet, view.date, view.title, where)} ({'; '.join(details)})")
        if view.note:
            lines.append(">")
            lines.append(f"> *Note: {md(view.note)}*")
        lines.append("")
    lines.append(f"Spread: {md(comparison.spread.label)}. Computed assessment: {md(comparison.assessment.label)}.")
    if comparison.disagreement:
        lines.append(f"Note: {md(comparison.disagreement)}.")
    lines.append("")
    return "\n".join(lines)


def topic_markdown(topic_id: str, library: Library) -> str:
    briefings = library.briefings()
    topic = briefings.topic(topic_id)
    assert topic is not None
    corpus = library.corpus()
    lines = [f"# {md(topic.title)}", "", md(topic.summary), ""]
    if topic.key_points:
        lines += [f"- {md(point)}" for point in topic.key_points] + [""]
    topics = [topic, *_descendants(briefings, topic.id)]
    for item in topics:
        facts = briefings.facts_of(item.id)
        if item is not topic and (facts or item.passages):
            lines += [f"## {md(item.title)}", "", md(item.summary), ""]
        for fact in facts:
            level = 3 if item is not topic else 2
            lines.append(fact_markdown(compare_fact(fact.id, library), level=level, library=library))
        if item.passages:
            lines += ["Sources:", ""]
            for passage in item.passages:
                article = corpus.find(passage.article)
                where = locator_of(article.id, None, passage.quote, library=library) if article else None
                cite = citation(article.outlet, article.date, article.title, where) if article else md(passage.article)
                lines.append(f"> “{md(passage.quote)}” — {cite}")
                lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _descendants(briefings: Briefings, topic_id: str, seen: set[str] | None = None) -> list[Topic]:
    seen = seen if seen is not None else {topic_id}
    out: list[Topic] = []
    for child in briefings.children(topic_id):
        if child.id not in seen:
            seen.add(child.id)
            out.append(child)
            out.extend(_descendants(briefings, child.id, seen))
    return out


def export_markdown(fact_or_topic_id: str, library: Library) -> str:
    """A Markdown brief of a fact or a topic (with its sub-topics). UserError if unknown."""
    item_id = fact_or_topic_id.strip()
    briefings = library.briefings()
    if briefings.fact(item_id) is not None:
        comparison = compare_fact(item_id, library)
        return f"# {md(comparison.fact.subject)}\n\n" + fact_markdown(comparison, 2, library=library).split("\n", 2)[2]
    if briefings.topic(item_id) is not None:
        return topic_markdown(item_id, library)
    raise UserError(f"unknown fact or topic {fact_or_topic_id!r} (see jjj-brief facts and jjj-brief topics)")
