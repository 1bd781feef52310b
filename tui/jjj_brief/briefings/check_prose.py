"""Check 8 of ``jjj-brief check``: our own prose is traceable. Summaries are 80-200 words
and print only numbers their passages print; in every summary, key point, subject,
explanation, note, timeline title and description and gloss, quoted phrases, outlets,
numbers, years and ordinals are printed in what the item cites; a gloss states no place,
body or year that no paragraph printing its term prints, outside an editors' note."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from jjj_brief.briefings import traceability as trace
from jjj_brief.briefings.check_base import CheckerBase
from jjj_brief.briefings.load import Problem
from jjj_brief.briefings.readings import figures_in_span, figures_module, likely_values
from jjj_brief.briefings.schema import GlossaryTerm
from jjj_brief.corpus import Article

SUMMARY_WORDS = (80, 200)


class ProseChecks(CheckerBase):
    _named: dict[str, list[str]] | None = None
    _seed_paragraphs: list[tuple[str, str]] | None = None  # (paragraph, casefolded), in corpus order

    # -- 8. summaries ------------------------------------------------------------
    def _summaries(self) -> Iterable[Problem]:
        figures_mod = figures_module()
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
            yield from self._trace(term, [(("gloss",), term.gloss)], cited, derive=False, names=False)
            source = self._src(term)
            published = [a.date for a in cited.articles]
            outlets = [name for a in self.corpus if a.source == "seed" for name in trace.outlet_names(a)]
            problems = trace.gloss_problems(term.gloss, self._paragraphs(term), self._names(), published, outlets)
            for message in problems:
                yield source.problem(("gloss",), message)

    def _names(self) -> dict[str, list[str]]:
        """Glossary names (id -> spellings) prose must trace; a name every article prints
        (the region itself) is common ground and needs no quote."""
        if self._named is None:
            seeds = [a.text for a in self.corpus if a.source == "seed"]
            self._named = {
                t.id: t.spellings
                for t in self.b.glossary
                if t.kind in trace.NAMED_KINDS
                and not all(any(trace.names_in(text, s) for s in t.spellings) for text in seeds)
            }
        return self._named

    def _paragraphs(self, term: GlossaryTerm) -> list[str]:
        """The paragraphs of the articles that print one of a term's spellings or see-also
        phrases (case aside): what the articles say of the term."""
        words = [w.casefold() for w in [*term.spellings, *term.see_also] if w]
        if self._seed_paragraphs is None:  # casefolded once per check, not once per term and word
            self._seed_paragraphs = [
                (paragraph, paragraph.casefold())
                for a in self.corpus
                if a.source == "seed"
                for paragraph in a.text.split("\n")
            ]
        return [paragraph for paragraph, folded in self._seed_paragraphs if any(w in folded for w in words)]

    def _printing(self, term: GlossaryTerm) -> list[Article]:
        """The articles that print one of a term's spellings or see-also phrases."""
        words = [w for w in [*term.spellings, *term.see_also] if w]
        return [a for a in self.corpus if a.source == "seed" and any(w in a.text for w in words)]

    def _trace(
        self,
        item: object,
        texts: Sequence[tuple[tuple[str | int, ...], str]],
        cited: trace.Cited,
        numbers: bool = True,
        derive: bool = True,
        names: bool = True,
    ) -> Iterable[Problem]:
        source = self._src(item)
        named = self._names() if names else {}
        figures_mod = figures_module()
        traceable = self._traceable_in(cited, derive) if numbers and figures_mod else None
        articles = [a for a in self.corpus if a.source == "seed"]
        for sub, text in texts:
            for message in trace.unquoted_phrase_problems(text, cited):
                yield source.problem(sub, message)
            for message in trace.outlet_problems(text, cited, articles):
                yield source.problem(sub, message)
            for message in trace.ordinal_problems(text, cited):
                yield source.problem(sub, message)
            for message in trace.name_problems(text, cited, named):
                yield source.problem(sub, message)
            if traceable is None or figures_mod is None:
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
            values += likely_values(article, start, end, self.corpus)  # the reading of a garbled figure
        return trace.Traceable(trace.derived_values(values) if derive else set(values), dates)
