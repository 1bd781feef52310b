"""Issue 13 at 80 columns: the footer keeps help and quit (by keys that act where the focus
is) and shows keys whole; searching with a view open gives the results the screen (below 110
columns or 40 rows) and gives it back as it was.

The footer is rebuilt after the bindings change, with no message saying so: those waits
poll the screen (``wait_for``)."""

from __future__ import annotations

import re

import pytest
from app_helpers import Messages, pilot_test, screen_text, wait_for
from fixture_briefings import fixture_briefings
from textual.notifications import Notify
from textual.widgets._footer import FooterKey

from jjj_brief import search as search_layer
from jjj_brief.app.comparison import ComparisonView, SourceColumn
from jjj_brief.app.data import AppData
from jjj_brief.app.footer import FIRST, Key, fit, key_width, palette_width
from jjj_brief.app.help import HelpScreen
from jjj_brief.app.hit_text import hit_label, snippet_lines
from jjj_brief.app.messages import DataLoaded, FiguresShown, ResultsShown, ViewShown
from jjj_brief.app.state import Location
from jjj_brief.app.topic_tree import TopicTree
from jjj_brief.commands.libraries import default_library
from jjj_brief.search import Hit


@pytest.fixture
def searchable_app(make_app):
    """Makes the app on the fixture briefings, with the seeds' index built, and a recorder of
    its messages: ``app, messages = searchable_app()``."""
    search_layer.ensure_index(library=default_library())

    def made():
        return make_app(data=AppData(briefings=fixture_briefings()), build_index=False), Messages()

    return made


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
async def test_2_at_80_columns_in_the_search_box_the_footer_keeps_help_and_quit_by_keys_that_act_there(searchable_app):
    app, messages = searchable_app()
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
        help_key = next(key for key in app.query(FooterKey) if key.action == "help")
        assert help_key.key == "f1", "the key shown is the one a click presses"
        await pilot.click(help_key)  # the footer's key was "? Help" on the fact: updated in place
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("f1")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen))
        assert app.search_pane.query_input.value == "tianjin port", "nothing typed in the box"


# ------------------------------------------------- the results over a view, at 80x24
BADGE = re.compile(r"^\s*┃?\s*(PASSAGE|GLOSSARY|FACT|TOPIC)\b")
ARTICLE = "liaowang-2024"


def hits_with_their_title_on_screen(app) -> int:
    """Results whose kind line and title line are both inside the results list on screen."""
    region = app.search_pane.results.region
    lines = screen_text(app).splitlines()[region.y : region.bottom]
    return sum(1 for line in lines[:-1] if BADGE.match(line[region.x : region.right]))


async def read_then_search(app, pilot, messages: Messages, query: str):
    """The article opened far down, then ``/`` and ``query``: the reader's text and its scroll."""
    await messages.wait(pilot, DataLoaded, lambda m: m.what == "corpus")
    offset = app.core.article(ARTICLE).text.index("Caofeidian to take up posts")
    app.open_location(Location("article", ARTICLE, offset=offset))
    await messages.wait(pilot, FiguresShown, lambda m: m.article_id == ARTICLE)
    document = app.reader.document
    await wait_for(pilot, lambda: scrolled_at_its_width(document))
    scrolled = document.scroll_y
    await pilot.press("slash", *query)
    await messages.wait(pilot, ResultsShown, lambda m: m.query == query and m.count >= 4, timeout=30)
    return document, scrolled


def scrolled_at_its_width(document) -> bool:
    """The reader scrolled to the offset at the wrap of its own width. Under load the article
    can arrive before the reader's first layout: it is wrapped at the 80-column default and
    scrolled there, then wrapped again and scrolled once more when its size comes. The scroll
    happens after a refresh, with no message saying so: polled."""
    laid_out = document.size.width > 0 and document._width == document.text_width()
    return laid_out and document._pending_offset is None and document.scroll_y > 0


