"""Issue 13, focus and room: 7 search results in the free main pane, keys after opening a hit
go to the view it shows (q quits), and the tree keeps its height while searching."""

from __future__ import annotations

from app_helpers import Messages, pilot_test
from fixture_briefings import fixture_briefings
from textual import events
from textual.messages import ExitApp

from jjj_brief import search as search_layer
from jjj_brief.app.data import AppData
from jjj_brief.app.home import HomeView
from jjj_brief.app.messages import ArticleOpened, DataLoaded, OpenHit, ResultsShown, ViewShown
from jjj_brief.app.reader import ReaderView
from jjj_brief.app.search_pane import SearchPane
from jjj_brief.app.topic_tree import TopicTree
from jjj_brief.commands.libraries import default_library


def in_search(app) -> bool:
    focused = app.focused
    return focused is not None and any(isinstance(node, SearchPane) for node in focused.ancestors_with_self)


async def search_from_home(app, pilot, messages: Messages, query: str) -> None:
    await messages.wait(pilot, DataLoaded, lambda m: m.what == "corpus")
    await messages.wait(pilot, ViewShown, lambda m: m.location.kind == "home")
    await pilot.press("slash", *query)
    await messages.wait(pilot, ResultsShown, lambda m: m.query == query and m.count > 0, timeout=30)


# ------------------------------------------------------------ 7. room for results
@pilot_test
async def test_7_results_take_the_free_main_pane_and_the_tree_keeps_its_height(make_app, shared_home):
    search_layer.ensure_index(library=default_library())  # the shared home's index (built once for the app tests)
    app = make_app(data=AppData(briefings=fixture_briefings()), build_index=False)
    messages = Messages()
    async with app.run_test(size=(160, 48), notifications=True, message_hook=messages) as pilot:
        await messages.wait(pilot, DataLoaded, lambda m: m.what == "corpus")
        tree = app.query_one(TopicTree)
        tall = tree.size.height
        await search_from_home(app, pilot, messages, "tianjin port")
        results = app.search_pane.results
        assert results.size.width > 100, "on Home the results use the main pane's width"
        assert results.size.height > 30, "and its height"
        assert tree.size.height >= tall - 1, "the tree is not squeezed"
        await pilot.press("enter")  # a view opens: the results go back under the tree
        await messages.wait(pilot, ArticleOpened)
        assert app.showing(ReaderView) and not in_search(app)
        await pilot.press("slash")
        await pilot.pause()
        assert app.main.display and app.main.size.width > 80
        assert tree.size.height > 12, "searching beside a view does not shrink the tree to 8 rows"


@pilot_test
async def test_7_keys_typed_while_a_hit_opens_go_to_the_app_and_q_quits(make_app, shared_home):
    """A hit opens a view not built yet: the keys typed meanwhile are the app's (q quits), not
    typed into the search box the user left."""
    search_layer.ensure_index(library=default_library())
    app = make_app(data=AppData(briefings=fixture_briefings()), build_index=False)
    messages = Messages()
    async with app.run_test(size=(80, 24), notifications=True, message_hook=messages) as pilot:
        await search_from_home(app, pilot, messages, "tianjin port")
        assert app.main.made(ReaderView) is None  # the reader is built by this open
        box = app.search_pane.query_input
        app._open_hit(OpenHit(app.search_pane.hits()[0], "tianjin port"))  # what enter on a hit does
        key = events.Key("q", "q")
        key.set_sender(app)
        app._driver.send_message(key)  # as the terminal delivers it, before the reader is built
        await messages.wait(pilot, ExitApp)
    assert box.value == "tianjin port"
    assert app.return_code == 0


@pilot_test
async def test_7_every_navigation_from_search_moves_the_keys_to_the_view(make_app, shared_home):
    search_layer.ensure_index(library=default_library())
    app = make_app(data=AppData(briefings=fixture_briefings()), build_index=False)
    messages = Messages()
    async with app.run_test(size=(160, 48), notifications=True, message_hook=messages) as pilot:
        await search_from_home(app, pilot, messages, "tianjin port")
        await pilot.press("down", "enter")  # from the results list
        await messages.wait(pilot, ArticleOpened)
        assert app.focused is app.reader.document
        await pilot.press("slash", "end")  # back in the box, then a second hit from the box itself
        assert in_search(app)
        shown = len(messages.of(ViewShown))
        await pilot.press("enter")
        await messages.wait(pilot, ViewShown, after=shown)
        assert app.focused is app.reader.document, "the reader has the keys again"
        await pilot.press("alt+left")  # back to Home: Home's keys, not the search box's
        await messages.wait(pilot, ViewShown, lambda m: m.location.kind == "home")
        assert app.showing(HomeView) and not in_search(app)
