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

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, cast

from jjj_brief.briefings import traceability as trace
from jjj_brief.briefings.load import Briefings, Problem, Source, load_briefings
from jjj_brief.briefings.quotes import closest_match, locate_quote
from jjj_brief.briefings.schema import Claim, Fact, GlossaryTerm, Passage
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
            self._prose,
            self._glossary,
            self._timeline,
            self._timeline_quotes,
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
                if fact.kind != "number":
                    yield from self._words_problems(fact, i, claim, cast(Article, article), span)
                    continue
                inside = figures_in_span(cast(Article, article), *span)
                if not any(_figure_matches(figures_mod, f, claim) for f in inside):
                    printed = ", ".join(_describe(f) for f in inside if f.kind not in _VALUELESS_KINDS) or "none"
                    yield self._src(fact).problem(
                        ("claims", i, "value"),
                        f"no figure {_fmt(cast(float, claim.value))} {claim.unit} in the quote; the figure layer reads: {printed}",
                    )

    def _words_problems(self, fact: Fact, i: int, claim: Claim, article: Article, span) -> Iterable[Problem]:
        """A category, date or status is printed literally inside its quote."""
        source = self._src(fact)
        words = str(claim.value)
        at = claim.quote.find(words)
        if at < 0:
            yield source.problem(("claims", i, "value"), f"{words!r} is not printed inside the quote")
            return
        if fact.kind == "date":
            if claim.reads_as is not None and not _ISO_DATE.fullmatch(claim.reads_as):
                yield source.problem(("claims", i, "reads_as"), "a date reads as YYYY, YYYY-MM or YYYY-MM-DD")
            elif self._date_reading(claim) is None:
                yield source.problem(
                    ("claims", i, "value"), f"the figure layer reads no date in {words!r}; give the printed date"
                )

    def _date_reading(self, claim: Claim) -> str | None:
        return claim_date_reading(claim, self._article(claim.article))

    # -- 6. verdicts --------------------------------------------------------------
    def _verdicts(self) -> Iterable[Problem]:
        for fact in self.b.facts:
            if fact.kind == "number":
                yield from self._verdict_problems(fact)
                yield from self._unit_problems(fact)
            else:
                yield from self._reading_problems(fact)

    def _reading_problems(self, fact: Fact) -> Iterable[Problem]:
        """A category, date or status: the verdict agrees with the readings."""
        if fact.kind == "date":
            readings = [self._date_reading(c) for c in fact.claims]
            if any(r is None for r in readings):
                return  # reported with the value
            same = all(_same_date(r, readings[0]) for r in readings)  # type: ignore[arg-type]
        else:
            readings = [c.reading for c in fact.claims]
            same = len({cast(str, r).casefold() for r in readings}) == 1
        listed = ", ".join(f"{r!r} ({c.article})" for r, c in zip(readings, fact.claims))
        source = self._src(fact)
        if fact.verdict == "consistent" and not same:
            yield source.problem(("verdict",), f"'consistent' but the claims read differently: {listed}")
        elif fact.verdict in {"conflict", "transcription-error"} and same:
            yield source.problem(("verdict",), f"{fact.verdict!r} but every claim reads the same: {listed}")

    def _verdict_problems(self, fact: Fact) -> Iterable[Problem]:
        whole = [c for c in fact.claims if c.part is None]  # a part is not compared with the whole
        if len(whole) < 2:
            if fact.verdict != "different-date-or-scope":
                yield self._src(fact).problem(
                    ("verdict",), "fewer than two claims count the same whole: the verdict is 'different-date-or-scope'"
                )
            return
        values = [cast(float, c.value) for c in whole]  # a number fact (the schema checks)
        same = all(_close(v, values[0]) for v in values)
        source = self._src(fact)
        listed = ", ".join(f"{_fmt(cast(float, c.value))} {c.unit} ({c.article})" for c in whole)
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
        measures = {figures_mod.normalize_unit(c.unit) for c in fact.claims if not _is_count_unit(figures_mod, c.unit)}
        counts = [c for c in fact.claims if _is_count_unit(figures_mod, c.unit)]
        if len(measures) > 1 or (measures and counts):
            units = ", ".join(sorted(cast(set[str], {c.unit for c in fact.claims})))
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
            subtree = self._subtree(topic.id)
            cited = self._cited([*topic.passages, *(c for f in self.b.facts if f.topic in subtree for c in f.claims)])
            traceable = self._traceable_in(cited, derive=True)
            texts = [(("summary",), topic.summary)] + [
                (("key_points", i), point) for i, point in enumerate(topic.key_points)
            ]
            for sub, text in texts:
                for figure in figures_mod.extract_figures(text):
                    if trace.traced(figure, traceable):
                        continue
                    yield source.problem(
                        sub,
                        f"number {figure.text!r} is not printed in any of this topic's passages "
                        "or its facts' claims; add the passage that states it",
                    )

    def _subtree(self, topic_id: str) -> set[str]:
        found, frontier = {topic_id}, [topic_id]
        while frontier:
            children = [t.id for t in self.b.children(frontier.pop()) if t.id not in found]
            found.update(children)
            frontier.extend(children)
        return found

    # -- 8b. traceable prose -----------------------------------------------------------
    def _prose(self) -> Iterable[Problem]:
        for topic in self.b.topics:
            subtree = self._subtree(topic.id)
            cited = self._cited([*topic.passages, *(c for f in self.b.facts if f.topic in subtree for c in f.claims)])
            texts: list[tuple[tuple[str | int, ...], str]] = [
                (("key_points", i), point) for i, point in enumerate(topic.key_points)
            ]
            # summary numbers are checked by _summaries; the other rules apply to it too
            yield from self._trace(topic, [(("summary",), topic.summary)], cited, numbers=False)
            yield from self._trace(topic, texts, cited, numbers=False)
        for fact in self.b.facts:
            cited = self._cited(fact.claims)
            texts = [(("subject",), fact.subject), (("explanation",), fact.explanation)]
            texts += [(("claims", i, "note"), c.note) for i, c in enumerate(fact.claims) if c.note]
            yield from self._trace(fact, texts, cited)
        for event in self.b.timeline:
            cited = self._cited(event.quotes)
            texts = [(("title",), event.title)]
            texts += [(("what",), event.what)] if event.what else []
            yield from self._trace(event, texts, cited)
        for term in self.b.glossary:
            cited = trace.Cited(whole=self._printing(term))
            yield from self._trace(term, [(("gloss",), term.gloss)], cited, derive=False)

    def _cited(self, items: Iterable[Passage | Claim]) -> trace.Cited:
        cited = trace.Cited()
        for item in items:
            article = self._article(item.article)
            span = locate_quote(article, item.quote) if article else None
            if span:
                cited.quotes.append((cast(Article, article), *span))
        return cited

    def _printing(self, term: GlossaryTerm) -> list[Article]:
        """The articles that print one of a term's spellings or see-also phrases."""
        words = [w for w in [*term.spellings, *term.see_also] if w]
        return [a for a in self.corpus if a.source == "seed" and any(w in a.text for w in words)]

    def _trace(
        self,
        item,
        texts: Sequence[tuple[tuple[str | int, ...], str]],
        cited: trace.Cited,
        numbers: bool = True,
        derive: bool = True,
    ) -> Iterable[Problem]:
        source = self._src(item)
        figures_mod = _figures_module()
        traceable = self._traceable_in(cited, derive) if numbers and figures_mod else None
        articles = [a for a in self.corpus if a.source == "seed"]
        for sub, text in texts:
            for message in trace.unquoted_phrase_problems(text, cited):
                yield source.problem(sub, message)
            for message in trace.outlet_problems(text, cited, articles):
                yield source.problem(sub, message)
            for message in trace.ordinal_problems(text, cited):
                yield source.problem(sub, message)
            if traceable is None:
                continue
            for figure in figures_mod.extract_figures(text):
                if not trace.traced(figure, traceable):
                    yield source.problem(sub, f"number {figure.text!r} is not printed in any passage this item cites")

    def _traceable_in(self, cited: trace.Cited, derive: bool) -> trace.Traceable:
        values: list[float] = []
        dates: list[str] = [a.date for a in cited.articles]
        spans = list(cited.quotes) + [(a, 0, len(a.text)) for a in cited.whole]
        for article, start, end in spans:
            for figure in figures_in_span(article, start, end):
                if figure.value is not None:
                    values.append(figure.value)
                if figure.kind in ("date", "year") and figure.as_of:
                    dates.append(figure.as_of)
            values += _likely_values(article, start, end, self.corpus)  # the reading of a garbled figure
        return trace.Traceable(trace.derived_values(values) if derive else set(values), dates)

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
def _article_figures(article_id: str, text: str, published: str | None = None) -> tuple:
    figures = _figures_module()
    return tuple(figures.extract_figures(text, published)) if figures else ()


