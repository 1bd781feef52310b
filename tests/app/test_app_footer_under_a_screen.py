"""The footer under a screen pushed over the view (the command palette): what acts there
depends on that screen's focus, which it takes after it mounts. The footer is checked once
the palette's box has the focus: ``/ Search`` typed in the palette's box is a character, so
the footer under it does not offer it (it did before the footer was updated in place, and
for a while after it, until this test)."""

from __future__ import annotations

from app_helpers import pilot_test, screen_text, settle, wait_for
from textual.command import CommandPalette
from textual.widgets import Input

from jjj_brief.app.footer import BriefFooter

SIZE = (80, 24)


@pilot_test
async def test_the_footer_under_the_palette_offers_no_key_its_box_types(make_app):
    app = make_app(build_index=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "5 articles" in screen_text(app))
        await settle(pilot)
        footer = app.query_one(BriefFooter)
        assert "/ Search" in screen_text(app).splitlines()[-1]
        await pilot.press("ctrl+p")
        # No message says "the palette's box has the focus": polled.
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette) and isinstance(app.focused, Input))
        await settle(pilot)
        assert footer.plan() == footer._shown, (footer.plan(), footer._shown)
        line = screen_text(app).splitlines()[-1]
        assert "/ Search" not in line and "? Help" in line, line
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette))
        await settle(pilot)
        assert footer.plan() == footer._shown
        assert "/ Search" in screen_text(app).splitlines()[-1]
