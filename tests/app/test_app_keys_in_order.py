"""Keys typed in a burst (a fast typist, a paste, keys a terminal delivers in one read) edit the
search box in the order typed. Textual 8.2.8 ran a box's bound keys (ctrl+u, backspace) only
after the characters typed after them: found in a real terminal at 80x24, where ``/`` ctrl+u
``1.2 trillion`` from an open comparison left an empty search box."""

from __future__ import annotations

from app_helpers import Messages, pilot_test
from textual import events
from textual.widgets import Input

SIZE = (80, 24)
CHARACTERS = {"slash": "/", "ctrl+u": "\x15", "backspace": "\x7f"}


def burst(app, keys: list[str]) -> None:
    """Post every key at once, as a terminal read of several keys does (Pilot.press waits
    between keys, so it never makes a burst)."""
    for key in keys:
        app.post_message(events.Key(key, CHARACTERS.get(key, key if len(key) == 1 else None)))


async def values_after(app, pilot, messages: Messages, keys: list[str], changes: int) -> list[str]:
    """The search box's values, one per change, for the first ``changes`` changes ``keys`` make."""
    before = len(messages.of(Input.Changed))
    burst(app, keys)
    await messages.wait(pilot, Input.Changed, after=before + changes - 1)
    return [message.value for message in messages.of(Input.Changed)[before : before + changes]]


@pilot_test
async def test_a_burst_from_the_reader_clears_the_box_then_types(make_app):
    app = make_app()
    messages = Messages()
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        await pilot.press("slash", *"hebei")
        await messages.wait(pilot, Input.Changed, lambda m: m.value == "hebei")
        await pilot.press("escape")  # the keys go back to the view; the box keeps "hebei"
        values = await values_after(app, pilot, messages, ["slash", "ctrl+u", *"abc"], 4)
        assert values == ["", "a", "ab", "abc"]
        assert app.search_pane.query_input.value == "abc"


@pilot_test
async def test_backspace_in_a_burst_deletes_the_character_before_it(make_app):
    app = make_app()
    messages = Messages()
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        await pilot.press("slash")
        values = await values_after(app, pilot, messages, ["b", "a", "backspace", "c"], 4)
        assert values == ["b", "ba", "b", "bc"]
        assert app.search_pane.query_input.value == "bc"
