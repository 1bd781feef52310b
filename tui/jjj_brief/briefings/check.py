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
8. every number in a topic's summary or key points appears among the figures of the
   topic's passages or of the claims of facts filed under the topic or its sub-topics;
   summaries are 80-200 words;
9. every glossary mistranslation is printed in some article.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from jjj_brief.briefings.load import Briefings, Problem, Source, load_briefings
from jjj_brief.briefings.quotes import closest_match, locate_quote
from jjj_brief.briefings.schema import Claim, Fact, Passage, Topic
from jjj_brief.corpus import Article, Corpus, UserError, load_corpus

if TYPE_CHECKING:  # pragma: no cover
    from jjj_brief.figures import Figure

SUMMARY_WORDS = (80, 200)
ROUNDING_TOLERANCE = 0.10
# Figure kinds whose unit is a measure (must match across a fact's claims); a count's unit
# is the counted noun, whose wording legitimately varies between sources.
_COUNT_KINDS = {"count"}
_VALUELESS_KINDS = {"date", "label"}


def check(directory=None, corpus: Corpus | None = None) -> tuple[Briefings, list[Problem]]:
    """Load the briefings in ``directory`` and return them with every problem found."""
    briefings = load_briefings(directory)
    return briefings, check_briefings(briefings, corpus)


def check_briefings(briefings: Briefings, corpus: Corpus | None = None) -> list[Problem]:
    if corpus is None:
        try:
            corpus = load_corpus()
        except UserError as exc:
            return [*briefings.problems, Problem("seeds/catalog.yaml", "", None, str(exc))]
    checker = _Checker(briefings, corpus)
    return [*briefings.problems, *checker.run()]


class _Checker:
    def __init__(self, briefings: Briefings, corpus: Corpus) -> None:
        self.b = briefings
        self.corpus = corpus
        self.topic_ids = {t.id for t in briefings.topics}

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
            self._glossary,
            self._timeline,
        ):
            problems.extend(step())
        return problems

    # -- helpers ----------------------------------------------------------------
    def _src(self, item: object) -> Source:
        return self.b.source_of(item) or Source("<unknown>", ())

    def _article(self, ref: str) -> Article | None:
        article = self.corpus.find(ref)
        return article if article is not None and article.id == ref else None

    def _quoted_items(self) -> Iterator[tuple[object, tuple, Passage | Claim]]:
        """Every (owner, sub-path, passage-or-claim) in the briefings."""
        for topic in self.b.topics:
            for i, passage in enumerate(topic.passages):
                yield topic, ("passages", i), passage
        for fact in self.b.facts:
            for i, claim in enumerate(fact.claims):
                yield fact, ("claims", i), claim
        for event in self.b.timeline:
            for i, passage in enumerate(event.quotes):
                yield event, ("quotes", i), passage

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
                    cycle = seen[seen.index(node):] + [node]
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

    # -- 5. claim values ----------------------------------------------------------
    def _claim_values(self) -> Iterable[Problem]:
        figures_mod = _figures_module()
        if figures_mod is None:
            return
        for fact in self.b.facts:
            for i, claim in enumerate(fact.claims):
                article = self._article(claim.article)
                span = locate_quote(article, claim.quote) if article else None
                if span is None:
                    continue  # already reported
                inside = figures_in_span(article, *span)
                if not any(_figure_matches(figures_mod, f, claim) for f in inside):
                    printed = ", ".join(_describe(f) for f in inside if f.kind not in _VALUELESS_KINDS) or "none"
                    yield self._src(fact).problem(
                        ("claims", i, "value"),
                        f"no figure {_fmt(claim.value)} {claim.unit} in the quote; "
                        f"the figure layer reads: {printed}",
                    )

    # -- 6. verdicts --------------------------------------------------------------
    def _verdicts(self) -> Iterable[Problem]:
        for fact in self.b.facts:
            yield from self._verdict_problems(fact)
            yield from self._unit_problems(fact)

    def _verdict_problems(self, fact: Fact) -> Iterable[Problem]:
        values = [c.value for c in fact.claims]
        same = all(_close(v, values[0]) for v in values)
        source = self._src(fact)
        listed = ", ".join(f"{_fmt(c.value)} {c.unit} ({c.article})" for c in fact.claims)
        if fact.verdict == "consistent" and not same:
            yield source.problem(("verdict",), f"'consistent' but the claimed values differ: {listed}")
        elif fact.verdict in {"rounding", "conflict", "transcription-error"} and same:
            yield source.problem(("verdict",), f"{fact.verdict!r} but every claim has the same value: {listed}")
        elif fact.verdict == "rounding":
            low, high = min(values), max(values)
            if high and (high - low) / abs(high) > ROUNDING_TOLERANCE:
                yield source.problem(
                    ("verdict",),
                    f"'rounding' but the values differ by more than {ROUNDING_TOLERANCE:.0%}: {listed}",
                )

    def _unit_problems(self, fact: Fact) -> Iterable[Problem]:
        figures_mod = _figures_module()
        if figures_mod is None:
            return
        measures = {
            figures_mod.normalize_unit(c.unit) for c in fact.claims if not _is_count_unit(figures_mod, c.unit)
        }
        counts = [c for c in fact.claims if _is_count_unit(figures_mod, c.unit)]
        if len(measures) > 1 or (measures and counts):
            units = ", ".join(sorted({c.unit for c in fact.claims}))
            yield self._src(fact).problem(("claims",), f"claims of one fact use different units: {units}")

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

    # -- 8. summaries ------------------------------------------------------------
    def _summaries(self) -> Iterable[Problem]:
        figures_mod = _figures_module()
        for topic in self.b.topics:
            source = self._src(topic)
            words = len(topic.summary.split())
            low, high = SUMMARY_WORDS
            if not low <= words <= high:
                yield source.problem(("summary",), f"summary has {words} words; write {low}-{high}")
            if figures_mod is None:
                continue
            values, dates = self._traceable(topic)
            texts = [(("summary",), topic.summary)] + [
                (("key_points", i), point) for i, point in enumerate(topic.key_points)
            ]
            for sub, text in texts:
                for figure in figures_mod.extract_figures(text):
                    if _traced(figure, values, dates):
                        continue
                    yield source.problem(
                        sub,
                        f"number {figure.text!r} is not printed in any of this topic's passages "
                        "or its facts' claims; add the passage that states it",
                    )

    def _traceable(self, topic: Topic) -> tuple[list[float], list[str]]:
        """Values and ISO dates printed in the quotes a topic may draw on."""
        subtree = self._subtree(topic.id)
        spans: list[tuple[Article, int, int]] = []
        quoted: list[Passage | Claim] = list(topic.passages)
        quoted += [c for f in self.b.facts if f.topic in subtree for c in f.claims]
        for item in quoted:
            article = self._article(item.article)
            span = locate_quote(article, item.quote) if article else None
            if span:
                spans.append((article, *span))
        values: list[float] = []
        dates: list[str] = []
        for article, start, end in spans:
            for figure in figures_in_span(article, start, end):
                if figure.value is not None:
                    values.append(figure.value)
                if figure.kind in ("date", "year") and figure.as_of:
                    dates.append(figure.as_of)
        return values, dates

    def _subtree(self, topic_id: str) -> set[str]:
        found, frontier = {topic_id}, [topic_id]
        while frontier:
            children = [t.id for t in self.b.children(frontier.pop()) if t.id not in found]
            found.update(children)
            frontier.extend(children)
        return found

    # -- 9. glossary ----------------------------------------------------------------
    def _glossary(self) -> Iterable[Problem]:
        texts = [a.text for a in self.corpus]
        for term in self.b.glossary:
            for i, wrong in enumerate(term.mistranslations):
                if not any(wrong in text for text in texts):
                    yield self._src(term).problem(
                        ("mistranslations", i), f"{wrong!r} is not printed in any article"
                    )