def figures_in_span(article: Article, start: int, end: int) -> list[Figure]:
    """The figure layer's figures (on the whole article) that overlap ``[start, end)``."""
    published = getattr(article, "date", None) or None
    return [f for f in _article_figures(article.id, article.text, published) if f.start < end and f.end > start]


def claim_date_reading(claim: Claim, article: Article | None) -> str | None:
    """The ISO date a date claim states: ``reads_as``, else the date the figure layer
    reads inside its printed words (``None`` when it reads none)."""
    if claim.reads_as:
        return claim.reads_as
    span = locate_quote(article, claim.quote) if article else None
    at = claim.quote.find(str(claim.value)) if span else -1
    if span is None or at < 0:
        return None
    start = span[0] + at
    inside = [
        f
        for f in figures_in_span(article, start, start + len(str(claim.value)))  # type: ignore[arg-type]
        if f.kind in ("date", "year") and f.as_of and "/" not in f.as_of
    ]
    return cast(str, inside[0].as_of).lstrip("-") if inside else None


def _likely_values(article: Article, start: int, end: int, corpus: Corpus) -> list[float]:
    """The values the figure layer restores for suspect figures in ``[start, end)``,
    cross-article flags included ("439 trillion" -> 4.39e12 from People's Daily)."""
    figures = _figures_module()
    if figures is None:
        return []
    try:
        found = figures.article_figures(article, corpus)
    except Exception:
        return []
    return [
        f.suspect.likely
        for f in found
        if f.start < end and f.end > start and f.suspect is not None and f.suspect.likely is not None
    ]


