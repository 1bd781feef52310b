"""A topic's briefing: summary, key points, its facts as a table, and the passages it draws on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from jjj_brief import formatting
from jjj_brief.app import safe_text
from jjj_brief.app.data import AppData
from jjj_brief.app.messages import Navigate
from jjj_brief.app.state import Location
from jjj_brief.app.styles import palette_for
from jjj_brief.app.view import View
from jjj_brief.corpus import Article
from jjj_brief.safety import one_line

if TYPE_CHECKING:
    from jjj_brief.briefings import Fact, Passage, Topic


def heading(text: str) -> Text:
    return Text(text, style="bold underline")


class BriefingView(View, can_focus=False):
    """A topic; enter on a fact compares its sources, on a passage opens it in the article."""

    KINDS = ("topic",)
    NAME = "Briefing"
    ID = "briefing"

    DEFAULT_CSS = """
    BriefingView { padding: 0 1; overflow-y: auto; }
    BriefingView #brief-head { height: auto; margin-bottom: 1; }
    BriefingView .section { height: auto; margin-top: 1; }
    BriefingView #brief-facts { height: auto; max-height: 20; }
    BriefingView #brief-children { height: auto; max-height: 12; border: none; }
    BriefingView #brief-passages { height: auto; border: none; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.topic: Topic | None = None
        self._facts: list[Fact] = []
        self._passages: list[Passage] = []
        self._children: list[Topic] = []
        self._facts_width = 0

    def compose(self) -> ComposeResult:
        yield Static(id="brief-head")
        yield Static(heading("Subtopics"), classes="section", id="brief-children-title")
        yield OptionList(id="brief-children")
        yield Static(heading("Facts (enter: compare sources)"), classes="section", id="brief-facts-title")
        yield DataTable(id="brief-facts", cursor_type="row", zebra_stripes=True)
        yield Static(heading("Passages (enter: read in the article)"), classes="section", id="brief-passages-title")
        yield OptionList(id="brief-passages")

    @classmethod
    def cannot_show(cls, data: AppData, location: Location) -> str | None:
        return None if data.topic(location.ref) is not None else ""

    def show(self, location: Location) -> str | None:
        topic = self.data.topic(location.ref)
        if topic is None:
            return None
        self.show_topic(topic)
        return topic.title

    def focus_view(self) -> None:
        """The first list with something in it (facts, subtopics, passages) takes the keys; the
        briefing stays at its top (its title and summary) unless that list would be out of
        sight. Never the focus's own scroll: it ran before or after the layout depending on
        timing, so the same briefing opened at its top or scrolled to its key points."""
        for selector in ("#brief-facts", "#brief-children", "#brief-passages"):
            widget = self.query_one(selector)
            if widget.display:
                widget.focus(scroll_visible=False)
                self.call_after_refresh(self._bring_into_sight, widget)
                return
        self.focus()

    def _bring_into_sight(self, widget: Widget) -> None:
        """Scroll so ``widget``'s first lines show, only when none of it is on screen."""
        # In the view's own coordinates: a widget scrolled out of sight has no screen region.
        bottom = self.scroll_offset.y + self.scrollable_content_region.height
        if widget.virtual_region.y >= bottom - 1:
            title = self.query_one(f"#{widget.id}-title")  # its heading first
            self.scroll_to_widget(title, animate=False, top=True)

    def show_topic(self, topic: Topic) -> None:
        self.topic = topic
        data = self.data
        parent = data.topic(topic.parent) if topic.parent else None
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
        self._show_children(data.children(topic.id))
        self._show_facts(data.facts_of(topic.id))
        self._show_passages(list(topic.passages))
        self.scroll_home(animate=False)

    def _show_children(self, children: list[Topic]) -> None:
        self._children = children
        options = self.query_one("#brief-children", OptionList)
        options.clear_options()
        options.add_options([Option(safe_text.line(child.title)) for child in children])
        for selector in ("#brief-children", "#brief-children-title"):
            self.query_one(selector).display = bool(children)

    def _show_facts(self, facts: list[Fact]) -> None:
        self._facts = facts
        palette = palette_for(self.app)
        table: DataTable[Text] = self.query_one("#brief-facts", DataTable)
        table.clear(columns=True)
        verdicts = [safe_text.line(fact.verdict or "—", style=palette.verdict(fact.verdict)) for fact in facts]
        verdict_width = max([len("Verdict"), *(v.cell_len for v in verdicts)])
        # The subject column takes the rest of the width and its cells wrap: no title is cut.
        width = max(20, (self.scrollable_content_region.width or self.app.size.width // 2) - verdict_width - 6)
        table.add_column(Text("Verdict"), width=verdict_width)
        table.add_column(Text("Subject, and the values across sources"), width=width)
        for fact, verdict in zip(facts, verdicts):
            cell = Text(one_line(fact.subject), style="bold")
            cell.append("\n")
            cell.append_text(self._values(fact))
            table.add_row(verdict, cell, key=fact.id, height=None)
        self._facts_width = self.scrollable_content_region.width
        if not self._facts_width:  # not laid out yet: fit the column once it is
            self.call_after_refresh(self.on_resize)
        for selector in ("#brief-facts", "#brief-facts-title"):
            self.query_one(selector).display = bool(facts)

    def _show_passages(self, passages: list[Passage]) -> None:
        self._passages = passages
        options = self.query_one("#brief-passages", OptionList)
        options.clear_options()
        for passage in passages:
            article = self.data.article(passage.article)
            source = f"{article.outlet}, {article.date}" if article else f"{passage.article} (unknown article)"
            label = safe_text.parts((source, "bold"))
            label.no_wrap = False
            label.append("\n")
            label.append_text(safe_text.line(f"“{passage.quote}”", limit=300))
            options.add_option(Option(label))
        for selector in ("#brief-passages", "#brief-passages-title"):
            self.query_one(selector).display = bool(passages)

    def refresh_styles(self) -> None:
        if self.topic is not None:
            self._show_facts(self._facts)

    def watch_show_vertical_scrollbar(self, show: bool) -> None:
        """A scrollbar that comes or goes changes the width the subject column has (no resize
        event tells): fit it again once the new layout is drawn."""
        self.call_after_refresh(self.on_resize)

    def on_resize(self) -> None:
        """The subject column follows the pane's width (its cells wrap to it)."""
        width = self.scrollable_content_region.width
        if self.topic is not None and width and width != self._facts_width:
            self._show_facts(self._facts)

    def _values(self, fact: Fact) -> Text:
        """``9,500 (CCTV 2023) · 10,000 (Liaowang 2024) branch``: values, sources, as-of."""
        text = Text()
        units: list[str | None] = []
        for number, claim in enumerate(fact.claims):
            if number:
                text.append(" · ", style="dim")
            article = self.data.article(claim.article)
            text.append_text(safe_text.line(formatting.number(claim.value), style="bold", limit=30))
            outlet = article.outlet.split(" (")[0].split()[0] if article and article.outlet.split() else claim.article
            source = f"{outlet} {formatting.date(claim.as_of)}" if claim.as_of else outlet
            text.append_text(safe_text.line(f" ({source})", style="dim", limit=30))
            if claim.unit not in units:
                units.append(claim.unit)
        text.append_text(safe_text.line(" " + ", ".join(formatting.unit(u, 2) for u in units if u), limit=40))
        return text

    @on(DataTable.RowSelected, "#brief-facts")
    def _fact_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            self.post_message(Navigate(Location("fact", str(event.row_key.value))))

    @on(OptionList.OptionSelected, "#brief-passages")
    def _passage_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        passage = self._passages[event.option_index]
        article = self.data.article(passage.article)
        if article is None:
            self.app.notify("That passage's article is not in the corpus.", severity="warning", markup=False)
            return
        span = self.data.locate_quote(article, passage.quote)
        self.post_message(Navigate(Location("article", article.id, offset=span[0] if span else None)))

    @on(OptionList.OptionSelected, "#brief-children")
    def _child_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(Navigate(Location("topic", self._children[event.option_index].id)))

    def focused_source(self) -> tuple[Article, str] | None:
        """The passage or fact claim under the cursor, for a citation."""
        focused = self.app.focused
        ref, quote = None, ""
        if isinstance(focused, OptionList) and focused.id == "brief-passages" and self._passages:
            passage = self._passages[focused.highlighted or 0]
            ref, quote = passage.article, passage.quote
        elif isinstance(focused, DataTable) and self._facts:
            claim = self._facts[focused.cursor_row or 0].claims[0]
            ref, quote = claim.article, claim.quote
        elif self._passages:
            ref, quote = self._passages[0].article, self._passages[0].quote
        article = self.data.article(ref) if ref else None
        return (article, quote) if article is not None else None
