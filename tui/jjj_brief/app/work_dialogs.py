"""Dialogs for your work: a note on a highlight, your claim's verdict, a search's name."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Select, Static

from jjj_brief.app import safe_text
from jjj_brief.app.in_order_input import InOrderInput
from jjj_brief.store import COLORS, VERDICTS


class _Dialog(ModalScreen):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    _Dialog { align: center middle; }
    _Dialog > Vertical { width: 72; max-width: 95%; height: auto; max-height: 90%;
        border: thick $accent; background: $surface; padding: 1 2; }
    _Dialog .dialog-title { text-style: bold; margin-bottom: 1; }
    _Dialog .dialog-quote { color: $text-muted; margin-bottom: 1; max-height: 6; }
    _Dialog Horizontal { height: auto; margin-top: 1; }
    _Dialog Button { margin-right: 2; }
    """

    def action_cancel(self) -> None:
        self.dismiss(None)


class NoteDialog(_Dialog):
    """Highlight a span: a colour and a note. Dismisses with ``(text, colour)`` or ``None``."""

    def __init__(self, quote: str, text: str = "", color: str = "yellow") -> None:
        super().__init__()
        self.quote, self.text, self.color = quote, text, color

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Highlight with a note"), classes="dialog-title")
            yield Static(safe_text.line(f"“{self.quote}”", limit=300), classes="dialog-quote")
            yield Select([(c, c) for c in COLORS], value=self.color, allow_blank=False, id="note-color")
            yield InOrderInput(self.text, placeholder="Your note (optional); enter saves", id="note-text")
            with Horizontal():
                yield Button("Save", variant="primary", id="note-save")
                yield Button("Cancel", id="note-cancel")

    def on_mount(self) -> None:
        self.query_one("#note-text", Input).focus()

    @on(Input.Submitted, "#note-text")
    @on(Button.Pressed, "#note-save")
    def _save(self) -> None:
        color = self.query_one("#note-color", Select).value
        self.dismiss((self.query_one("#note-text", Input).value, str(color)))

    @on(Button.Pressed, "#note-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class ClaimDialog(_Dialog):
    """Your claim over the marked figures: a verdict and a note. ``(verdict, text)`` or ``None``."""

    def __init__(self, figures: list[tuple[str, str]]) -> None:
        super().__init__()
        self.figures = figures  # (article label, figure text)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Your claim: these figures report the same quantity"), classes="dialog-title")
            rows = [
                safe_text.parts(("• ", "dim"), (figure, "bold"), ("  in ", "dim"), (where, ""))
                for where, figure in self.figures
            ]
            yield Static(safe_text.paragraphs(*rows), classes="dialog-quote")
            yield Select([(v, v) for v in VERDICTS], value="consistent", allow_blank=False, id="claim-verdict")
            yield InOrderInput(placeholder="Why (optional); enter saves", id="claim-text")
            with Horizontal():
                yield Button("Save claim", variant="primary", id="claim-save")
                yield Button("Cancel", id="claim-cancel")

    def on_mount(self) -> None:
        self.query_one("#claim-verdict", Select).focus()

    @on(Input.Submitted, "#claim-text")
    @on(Button.Pressed, "#claim-save")
    def _save(self) -> None:
        verdict = self.query_one("#claim-verdict", Select).value
        self.dismiss((str(verdict), self.query_one("#claim-text", Input).value))

    @on(Button.Pressed, "#claim-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class SaveSearchDialog(_Dialog):
    """Name a query (and watch it). Dismisses with ``(name, watch)`` or ``None``."""

    def __init__(self, query: str) -> None:
        super().__init__()
        self.search_query = query

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Save this search"), classes="dialog-title")
            yield Static(safe_text.line(self.search_query, limit=300), classes="dialog-quote")
            yield InOrderInput(self.search_query[:60], placeholder="Name", id="saved-name")
            yield Checkbox("Watch: after each import, mark what is new", True, id="saved-watch")
            with Horizontal():
                yield Button("Save", variant="primary", id="saved-save")
                yield Button("Cancel", id="saved-cancel")

    def on_mount(self) -> None:
        self.query_one("#saved-name", Input).focus()

    @on(Input.Submitted, "#saved-name")
    @on(Button.Pressed, "#saved-save")
    def _save(self) -> None:
        name = self.query_one("#saved-name", Input).value.strip()
        if name:
            self.dismiss((name, self.query_one("#saved-watch", Checkbox).value))

    @on(Button.Pressed, "#saved-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(_Dialog):
    """A yes/no question about the analyst's own work (removing a note...). ``True`` or ``None``."""

    BINDINGS = [Binding("y", "yes", "Remove"), Binding("n", "cancel", "Keep")]

    def __init__(self, title: str, detail: Text) -> None:
        super().__init__()
        self.title_text, self.detail = title, detail

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(safe_text.line(self.title_text, limit=200), classes="dialog-title")
            yield Static(self.detail, classes="dialog-quote")
            with Horizontal():
                yield Button("Remove (y)", variant="error", id="confirm-yes")
                yield Button("Keep (n, esc)", id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()  # enter right away keeps: removing takes a choice

    @on(Button.Pressed, "#confirm-yes")
    def action_yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def _no(self) -> None:
        self.dismiss(None)
