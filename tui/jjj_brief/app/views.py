"""The main pane's other views: home, a topic's briefing, a comparison, and the timeline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from jjj_brief.app import safe_text
from jjj_brief.app.reader import FOCUS_STYLE, format_number, same_number
from jjj_brief.corpus import Article

VERDICT_STYLES = {
    "consistent": "bold green",
    "rounding": "bold cyan",
    "different-date-or-scope": "bold yellow",
    "conflict": "bold red",
    "transcription-error": "bold magenta",
}


class OpenArticle(Message):
    """Open ``article_id`` in the reader at ``offset`` (a quote's start)."""

    def __init__(self, article_id: str, offset: int | None = None, query: str = "") -> None:
        self.article_id = article_id
        self.offset = offset
        self.query = query
        super().__init__()


class OpenFact(Message):
    def __init__(self, fact_id: str) -> None:
        self.fact_id = fact_id
        super().__init__()


class OpenTopic(Message):
    def __init__(self, topic_id: str) -> None:
        self.topic_id = topic_id
        super().__init__()


def verdict_text(verdict: str) -> Text:
    return safe_text.line(verdict or "—", style=VERDICT_STYLES.get(verdict, "bold"))


def short_value(value: Any, unit: Any) -> str:
    unit_text = f" {unit}" if unit else ""
    return f"{format_number(value)}{unit_text}"


def heading(text: str) -> Text:
    return Text(text, style="bold underline")


# ------------------------------------------------------------------------ home
class HomeView(VerticalScroll):
    DEFAULT_CSS = """
    HomeView { padding: 1 2; }
    """

    def __init__(self, layers: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.core = layers

    def compose(self) -> ComposeResult:
        yield Static(self._text(), id="home-text")

    def _text(self) -> Text:
        layers = self.core
        if getattr(layers, "corpus_loaded", True) and layers.briefings_loaded:
            counts = Text(
                f"{len(layers.corpus):,} articles, {len(layers.topics())} topics, {len(layers.facts())} facts, "
                f"{len(layers.timeline())} timeline events."
            )
        else:  # not "0 topics" while the YAML is still being read
            counts = Text("Loading the articles and briefings…", style="italic dim")
        rows = [
            Text("jjj-brief — Beijing-Tianjin-Hebei briefings", style="bold"),
            Text(""),
            counts,
            Text(""),
            Text("/ search   ↑↓ enter open   ? every key   ctrl+p find anything   q quit", style="dim"),
            Text("Pick a topic or an article on the left, or type a search.", style="dim"),
        ]
        problems = layers.problems()
        if problems:
            rows.append(Text(""))
            rows.append(
                Text(f"{len(problems)} problem(s) in the briefings (the valid part is loaded):", style="yellow")
            )
            for problem in problems[:20]:
                rows.append(safe_text.line(str(problem), style="yellow", limit=200))
        for note in layers.notes:
            rows.append(safe_text.line(note, style="yellow", limit=200))
        return safe_text.paragraphs(*rows)

    def refresh_text(self) -> None:
        self.query_one("#home-text", Static).update(self._text())


# -------------------------------------------------------------------- briefing
class BriefingView(VerticalScroll):
    """A topic: summary, key points, its facts as a table, and the passages it draws on."""

    DEFAULT_CSS = """
    BriefingView { padding: 0 1; }
    BriefingView #brief-head { height: auto; margin-bottom: 1; }
    BriefingView .section { height: auto; margin-top: 1; }
    BriefingView #brief-facts { height: auto; max-height: 20; }
    BriefingView #brief-children { height: auto; max-height: 12; border: none; }
    BriefingView #brief-passages { height: auto; border: none; }
    """

    def __init__(self, layers: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.core = layers
        self.topic: Any | None = None
        self._facts: list = []
        self._passages: list = []
        self._children: list = []

    def compose(self) -> ComposeResult:
        yield Static(id="brief-head")
        yield Static(heading("Subtopics"), classes="section", id="brief-children-title")
        yield OptionList(id="brief-children")
        yield Static(heading("Facts (enter: compare sources)"), classes="section", id="brief-facts-title")
        yield DataTable(id="brief-facts", cursor_type="row", zebra_stripes=True)
        yield Static(heading("Passages (enter: read in the article)"), classes="section", id="brief-passages-title")
        yield OptionList(id="brief-passages")

    def show_topic(self, topic: Any) -> None:
        self.topic = topic
        layers = self.core
        parent = layers.topic(topic.parent) if topic.parent else None
        rows = []
        if parent is not None:
            rows.append(safe_text.line(parent.title, style="dim"))
        rows.append(safe_text.line(topic.title, style="bold"))
        rows.append(Text(""))
        rows.append(safe_text.block(topic.summary))
        if topic.key_points:
            rows.append(Text(""))
            rows.append(heading("Key points"))
            for point in topic.key_points:
                rows.append(Text("• ").append_text(safe_text.block(point)))
        self.query_one("#brief-head", Static).update(safe_text.paragraphs(*rows))

        self._children = layers.children(topic.id)
        children = self.query_one("#brief-children", OptionList)
        children.clear_options()
        children.add_options([Option(safe_text.line(child.title)) for child in self._children])
        for selector in ("#brief-children", "#brief-children-title"):
            self.query_one(selector).display = bool(self._children)

        self._facts = layers.facts_of(topic.id)
        table = self.query_one("#brief-facts", DataTable)
        table.clear(columns=True)
        table.add_columns(Text("Verdict"), Text("Subject, and the values across sources"))
        for fact in self._facts:
            cell = safe_text.line(fact.subject, style="bold", limit=120)
            cell.append("\n")
            cell.append_text(self._values(fact))
            table.add_row(verdict_text(fact.verdict), cell, key=fact.id, height=2)
        for selector in ("#brief-facts", "#brief-facts-title"):
            self.query_one(selector).display = bool(self._facts)

        self._passages = list(topic.passages)
        passages = self.query_one("#brief-passages", OptionList)
        passages.clear_options()
        for passage in self._passages:
            article = layers.article(passage.article)
            source = f"{article.outlet}, {article.date}" if article else f"{passage.article} (unknown article)"
            label = safe_text.parts((source, "bold"))
            label.no_wrap = False
            label.append("\n")
            label.append_text(safe_text.line(f"“{passage.quote}”", limit=300))
            passages.add_option(Option(label))
        for selector in ("#brief-passages", "#brief-passages-title"):
            self.query_one(selector).display = bool(self._passages)
        self.scroll_home(animate=False)

    def _values(self, fact: Any) -> Text:
        """``9,500 (CCTV 2023) · 10,000 (Liaowang 2024) branch``: values, sources, as-of."""
        text = Text()
        units = []
        for number, claim in enumerate(fact.claims):
            if number:
                text.append(" · ", style="dim")
            article = self.core.article(claim.article)
            text.append_text(safe_text.line(format_number(claim.value), style="bold", limit=30))
            outlet = article.outlet.split(" (")[0].split()[0] if article and article.outlet.split() else claim.article
            source = f"{outlet} {claim.as_of}" if claim.as_of else outlet
            text.append_text(safe_text.line(f" ({source})", style="dim", limit=30))
            if claim.unit not in units:
                units.append(claim.unit)
        text.append_text(safe_text.line(" " + ", ".join(str(u) for u in units if u), limit=40))
        return text

    @on(DataTable.RowSelected, "#brief-facts")
    def _fact_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            self.post_message(OpenFact(str(event.row_key.value)))

    @on(OptionList.OptionSelected, "#brief-passages")
    def _passage_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        passage = self._passages[event.option_index]
        article = self.core.article(passage.article)
        if article is None:
            self.app.notify("That passage's article is not in the corpus.", severity="warning", markup=False)
            return
        span = self.core.locate_quote(article, passage.quote)
        self.post_message(OpenArticle(article.id, span[0] if span else None))

    @on(OptionList.OptionSelected, "#brief-children")
    def _child_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(OpenTopic(self._children[event.option_index].id))

    def focused_quote(self) -> tuple[Article, str] | None:
        """The passage or fact claim under the cursor, for a citation."""
        focused = self.app.focused
        if isinstance(focused, OptionList) and focused.id == "brief-passages" and self._passages:
            passage = self._passages[focused.highlighted or 0]
            article = self.core.article(passage.article)
            return (article, passage.quote) if article else None
        if isinstance(focused, DataTable) and self._facts:
            fact = self._facts[focused.cursor_row or 0]
            claim = fact.claims[0]
            article = self.core.article(claim.article)
            return (article, claim.quote) if article else None
        if self._passages:
            passage = self._passages[0]
            article = self.core.article(passage.article)
            return (article, passage.quote) if article else None
        return None


# ------------------------------------------------------------------ comparison
@dataclass
class Source:
    """One column of a comparison: where a source says it, and what it says."""

    article: Article | None
    article_ref: str
    quote: str
    quote_span: tuple[int, int] | None  # offsets of the quote in the article
    figure_span: tuple[int, int] | None  # offsets of the figure in the article
    value: Any
    unit: Any
    qualifier: Any
    as_of: Any
    note: str = ""


class SourceColumn(Static, can_focus=True):
    """One source in a comparison; enter opens the article at the quote."""

    # left/right live here, not on ComparisonView: the shared scroll (which can now scroll
    # sideways) would otherwise take them first.
    BINDINGS = [
        Binding("enter", "open", "Open article"),
        Binding("left", "step(-1)", "Prev source", show=False),
        Binding("right", "step(1)", "Next source", show=False),
    ]

    DEFAULT_CSS = """
    SourceColumn { width: 24; height: auto; padding: 0 1; border: round $primary 30%; }
    SourceColumn:focus { border: round $accent; }
    """

    def __init__(self, source: Source, **kwargs: Any) -> None:
        super().__init__(column_text(source), **kwargs)
        self.source = source

    def action_open(self) -> None:
        span = self.source.figure_span or self.source.quote_span
        self.post_message(OpenArticle(self.source.article_ref, span[0] if span else None))

    def action_step(self, step: int) -> None:
        for ancestor in self.ancestors:
            if isinstance(ancestor, ComparisonView):
                ancestor.action_column(step)
                return

    def on_click(self) -> None:
        self.focus()


def column_text(source: Source) -> Text:
    article = source.article
    rows = []
    if article is not None:
        rows.append(safe_text.line(article.outlet, style="bold", limit=60))
        rows.append(safe_text.parts((article.date, ""), (f" ({article.date_precision})", "dim")))
        rows.append(safe_text.line(article.title, style="italic", limit=120))
    else:
        rows.append(safe_text.line(f"{source.article_ref} (not in the corpus)", style="bold red"))
    rows.append(Text(""))
    value = short_value(source.value, source.unit) if source.value is not None else "—"
    rows.append(safe_text.parts(("value     ", "dim"), (value, "bold")))
    rows.append(safe_text.parts(("qualifier ", "dim"), str(source.qualifier or "—")))
    rows.append(safe_text.parts(("as of     ", "dim"), str(source.as_of or "—")))
    if source.note:
        rows.append(safe_text.line(source.note, style="dim italic", limit=200))
    rows.append(Text(""))
    rows.append(context_text(source))
    return safe_text.paragraphs(*rows)


def context_text(source: Source) -> Text:
    """The quote's paragraph, quote underlined, figure highlighted; or the bare quote."""
    article = source.article
    if article is None or source.quote_span is None:
        return safe_text.block(f"“{source.quote}”", style="italic")
    start, end = source.quote_span
    paragraph = article.paragraph_at(start)
    lo, hi = (paragraph.start, paragraph.end) if paragraph else (start, end)
    hi = max(hi, end)
    # Keep long paragraphs readable: a window around the quote.
    window_lo = max(lo, start - 240)
    window_hi = min(hi, end + 240)
    if window_lo > lo:  # start the window at a word
        space = article.text.find(" ", window_lo, start)
        window_lo = space + 1 if space >= 0 else window_lo
    spans = [(start - window_lo, end - window_lo, "italic underline")]
    if source.figure_span:
        fs, fe = source.figure_span
        spans.append((fs - window_lo, fe - window_lo, FOCUS_STYLE))
    text = safe_text.block(article.text[window_lo:window_hi], spans)
    if window_lo > lo:
        text = Text("…").append_text(text)
    if window_hi < hi:
        text.append("…")
    return text


class ComparisonView(Vertical):
    """Sources side by side; the columns share one scroll, so they scroll together."""

    BINDINGS = [
        Binding("left", "column(-1)", "Prev source", show=False),
        Binding("right", "column(1)", "Next source", show=False),
    ]

    DEFAULT_CSS = """
    ComparisonView { height: 1fr; }
    ComparisonView #cmp-head { height: auto; max-height: 12; padding: 0 1; background: $boost; }
    ComparisonView #cmp-yours { height: auto; max-height: 6; padding: 0 1; display: none; }
    ComparisonView #cmp-scroll { height: 1fr; overflow-x: auto; }
    ComparisonView #cmp-columns { height: auto; width: auto; }
    """

    MIN_COLUMN_WIDTH = 24

    def __init__(self, layers: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.core = layers
        self.fact: Any | None = None
        self.sources: list[Source] = []
        self.subject = ""

    def compose(self) -> ComposeResult:
        yield Static(id="cmp-head")
        yield Static(id="cmp-yours")
        with VerticalScroll(id="cmp-scroll"):
            yield Horizontal(id="cmp-columns")

    # ---------------------------------------------------------------- curated
    def show_fact(self, fact: Any) -> None:
        """A curated fact: the compare layer's comparison when it knows the fact, else the claims."""
        self.fact = fact
        self.subject = fact.subject
        comparison = self.core.compare_fact(fact.id)
        claims = getattr(comparison, "claims", None)
        if comparison is not None and claims:
            self.sources = [self._view_source(view) for view in claims]
        else:
            self.sources = [self._claim_source(claim) for claim in fact.claims]
            self.sources.sort(key=lambda s: (str(s.as_of or ""), s.article.date if s.article else ""))
        rows = [
            safe_text.parts(("Fact  ", "dim"), (fact.subject, "bold")),
            Text.assemble(Text("Verdict  ", style="dim"), verdict_text(fact.verdict)),
            safe_text.block(fact.explanation),
            self._spread_text(comparison),
        ]
        assessment = _get(comparison, "assessment")
        if assessment:
            detail = _get(assessment, "detail")
            rows.append(
                safe_text.parts(
                    ("Computed  ", "dim"), (_describe(assessment), "bold"), (f" — {detail}" if detail else "", "dim")
                )
            )
        disagreement = _get(comparison, "disagreement")
        if disagreement:
            rows.append(safe_text.parts(("⚠ ", "bold yellow"), (_describe(disagreement), "yellow"), limit=300))
        self.query_one("#cmp-head", Static).update(safe_text.paragraphs(*rows))
        self._mount_columns()

    def _view_source(self, view: Any) -> Source:
        """A column from the compare layer's ClaimView (quote, context and figure resolved)."""
        article = self.core.article(view.article)
        quote_span = (view.start, view.end) if view.start is not None and view.end is not None else None
        figure = getattr(view, "figure", None)
        figure_span = (figure.start, figure.end) if figure is not None else None
        part = getattr(view, "part", None)
        note = getattr(view, "note", None) or ""
        reading = getattr(view, "reading", None)
        if reading and reading != view.value:  # a category, date or status as compared
            note = f"reads as: {reading}" + (f". {note}" if note else "")
        if part:  # a part of what the others count: shown, not compared
            note = f"part, not compared: {part}" + (f". {note}" if note else "")
        return Source(
            article,
            view.article,
            view.quote,
            quote_span,
            figure_span,
            view.value,
            view.unit,
            view.qualifier,
            view.as_of,
            note=note,
        )

    def _claim_source(self, claim: Any) -> Source:
        article = self.core.article(claim.article)
        span = self.core.locate_quote(article, claim.quote) if article else None
        figure_span = None
        if article is not None and span is not None:
            figure_span = self._figure_in(article, span, claim.value)
        return Source(
            article,
            claim.article,
            claim.quote,
            span,
            figure_span,
            claim.value,
            claim.unit,
            claim.qualifier,
            claim.as_of,
            note="" if span else "quote not found verbatim in the article",
        )

    def _figure_in(self, article: Article, span: tuple[int, int], value: Any) -> tuple[int, int] | None:
        inside = [f for f in self.core.figures(article) if f.start >= span[0] and f.end <= span[1]]
        for figure in inside:
            if getattr(figure, "value", None) is not None and value is not None and same_number(figure.value, value):
                return (figure.start, figure.end)
        return (inside[0].start, inside[0].end) if len(inside) == 1 else None

    def _spread_text(self, comparison: Any) -> Text:
        spread = _get(comparison, "spread")
        if spread is not None:
            return safe_text.parts(("Spread  ", "dim"), _describe(spread))
        values = [float(s.value) for s in self.sources if isinstance(s.value, (int, float))]
        if not values:
            return Text("")
        low, high = min(values), max(values)
        relative = (high - low) / abs(high) if high else 0.0
        return safe_text.parts(
            ("Spread  ", "dim"),
            f"{short_value(low, None)} – {short_value(high, None)}  ({relative:.1%} relative difference)",
        )

    # ------------------------------------------------------------ your claims
    def show_yours(self, rows: list[Text]) -> None:
        """The analyst's own claims on these figures, beside the curated verdict, labelled yours."""
        yours = self.query_one("#cmp-yours", Static)
        yours.update(safe_text.paragraphs(*rows) if rows else Text(""))
        yours.display = bool(rows)

    def show_claim(self, claim: Any) -> None:
        """Your claim: its figures side by side, your verdict and note in the head."""
        self.fact = None
        self.subject = f"your claim {claim.ref}"
        self.sources = []
        for member in claim.members:
            anchor = member.anchor
            article = self.core.article(anchor.article)
            paragraph = article.paragraph_at(anchor.start) if article is not None and not anchor.orphaned else None
            span = (paragraph.start, paragraph.end) if paragraph else None
            quote = article.text[span[0] : span[1]] if article is not None and span else anchor.exact
            note = "ORPHANED: no longer in the article" if anchor.orphaned else "your claim"
            self.sources.append(
                Source(
                    article,
                    anchor.article,
                    quote,
                    span,
                    None if anchor.orphaned else (anchor.start, anchor.end),
                    member.value,
                    member.unit,
                    None,
                    None,
                    note=note,
                )
            )
        rows = [
            safe_text.parts(("YOURS ", "bold reverse"), (f" Your claim {claim.ref}", "bold")),
            Text.assemble(Text("Your verdict  ", style="dim"), verdict_text(claim.verdict)),
        ]
        if claim.text:
            rows.append(safe_text.block(claim.text))
        rows.append(self._spread_text(None))
        self.query_one("#cmp-head", Static).update(safe_text.paragraphs(*rows))
        self.show_yours([])
        self._mount_columns()

    # -------------------------------------------------------------- alignment
    def show_alignment(self, article: Article, figure: Any, related: list) -> None:
        """No curated fact holds this figure: show it beside the aligner's candidates."""
        self.fact = None
        self.subject = f"{figure.text} in {article.outlet}"
        paragraph = article.paragraph_at(figure.start)
        quote_span = (paragraph.start, paragraph.end) if paragraph else (figure.start, figure.end)
        self.sources = [
            Source(
                article,
                article.id,
                article.text[quote_span[0] : quote_span[1]],
                quote_span,
                (figure.start, figure.end),
                figure.value,
                figure.unit,
                figure.qualifier,
                figure.as_of,
                note="the figure you chose",
            )
        ]
        for candidate in related:
            ref = str(_get(candidate, "article") or "")
            other = self.core.article(ref)
            start, end = int(_get(candidate, "start") or 0), int(_get(candidate, "end") or 0)
            para = other.paragraph_at(start) if other else None
            span = (para.start, para.end) if para else (start, end)
            same = "same fact" if _get(candidate, "same_fact") else "related"
            score = _get(candidate, "score")
            score_text = f", score {score:.2f}" if isinstance(score, (int, float)) else ""
            self.sources.append(
                Source(
                    other,
                    ref,
                    other.text[span[0] : span[1]] if other else "",
                    span,
                    (start, end),
                    _get(candidate, "value"),
                    _get(candidate, "unit"),
                    _get(candidate, "qualifier"),
                    _get(candidate, "as_of"),
                    note=f"{same}{score_text}: {_get(candidate, 'reason') or ''}",
                )
            )
        rows = [
            safe_text.parts(
                ("Automatic alignment  ", "dim"), (figure.text, "bold"), ("  from  ", "dim"), article.outlet
            ),
            Text("No curated fact holds this figure; these are the aligner's candidates, best first.", style="italic"),
        ]
        if not related:
            rows.append(Text("No related figures found in other articles.", style="yellow"))
        if not self.core.has_compare:
            rows.append(Text("Automatic alignment is not available (compare layer missing).", style="yellow"))
        self.query_one("#cmp-head", Static).update(safe_text.paragraphs(*rows))
        self._mount_columns()

    def _mount_columns(self) -> None:
        columns = self.query_one("#cmp-columns", Horizontal)
        columns.remove_children()
        columns.mount_all([SourceColumn(source) for source in self.sources])
        self._fit_columns()
        self.call_after_refresh(self._fit_columns)  # the pane's width is known after layout
        self.query_one("#cmp-scroll", VerticalScroll).scroll_home(animate=False)

    def on_resize(self) -> None:
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Share the pane's width between the sources; when they cannot all get
        MIN_COLUMN_WIDTH, keep that width and let the shared scroll go sideways, so every
        source stays reachable and the columns still scroll together. (``1fr`` with a
        min-width let Textual make each column as wide as the pane, hiding the rest.)"""
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

    def action_column(self, step: int) -> None:
        columns = list(self.query(SourceColumn))
        if not columns:
            return
        focused = self.app.focused
        index = columns.index(focused) if focused in columns else -1
        columns[(index + step) % len(columns)].focus()

    def focused_source(self) -> Source | None:
        focused = self.app.focused
        if isinstance(focused, SourceColumn):
            return focused.source
        return self.sources[0] if self.sources else None


def _get(obj: Any, name: str) -> Any:
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def _describe(value: Any) -> str:
    """A compare-layer value (string, enum, dataclass, dict) as one readable line."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    label = getattr(value, "label", None) or getattr(value, "value", None)
    if isinstance(label, str):
        return label
    return str(value)


# -------------------------------------------------------------------- timeline
class TimelineView(Vertical):
    """Dated events with their sources; enter opens the first source at its quote."""

    DEFAULT_CSS = """
    TimelineView { height: 1fr; }
    TimelineView #timeline-head { height: auto; padding: 0 1; }
    TimelineView #timeline-list { height: 1fr; border: none; }
    """

    def __init__(self, layers: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.core = layers
        self._events: list = []

    def compose(self) -> ComposeResult:
        yield Static(heading("Timeline (enter: read the first source)"), id="timeline-head")
        yield OptionList(id="timeline-list")

    def on_mount(self) -> None:
        self.refresh_events()

    def refresh_events(self) -> None:
        self._events = sorted(self.core.timeline(), key=lambda e: e.date)
        options = self.query_one("#timeline-list", OptionList)
        options.clear_options()
        for event in self._events:
            label = safe_text.parts((f"{event.date:<10} ", "bold"), (event.title, ""))
            label.no_wrap = False
            for quote in event.quotes[:4]:
                # Before the article list is read (a worker), sources show as their ids.
                listed = getattr(self.core, "corpus_loaded", True)
                article = self.core.article(quote.article) if listed else None
                source = article.outlet if article else quote.article
                label.append("\n  ")
                label.append_text(safe_text.line(source, style="dim", limit=40))
                label.append(": ")
                label.append_text(safe_text.line(f"“{quote.quote}”", style="italic", limit=160))
            options.add_option(Option(label))

    def show_event(self, event_id: str | None) -> None:
        options = self.query_one("#timeline-list", OptionList)
        for index, event in enumerate(self._events):
            if event.id == event_id:
                options.highlighted = index
                return
        if options.highlighted is None and self._events:
            options.highlighted = 0

    @on(OptionList.OptionSelected, "#timeline-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        item = self._events[event.option_index]
        quote = item.quotes[0]
        article = self.core.article(quote.article)
        if article is None:
            return
        span = self.core.locate_quote(article, quote.quote)
        self.post_message(OpenArticle(article.id, span[0] if span else None))
