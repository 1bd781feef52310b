"""The help screen: every key, generated from the bindings themselves (one source of truth).

The section for where the focus was comes first, so help follows focus.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

# Keys provided by Textual's own widgets that users rely on, described once here.
WIDGET_KEYS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Lists, tree, tables",
        [
            ("↑ ↓", "move"),
            ("enter", "open the item"),
            ("space", "expand or collapse a tree branch"),
            ("pgup pgdn home end", "page / jump"),
        ],
    ),
    (
        "Search box",
        [
            (
                "type",
                'search as you type (outlet:  year:2023..2024  kind:fact  article:  topic:  "phrase"  OR  -word  prefix*  value:4e12..5e12  unit:yuan  sort:-date)',
            ),
            (
                "4.39 trillion",
                "a number with a scale or unit finds its value in any printed form, and garbled figures whose likely value it is",
            ),
            ("↓", "to the results"),
            ("↑ (empty box)", "previous queries"),
            ("enter", "open the highlighted result"),
            ("esc", "leave the search box"),
        ],
    ),
    (
        "Mouse",
        [
            ("click", "open tree items and results, focus a figure in the reader, focus a comparison column"),
            ("wheel", "scroll"),
        ],
    ),
]


def _key_name(binding: Binding) -> str:
    if binding.key_display:
        return binding.key_display
    names = []
    for key in binding.key.split(","):
        key = key.strip()
        names.append(
            {
                "question_mark": "?",
                "slash": "/",
                "right_square_bracket": "]",
                "left_square_bracket": "[",
                "backspace": "backspace",
            }.get(key, key)
        )
    return " / ".join(names)


def bindings_table(title: str, bindings: list[Binding | tuple]) -> Table:
    table = Table(title=Text(title, style="bold"), title_justify="left", show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True, min_width=14)
    table.add_column()
    for binding in bindings:
        if isinstance(binding, tuple):
            binding = Binding(*binding)
        if not binding.description:
            continue
        table.add_row(Text(_key_name(binding)), Text(binding.description))
    return table


def plain_table(title: str, rows: list[tuple[str, str]]) -> Table:
    table = Table(title=Text(title, style="bold"), title_justify="left", show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True, min_width=14)
    table.add_column()
    for key, description in rows:
        table.add_row(Text(key), Text(description))
    return table


class HelpScreen(ModalScreen[None]):
    """Every key the app knows, grouped by where it applies."""

    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "Close help"),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; max-width: 110; height: 90%; border: thick $primary; background: $surface; padding: 0 1; }
    HelpScreen Static { margin-bottom: 1; }
    """

    def __init__(self, sections: list[tuple[str, list[Any]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("Keys  (esc or ? to close)", style="bold reverse"))
            for title, bindings in self.sections:
                yield Static(bindings_table(title, bindings))
            for title, rows in WIDGET_KEYS:
                yield Static(plain_table(title, rows))

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
