"""Issue 13 items 9 and 12: help lists every active key once, by the key you press; the
palette finds commands by the words people type (help, settings, theme, export) and items by
the labels it shows them with."""

from __future__ import annotations

import pytest
from app_helpers import Messages, pilot_test, screen_text, settle
from fixture_briefings import fixture_briefings

from jjj_brief.app.data import AppData
from jjj_brief.app.help import active_sections
from jjj_brief.app.messages import DataLoaded, FiguresShown, ViewShown
from jjj_brief.app.state import Location

SIZE = (120, 40)


async def palette_shows(app, pilot, typed: str) -> str:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*typed)
    await settle(pilot)  # the palette gathers its commands in a worker
    return screen_text(app)


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("help", "Help: every key"),
        ("settings", "Settings: theme"),
        ("settings", "Settings: key bindings"),
        ("theme", "Settings: theme"),
        ("export", "Export to Markdown"),
        ("keys", "Help: every key"),
    ],
)
@pilot_test
async def test_12_commands_are_found_by_their_words(make_app, typed, found):
    app = make_app(data=AppData(briefings=fixture_briefings()), build_index=False)
    messages = Messages()
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        await messages.wait(pilot, DataLoaded, lambda m: m.what == "corpus")
        assert found in await palette_shows(app, pilot, typed)


@pilot_test
async def test_12_an_item_is_found_by_the_label_the_palette_shows(make_app):
    app = make_app(data=AppData(briefings=fixture_briefings()), build_index=False)
    messages = Messages()
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        await messages.wait(pilot, DataLoaded, lambda m: m.what == "corpus")
        label = "Topic: Zhongguancun branches in Tianjin and Hebei"
        shown = await palette_shows(app, pilot, label)
        assert label in shown
        await pilot.press("enter")
        shown = await messages.wait(pilot, ViewShown, lambda m: m.location.kind == "topic")
        assert shown.location.ref == "zhongguancun"


@pilot_test
async def test_12_help_from_the_palette_opens_the_keys(make_app):
    from jjj_brief.app.help import HelpScreen

    app = make_app(data=AppData(briefings=fixture_briefings()), build_index=False)
    messages = Messages()
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        await messages.wait(pilot, DataLoaded, lambda m: m.what == "corpus")
        await palette_shows(app, pilot, "help")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


@pilot_test
async def test_9_help_lists_every_key_of_the_reader_once_by_the_key_pressed(make_app):
    app = make_app(data=AppData(briefings=fixture_briefings()), build_index=False)
    messages = Messages()
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        await messages.wait(pilot, DataLoaded, lambda m: m.what == "corpus")
        app.open_location(Location("article", "liaowang-2024"))
        await messages.wait(pilot, FiguresShown)
        rows = {place: {tuple(row.keys): row.description for row in found} for place, found in active_sections(app)}
        everywhere = rows["Everywhere"]
        assert everywhere[("alt+←", "backspace")] == "Back"  # both keys of the binding
        assert ("/",) in everywhere and ("tab",) in everywhere and ("t",) in everywhere
        palette = [keys for keys, what in everywhere.items() if "ctrl+p" in keys]
        assert len(palette) == 1, palette  # once, with what it finds
        reader = rows["Article"]
        for keys in [("]",), ("[",), ("}",), ("{",), ("n",), ("N",), ("c",), ("ctrl+f",)]:
            assert keys in reader, keys
        described = [what for place in rows.values() for what in place.values()]
        assert "Export" not in described  # e only warns here: not listed
