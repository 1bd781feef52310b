"""The Textual app (the only package that imports Textual). ``run_app()`` starts it."""

from __future__ import annotations


def run_app() -> int:
    """Run the app in this terminal; the exit code for the CLI."""
    from jjj_brief.app.main import BriefApp

    app = BriefApp()
    app.run()
    return int(app.return_code or 0)
