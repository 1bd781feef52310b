"""The footer: the active bindings, with help and quit first (a narrow terminal cuts the end)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class BriefFooter(Footer):
    """Textual's footer (generated from the active bindings), help and quit moved first."""

    FIRST = ("help", "quit")

    def compose(self) -> ComposeResult:
        items = list(super().compose())
        first = [w for w in items if isinstance(w, FooterKey) and w.action in self.FIRST]
        yield from first + [w for w in items if w not in first]
