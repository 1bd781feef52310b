"""CLI sub-commands, one module each; see :mod:`jjj_brief.cli` for the contract."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jjj_brief.library import Library


def default_library() -> Library:
    """The Library a command works on: the process default, one per data home
    (:func:`jjj_brief.commands.libraries.default_library`). Imported when a command first
    asks, so a command's ``--help`` imports no module but its own."""
    from jjj_brief.commands.libraries import default_library as current

    return current()
