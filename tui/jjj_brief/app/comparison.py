"""A comparison: one column per source (the compare layer's ``ClaimView``), sharing one scroll.

It shows a curated fact, an automatic alignment of a figure, or your own claim.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from jjj_brief.app import safe_text
from jjj_brief.app.deliver import deliver
from jjj_brief.app.messages import ComparisonShown
from jjj_brief.app.source_column import SourceColumn
from jjj_brief.app.state import Location
from jjj_brief.app.styles import palette_for
from jjj_brief.app.view import View
from jjj_brief.corpus import Article
from jjj_brief.team.authorship import owner

if TYPE_CHECKING:
    from jjj_brief.compare import Candidate
    from jjj_brief.compare.facts import ClaimView, Comparison, Spread


def resolved(
    article: Article | None, ref: str, quote_span: tuple[int, int] | None, figure: Any, **fields: Any
) -> ClaimView:
    """A ClaimView of ``article`` (an alignment candidate, your claim's member, a claim the
    compare layer does not know): the quote's paragraph as context."""
    from jjj_brief.compare.facts import ClaimView, Context

    context = None
    if article is not None and quote_span is not None:
        context = Context.around(article, quote_span, figure)
    return ClaimView(
        ref,
        article.file if article else None,
        article.outlet if article else ref,
        article.date if article else "",
        article.title if article else "",
        fields.pop("quote"),
        quote_span[0] if quote_span else None,
        quote_span[1] if quote_span else None,
        figure,
        context,
        **fields,
    )


def spread_of(views: list[ClaimView]) -> Spread | None:
    from jjj_brief.compare.facts import Spread

    values = [float(v.value) for v in views if isinstance(v.value, (int, float))]
    if not values:
        return None
    low, high = min(values), max(values)
    return Spread(low, high, (high - low) / abs(high) if high else 0.0)


