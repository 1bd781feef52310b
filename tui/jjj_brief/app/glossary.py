"""A glossary entry, whole, in a window over the app: the term, what a reader should know,
every spelling the articles print, which of them are mistranslations, and related terms.

(It was a notification cut at 700 characters: the longest entry lost its spellings.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from jjj_brief.app import safe_text

if TYPE_CHECKING:
    from jjj_brief.briefings import GlossaryTerm  # the app's first frame loads no briefings code


def labelled(label: str, items: Sequence[str]) -> Text:
    """``label`` then the untrusted ``items``, comma-separated, wrapping as needed."""
    return Text.assemble(Text(f"{label}  ", style="dim"), safe_text.block(", ".join(items)))


def entry_text(term: GlossaryTerm) -> Text:
    rows = [
        Text.assemble(Text("Glossary  ", style="dim"), safe_text.line(term.term, style="bold", limit=None)),
        Text(""),
        safe_text.block(term.gloss),
        Text(""),
        labelled("Spellings", term.spellings or [term.term]),
    ]
    if term.mistranslations:
        rows.append(labelled("Mistranslations", term.mistranslations))
    if term.see_also:
        rows.append(labelled("See also", term.see_also))
    return safe_text.paragraphs(*rows)


class GlossaryScreen(ModalScreen[None]):
    """One glossary entry; esc, enter or q closes it."""

    BINDINGS = [Binding("escape,enter,q", "close", "Close", id="glossary.close")]

    DEFAULT_CSS = """
    GlossaryScreen { align: center middle; }
    GlossaryScreen > VerticalScroll {
        width: 90%; max-width: 100; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    GlossaryScreen #glossary-entry { height: auto; }
    GlossaryScreen #glossary-hint { height: 1; color: $text-muted; margin-top: 1; }
    """

    def __init__(self, term: GlossaryTerm) -> None:
        super().__init__()
        self.term = term

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(entry_text(self.term), id="glossary-entry")
            yield Static(Text("esc: close"), id="glossary-hint")

    def action_close(self) -> None:
        self.dismiss(None)
