"""A topic's briefing: summary, key points, its facts as a table, and the passages it draws on."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from jjj_brief import formatting
from jjj_brief.app import safe_text
from jjj_brief.app.data import AppData
from jjj_brief.app.messages import FactsFitted, Navigate
from jjj_brief.app.state import Location
from jjj_brief.app.styles import palette_for
from jjj_brief.app.view import View
from jjj_brief.corpus import Article
from jjj_brief.safety import one_line

if TYPE_CHECKING:
    from jjj_brief.briefings import Fact, Passage, Topic


def heading(text: str) -> Text:
    return Text(text, style="bold underline")


SUBJECT_MIN = 20  # the subject column's narrowest: below it the table scrolls sideways
SUBJECT_WANTED = 30  # below this, the verdict column wraps at its hyphens to give the subject room
SUBJECT_HEADERS = ("Subject, and the values across sources", "Subject and values", "Subject")


def wrap_at_hyphens(name: str, width: int) -> list[str]:
    """``different-date-or-scope`` in lines of at most ``width`` cells, broken after hyphens
    (a piece longer than ``width`` stays whole on its own line)."""
    lines: list[str] = []
    for piece in re.findall(r"[^-]*-|[^-]+$", name) or [name]:
        if lines and cell_len(lines[-1] + piece) <= width:
            lines[-1] += piece
        else:
            lines.append(piece)
    return lines


def fit_fact_columns(room: int, verdicts: list[str]) -> tuple[int, int]:
    """The verdict and subject columns' widths sharing ``room`` cells (padding excluded). The
    verdicts stay on one line when the subject still gets SUBJECT_WANTED; else they wrap at
    their hyphens into at most two lines, as narrow as that allows, and the subject takes the
    rest, at least SUBJECT_MIN: only a pane too narrow for both makes the table scroll sideways."""
    whole = max([cell_len("Verdict"), *(cell_len(v) for v in verdicts)])
    if room - whole >= SUBJECT_WANTED:
        return whole, room - whole

    def fits(verdict: str, width: int) -> bool:
        lines = wrap_at_hyphens(verdict, width)
        return len(lines) <= 2 and max(map(cell_len, lines)) <= width

    narrow = next((w for w in range(cell_len("Verdict"), whole) if all(fits(v, w) for v in verdicts)), whole)
    return narrow, max(SUBJECT_MIN, room - narrow)


def subject_header(width: int) -> str:
    """The subject column's header, the longest that fits ``width`` (the header does not wrap)."""
    return next((h for h in SUBJECT_HEADERS if cell_len(h) <= width), SUBJECT_HEADERS[-1])


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
        self._facts_size = Size(0, 0)  # the table's size once it has measured its rows
        self._facts_fitted = False  # FactsFitted posted for the present rows
        self._sight: Widget | None = None  # the list focus_view gave the keys, to bring into sight

    def compose(self) -> ComposeResult:
        yield Static(id="brief-head")
        yield Static(heading("Subtopics"), classes="section", id="brief-children-title")
        yield OptionList(id="brief-children")
        yield Static(heading("Facts (enter: compare sources)"), classes="section", id="brief-facts-title")
        yield DataTable(id="brief-facts", cursor_type="row", zebra_stripes=True)
        yield Static(heading("Passages (enter: read in the article)"), classes="section", id="brief-passages-title")
        yield OptionList(id="brief-passages")

    def on_mount(self) -> None:
        # The table sets its size when it has measured its rows (on idle): then it may be fitted.
        self.watch(self.query_one("#brief-facts"), "virtual_size", self._table_resized, init=False)
        super().on_mount()

    def _table_resized(self) -> None:
        self.call_after_refresh(self._table_sized)

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
                self._sight = widget
                self.call_after_refresh(self._bring_into_sight)
                return
        self.focus()

    def _bring_into_sight(self) -> None:
        """Scroll so the list that took the keys shows its first lines, only when none of it is
        on screen. Tried after each layout until the view and the list have their places (a
        view built for this briefing is laid out a few refreshes after it was filled: deciding
        before left the keys on a table out of sight)."""
        widget = self._sight
        if widget is None or not self.scrollable_content_region.height or not widget.virtual_region.height:
            return
        self._sight = None
        # In the view's own coordinates: a widget scrolled out of sight has no screen region.
        bottom = self.scroll_offset.y + self.scrollable_content_region.height
        if widget.virtual_region.y >= bottom - 1:
            title = self.query_one(f"#{widget.id}-title")  # its heading first
            self.scroll_to_widget(title, animate=False, top=True)

    def show_topic(self, topic: Topic) -> None:
        self.topic = topic
        self._sight = None
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
        self.scroll_home(animate=False, immediate=True)  # now: focus_view decides from this offset

    def _show_children(self, children: list[Topic]) -> None:
        self._children = children
        options = self.query_one("#brief-children", OptionList)
        options.clear_options()
        options.add_options([Option(safe_text.line(child.title)) for child in children])
        for selector in ("#brief-children", "#brief-children-title"):
            self.query_one(selector).display = bool(children)

    def _show_facts(self, facts: list[Fact]) -> None:
        """Fill the facts table for the pane's present width. Rows get their height here (the
        lines their cells wrap to), so the table's size is known at once; the cursor stays on
        its fact when the same facts are refitted (a resize, a scrollbar, a theme)."""
        table: DataTable[Text] = self.query_one("#brief-facts", DataTable)
        keep = facts[table.cursor_row].id if facts is self._facts and 0 <= table.cursor_row < len(facts) else None
        self._facts = facts
        palette = palette_for(self.app)
        table.clear(columns=True)
        names = [one_line(fact.verdict or "—") for fact in facts]
        self._facts_width = self.scrollable_content_region.width
        pane = self._facts_width or self.app.size.width // 2
        # What the two columns can share: the pane less each column's padding and the table's
        # own scrollbar (reserved: more rows than its max-height is the usual case).
        room = pane - 4 * table.cell_padding - table.styles.scrollbar_size_vertical
        verdict_width, subject_width = fit_fact_columns(room, names)
        table.add_column(Text("Verdict"), width=verdict_width)
        table.add_column(Text(subject_header(subject_width)), width=subject_width)
        console = self.app.console
        height = table.header_height if table.show_header else 0
        for fact, name in zip(facts, names):
            style = palette.verdict(fact.verdict)
            verdict = Text("\n").join(
                safe_text.line(part, style=style) for part in wrap_at_hyphens(name, verdict_width)
            )
            cell = Text(one_line(fact.subject), style="bold")
            cell.append("\n")
            cell.append_text(self._values(fact))
            lines = max(len(verdict.wrap(console, verdict_width)), len(cell.wrap(console, subject_width)))
            table.add_row(verdict, cell, key=fact.id, height=lines)
            height += lines
        if keep is not None:
            table.move_cursor(row=[fact.id for fact in facts].index(keep))
        # The table takes this size when it next measures its cells (on idle): then say so.
        self._facts_size = Size(verdict_width + subject_width + 4 * table.cell_padding, height)
        self._facts_fitted = False
        self.call_after_refresh(self._table_sized)
        if not self._facts_width:  # not laid out yet: fit the columns once it is
            self.call_after_refresh(self.on_resize)
        for selector in ("#brief-facts", "#brief-facts-title"):
            self.query_one(selector).display = bool(facts)

    @property
    def facts_fitted(self) -> bool:
        """The facts table is laid out for the pane's present width (FactsFitted was posted)."""
        return self._facts_fitted and self._facts_width == self.scrollable_content_region.width

    def _table_sized(self) -> None:
        """Post FactsFitted once the table has the size its rows make, for the width they were
        fitted to (called after a rebuild, and whenever the table's size changes)."""
        table = self.query_one("#brief-facts", DataTable)
        width = self.scrollable_content_region.width
        if (
            self.topic is not None
            and not self._facts_fitted
            and width
            and width == self._facts_width
            and table.virtual_size == self._facts_size
        ):
            self._facts_fitted = True
            self._bring_into_sight()
            self.post_message(FactsFitted(self.topic.id, width))

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
        self.call_after_refresh(self._bring_into_sight)

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
