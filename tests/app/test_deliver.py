"""Worker answers reach the UI through one helper, `deliver`, which drops an answer that
arrives after quitting began or after the widget that asked was removed (each such answer
once crashed the app's exit with NoMatches)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from app_helpers import pilot_test
from textual.app import App, ComposeResult
from textual.widgets import Static

from jjj_brief.app.deliver import deliver

APP_DIR = Path(__file__).resolve().parents[2] / "tui" / "jjj_brief" / "app"


class Tiny(App[None]):
    def compose(self) -> ComposeResult:
        yield Static(id="box")


@pilot_test
async def test_an_answer_for_a_shown_widget_arrives():
    app, got = Tiny(), []
    async with app.run_test():
        box = app.query_one("#box")
        await asyncio.to_thread(deliver, box, got.append, "answer")
    assert got == ["answer"]


@pilot_test
async def test_an_answer_for_a_removed_widget_is_dropped():
    app, got = Tiny(), []
    async with app.run_test() as pilot:
        box = app.query_one("#box")
        await box.remove()
        await pilot.pause()
        await asyncio.to_thread(deliver, box, got.append, "late")
    assert got == []


@pilot_test
async def test_an_answer_arriving_while_the_app_quits_is_dropped(monkeypatch):
    app, got = Tiny(), []
    async with app.run_test():
        with monkeypatch.context() as quitting:
            quitting.setattr(Tiny, "is_running", property(lambda self: False))  # what _shutdown sets first
            await asyncio.to_thread(deliver, app, got.append, "late")
    assert got == []


@pilot_test
async def test_an_answer_after_the_app_ended_does_not_raise():
    app, got = Tiny(), []
    async with app.run_test():
        pass
    await asyncio.to_thread(deliver, app, got.append, "after the end")
    assert got == []


@pilot_test
async def test_a_call_on_the_ui_thread_is_still_an_error():
    app = Tiny()
    async with app.run_test():
        with pytest.raises(RuntimeError):
            deliver(app, print, "wrong thread")


def test_every_worker_answer_in_the_app_goes_through_deliver():
    """One rule: no other module calls call_from_thread (each did, and each needed its own guard)."""
    offenders = [
        f"{path.name}:{number}"
        for path in sorted(APP_DIR.glob("*.py"))
        if path.name != "deliver.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\bcall_from_thread\b", line)
    ]
    assert offenders == []
