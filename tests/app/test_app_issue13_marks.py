"""Issue 13, what a user must be able to see: 2 the layout at 80x24, 3 figure marks without
colour (NO_COLOR), 6 esc from search."""

from __future__ import annotations

from app_helpers import Messages, pilot_test, screen_text
from fixture_briefings import fixture_briefings
from textual.color import Color
from textual.geometry import Region

from jjj_brief.app.data import AppData
from jjj_brief.app.messages import DataLoaded, FiguresShown
from jjj_brief.app.state import Location

LIAOWANG = "liaowang-2024"  # counts, multiples, money, and many suspect figures


def brightness(color, default: float) -> float:
    return default if color is None or color.is_default else Color.from_rich_color(color).brightness


def drawn_cells(widget) -> list[tuple[str, object]]:
    """(text, style) of every segment the widget draws now, after the app's line filters
    (with NO_COLOR: Textual's monochrome filter)."""
    lines = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return [(segment.text, segment.style) for line in lines for segment in line if segment.text.strip()]


async def open_reader(app, pilot, messages: Messages, article_id: str = LIAOWANG) -> None:
    await messages.wait(pilot, DataLoaded, lambda m: m.what == "corpus")
    app.open_location(Location("article", article_id))
    await messages.wait(pilot, FiguresShown, lambda m: m.article_id == article_id)


# ----------------------------------------------------------- 3. marks without colour
@pilot_test
async def test_3_without_colour_no_figure_is_drawn_in_nearly_its_background(make_app, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(data=AppData(briefings=fixture_briefings()), build_index=False)
    assert app.no_color
    messages = Messages()
    async with app.run_test(size=(160, 48), message_hook=messages) as pilot:
        await open_reader(app, pilot, messages)
        reader = app.reader
        suspects = reader.prepared.suspects
        await pilot.press("right_curly_bracket")  # a suspect figure focused and on screen
        await pilot.pause()
        assert reader.focused_figure == suspects[0]
        document = reader.document
        lo, hi = document.visible_offsets()
        shown = [f for f in reader.prepared.figures if lo <= f.start < hi]
        assert {f.kind for f in shown} >= {"count"} and any(f.suspect for f in shown)
        cells = drawn_cells(document)
        text = "".join(t for t, _ in cells)
        assert any(f.text in text for f in shown), "the figures checked are on screen"
        base = app.screen.styles.background.brightness
        for segment_text, style in cells:
            fg = brightness(style.color if style else None, 1 - base)
            bg = brightness(style.bgcolor if style else None, base)
            assert abs(fg - bg) >= 0.25, f"{segment_text!r} drawn {fg:.2f} on {bg:.2f}"


@pilot_test
async def test_3_without_colour_the_legend_shows_each_kind_by_its_own_marks(make_app, monkeypatch):
    """Seen by ux13b (capture-pane -e, NO_COLOR): the legend was bold as a whole, so 'money'
    (bold underline) and 'count' (underline) were drawn alike there, and 'percent' and
    'points' too; the text tells them apart, so the key to it must as well."""
    from rich.console import Console

    from jjj_brief.app.figure_text import legend
    from jjj_brief.app.styles import palette_for
    from jjj_brief.styles import FIGURE_LOOKS

    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(data=AppData(briefings=fixture_briefings()), build_index=False)
    async with app.run_test(size=(160, 48)):
        key = legend(palette_for(app))
    marks = {}
    for kind, look in FIGURE_LOOKS.items():
        start = key.plain.find(look.name + " ")
        if kind == "year" or start < 0:
            continue
        style = key.get_style_at_offset(Console(), start)
        marks[look.name] = (style.bold, style.italic, style.underline, style.underline2, style.overline)
    assert len(marks) >= 8, marks  # every kind the legend names
    alike = [(a, b) for a in marks for b in marks if a < b and marks[a] == marks[b]]
    assert not alike, alike


# ------------------------------------------------------------------- 2. at 80 x 24
@pilot_test
async def test_2_at_80_columns_the_reader_has_the_room_and_the_footer_keeps_help_and_quit(make_app):
    app = make_app(data=AppData(briefings=fixture_briefings()), build_index=False)
    messages = Messages()
    async with app.run_test(size=(80, 24), message_hook=messages) as pilot:
        await open_reader(app, pilot, messages)
        await pilot.press("right_square_bracket")  # a figure focused: its panel opens
        await pilot.pause()
        document, panel = app.reader.document, app.query_one("#figure-panel")
        assert document.size.width >= 0.6 * 80, "the text gets at least 60% of the width"
        assert panel.region.y >= document.region.bottom - 1, "the figure panel folds under the text"
        footer = screen_text(app).splitlines()[-1]
        assert "? Help" in footer and "q Quit" in footer
        sidebar = app.query_one("#sidebar")
        await pilot.press("s")  # the left column toggles
        await pilot.pause()
        assert not sidebar.display and document.size.width >= 75
        await pilot.press("s")
        await pilot.pause()
        assert sidebar.display


# ----------------------------------------------------------- 6. esc, focus marks
@pilot_test
async def test_6_esc_in_the_search_box_gives_the_keys_back_to_the_reader(make_app):
    app = make_app(data=AppData(briefings=fixture_briefings()), build_index=False)
    messages = Messages()
    async with app.run_test(size=(120, 36), message_hook=messages) as pilot:
        await open_reader(app, pilot, messages)
        await pilot.press("slash", *"port", "escape")
        assert app.focused is app.reader.document
        await pilot.press("right_square_bracket")  # the reader's keys act again
        await pilot.pause()
        assert app.reader.focused_figure is not None
