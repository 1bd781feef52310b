"""Item 1 through the app (Textual pilot): hostile imports reach the tree, the reader and
the command palette as text. Typing markup and action tags into the palette and the search
box, and choosing hostile entries, runs nothing: the app is still there afterwards."""

from __future__ import annotations

import asyncio
import time

from fault_payloads import write_hostile_batch
from fault_tools import record

from jjj_brief import imports


async def _until(pilot, condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await pilot.pause(0.05)
    return True


def test_palette_and_search_box_run_nothing_the_text_says(tmp_path, in_home):
    in_home(tmp_path / "home")
    folder = tmp_path / "hostile"
    write_hostile_batch(folder, big=False)
    imports.add_files([str(p) for p in sorted(folder.iterdir())])

    from jjj_brief.app.main import BriefApp

    async def scenario() -> list[str]:
        app = BriefApp(data_dir=tmp_path / "appdata", resume=False)
        typed = []
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(0.3)
            for text in ("frontqx", "[@click=app.quit]", "[$accent @click=app.quit]x[/]", "[/]", "[link=http://evil]"):
                await pilot.press("ctrl+p")
                await pilot.pause(0.2)
                await pilot.press(*list(text))
                await pilot.pause(0.6)
                await pilot.press("enter")  # choose whatever the palette offers
                await pilot.pause(0.5)
                if app.screen.__class__.__name__ == "CommandPalette":
                    await pilot.press("escape")
                    await pilot.pause(0.2)
                assert app.is_running and app.return_code is None, f"the app stopped after {text!r}"
                typed.append(text)
            await pilot.press("slash")
            for text in ("[@click=app.quit]clipqx", "[/]", "\x1b]0;pwned"):
                await pilot.press("ctrl+u")  # clear the box
                await pilot.press(*[c for c in text if c.isprintable()])
                await pilot.pause(0.6)
                await pilot.press("enter")
                await pilot.pause(0.5)
                assert app.is_running and app.return_code is None, f"the app stopped after {text!r}"
                typed.append(text)
                await pilot.press("slash")
                await pilot.pause(0.1)
        return typed

    typed = asyncio.run(scenario())
    record(
        "hostile text: app (pilot)", attacks=len(typed), note="markup and action tags typed into the palette and search"
    )
