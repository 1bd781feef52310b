"""Issue 13 at 80 columns: the footer keeps help and quit (by keys that act where the focus
is) and shows keys whole; searching with a view open gives the results the screen.

The footer is rebuilt after the bindings change, with no message saying so: those waits
poll the screen (``wait_for``)."""

from __future__ import annotations

import re

from app_helpers import Messages, pilot_test, screen_text, wait_for
from fixture_briefings import fixture_briefings

from jjj_brief import search as search_layer
from jjj_brief.app.comparison import ComparisonView, SourceColumn
from jjj_brief.app.data import AppData
from jjj_brief.app.footer import FIRST, Key, fit, key_width, palette_width
from jjj_brief.app.help import HelpScreen
from jjj_brief.app.messages import DataLoaded, ResultsShown, ViewShown
from jjj_brief.app.state import Location
from jjj_brief.commands.libraries import default_library


def footer(app) -> str:
    return screen_text(app).splitlines()[-1]


def key(display: str, label: str, action: str, short: str | None = None) -> Key:
    return Key(display, display, label, short or label, action)


# ------------------------------------------------------------------ fitting, alone
def test_fit_keeps_help_and_quit_first_and_never_cuts_a_label():
    keys = [key(f"{i}", f"Action number {i}", f"act{i}", f"A{i}") for i in range(12)]
    keys += [key("?", "Help", "help"), key("q", "Quit", "quit")]
    for width in (40, 60, 80, 120, 200):
        plan = fit(keys, width, "^p")
        assert [k.action for k in plan.keys[:2]] == list(FIRST)
        used = sum(key_width(k, plan.compact) for k in plan.keys) + palette_width("^p", plan.compact)
        assert used <= width, (width, plan)
        assert all(k.label in (f"Action number {k.display}", f"A{k.display}", "Help", "Quit") for k in plan.keys)


def test_fit_prefers_the_roomy_look_then_compact_then_short_labels_then_fewer_keys():
    keys = [key("?", "Help", "help"), key("q", "Quit", "quit"), key("^o", "Sort: newest/oldest", "sort", "Sort")]
    roomy = fit(keys, 200, "^p")
    assert not roomy.compact and roomy.keys[2].label == "Sort: newest/oldest"
    needed = sum(key_width(k, True) for k in keys) + palette_width("^p", True)
    assert fit(keys, needed, "^p").compact and fit(keys, needed, "^p").keys[2].label == "Sort: newest/oldest"
    assert fit(keys, needed - 1, "^p").keys[2].label == "Sort"
    assert [k.action for k in fit(keys, 30, "^p").keys] == ["help", "quit"]


# --------------------------------------------------------------------- the footer
async def open_fact(app, pilot, messages: Messages, fact_id: str = "zgc-branches") -> None:
    await messages.wait(pilot, DataLoaded, lambda m: m.what == "corpus")
    app.open_location(Location("fact", fact_id))
    await messages.wait(pilot, ViewShown, lambda m: m.location.kind == "fact")
    await wait_for(pilot, lambda: app.showing(ComparisonView) and len(app.query(SourceColumn)) == 3)


@pilot_test
async def test_2_at_80_columns_the_comparison_footer_shows_help_quit_and_export_whole(make_app):
    app = make_app(data=AppData(briefings=fixture_briefings()), build_index=False)
    messages = Messages()
    async with app.run_test(size=(80, 24), message_hook=messages) as pilot:
        await open_fact(app, pilot, messages)
        await wait_for(pilot, lambda: "Open article" in footer(app))  # a source column has the keys
        shown = footer(app)
        for whole in ("? Help", "q Quit", "e Export", "y Cite"):
            assert whole in shown, shown


@pilot_test
async def test_2_at_80_columns_in_the_search_box_the_footer_keeps_help_and_quit_by_keys_that_act_there(make_app):
    search_layer.ensure_index(library=default_library())
    app = make_app(data=AppData(briefings=fixture_briefings()), build_index=False)
    messages = Messages()
    async with app.run_test(size=(80, 24), message_hook=messages) as pilot:
        await open_fact(app, pilot, messages)
        await pilot.press("slash", *"tianjin port")
        await messages.wait(pilot, ResultsShown, lambda m: m.query == "tianjin port" and m.count > 0, timeout=30)
        await wait_for(pilot, lambda: "Sort" in footer(app))  # the results' keys are in
        shown = footer(app)
        assert "F1 Help" in shown and "^q Quit" in shown, shown
        assert not re.search(r"(^|\s)(\? Help|q Quit)", shown), "? and q type in the box"
        assert "/ Search" not in shown, "/ types in the box"
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("f1")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen))
        assert app.search_pane.query_input.value == "tianjin port", "nothing typed in the box"
