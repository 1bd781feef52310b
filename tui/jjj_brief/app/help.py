"""The help screen: the keys active where the focus is, generated from the bindings themselves.

One section per place the keys come from (the focused widget, its view, everywhere), in
that order, each key once (a key bound at several levels acts at the innermost: that one is
listed). Keys that need something (a focused figure, a result) are listed when they can act.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

if TYPE_CHECKING:
    from jjj_brief.app.view import View

#: What keys of Textual's own widgets do here (their bindings' descriptions are generic).
WIDGET_HELP: dict[str, str] = {
    "select_cursor": "open the item under the cursor",
    "focus_next": "next area (tree, search, the view's lists)",
    "focus_previous": "previous area",
}

SEARCH_HELP: list[tuple[str, str]] = [
    (
        "type",
        'search as you type (outlet:  year:2023..2024  kind:fact  article:  topic:  "phrase"  OR  -word  '
        "prefix*  value:4e12..5e12  unit:yuan  sort:-date)",
    ),
    (
        "4.39 trillion",
        "a number with a scale or unit finds its value in any printed form, and garbled figures "
        "whose likely value it is",
    ),
    ("↓", "to the results"),
    ("↑ (empty box)", "previous queries"),
    ("enter", "open the highlighted result"),
    ("esc", "back to the view"),
]
MOUSE_HELP: list[tuple[str, str]] = [
    ("click", "open tree items and results, focus a figure in the reader, focus a comparison column"),
    ("wheel", "scroll"),
]


@dataclass
class Row:
    keys: list[str]
    description: str
    binding_id: str | None


def _place(node: DOMNode) -> str:
    """The section a binding's node belongs to."""
    from jjj_brief.app.view import View

    if isinstance(node, App):
        return "Everywhere"
    if isinstance(node, View):
        return node.NAME or type(node).__name__
    names = {
        "Screen": "Everywhere",
        "SearchPane": "Search",
        "SourceColumn": "Comparison source",
        "DocumentView": "Article text",
        "TopicTree": "Tree",
        "Input": "Text box",
        "DataTable": "Table",
        "OptionList": "List",
        "ScrollableContainer": "Scrolling",
    }
    for cls in type(node).__mro__:
        if cls.__name__ in names:
            return names[cls.__name__]
    return type(node).__name__


def active_sections(app: App[Any]) -> list[tuple[str, list[Row]]]:
    """The keys active now (what the footer draws from), grouped by where they come from,
    innermost first; every binding of the focus chain, shown in the footer or not."""
    sections: dict[str, dict[tuple[str, str], Row]] = {}
    for key, active in app.screen.active_bindings.items():
        binding = active.binding
        if binding.action in ("command_palette", "app.command_palette"):
            continue  # listed first under Everywhere, with what it finds
        description = WIDGET_HELP.get(binding.action.rsplit(".", 1)[-1]) or binding.description
        if not description:
            continue
        place = _place(active.node)
        rows = sections.setdefault(place, {})
        found = rows.get((binding.action, description))
        display = _key_name(app, binding, key)
        if found is None:
            rows[(binding.action, description)] = Row([display], description, binding.id)
        elif display not in found.keys:
            found.keys.append(display)
    everywhere = list(sections.pop("Everywhere", {}).values())
    if app.use_command_palette:
        palette = "Command palette: articles, topics, facts, commands (help, settings, theme, export)"
        everywhere.insert(0, Row([app.COMMAND_PALETTE_BINDING], palette, None))
    views = {view.NAME for view in _view_types()}
    ordered = sorted(sections.items(), key=lambda item: item[0] not in views)  # the view's own keys first
    return [(place, list(rows.values())) for place, rows in ordered] + [("Everywhere", everywhere)]


def _view_types() -> list[type[View]]:
    from jjj_brief.app.view import View

    found: list[type[View]] = []
    todo = list(View.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def _key_name(app: App[Any], binding: Binding, key: str) -> str:
    """The key as typed (``ctrl+f``, ``alt+←``, ``backspace``, ``]``): the help spells
    modifiers out. Never the binding's ``key_display``: a binding of two keys
    (``alt+left,backspace``) shows the first's display for both, and the second was lost."""
    names = {"escape": "esc", "left": "←", "right": "→", "up": "↑", "down": "↓", "enter": "enter", "slash": "/"}
    if "+" in key:
        return "+".join(names.get(part, part) for part in key.split("+"))
    if key in names or len(key) > 1 and "_" not in key:
        return names.get(key, key)
    return app.get_key_display(Binding(key, binding.action))


def rows_table(title: str, rows: Iterable[tuple[str, str]]) -> Table:
    table = Table(title=Text(title, style="bold"), title_justify="left", show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold", no_wrap=True, min_width=14)
    table.add_column()
    for key, description in rows:
        table.add_row(Text(key), Text(description))
    return table


class HelpScreen(ModalScreen[None]):
    """The keys active where the focus was, then how to search and the mouse."""

    BINDINGS = [Binding("escape,question_mark,q,f1", "dismiss", "Close help", id="help.close")]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; max-width: 110; height: 90%; border: thick $primary; background: $surface; padding: 0 1; }
    HelpScreen Static { margin-bottom: 1; }
    """

    def __init__(self, sections: list[tuple[str, list[Row]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(
                Text("Keys here and now  (esc or ? to close; ids: rebind them in keys.toml)", style="bold reverse")
            )
            for title, rows in self.sections:
                if rows:
                    yield Static(rows_table(title, [(" / ".join(r.keys), self._described(r)) for r in rows]))
            yield Static(rows_table("Search box", SEARCH_HELP))
            yield Static(rows_table("Mouse", MOUSE_HELP))

    @staticmethod
    def _described(row: Row) -> str:
        return f"{row.description}  [{row.binding_id}]" if row.binding_id else row.description

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