_ISO_DATE = __import__("re").compile(r"\d{4}(-\d{2}(-\d{2})?)?")
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


def _same_date(a: str, b: str) -> bool:
    """Two dates agree when one is the other at a lower precision ("2014-02", "2014-02-26")."""
    return a.startswith(b) or b.startswith(a)


def _prints_date(figures, date: str) -> bool:
    """A date or year figure that names ``date`` (a day-and-month with no year counts)."""
    for figure in figures:
        if figure.kind not in ("date", "year") or not figure.as_of:
            continue
        as_of = figure.as_of
        if as_of.startswith("--"):
            if len(date) == 10 and date[4:] == as_of[1:]:
                return True
        elif "/" not in as_of and _same_date(as_of, date):
            return True
    return False


def _is_count_unit(figures_mod, unit: str | None) -> bool:
    """A counted noun (``branch``), as opposed to a unit the figure grammar knows (``km``)."""
    parsed = figures_mod.extract_figures(f"2 {unit}")
    return not parsed or parsed[0].kind in _COUNT_KINDS


def _figure_matches(figures_mod, figure, claim: Claim) -> bool:
    """Same value, and the same unit — or a bare count ("100 million") whose counted noun
    the grammar could not name, claimed with a counted noun by the curator."""
    if figure.value is None or not _close(figure.value, cast(float, claim.value)):
        return False
    wanted = figures_mod.normalize_unit(claim.unit)
    if figure.unit is None:
        return figure.kind in _COUNT_KINDS and _is_count_unit(figures_mod, claim.unit)
    return figure.unit == wanted or figures_mod.normalize_unit(figure.unit) == wanted


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
