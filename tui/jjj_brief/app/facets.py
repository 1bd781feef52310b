"""Sorting and narrowing a search: the ``sort:`` cycle, the facet line under the count and
the facet picker (ctrl+r) that turns a count into a filter."""

from __future__ import annotations

import re

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from jjj_brief.app import safe_text

SORT_CYCLE = ("relevance", "-date", "date")
SORT_NAMES = {"relevance": "by relevance", "-date": "newest first", "date": "oldest first"}
_SORT_TOKEN = re.compile(r"(?:^|\s)sort:\S*")


def with_sort(query: str, order: str) -> str:
    """``query`` with its ``sort:`` replaced by ``order`` (relevance: no sort: at all)."""
    bare = " ".join(_SORT_TOKEN.sub(" ", query).split())
    return bare if order == "relevance" else f"{bare} sort:{order}".strip()


def facet_filter(name: str, value: str) -> str:
    """The filter that narrows to one facet value (``outlet:"People's Daily"``, ``year:2024``)."""
    if name == "outlet":
        return f'outlet:"{value.replace(chr(34), "")}"'
    return f"{name}:{value}"


FACET_NAMES = ("outlet", "year", "kind")


def facets_line(facets: dict[str, dict[str, int]], width: int | None = None) -> Text:
    """``outlet People's Daily 12 · Xinhua 3  year 2024 15  kind passage 14``: one line that
    fits ``width`` with every facet in it: fewer values each, then only each facet's top value
    with the longest ones cut, before a facet is lost (ctrl+r lists them all and narrows by one)."""
    present = [name for name in FACET_NAMES if facets.get(name)]
    if not present:
        return Text()
    for per_facet in (3, 2, 1):
        line = _facets_text(facets, present, per_facet)
        if width is None or line.cell_len <= width:
            return line
    return _top_values(facets, present, width or 0)


def _facets_text(facets: dict[str, dict[str, int]], names: list[str], per_facet: int) -> Text:
    pieces: list[tuple[str, str]] = []
    for name in names:
        counts = list(facets[name].items())
        pieces.append((f"  {name} " if pieces else f"{name} ", "dim"))
        for i, (value, count) in enumerate(counts[:per_facet]):
            pieces.extend([(" · " if i else "", "dim"), (str(value), ""), (f" {count}", "bold")])
        if len(counts) > per_facet:
            pieces.append((" …", "dim"))
    return safe_text.parts(*pieces, limit=None)


def _top_values(facets: dict[str, dict[str, int]], names: list[str], width: int) -> Text:
    """Each facet's top value and count, the longest values cut one character at a time
    until the line fits (``People's D… 12  2024 15  passage 14``)."""
    tops = [next(iter(facets[name].items())) for name in names]
    values = [str(value) for value, _ in tops]
    fixed = sum(len(f" {count}") for _, count in tops) + 2 * (len(tops) - 1)
    while fixed + sum(len(v) for v in values) > width:
        longest = max(range(len(values)), key=lambda i: len(values[i]))
        if len(values[longest]) <= 3:
            break
        values[longest] = values[longest][: len(values[longest]) - 2].rstrip() + "…"
    pieces: list[tuple[str, str]] = []
    for i, (value, (_, count)) in enumerate(zip(values, tops)):
        pieces.extend([("  " if i else "", "dim"), (value, ""), (f" {count}", "bold")])
    return safe_text.parts(*pieces, limit=None)


class FacetPicker(ModalScreen[str | None]):
    """Counts per outlet, year and kind for the shown query; choosing one returns its filter."""

    BINDINGS = [Binding("escape", "dismiss_picker", "Close")]
    DEFAULT_CSS = """
    FacetPicker { align: center middle; }
    FacetPicker > OptionList { width: 70%; max-width: 80; height: auto; max-height: 80%; border: thick $primary; }
    """

    def __init__(self, facets: dict[str, dict[str, int]]) -> None:
        super().__init__()
        self.choices: list[str] = []
        self.options: list[Option] = []
        for name in ("outlet", "year", "kind"):
            for value, count in (facets.get(name) or {}).items():
                self.choices.append(facet_filter(name, str(value)))
                self.options.append(
                    Option(safe_text.parts((f"{name:<7}", "dim"), (str(value), "bold"), (f"  {count}", "")))
                )

    def compose(self) -> ComposeResult:
        yield OptionList(*self.options, id="facets")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected, "#facets")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.choices[event.option_index])

    def action_dismiss_picker(self) -> None:
        self.dismiss(None)
