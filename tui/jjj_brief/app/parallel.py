"""The side-by-side view: an original and its translation, paragraphs aligned, figures lit.

All logic is in :mod:`jjj_brief.figures.translation` (no Textual there); this view only draws a
:class:`~jjj_brief.figures.translation.Pairing`. One row per aligned pair, original on the left;
a translated figure whose original differs by a power of ten (``386 micrograms`` beside
``38.6微克/立方米``) is drawn as a suspect in both columns with a ⚠ line under the row.
``]``/``[`` step through those rows; ``enter`` opens the translation in the reader at the
suspect figure, ``o`` the original.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from jjj_brief.app import safe_text
from jjj_brief.app.data import AppData
from jjj_brief.app.messages import Navigate
from jjj_brief.app.state import Location
from jjj_brief.app.styles import palette_for
from jjj_brief.app.view import View
from jjj_brief.corpus import Article, Paragraph
from jjj_brief.safety import one_line

if TYPE_CHECKING:
    from jjj_brief.figures.translation import Pairing

MAX_ROWS = 3_000  # a longer pair shows its first rows; the CLI's `parallel --json` has them all
NARROW = 72  # below this many columns the two sides stack (original above translation) per row


class PairRow(Static):
    """One aligned pair: original | translation, and the ⚠ lines of its suspect figures."""

    DEFAULT_CSS = """
    PairRow { height: auto; padding: 0 1; margin-bottom: 1; }
    PairRow.-suspect { border-left: thick $error; }
    PairRow.-focused { background: $boost; }
    """

    def __init__(self, renderable: Table, position: int, suspects: list[Any]) -> None:
        super().__init__(renderable)
        self.position = position
        self.suspects = suspects
        if suspects:
            self.add_class("-suspect")


class ParallelView(View, VerticalScroll, can_focus=True):
    """An original beside its translation."""

    BINDINGS = [
        Binding("right_square_bracket", "next_suspect", "Next ⚠", key_display="]", id="parallel.next_suspect"),
        Binding("left_square_bracket", "prev_suspect", "Prev ⚠", key_display="[", id="parallel.prev_suspect"),
        Binding("enter", "open_translation", "Open translation", id="parallel.open_translation"),
        Binding("o", "open_original", "Open original", id="parallel.open_original"),
    ]

    DEFAULT_CSS = """
    ParallelView { height: 1fr; }
    ParallelView #parallel-head { height: auto; padding: 0 1; background: $boost; }
    """

    KINDS = ("parallel",)
    NAME = "Side by side"
    ID = "parallel"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pairing: Pairing | None = None
        self.focused_row: int | None = None
        self._narrow: bool | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("Open an article that has a translation (or is one), then press p."), id="parallel-head")

    # ----------------------------------------------------------------- showing
    @classmethod
    def cannot_show(cls, data: AppData, location: Location) -> str | None:
        from jjj_brief.figures.translation import find_pair

        article = data.article(location.ref)
        if article is None or find_pair(article, data.corpus) is None:
            return "No translation or original is paired with this article (import it with translation_of: ID)."
        return None

    def show(self, location: Location) -> str | None:
        """An original beside its translation (either side's id as ``ref``)."""
        from jjj_brief.figures.translation import find_pair, pair

        article = self.data.article(location.ref)
        found = find_pair(article, self.data.corpus) if article is not None else None
        if found is None:
            return None
        self.show_pair(pair(*found))
        return f"{found[0].title} ⇄ {found[1].title}"

    def show_pair(self, pairing: Any) -> None:
        """Draw ``pairing`` (a :class:`jjj_brief.figures.translation.Pairing`)."""
        self.pairing = pairing
        self.focused_row = None
        self._draw_rows()
        self.scroll_home(animate=False)

    def _draw_rows(self) -> None:
        pairing = self.pairing
        if pairing is None:
            return
        self._narrow = self._is_narrow()
        for row in self.query(PairRow):
            row.remove()
        self.query_one("#parallel-head", Static).update(self._head(pairing))
        links_by_row = self._links_by_row(pairing)
        rows = []
        for position, pair in enumerate(pairing.paragraphs[:MAX_ROWS]):
            suspects = [link for link in links_by_row.get(position, []) if link.suspect]
            row = PairRow(self._row(pairing, pair, links_by_row.get(position, [])), position, suspects)
            row.set_class(position == self.focused_row, "-focused")
            rows.append(row)
        self.mount_all(rows)

    def _is_narrow(self) -> bool:
        parent = self.parent
        width = self.size.width or (parent.size.width if isinstance(parent, Widget) else 0)
        return 0 < width < NARROW

    def on_resize(self) -> None:
        if self.pairing is not None and self._is_narrow() != self._narrow:
            self._draw_rows()

    def _head(self, pairing: Any) -> Text:
        original, translation = pairing.original, pairing.translation
        head = Text()
        head.append("original  ", style="bold")
        head.append_text(safe_text.line(f"{original.title} · {original.outlet} · {original.id}", limit=100))
        head.append("\ntranslation  ", style="bold")
        head.append_text(safe_text.line(f"{translation.title} · {translation.outlet} · {translation.id}", limit=100))
        suspects = len(pairing.suspects)
        head.append(f"\n{len(pairing.paragraphs)} aligned rows · {len(pairing.links)} figures linked · ", style="dim")
        warn = palette_for(self.app).error  # the theme's error colour; bold without colour (NO_COLOR)
        head.append(f"{suspects} ⚠ differ from the original", style=warn if suspects else "dim")
        if len(pairing.paragraphs) > MAX_ROWS:
            head.append(f" · first {MAX_ROWS:,} rows shown", style="dim")
        return head

    @staticmethod
    def _links_by_row(pairing: Any) -> dict[int, list[Any]]:
        row_of = {pair.translation.index: n for n, pair in enumerate(pairing.paragraphs) if pair.translation}
        out: dict[int, list[Any]] = {}
        for link in pairing.links:
            paragraph = pairing.translation.paragraph_at(link.translation.start)
            if paragraph is not None and paragraph.index in row_of:
                out.setdefault(row_of[paragraph.index], []).append(link)
        return out

    def _row(self, pairing: Any, pair: Any, links: list[Any]) -> Table:
        suspect_t = {link.translation.start for link in links if link.suspect}
        suspect_o = {link.original.start for link in links if link.suspect}
        left = self._cell(pairing.original, pair.original, suspect_o)
        right = self._cell(pairing.translation, pair.translation, suspect_t)
        for link in links:
            if link.suspect:
                note = Text("\n⚠ ", style=palette_for(self.app).error)
                note.append(one_line(link.translation.text, 60), style="bold")
                note.append(" ← original ")
                note.append(one_line(link.original.text, 60), style="bold")
                note.append(f" ({link.relation})", style="dim")
                right.append_text(note)
        grid = Table.grid(expand=True, padding=(0, 2))
        if self._narrow:  # stacked: the original, then its translation, in one column
            grid.add_column(ratio=1, overflow="fold")
            grid.add_row(left)
            grid.add_row(Text("→ ", style="dim") + right)
        else:
            grid.add_column(ratio=1, overflow="fold")
            grid.add_column(ratio=1, overflow="fold")
            grid.add_row(left, right)
        return grid

    def _cell(self, article: Article, paragraph: Paragraph | None, suspects: set[int]) -> Text:
        if paragraph is None:
            return Text("—", style="dim")
        palette = palette_for(self.app)

        spans = []
        for figure in self._figures(article):
            if figure.end <= paragraph.start or figure.start >= paragraph.end:
                continue
            style = palette.figure(figure.kind, suspect=figure.start in suspects)
            spans.append((figure.start - paragraph.start, figure.end - paragraph.start, style))
        return safe_text.block(paragraph.text, spans)

    def _figures(self, article: Article) -> list[Any]:
        cache = self.__dict__.setdefault("_figure_cache", {})
        if article.id not in cache:
            from jjj_brief.figures import extract_figures

            cache.clear() if len(cache) > 4 else None
            cache[article.id] = extract_figures(article.text)
        return cache[article.id]

    # ----------------------------------------------------------------- keys
    def _suspect_rows(self) -> list[PairRow]:
        return [row for row in self.query(PairRow) if row.suspects]

    def _step(self, direction: int) -> None:
        rows = self._suspect_rows()
        if not rows:
            self.app.bell()
            return
        positions = [row.position for row in rows]
        current = self.focused_row
        if current is None:
            target = rows[0] if direction > 0 else rows[-1]
        else:
            later = [r for r in rows if (r.position > current if direction > 0 else r.position < current)]
            target = (later[0] if direction > 0 else later[-1]) if later else (rows[0] if direction > 0 else rows[-1])
        for row in self.query(PairRow):
            row.set_class(row is target, "-focused")
        self.focused_row = target.position
        self.scroll_to_widget(target, animate=False, top=True)
        del positions

    def action_next_suspect(self) -> None:
        self._step(1)

    def action_prev_suspect(self) -> None:
        self._step(-1)

    def focused_link(self) -> Any | None:
        for row in self.query(PairRow):
            if row.position == self.focused_row and row.suspects:
                return row.suspects[0]
        return None

    def action_open_translation(self) -> None:
        if self.pairing is None:
            return
        link = self.focused_link()
        self.post_message(
            Navigate(Location("article", self.pairing.translation.id, offset=link.translation.start if link else None))
        )

    def action_open_original(self) -> None:
        if self.pairing is None:
            return
        link = self.focused_link()
        self.post_message(
            Navigate(Location("article", self.pairing.original.id, offset=link.original.start if link else None))
        )
