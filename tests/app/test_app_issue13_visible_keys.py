"""Issue 13 item 1: keys act on the view you see. Back from an article to a briefing, the
footer still offered the reader's and the comparison's keys, `↓ enter` opened an article
instead of a fact's comparison, and `c` aligned a figure of the hidden article; the same
after a briefing opened from the palette.

Driven by keys only and read from the screen, so that it runs on any version of the app:
the waits poll the screen (no message says "the footer shows X" in every version).
"""

from __future__ import annotations

from app_helpers import pilot_test, screen_text, settle, wait_for

SIZE = (80, 24)
TOPIC = "Xiong'an New Area"
ARTICLE = "Beijing-Tianjin-Hebei Coordinated Development Strategy Leads"  # Liaowang 2024's title
HIDDEN_KEYS = ("⏎ Open", "Next fig", "Prev fig", "Next hit", "Compare")  # at 80 columns: short labels


def top(app) -> str:
    return screen_text(app).splitlines()[0]


def footer(app) -> str:
    return screen_text(app).splitlines()[-1]


async def from_the_palette(app, pilot, typed: str, offered: str, shown: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*typed)
    await wait_for(pilot, lambda: offered in screen_text(app))  # the palette gathers in a worker
    await pilot.press("enter")
    await wait_for(pilot, lambda: shown in top(app))


@pilot_test
async def test_1_back_on_a_briefing_its_keys_act_on_its_facts_and_the_footer_is_its_own(make_app):
    app = make_app(build_index=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: "5 articles" in screen_text(app))
        await from_the_palette(app, pilot, TOPIC.lower(), f"Topic: {TOPIC}", "Briefing")
        await settle(pilot)
        await pilot.press("enter")  # the first fact: its comparison
        await wait_for(pilot, lambda: "Comparison" in top(app) and "Open article" in footer(app))
        await pilot.press("enter")  # its first source, in the reader
        await wait_for(pilot, lambda: "Article" in top(app) and "Next fig" in footer(app))
        await pilot.press("alt+left")
        await wait_for(pilot, lambda: "Comparison" in top(app))
        await pilot.press("alt+left")
        await wait_for(pilot, lambda: "Briefing" in top(app))
        await settle(pilot)
        assert not [key for key in HIDDEN_KEYS if key in footer(app)], footer(app)
        await pilot.press("c")  # the reader's compare: the article is hidden, nothing to align
        await settle(pilot)  # an alignment would be found in a worker
        assert "Briefing" in top(app), top(app)
        await pilot.press("down", "enter")  # the second fact's comparison, not an article
        await wait_for(pilot, lambda: "Briefing" not in top(app))
        assert "Comparison" in top(app) and "Buildings put up" in top(app), top(app)


@pilot_test
async def test_1_a_briefing_opened_from_the_reader_by_the_palette_ignores_the_readers_keys(make_app):
    app = make_app(build_index=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: "5 articles" in screen_text(app))
        await from_the_palette(app, pilot, ARTICLE.lower(), ARTICLE, "Article")
        await pilot.press("right_square_bracket")  # a figure focused in the reader
        await wait_for(pilot, lambda: "Figure" in screen_text(app))
        await from_the_palette(app, pilot, TOPIC.lower(), f"Topic: {TOPIC}", "Briefing")
        await settle(pilot)
        assert not [key for key in HIDDEN_KEYS if key in footer(app)], footer(app)
        await pilot.press("c", "right_square_bracket", "n")  # the reader's compare, next figure, next match
        await settle(pilot)  # an alignment would be found in a worker
        assert "Briefing" in top(app), top(app)
