"""Briefing, comparison and timeline views; the palette; citations; settings; mouse; NO_COLOR."""

from __future__ import annotations

import json

from app_helpers import Messages, pilot_test, screen_text, settle, wait_for
from fixture_briefings import BRANCHES_CCTV, BRANCHES_CHINANEWS, fixture_briefings
from textual.notifications import Notify

from jjj_brief.app.comparison import SourceColumn
from jjj_brief.app.data import AppData
from jjj_brief.app.messages import ArticleOpened, ComparisonShown, FiguresShown, ViewShown
from jjj_brief.app.state import Location
from jjj_brief.commands.libraries import default_library
from jjj_brief.corpus import load_corpus

SIZE = (140, 45)


def fixture_app(make_app, **kwargs):
    return make_app(data=AppData(briefings=fixture_briefings()), build_index=False, **kwargs)


@pilot_test
async def test_briefing_shows_summary_points_facts_and_passages_and_opens_them(make_app):
    app = fixture_app(make_app)
    messages = Messages()
    async with app.run_test(size=SIZE, notifications=True, message_hook=messages) as pilot:
        app.open_location(Location("topic", "zhongguancun"))
        await messages.wait(pilot, ViewShown, lambda m: m.location.kind == "topic")  # built on first use
        text = screen_text(app)
        assert "Beijing's Zhongguancun science park" in text
        assert "• The count grew between 2023 and 2024." in text
        assert "different-date-or-scope" in text and "9,500 (CCTV 2023)" in text
        assert BRANCHES_CCTV in text
        # enter on the fact row opens its comparison
        app.query_one("#brief-facts").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.history.current == Location("fact", "zgc-branches")
        await pilot.press("alt+left")
        await pilot.pause()
        # enter on the second passage opens the reader at that quote
        passages = app.query_one("#brief-passages")
        passages.focus()
        passages.highlighted = 1
        await pilot.press("enter")
        article = load_corpus(library=default_library()).get("chinanews-2024-02-27")
        await messages.wait(pilot, ArticleOpened, lambda m: m.article.id == article.id)
        assert app.reader.prepared is not None and app.reader.article is article
        assert app.history.current.offset == article.text.index(BRANCHES_CHINANEWS)


@pilot_test
async def test_comparison_columns_per_source_scroll_together_and_open_the_quote(make_app):
    app = fixture_app(make_app)
    messages = Messages()
    async with app.run_test(size=SIZE, notifications=True, message_hook=messages) as pilot:
        app.open_location(Location("fact", "zgc-branches"))
        await messages.wait(pilot, ViewShown, lambda m: m.location.kind == "fact")
        # The columns' text is drawn once the comparison says so (one pause was not always
        # enough under load: the outlets were on screen, the quotes not yet).
        await messages.wait(pilot, ComparisonShown, lambda m: m.fact_id == "zgc-branches")
        columns = list(app.query(SourceColumn))
        assert [c.source.article for c in columns] == ["cctv-2023-02-27", "liaowang-2024", "chinanews-2024-02-27"]
        assert {c.parent.parent.id for c in columns} == {"cmp-scroll"}  # one scroll for all columns
        text = screen_text(app)
        for outlet in ("CCTV News", "Liaowang", "China News Service"):
            assert outlet in text
        assert "9,500 branch" in text and "10,000 branch" in text
        assert "Spread" in text and "the count grew" in text
        assert app.focused is columns[0]
        await pilot.press("right")
        assert app.focused is columns[1]
        await pilot.press("enter")
        article = load_corpus(library=default_library()).get("liaowang-2024")
        await messages.wait(pilot, FiguresShown, lambda m: m.article_id == article.id)
        await pilot.pause()  # the scroll to the quote is made after the next refresh
        assert app.reader.article is article
        first, last = app.reader.document.visible_offsets()
        quote_at = app.history.current.offset
        assert quote_at is not None and first <= quote_at <= last


@pilot_test
async def test_timeline_branch_lists_events_and_opens_the_source(make_app):
    app = fixture_app(make_app)
    messages = Messages()
    async with app.run_test(size=SIZE, notifications=True, message_hook=messages) as pilot:
        app.open_location(Location("timeline"))
        await messages.wait(pilot, ViewShown, lambda m: m.location.kind == "timeline")  # built on first use
        assert "Symposium on coordinated development in Beijing" in screen_text(app)
        await pilot.press("enter")
        await messages.wait(pilot, ArticleOpened, lambda m: m.article.id == "liaowang-2024")
        assert app.reader.prepared is not None
        assert app.reader.article.id == "liaowang-2024"
        assert app.history.current.offset == 0  # the quote opens the article