# ---------------------------------------------------------------------------- helpers


def _not_found_message(article: Article, quote: str) -> str:
    match = closest_match(article, quote)
    message = f"quote not found verbatim in {article.id}"
    if match and match[3] >= 0.5:
        start, _end, snippet, ratio = match
        message += f"; closest ({ratio:.0%}) at offset {start}: {snippet!r}"
    return message


def figures_available() -> bool:
    return _figures_module() is not None


def _figures_module():
    """The figure layer, or ``None`` while it is not installed (value checks are skipped)."""
    try:
        from jjj_brief import figures
    except ImportError:
        return None
    return figures


@lru_cache(maxsize=64)
def _article_figures(article_id: str, text: str) -> tuple:
    figures = _figures_module()
    return tuple(figures.extract_figures(text)) if figures else ()


def figures_in_span(article: Article, start: int, end: int) -> list["Figure"]:
    """The figure layer's figures (on the whole article) that overlap ``[start, end)``."""
    return [f for f in _article_figures(article.id, article.text) if f.start < end and f.end > start]


def _is_count_unit(figures_mod, unit: str) -> bool:
    """A counted noun (``branch``), as opposed to a unit the figure grammar knows (``km``)."""
    parsed = figures_mod.extract_figures(f"2 {unit}")
    return not parsed or parsed[0].kind in _COUNT_KINDS


def _figure_matches(figures_mod, figure, claim: Claim) -> bool:
    """Same value, and the same unit — or a bare count ("100 million") whose counted noun
    the grammar could not name, claimed with a counted noun by the curator."""
    if figure.value is None or not _close(figure.value, claim.value):
        return False
    wanted = figures_mod.normalize_unit(claim.unit)
    if figure.unit is None:
        return figure.kind in _COUNT_KINDS and _is_count_unit(figures_mod, claim.unit)
    return figure.unit == wanted or figures_mod.normalize_unit(figure.unit) == wanted


def _traced(figure, values: list[float], dates: list[str]) -> bool:
    """Whether a summary's figure is printed in the traced quotes: the same value; for a
    date, the same date or one it abbreviates ("February 2014" for "February 26, 2014");
    for a year, also the year of a printed date."""
    if figure.kind in ("date", "year") and figure.as_of:
        wanted = figure.as_of.lstrip("-")
        if any(date.lstrip("-").startswith(wanted) or date.endswith(wanted) for date in dates):
            return True
    if figure.value is None:
        return figure.kind not in ("date", "year") or not figure.as_of
    return any(_close(figure.value, v) for v in values)


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() and abs(value) < 1e15 else f"{value:,g}"


def _describe(figure) -> str:
    unit = f" {figure.unit}" if figure.unit else ""
    return f"{figure.text!r} = {_fmt(figure.value)}{unit}" if figure.value is not None else repr(figure.text)


def summarize(problems: list[Problem]) -> Counter:
    """Problems per file (for the check command's last line)."""
    return Counter(p.file for p in problems)