class ComparisonView(View):
    """Sources side by side; the columns share one scroll, so they scroll together."""

    KINDS = ("fact", "alignment", "claim")
    NAME = "Comparison"
    ID = "comparison"

    DEFAULT_CSS = """
    ComparisonView { height: 1fr; layout: vertical; }
    ComparisonView #cmp-head { height: auto; max-height: 12; padding: 0 1; background: $boost; }
    ComparisonView #cmp-yours { height: auto; max-height: 6; padding: 0 1; display: none; }
    ComparisonView #cmp-scroll { height: 1fr; overflow-x: auto; }
    ComparisonView #cmp-columns { height: auto; width: auto; }
    """

    MIN_COLUMN_WIDTH = 24

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fact: Any | None = None
        self.sources: list[ClaimView] = []
        self.subject = ""
        self.comparing: str | None = None  # the fact being compared in the worker (loading)
        self._generation = 0  # bumped by every show: a late comparison is dropped

    def compose(self) -> ComposeResult:
        yield Static(id="cmp-head")
        yield Static(id="cmp-yours")
        with VerticalScroll(id="cmp-scroll"):
            yield Horizontal(id="cmp-columns")

    # ------------------------------------------------------------------ showing
    def show(self, location: Location) -> str | None:
        data = self.data
        self._generation += 1
        self.comparing = None
        if location.kind == "fact":
            fact = data.fact(location.ref)
            if fact is None:
                return None
            self.show_fact(fact)
            return fact.subject
        if location.kind == "claim":
            return self.brief_app.show_claim_location(location)
        article = data.article(location.ref)
        figure = data.figure_at(article, location.offset) if article is not None else None
        if article is None or figure is None:
            return None
        self.show_alignment(article, figure)
        return f"{figure.text} · {article.outlet}"

    def heading(self, location: Location) -> str:
        return {"alignment": "Alignment", "claim": "Your claim"}.get(location.kind, self.NAME)

    def after_show(self, location: Location) -> None:
        if location.kind != "claim":
            self.show_yours(self.brief_app.your_claims_rows(self.sources))
        self.focus_after_refresh(self.focus_first)

    def focus_view(self) -> None:
        self.focus_first()

    def tab_stops(self) -> list[Widget]:
        """One stop for the sources (← → move between them)."""
        columns = list(self.query(SourceColumn))
        focused = self.app.focused
        return [focused if isinstance(focused, SourceColumn) and focused in columns else columns[0]] if columns else []

    # ---------------------------------------------------------------- curated
    def show_fact(self, fact: Any) -> None:
        """A curated fact: its verdict at once, "Comparing the sources…" while the compare
        layer resolves its claims against the articles in a worker (0.7-1.5 s cold), then the
        columns."""
        self.fact = fact
        self.subject = fact.subject
        self.sources = []
        self.comparing = fact.id
        rows = self._fact_rows(fact)
        rows.append(Text("Comparing the sources…", style="italic dim"))
        self.query_one("#cmp-head", Static).update(safe_text.paragraphs(*rows))
        self._mount_columns()
        self._compare(fact, self._generation)

    @work(thread=True, exclusive=True, group="compare", description="compare the sources")
    def _compare(self, fact: Any, generation: int) -> None:
        comparison = self.data.compare_fact(fact.id)
        sources = comparison.claims if comparison is not None else self._claim_views(fact)
        deliver(self, self._fact_compared, fact, comparison, sources, generation)

    def _fact_rows(self, fact: Any) -> list[Text]:
        return [
            safe_text.parts(("Fact  ", "dim"), (fact.subject, "bold")),
            Text.assemble(Text("Verdict  ", style="dim"), self.verdict_text(fact.verdict)),
            safe_text.block(fact.explanation),
        ]

    def _fact_compared(
        self, fact: Any, comparison: Comparison | None, sources: list[ClaimView], generation: int
    ) -> None:
        if generation != self._generation:
            return  # the user went on
        self.comparing = None
        self.sources = sources
        palette = palette_for(self.app)
        rows = self._fact_rows(fact)
        spread = comparison.spread if comparison is not None else spread_of(self.sources)
        if spread is not None:
            rows.append(safe_text.parts(("Spread  ", "dim"), spread.label))
        if comparison is not None:
            rows.extend(self._assessment_rows(comparison, palette))
        self.query_one("#cmp-head", Static).update(safe_text.paragraphs(*rows))
        self._columns_ready(fact.id, "fact")

    def _columns_ready(self, ref: str, kind: str) -> None:
        """The sources are resolved: their columns, your claims on them, the keys."""
        self.comparing = None
        self._mount_columns()
        if kind != "claim":
            self.show_yours(self.brief_app.your_claims_rows(self.sources))
        if self.brief_app.visible_view is self:
            self.focus_after_refresh(self.focus_first)
        # Said once the columns are laid out and have the keys (callbacks run in order).
        self.call_after_refresh(self.post_message, ComparisonShown(ref, len(self.sources), kind))

    def _assessment_rows(self, comparison: Comparison, palette: Any) -> list[Text]:
        assessment = comparison.assessment
        detail = f" — {assessment.detail}" if assessment.detail else ""
        rows = [
            Text.assemble(
                Text("Computed  ", style="dim"),
                safe_text.line(assessment.label, style=palette.assessment(assessment.code)),
                safe_text.line(detail, style="dim"),
            )
        ]
        if comparison.disagreement:
            rows.append(safe_text.parts(("⚠ ", "bold"), (comparison.disagreement, palette.warning), limit=300))
        return rows

    def _claim_views(self, fact: Any) -> list[ClaimView]:
        from jjj_brief.compare.facts import claim_figure

        views = []
        for claim in fact.claims:
            article = self.data.article(claim.article)
            span = self.data.locate_quote(article, claim.quote) if article else None
            figure = (
                claim_figure(article, claim, span, self.data.library)
                if article is not None and span is not None
                else None
            )
            note = claim.note if span else "quote not found verbatim in the article"
            views.append(
                resolved(
                    article,
                    claim.article,
                    span,
                    figure,
                    quote=claim.quote,
                    value=claim.value,
                    unit=claim.unit,
                    qualifier=claim.qualifier,
                    as_of=claim.as_of,
                    note=note,
                    part=claim.part,
                )
            )
        return sorted(views, key=lambda v: (str(v.as_of or ""), v.date))

    def verdict_text(self, verdict: str) -> Text:
        return safe_text.line(verdict or "—", style=palette_for(self.app).verdict(verdict))

    # ------------------------------------------------------------ your claims
    def show_yours(self, rows: list[Text]) -> None:
        """The analyst's own claims on these figures, beside the curated verdict, labelled yours."""
        yours = self.query_one("#cmp-yours", Static)
        yours.update(safe_text.paragraphs(*rows) if rows else Text(""))
        yours.display = bool(rows)

    def show_claim(self, claim: Any) -> None:
        """Your claim: your verdict and note in the head at once, "Reading the figures…" while
        a worker finds each figure's paragraph, then the figures side by side."""
        self.fact = None
        self.subject = f"your claim {claim.ref}"
        self.sources = []
        self.comparing = claim.ref
        rows = self._claim_rows(claim)
        self.query_one("#cmp-head", Static).update(
            safe_text.paragraphs(*rows, Text("Reading the figures…", style="italic dim"))
        )
        self.show_yours([])
        self._mount_columns()
        self._resolve_claim(claim, rows, self._generation)

    def _claim_rows(self, claim: Any) -> list[Text]:
        who = owner(self.brief_app.work_store, claim)
        rows = [
            safe_text.parts(
                (f"{who.badge} ", "bold reverse"),
                (f" {'Your claim' if who.badge == 'YOURS' else 'Claim'} {claim.ref}", "bold"),
            ),
            Text.assemble(
                safe_text.line(f"{who.verdict[:1].upper()}{who.verdict[1:]}  ", style="dim"),
                self.verdict_text(claim.verdict),
            ),
        ]
        if claim.text:
            rows.append(safe_text.block(claim.text))
        return rows

    @work(thread=True, exclusive=True, group="compare", description="read your claim's figures")
    def _resolve_claim(self, claim: Any, rows: list[Text], generation: int) -> None:
        sources = [self._member_view(member) for member in claim.members]
        deliver(self, self._claim_resolved, claim, rows, sources, generation)

    def _member_view(self, member: Any) -> ClaimView:
        from jjj_brief.compare.facts import WordsSpan

        anchor = member.anchor
        article = self.data.article(anchor.article)
        paragraph = article.paragraph_at(anchor.start) if article is not None and not anchor.orphaned else None
        span = (paragraph.start, paragraph.end) if paragraph else None
        quote = article.text[span[0] : span[1]] if article is not None and span else anchor.exact
        note = "ORPHANED: no longer in the article" if anchor.orphaned else "your claim"
        figure = None if anchor.orphaned else WordsSpan(anchor.start, anchor.end, anchor.exact)
        return resolved(
            article,
            anchor.article,
            span,
            figure,
            quote=quote,
            value=member.value,
            unit=member.unit,
            qualifier=None,
            as_of=None,
            note=note,
        )

    def _claim_resolved(self, claim: Any, rows: list[Text], sources: list[ClaimView], generation: int) -> None:
        if generation != self._generation:
            return  # the user went on
        self.sources = sources
        spread = spread_of(sources)
        if spread is not None:
            rows = [*rows, safe_text.parts(("Spread  ", "dim"), spread.label)]
        self.query_one("#cmp-head", Static).update(safe_text.paragraphs(*rows))
        self._columns_ready(claim.ref, "claim")

    # -------------------------------------------------------------- alignment
    def show_alignment(self, article: Article, figure: Any) -> None:
        """No curated fact holds this figure: it at once, "Finding related figures…" while a
        worker asks the aligner, then the figure beside the aligner's candidates."""
        self.fact = None
        self.subject = f"{figure.text} in {article.outlet}"
        self.sources = []
        self.comparing = f"{article.id}@{figure.start}"
        rows = [
            safe_text.parts(
                ("Automatic alignment  ", "dim"), (figure.text, "bold"), ("  from  ", "dim"), article.outlet
            ),
            Text("No curated fact holds this figure; these are the aligner's candidates, best first.", style="italic"),
        ]
        self.query_one("#cmp-head", Static).update(
            safe_text.paragraphs(*rows, Text("Finding related figures…", style="italic dim"))
        )
        self._mount_columns()
        self._align(article, figure, rows, self._generation)

    @work(thread=True, exclusive=True, group="compare", description="find related figures")
    def _align(self, article: Article, figure: Any, rows: list[Text], generation: int) -> None:
        related = self.data.related(article.id, figure.start, limit=8)
        sources = [self._chosen_view(article, figure)] + [self._candidate_view(c) for c in related]
        deliver(self, self._aligned, article, figure, rows, sources, generation)

    def _chosen_view(self, article: Article, figure: Any) -> ClaimView:
        paragraph = article.paragraph_at(figure.start)
        quote_span = (paragraph.start, paragraph.end) if paragraph else (figure.start, figure.end)
        return resolved(
            article,
            article.id,
            quote_span,
            figure,
            quote=article.text[quote_span[0] : quote_span[1]],
            value=figure.value,
            unit=figure.unit,
            qualifier=figure.qualifier,
            as_of=figure.as_of,
            note="the figure you chose",
        )

    def _candidate_view(self, candidate: Candidate) -> ClaimView:
        from jjj_brief.compare.facts import WordsSpan

        other = self.data.article(candidate.article)
        para = other.paragraph_at(candidate.start) if other else None
        span = (para.start, para.end) if para else (candidate.start, candidate.end)
        same = "same fact" if candidate.same_fact else "related"
        return resolved(
            other,
            candidate.article,
            span,
            WordsSpan(candidate.start, candidate.end, candidate.text),
            quote=other.text[span[0] : span[1]] if other else "",
            value=candidate.value,
            unit=candidate.unit,
            qualifier=candidate.qualifier,
            as_of=candidate.as_of,
            note=f"{same}, score {candidate.score:.2f}: {candidate.reason}",
        )

    def _aligned(
        self, article: Article, figure: Any, rows: list[Text], sources: list[ClaimView], generation: int
    ) -> None:
        if generation != self._generation:
            return  # the user went on
        self.sources = sources
        if len(sources) == 1:
            rows = [*rows, Text("No related figures found in other articles.", style=palette_for(self.app).warning)]
        self.query_one("#cmp-head", Static).update(safe_text.paragraphs(*rows))
        self._columns_ready(article.id, "alignment")

    def _mount_columns(self) -> None:
        columns = self.query_one("#cmp-columns", Horizontal)
        columns.remove_children()
        columns.mount_all([SourceColumn(source, self.data.article(source.article)) for source in self.sources])
        self._fit_columns()
        self.call_after_refresh(self._fit_columns)  # the pane's width is known after layout
        self.query_one("#cmp-scroll", VerticalScroll).scroll_home(animate=False)

    def on_resize(self) -> None:
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Share the pane's width between the sources; when they cannot all get
        MIN_COLUMN_WIDTH, keep that width and let the shared scroll go sideways, so every
        source stays reachable and the columns still scroll together."""
        columns = list(self.query(SourceColumn))
        if not columns:
            return
        available = self.query_one("#cmp-scroll", VerticalScroll).scrollable_content_region.width
        width = max(self.MIN_COLUMN_WIDTH, available // len(columns)) if available else self.MIN_COLUMN_WIDTH
        for column in columns:
            column.styles.width = width

    def focus_first(self) -> None:
        columns = self.query(SourceColumn)
        if columns:
            columns.first().focus()
        else:
            self.focus()

    def focused_source(self) -> tuple[Article, str] | None:
        """The focused column's article and quote (for a citation)."""
        focused = self.app.focused
        if isinstance(focused, SourceColumn) and focused.article is not None:
            return focused.article, focused.source.quote
        first = self.sources[0] if self.sources else None
        article = self.data.article(first.article) if first is not None else None
        return (article, first.quote) if article is not None and first is not None else None