@pilot_test
async def test_2_at_80x24_searching_over_an_article_the_results_take_the_screen_and_esc_gives_it_back(searchable_app):
    app, messages = searchable_app()
    async with app.run_test(size=(80, 24), message_hook=messages) as pilot:
        document, scrolled = await read_then_search(app, pilot, messages, "Caofeidian")
        results = app.search_pane.results
        assert not app.main.display and not app.query_one(TopicTree).display, "the search has the screen"
        assert results.size.width >= 76 and results.size.height >= 15, results.size
        # drawn again at the new size
        await wait_for(pilot, lambda: hits_with_their_title_on_screen(app) >= 4, timeout=15)
        await pilot.press("escape")
        await pilot.pause()
        assert app.main.display and app.focused is document, "the reader is back, with the keys"
        assert document.scroll_y == scrolled, "where it was"
        assert "Caofeidian to take up posts" in " ".join(screen_text(app).split())


@pilot_test
async def test_2_at_80x24_tab_from_the_results_gives_the_keys_and_the_screen_back_to_the_view(searchable_app):
    app, messages = searchable_app()
    async with app.run_test(size=(80, 24), message_hook=messages) as pilot:
        document, scrolled = await read_then_search(app, pilot, messages, "Caofeidian")
        assert not app.main.display, "the search has the screen"
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is document and app.main.display and document.scroll_y == scrolled
        await pilot.press("slash", "shift+tab")  # the other way: the tree, shown again
        await pilot.pause()
        assert isinstance(app.focused, TopicTree) and app.focused.display and app.main.display
        await pilot.press("slash", "down", "enter")  # a result opened: the reader, with the keys
        await messages.wait(pilot, ViewShown, after=1)
        assert app.main.display and app.focused is document


@pilot_test
async def test_2_at_160x48_searching_beside_a_view_keeps_the_view_and_the_tree(searchable_app):
    app, messages = searchable_app()
    async with app.run_test(size=(160, 48), message_hook=messages) as pilot:
        await read_then_search(app, pilot, messages, "Caofeidian")
        assert app.main.display and app.query_one(TopicTree).display
        assert app.search_pane.region.right <= app.main.region.x, "the results under the tree, beside the view"
        await wait_for(pilot, lambda: hits_with_their_title_on_screen(app) >= 4, timeout=15)  # snippets cut to fit


# ----------------------------------------------------------------- snippets cut
def test_a_cut_snippet_shows_its_first_lit_word_and_marks_the_cut():
    words = [f"word{i}" for i in range(30)]  # 200 characters: under the 240 a snippet keeps
    text = " ".join(words)
    at = text.index("word25")
    hit = Hit("passage", "a", "a.txt", "Title", "Outlet", "2024", 1.0, 0, len(text), text, [(at, at + 6)])
    label = hit_label(hit, width=40, lines=1).plain.splitlines()
    assert len(label) == 3 and "word25" in label[2] and label[2].startswith("…") and label[2].endswith("…")
    assert len(label[2]) <= 40
    whole = hit_label(hit, width=40).plain.splitlines()
    assert whole[2] == text, "not cut when no height is given"
    assert snippet_lines(hit, 17) == 2 and snippet_lines(hit, 40) == 8 and snippet_lines(hit, 0) is None
    assert snippet_lines(hit, 17, count=2) == 6, "fewer hits: each its share of the height"


@pilot_test
async def test_1_at_80x24_the_hidden_views_keys_do_not_act_from_the_results(searchable_app):
    """Issue 13 item 1 (keys act only on what is visible) under the search that takes the
    screen: from the results list, ``y`` cited the article hidden behind them."""
    app, messages = searchable_app()
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24), message_hook=messages) as pilot:
        await read_then_search(app, pilot, messages, "Caofeidian")
        await pilot.press("down")  # into the results list, where y is not typed
        notes = len(messages.of(Notify))
        await pilot.press("y")
        await pilot.pause()
        assert copied == [] and len(messages.of(Notify)) == notes, "y did nothing: the article is out of sight"
        assert "y Cite" not in footer(app)
        await pilot.press("escape", "y")  # the article back: y cites it
        await wait_for(pilot, lambda: copied != [], timeout=10)
