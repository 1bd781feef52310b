"""SVG snapshots of the main screens at a fixed size (pytest-textual-snapshot).

Deterministic: fixed terminal size, animations off, no cursor blink, a test-owned briefing
set, a per-test data dir, and no index build (search snapshots use a search layer built on
the real index of the seeds, prepared once). Update after an intended change with
``pytest tests/app/test_app_snapshots.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

import time

from fixture_briefings import fixture_briefings
from textual.widgets import Input

from jjj_brief.app.layers import Layers
from jjj_brief.app.main import BriefApp
from jjj_brief.app.state import Location

SIZE = (140, 42)


def snapshot_app(tmp_path, **kwargs) -> BriefApp:
    layers = Layers(briefings=fixture_briefings())
    return BriefApp(layers=layers, data_dir=tmp_path / "data", resume=False, build_index=False, **kwargs)


async def settle(pilot, condition=lambda: True, timeout: float = 20.0) -> None:
    for widget in pilot.app.query(Input):
        widget.cursor_blink = False
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "app did not settle"
        await pilot.pause(0.05)
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()


def test_home_screen(snap_compare, tmp_path):
    assert snap_compare(snapshot_app(tmp_path), terminal_size=SIZE, run_before=settle)


def test_reader_with_a_focused_figure(snap_compare, tmp_path):
    app = snapshot_app(tmp_path)

    async def run_before(pilot):
        offset = app.core.article("cctv-2023-02-27").text.index("more than 9,500")
        app.open_location(Location("article", "cctv-2023-02-27", offset=offset))
        await settle(pilot, lambda: app.reader.prepared is not None)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_briefing_view(snap_compare, tmp_path):
    app = snapshot_app(tmp_path)

    async def run_before(pilot):
        app.open_location(Location("topic", "zhongguancun"))
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_comparison_view(snap_compare, tmp_path):
    app = snapshot_app(tmp_path)

    async def run_before(pilot):
        app.open_location(Location("fact", "zgc-branches"))
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_search_results(snap_compare, tmp_path):
    app = snapshot_app(tmp_path)

    async def run_before(pilot):
        app.core.ensure_index()
        app.search_for("kind:passage Zhongguancun branches")
        await settle(pilot, lambda: app.search_pane.shown_query != "")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_help_screen(snap_compare, tmp_path):
    assert snap_compare(snapshot_app(tmp_path), terminal_size=SIZE, press=["question_mark"], run_before=settle)
