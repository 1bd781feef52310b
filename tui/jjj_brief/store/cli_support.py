"""Shared by the commands over the analyst's own work (bookmarks, notes, claims, saved)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text

from jjj_brief.corpus import UserError
from jjj_brief.safety import one_line
from jjj_brief.store.anchors import Anchor
from jjj_brief.store.session import close_work

if TYPE_CHECKING:
    from jjj_brief.library import Library


def with_work(
    handler: Callable[[argparse.Namespace], int], library: Callable[[], Library]
) -> Callable[[argparse.Namespace], int]:
    """Run a command and close the store of the library it worked on (``library()``, the
    command's) after it, refreshing the last good copy."""

    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        finally:
            close_work(library())

    return run


def offset(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise UserError(f"expected a whole number, got {one_line(text, 40)!r}") from None
    if value < 0:
        raise UserError(f"offsets are not negative, got {value}")
    return value


def place(anchor: Anchor) -> Text:
    """``article@start-end`` with the anchor's state when it is not plain ``ok``."""
    out = Text(f"{one_line(anchor.article)}@{anchor.start}-{anchor.end}")
    if anchor.status == "orphaned":
        out.append(" orphaned", style="bold red")
    elif anchor.status == "moved":
        out.append(" moved", style="yellow")
    return out


def quote(anchor: Anchor, limit: int = 60) -> Text:
    return Text(f"“{one_line(anchor.exact, limit)}”", style="italic")


def entry(ref: str, anchor: Anchor, *extra: str) -> Text:
    """The first line of a listed item: its id, where it is, its state, then extra fields."""
    out = Text(ref, style="bold")
    out.append("  ")
    out.append_text(place(anchor))
    for field in extra:
        if field:
            out.append(f"  {one_line(field, 80)}", style="dim")
    return out


def indented(text: str, style: str = "") -> Text:
    """A continuation line of a listed item (user or article text, one line, safe)."""
    return Text(f"    {one_line(text, 400)}", style=style)
