"""``jjj-brief check``: prove the briefings say only what their sources print.

Checks, each reported as a :class:`~jjj_brief.briefings.load.Problem` naming file, field
path and line:

1. schema and YAML (from loading);
2. ids unique within topics, facts, glossary and timeline;
3. references resolve: article ids (the catalog id itself, not a file name), topic
   parents, fact topics, timeline topics; the topic tree has no cycle;
4. every quote occurs verbatim in its article (else the closest passage is shown);
5. every claim's value and unit agree with a figure the figure layer extracts inside its
   quote. The value is what the text PRINTS: a garbled "386 micrograms" is claimed as
   386 and the fact's verdict (``transcription-error``) carries the reading;
6. verdicts agree with values: ``consistent`` needs identical values and units;
   ``rounding``, ``conflict`` and ``transcription-error`` need values that differ,
   ``rounding`` by at most 10%; claims in one fact measure in one unit (counted nouns
   may differ in wording, "enterprises"/"companies");
7. every article is used by some topic (a passage, or a claim of a fact filed under it);
8. our own prose is traceable (:mod:`jjj_brief.briefings.traceability`): in topic
   summaries and key points, fact subjects, explanations and notes, timeline titles and
   descriptions and glossary glosses, every quoted phrase is printed verbatim in a
   passage the item cites, every outlet named is the outlet of a cited passage, and
   every number, year and ordinal is printed in a cited quote; summaries are 80-200 words;
9. glossary: every mistranslation is printed in some article, and a rendering marked a
   mistranslation in one term is not an unmarked alias of another; every ``see_also``
   is a term id or printed in some article;
10. timeline: every quote prints the event's date or one of its key words (``keywords``,
   else the distinctive words of its title).

A non-numeric fact (``kind: category | date | status``) is checked like a number fact:
its ``value`` is printed literally inside its quote (a date's is read as a date by the
figure layer), and the verdict agrees with the readings (``reads_as`` or the words).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

from jjj_brief.briefings.check_prose import SUMMARY_WORDS, ProseChecks
from jjj_brief.briefings.check_values import ROUNDING_TOLERANCE, ValueChecks
from jjj_brief.briefings.load import Briefings, Problem, Source, load_briefings
from jjj_brief.briefings.quotes import closest_match, locate_quote
from jjj_brief.briefings.readings import (
    claim_date_reading,
    figures_available,
    figures_in_span,
    same_date,
)
from jjj_brief.briefings.schema import GlossaryTerm
from jjj_brief.corpus import Article, UserError

if TYPE_CHECKING:
    from jjj_brief.library import Library

if TYPE_CHECKING:
    from pathlib import Path

    from jjj_brief.figures import Figure

__all__ = [
    "ROUNDING_TOLERANCE",
    "SUMMARY_WORDS",
    "check",
    "check_briefings",
    "claim_date_reading",
    "figures_available",
    "figures_in_span",
    "summarize",
]


def check(directory: Path | None = None, *, library: Library) -> tuple[Briefings, list[Problem]]:
    """Load the briefings in ``directory`` (default: the shipped ones) and return them with
    every problem found against ``library``'s corpus."""
    briefings = load_briefings(directory)
    return briefings, check_briefings(briefings, library)


def check_briefings(briefings: Briefings, library: Library) -> list[Problem]:
    """Every problem of ``briefings`` (their own, and against ``library``'s corpus)."""
    try:
        corpus = library.corpus()
    except UserError as exc:
        return [*briefings.problems, Problem("seeds/catalog.yaml", "", None, str(exc))]
    checker = _Checker(briefings, corpus)
    return [*briefings.problems, *checker.run()]


