"""Item 1 through the app (Textual pilot): hostile imports reach the tree, the reader and
the command palette as text. Typing markup and action tags into the palette and the search
box, and choosing hostile entries, runs nothing: the app is still there afterwards.

Every step waits for the app's own messages (the palette opened and closed, results shown,
the search box focused) or for its workers (``settle``), never for a time."""

from __future__ import annotations

import asyncio

from app_helpers import Messages, collected_as_the_program, settle
from fault_payloads import write_hostile_batch
from fault_tools import record
from textual.command import CommandList, CommandPalette
from textual.events import Focus, ScreenResume

from jjj_brief import imports


async def _palette_choice(app, pilot, messages: Messages, text: str) -> bool:
    """ctrl+p, type ``text``, choose what the palette offers (escape when it offers nothing);
    whether something was chosen."""
    await pilot.press("ctrl+p")
    await messages.wait(pilot, ScreenResume, lambda _: isinstance(app.screen, CommandPalette))
    await pilot.press(*list(text))
    await settle(pilot)  # the palette's search is a worker: what it offers is listed when it ends
    offers = app.screen.query_one(CommandList)
    highlighted = offers.highlighted
    choice = highlighted is not None and not offers.get_option_at_index(highlighted).disabled
    closed = len(messages.of(CommandPalette.Closed))
    await pilot.press("enter" if choice else "escape")
    await messages.wait(pilot, CommandPalette.Closed, after=closed)
    await settle(pilot)  # whatever the choice started has run
    return choice


async def _search_box_entry(app, pilot, messages: Messages, text: str) -> None:
    """Type ``text`` into the search box, wait for its results, press enter (opens a hit)."""
    from jjj_brief.app.messages import ResultsShown

    box = app.search_pane.query_input
    await pilot.press("slash")
    await messages.wait(pilot, Focus, lambda _: app.focused is box)
    await pilot.press("ctrl+u")  # clear the box
    typed = "".join(c for c in text if c.isprintable())
    shown = len(messages.of(ResultsShown, lambda m: m.query == typed))
    await pilot.press(*typed)
    await messages.wait(pilot, ResultsShown, lambda m: m.query == typed, after=shown)
    await pilot.press("enter")
    await settle(pilot)


def test_palette_and_search_box_run_nothing_the_text_says(tmp_path):
    # In the suite's own home for this test (``isolated_home``: a copy of the run's one index
    # build). A bare home made the app build the whole index again (~2.5 s of CPU); the
    # imports below reach the copied index as they reach any user's.
    folder = tmp_path / "hostile"
    write_hostile_batch(folder, big=False)
    imports.add_files([str(p) for p in sorted(folder.iterdir())])

    from jjj_brief.app.main import BriefApp
    from jjj_brief.app.messages import DataLoaded

    async def scenario() -> list[str]:
        app = BriefApp(data_dir=tmp_path / "appdata", resume=False)
        messages = Messages()
        typed, chosen = [], []
        async with app.run_test(size=(120, 40), message_hook=messages) as pilot:
            await messages.wait(pilot, DataLoaded, lambda m: m.what == "corpus")  # the hostile titles are listed
            for text in ("frontqx", "[@click=app.quit]", "[$accent @click=app.quit]x[/]", "[/]", "[link=http://evil]"):
                chosen.append(await _palette_choice(app, pilot, messages, text))
                assert app.is_running and app.return_code is None, f"the app stopped after {text!r}"
                typed.append(text)
            for text in ("[@click=app.quit]clipqx", "[/]", "\x1b]0;pwned"):
                await _search_box_entry(app, pilot, messages, text)
                assert app.is_running and app.return_code is None, f"the app stopped after {text!r}"
                typed.append(text)
        assert chosen[0], "the palette offered the hostile import's entry for 'frontqx', and it was chosen"
        return typed

    with collected_as_the_program():
        typed = asyncio.run(scenario())
    record(
        "hostile text: app (pilot)", attacks=len(typed), note="markup and action tags typed into the palette and search"
    )
