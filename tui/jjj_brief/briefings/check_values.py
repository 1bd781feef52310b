"""Checks 5 and 6 of ``jjj-brief check``: every claim's value is printed inside its quote
(a number as a figure the figure layer reads, with its unit; a category, date or status
literally), and every fact's verdict agrees with its claims' values and units."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from jjj_brief.briefings.check_base import CheckerBase
from jjj_brief.briefings.load import Problem
from jjj_brief.briefings.quotes import locate_quote
from jjj_brief.briefings.readings import (
    ISO_DATE,
    VALUELESS_KINDS,
    claim_date_reading,
    close,
    describe,
    figure_matches,
    figures_in_span,
    figures_module,
    fmt,
    is_count_unit,
    same_date,
)
from jjj_brief.briefings.schema import Claim, Fact
from jjj_brief.corpus import Article

ROUNDING_TOLERANCE = 0.10


class ValueChecks(CheckerBase):
    # -- 5. claim values ----------------------------------------------------------
    def _claim_values(self) -> Iterable[Problem]:
        figures_mod = figures_module()
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
                if not any(figure_matches(figures_mod, f, claim) for f in inside):
                    printed = ", ".join(describe(f) for f in inside if f.kind not in VALUELESS_KINDS) or "none"
                    yield self._src(fact).problem(
                        ("claims", i, "value"),
                        f"no figure {fmt(cast(float, claim.value))} {claim.unit} in the quote; the figure layer reads: {printed}",
                    )

    def _words_problems(
        self, fact: Fact, i: int, claim: Claim, article: Article, span: tuple[int, int]
    ) -> Iterable[Problem]:
        """A category, date or status is printed literally inside its quote."""
        source = self._src(fact)
        words = str(claim.value)
        at = claim.quote.find(words)
        if at < 0:
            yield source.problem(("claims", i, "value"), f"{words!r} is not printed inside the quote")
            return
        if fact.kind == "date":
            if claim.reads_as is not None and not ISO_DATE.fullmatch(claim.reads_as):
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
            same = all(same_date(r, readings[0]) for r in readings)  # type: ignore[arg-type]
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
        same = all(close(v, values[0]) for v in values)
        source = self._src(fact)
        listed = ", ".join(f"{fmt(cast(float, c.value))} {c.unit} ({c.article})" for c in whole)
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
        figures_mod = figures_module()
        if figures_mod is None:
            return
        measures = {figures_mod.normalize_unit(c.unit) for c in fact.claims if not is_count_unit(figures_mod, c.unit)}
        counts = [c for c in fact.claims if is_count_unit(figures_mod, c.unit)]
        if len(measures) > 1 or (measures and counts):
            units = ", ".join(sorted(cast(set[str], {c.unit for c in fact.claims})))
            yield self._src(fact).problem(("claims",), f"claims of one fact use different units: {units}")
