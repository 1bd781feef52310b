"""Issue 13, item 6: where the keys are is visible (every theme, with and without colour)
without moving anything, and Tab stops only where it means something."""

from __future__ import annotations

import pytest
from app_helpers import Messages, pilot_test
from fixture_briefings import fixture_briefings
from textual.color import Color

from jjj_brief.app.data import AppData
from jjj_brief.app.messages import DataLoaded, FiguresShown, RelatedShown
from jjj_brief.app.state import Location
from jjj_brief.app.topic_tree import TopicTree

ARTICLE = "cctv-2023-02-27"
MARKS = {"▌", "▐", "┃"}  # the focused pane's edge (a glyph, not only a colour)


def edge_cells(widget, column: int) -> list[tuple[str, object]]:
    """(character, style) the screen shows in ``column`` of ``widget`` (its border included,
    after the app's filters: with NO_COLOR, Textual's monochrome one), one per row."""
    strips = widget.screen._compositor.render_strips()
    region = widget.region
    x = region.x + column
    cells = []
    for y in range(region.y, region.bottom):
        at = 0
        for segment in strips[y]:
            if at <= x < at + len(segment.text):
                cells.append((segment.text[x - at], segment.style))
                break
            at += len(segment.text)
    return cells


def edges(app) -> dict[str, set[str]]:
    """The characters of the reserved column of each pane: the tree's and the search's right
    edge, the main pane's left edge (the search's left edge when it has the screen, below 110
    columns; the tree and the view are hidden then: none)."""
    tree, search, main = app.query_one(TopicTree), app.search_pane, app.main
    covering = app.search_covers_the_view
    return {
        "tree": {c for c, _ in edge_cells(tree, tree.region.width - 1)},
        "search": {
            c for c, _ in edge_cells(search, 0 if covering else search.region.width - 1)[0 if covering else 1 :]
        },
        "main": {c for c, _ in edge_cells(main, 0)},
    }


async def open_reader(app, pilot, messages) -> None:
    await messages.wait(pilot, DataLoaded, lambda m: m.what == "corpus")
    offset = app.core.article(ARTICLE).text.index("more than 9,500")
    app.open_location(Location("article", ARTICLE, offset=offset))
    await messages.wait(pilot, FiguresShown, lambda m: m.article_id == ARTICLE)
    await messages.wait(pilot, RelatedShown)


@pytest.mark.parametrize("no_color", [False, True], ids=["colour", "NO_COLOR"])
@pilot_test
async def test_6_the_pane_with_the_keys_is_marked_and_nothing_moves(make_app, monkeypatch, no_color):
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(data=AppData(briefings=fixture_briefings()), build_index=False)
    messages = Messages()
    async with app.run_test(size=(80, 24), message_hook=messages) as pilot:
        assert app.no_color == no_color
        await open_reader(app, pilot, messages)
        document = app.reader.document
        widths = []
        for key, marked in (("t", "tree"), ("slash", "search"), ("escape", "main")):
            await pilot.press(key)
            await pilot.pause()
            shown = edges(app)
            assert shown[marked] & MARKS, f"{marked} has the keys: its edge is marked ({shown})"
            for other in set(shown) - {marked}:
                assert not shown[other] & MARKS, f"{other} does not have the keys ({shown})"
            widths.append((document.size, app.query_one(TopicTree).size, app.search_pane.results.size))
        # At 80x24 the search takes the screen while it has the keys: the mark moves nothing
        # between the tree and the view, and the view comes back at its size.
        assert widths[0] == widths[2], "the mark moves nothing"


@pilot_test
async def test_6_the_mark_stands_out_in_every_theme(make_app):
    app = make_app(data=AppData(briefings=fixture_briefings()), build_index=False)
    messages = Messages()
    async with app.run_test(size=(120, 36), message_hook=messages) as pilot:
        await open_reader(app, pilot, messages)
        themes = sorted(app.available_themes)
        assert len(themes) > 5
        for theme in themes:
            app.theme = theme
            await pilot.pause()
            cells = [(c, style) for c, style in edge_cells(app.main, 0) if c in MARKS]
            assert cells, f"{theme}: no mark"
            for _, style in cells:
                fg, bg = Color.from_rich_color(style.color), Color.from_rich_color(style.bgcolor)
                if fg.ansi is not None or bg.ansi is not None:
                    assert fg != bg, f"{theme}: the mark is drawn in its background colour"
                    continue  # the terminal's own palette: the glyph is the mark
                assert abs(fg.brightness - bg.brightness) >= 0.15, f"{theme}: the mark {fg.hex} on {bg.hex} is faint"


@pilot_test
async def test_6_tab_stops_at_the_tree_the_search_box_and_the_views_parts(make_app):
    app = make_app(data=AppData(briefings=fixture_briefings()), build_index=False)
    messages = Messages()
    async with app.run_test(size=(120, 36), message_hook=messages) as pilot:
        await open_reader(app, pilot, messages)
        reader = app.reader
        related = reader.query_one("#related")
        expected = [app.query_one(TopicTree), app.search_pane.query_input, reader.document, related]
        app.query_one(TopicTree).focus()
        await pilot.pause()
        seen = [app.focused]
        for _ in range(len(expected)):
            await pilot.press("tab")
            seen.append(app.focused)
        assert seen == [*expected, expected[0]], "tree, search box, text, related figures, and round again"
        await pilot.press("shift+tab")
        assert app.focused is related
        app.search_pane.results.focus()  # in the results (reached with ↓): Tab goes on to the view
        await pilot.press("tab")
        assert app.focused is reader.document
