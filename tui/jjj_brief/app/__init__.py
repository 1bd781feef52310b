"""The Textual app (the only package that imports Textual). ``run_app(library)`` starts it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jjj_brief.library import Library


def run_app(library: Library) -> int:
    """Run the app in this terminal on ``library`` (the CLI builds it); the exit code for the CLI."""
    from jjj_brief.app.main import BriefApp

    app = BriefApp(library=library)
    app.run()
    return int(app.return_code or 0)