class _Checker(ValueChecks, ProseChecks):
    def run(self) -> list[Problem]:
        problems: list[Problem] = []
        for step in (
            self._unique_ids,
            self._topic_tree,
            self._fact_references,
            self._quotes,
            self._claim_values,
            self._verdicts,
            self._article_coverage,
            self._summaries,
            self._prose,
            self._glossary,
            self._timeline,
            self._timeline_quotes,
        ):
            problems.extend(step())
        return problems

    # -- 2. unique ids ----------------------------------------------------------
    def _unique_ids(self) -> Iterable[Problem]:
        for kind, items in (
            ("topic", self.b.topics),
            ("fact", self.b.facts),
            ("glossary term", self.b.glossary),
            ("timeline event", self.b.timeline),
        ):
            first: dict[str, Source] = {}
            for item in items:
                source = self._src(item)
                if item.id in first:
                    other = first[item.id]
                    where = f"{other.file}:{other.line_of()}"
                    yield source.problem(("id",), f"duplicate {kind} id {item.id!r} (first defined at {where})")
                else:
                    first[item.id] = source

    # -- 3. references and the tree --------------------------------------------
    def _topic_tree(self) -> Iterable[Problem]:
        parents = {t.id: t.parent for t in self.b.topics}
        reported: set[str] = set()
        for topic in self.b.topics:
            if topic.parent is not None and topic.parent not in self.topic_ids:
                yield self._src(topic).problem(("parent",), f"unknown parent topic {topic.parent!r}")
                continue
            seen, node = [topic.id], topic.parent
            while node is not None and node in parents:
                if node in seen:
                    cycle = seen[seen.index(node) :] + [node]
                    if topic.id not in reported:
                        reported.update(cycle)
                        yield self._src(topic).problem(("parent",), "cycle in the topic tree: " + " -> ".join(cycle))
                    break
                seen.append(node)
                node = parents[node]

    def _fact_references(self) -> Iterable[Problem]:
        for fact in self.b.facts:
            if fact.topic not in self.topic_ids:
                yield self._src(fact).problem(("topic",), f"unknown topic {fact.topic!r}")

    def _timeline(self) -> Iterable[Problem]:
        for event in self.b.timeline:
            for i, topic_id in enumerate(event.topics):
                if topic_id not in self.topic_ids:
                    yield self._src(event).problem(("topics", i), f"unknown topic {topic_id!r}")

    # -- 4. quotes ----------------------------------------------------------------
    def _quotes(self) -> Iterable[Problem]:
        known = ", ".join(self.corpus.ids())
        for owner, sub, item in self._quoted_items():
            source = self._src(owner)
            article = self._article(item.article)
            if article is None:
                found = self.corpus.find(item.article)
                hint = f"use its id {found.id!r}" if found else f"known articles: {known}"
                yield source.problem((*sub, "article"), f"unknown article {item.article!r}; {hint}")
                continue
            if locate_quote(article, item.quote) is None:
                yield source.problem((*sub, "quote"), _not_found_message(article, item.quote))

    # -- 7. coverage --------------------------------------------------------------
    def _article_coverage(self) -> Iterable[Problem]:
        if not self.b.topics:
            return
        used = {p.article for t in self.b.topics for p in t.passages}
        used |= {c.article for f in self.b.facts if f.topic in self.topic_ids for c in f.claims}
        folder = str(self.b.directory) if self.b.directory else "briefings"
        for article in self.corpus:
            if article.source == "seed" and article.id not in used:
                yield Problem(folder, "topics", None, f"article {article.id!r} is not used by any topic")

    # -- 9. glossary ----------------------------------------------------------------
    def _glossary(self) -> Iterable[Problem]:
        texts = [a.text for a in self.corpus]
        ids = {t.id for t in self.b.glossary}
        marked: dict[str, GlossaryTerm] = {}
        for term in self.b.glossary:
            for wrong in term.mistranslations:
                marked.setdefault(wrong.casefold(), term)
        for term in self.b.glossary:
            source = self._src(term)
            for i, wrong in enumerate(term.mistranslations):
                if not any(wrong in text for text in texts):
                    yield source.problem(("mistranslations", i), f"{wrong!r} is not printed in any article")
            for i, alias in enumerate(term.aliases):
                other = marked.get(alias.casefold())
                if alias not in term.mistranslations and other is not None:
                    yield source.problem(
                        ("aliases", i),
                        f"{alias!r} is a plain alias here but a mistranslation in {other.id!r}; "
                        "mark it the same way everywhere",
                    )
            for i, related in enumerate(term.see_also):
                if related in term.aliases:
                    yield source.problem(
                        ("see_also", i), f"{related!r} is also an alias: an alias or see-also, not both"
                    )
                elif related not in ids and not any(related in text for text in texts):
                    yield source.problem(
                        ("see_also", i), f"{related!r} is neither a glossary id nor printed in any article"
                    )

    # -- 10. timeline quotes ------------------------------------------------------------
    def _timeline_quotes(self) -> Iterable[Problem]:
        for event in self.b.timeline:
            keywords = [k.casefold() for k in event.keywords] or _title_keywords(event.title)
            for i, passage in enumerate(event.quotes):
                article = self._article(passage.article)
                span = locate_quote(article, passage.quote) if article else None
                if span is None:
                    continue
                if _prints_date(figures_in_span(cast(Article, article), *span), event.date):
                    continue
                quote = passage.quote.casefold()
                if any(k in quote for k in keywords):
                    continue
                yield self._src(event).problem(
                    ("quotes", i, "quote"),
                    f"prints neither the date {event.date} nor a key word of the event "
                    f"({', '.join(keywords) or 'none'}): does it report this event?",
                )


# ---------------------------------------------------------------------------- helpers


def _not_found_message(article: Article, quote: str) -> str:
    match = closest_match(article, quote)
    message = f"quote not found verbatim in {article.id}"
    if match and match[3] >= 0.5:
        start, _end, snippet, ratio = match
        message += f"; closest ({ratio:.0%}) at offset {start}: {snippet!r}"
    return message


# Words too common in this corpus to identify an event.
_COMMON_TITLE_WORDS = frozenset(
    """beijing tianjin hebei beijing's hebei's tianjin's coordinated development strategy
    national region regional three places their with from into over under after about
    issued starts start begins opens open moves move first second third""".split()
)


def _title_keywords(title: str) -> list[str]:
    """The distinctive words of an event's title, cut to a six-letter stem."""
    words = __import__("re").findall(r"[A-Za-z][A-Za-z'’-]+", title)
    return [w.casefold()[:6] for w in words if len(w) >= 5 and w.casefold() not in _COMMON_TITLE_WORDS]


def _prints_date(figures: Iterable[Figure], date: str) -> bool:
    """A date or year figure that names ``date`` (a day-and-month with no year counts)."""
    for figure in figures:
        if figure.kind not in ("date", "year") or not figure.as_of:
            continue
        as_of = figure.as_of
        if as_of.startswith("--"):
            if len(date) == 10 and date[4:] == as_of[1:]:
                return True
        elif "/" not in as_of and same_date(as_of, date):
            return True
    return False


def summarize(problems: list[Problem]) -> Counter[str]:
    """Problems per file (for the check command's last line)."""
    return Counter(p.file for p in problems)