@pilot_test
async def test_palette_finds_articles_topics_and_facts_and_runs_a_search(make_app):
    app = fixture_app(make_app)
    messages = Messages()
    async with app.run_test(size=SIZE, notifications=True, message_hook=messages) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"zhongguancun branches")
        await settle(pilot)  # the palette gathers its commands in a worker
        text = screen_text(app)
        assert "Topic: Zhongguancun branches in Tianjin and Hebei" in text
        assert "Fact: Zhongguancun branches in Tianjin and Hebei" in text
        assert "Search all text for: zhongguancun branches" in text
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"grand plan land")
        await settle(pilot)  # the palette gathers its commands in a worker
        await pilot.press("enter")
        await messages.wait(pilot, ArticleOpened, lambda m: m.article.id == "xinhua-2023-02-25")
        assert app.reader.prepared is not None
        assert app.reader.article.id == "xinhua-2023-02-25"


@pilot_test
async def test_y_copies_a_citation_and_saves_it_in_the_data_dir(make_app, tmp_path):
    app = fixture_app(make_app)
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    messages = Messages()
    async with app.run_test(size=SIZE, notifications=True, message_hook=messages) as pilot:
        app.open_location(Location("fact", "zgc-branches"))
        # Under load one pause was not always enough for the comparison to be shown: `y`
        # then found nothing to cite (1 failure in a loaded run of the app tests).
        await messages.wait(pilot, ViewShown, lambda m: m.location.kind == "fact")
        await wait_for(pilot, lambda: len(app.query(SourceColumn)) > 1)  # the columns are built after
        await pilot.press("y")
        path = tmp_path / "data" / "citations.txt"
        await messages.wait(pilot, Notify, lambda m: "Citation copied" in m.notification.message)
        await wait_for(pilot, lambda: "Citation copied to the clipboard" in screen_text(app))  # mounted, then drawn
        assert any(str(path) in note.message for note in app._notifications)
    saved = path.read_text(encoding="utf-8")
    assert copied and copied[0] in saved
    assert BRANCHES_CCTV in copied[0] and "CCTV News (Xinwen Lianbo), 2023-02-27" in copied[0]


@pilot_test
async def test_resume_setting_toggles_and_is_saved_atomically(make_app, tmp_path):
    from textual.notifications import Notify

    app = fixture_app(make_app)
    messages = Messages()
    async with app.run_test(size=SIZE, notifications=True, message_hook=messages) as pilot:
        assert app.settings.resume is True
        app.toggle_resume()
        await messages.wait(pilot, Notify, lambda m: m.notification.message == "Open where you left off: off")
        for _ in range(2):  # the toast is mounted, then drawn: each pause drains the queue
            await pilot.pause()
        assert "Open where you left off: off" in screen_text(app)
    saved = json.loads((tmp_path / "data" / "settings.json").read_text(encoding="utf-8"))
    assert saved["resume"] is False
    assert not list((tmp_path / "data").glob(".settings.json.*"))  # no temp file left behind


@pilot_test
async def test_unwritable_data_dir_keeps_settings_in_memory(make_app, tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the data dir should be")
    app = fixture_app(make_app, data_dir=blocked)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.toggle_resume()
        await pilot.pause()
        assert "kept in memory" in screen_text(app)
        assert "Working in memory" in screen_text(app)  # the storage warning, said in the app
        assert app.settings.resume is False
        await pilot.press("q")
    assert blocked.read_text() == "a file where the data dir should be"


@pilot_test
async def test_mouse_click_on_a_tree_article_opens_it(make_app):
    app = fixture_app(make_app)
    messages = Messages()
    async with app.run_test(size=SIZE, notifications=True, message_hook=messages) as pilot:
        tree = app.query_one("#tree")

        def leaf():
            return next((n for n in _walk(tree.root) if n.data is not None and n.data.ref == "xinhua-2023-02-25"), None)

        await settle(pilot)  # the articles are listed after the first paint, by a worker
        node = leaf()
        assert node is not None
        await pilot.click("#tree", offset=(8, node.line - tree.scroll_offset.y))
        await messages.wait(pilot, ArticleOpened, lambda m: m.article.id == "xinhua-2023-02-25")
        assert app.reader.prepared is not None
        assert app.reader.article.id == "xinhua-2023-02-25"


@pilot_test
async def test_no_color_is_respected(make_app, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = fixture_app(make_app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert app.no_color


@pilot_test
async def test_theme_choice_is_remembered(make_app, tmp_path):
    app = fixture_app(make_app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.theme = "nord"
        await pilot.press("q")
    again = fixture_app(make_app)
    async with again.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert again.theme == "nord"


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)
