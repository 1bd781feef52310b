"""The app's shell: layout, the articles tree, the reader, help, history, quitting."""

from __future__ import annotations

import asyncio
import threading

from app_helpers import Messages, pilot_test, screen_text

from jjj_brief.app.messages import ArticleOpened, DataLoaded
from jjj_brief.app.state import Location
from jjj_brief.commands.libraries import default_library
from jjj_brief.corpus import load_corpus

SIZE = (140, 45)


@pilot_test
async def test_tree_lists_every_article_by_outlet_and_date(make_app):
    app = make_app(build_index=False)
    messages = Messages()
    async with app.run_test(size=SIZE, notifications=True, message_hook=messages) as pilot:
        await messages.wait(pilot, DataLoaded, lambda m: m.what == "briefings")  # the tree is rebuilt then
        text = screen_text(app)
        assert "Articles" in text and "Timeline" in text
        for article in load_corpus(library=default_library()):
            assert article.outlet in text
            assert article.date in text


@pilot_test
async def test_choosing_an_article_in_the_tree_opens_the_reader(make_app):
    app = make_app(build_index=False)
    messages = Messages()
    async with app.run_test(size=SIZE, notifications=True, message_hook=messages) as pilot:
        await messages.wait(pilot, DataLoaded, lambda m: m.what == "briefings")  # the tree is rebuilt then
        tree = app.query_one("#tree")
        target = next(a for a in load_corpus(library=default_library()) if a.id == "liaowang-2024")
        node = next(n for n in _walk(tree.root) if n.data is not None and n.data.ref == target.id)
        tree.focus()
        tree.cursor_line = node.line
        await pilot.press("enter")
        await messages.wait(pilot, ArticleOpened, lambda m: m.article.id == target.id)
        assert app.reader.article is target
        text = screen_text(app)
        assert "Article" in text.splitlines()[0]
        assert target.title[:40] in text
        assert "Machine translation" in text
        assert target.paragraphs[0].text[:30] in text


@pilot_test
async def test_repeated_paragraphs_are_marked_not_hidden(make_app):
    article = next(a for a in load_corpus(library=default_library()) if a.repeated_paragraphs)
    repeat = next(p for p in article.paragraphs if p.repeat_of is not None)
    app = make_app(build_index=False)
    messages = Messages()
    async with app.run_test(size=SIZE, notifications=True, message_hook=messages) as pilot:
        app.open_location(Location("article", article.id, offset=repeat.start))
        await messages.wait(pilot, ArticleOpened, lambda m: m.article.id == article.id)
        assert app.reader.article is article
        lines = app.reader.document.plain_lines()
        assert any(line.startswith("↻ repeats paragraph") for line in lines)
        joined = " ".join(lines)
        assert joined.count(repeat.text[:40]) >= 2


@pilot_test
async def test_find_in_article_counts_and_moves(make_app):
    article = next(a for a in load_corpus(library=default_library()) if a.id == "liaowang-2024")
    expected = article.text.lower().count("xiong")
    app = make_app(build_index=False)
    messages = Messages()
    async with app.run_test(size=SIZE, notifications=True, message_hook=messages) as pilot:
        app.open_location(Location("article", article.id))
        await messages.wait(pilot, ArticleOpened, lambda m: m.article.id == article.id)
        assert app.reader.article is article
        await pilot.press("ctrl+f")
        await pilot.pause()
        await pilot.press(*"xiong")
        await pilot.pause()
        assert f"find 1/{expected}" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert f"find 2/{expected}" in screen_text(app)


@pilot_test
async def test_help_lists_the_keys_and_closes(make_app):
    app = make_app(build_index=False)
    messages = Messages()
    async with app.run_test(size=SIZE, notifications=True, message_hook=messages) as pilot:
        app.open_location(Location("article", "liaowang-2024"))
        await messages.wait(pilot, ArticleOpened)
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app)
        for key, what in [
            ("/", "Search"),
            ("]", "Next figure"),
            ("ctrl+f", "Find"),
            ("y", "Cite"),
            ("ctrl+p", "palette"),
        ]:
            assert any(key in line and what in line for line in text.splitlines()), (key, what)
        await pilot.press("escape")
        await pilot.pause()
        assert "Keys here and now" not in screen_text(app)


@pilot_test
async def test_back_and_forward(make_app):
    corpus = load_corpus(library=default_library())
    first, second = corpus.articles[0], corpus.articles[1]
    app = make_app(build_index=False)
    messages = Messages()
    async with app.run_test(size=SIZE, notifications=True, message_hook=messages) as pilot:

        async def opened(article, time: int) -> None:
            """The reader shows ``article`` for the ``time``-th time (0: first)."""
            await messages.wait(pilot, ArticleOpened, lambda m: m.article.id == article.id, after=time)
            assert app.reader.article is article

        app.open_location(Location("article", first.id))
        await opened(first, 0)
        app.open_location(Location("article", second.id))
        await opened(second, 0)
        app.query_one("#tree").focus()
        await pilot.press("alt+left")
        await opened(first, 1)
        await pilot.press("alt+right")
        await opened(second, 1)
        await pilot.press("backspace")
        await opened(first, 2)


@pilot_test
async def test_q_quits_but_types_in_a_text_box(make_app):
    app = make_app(build_index=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("slash")
        await pilot.press("q")
        await pilot.pause()
        assert app.search_pane.query_input.value == "q"
        assert app.is_running
        app.query_one("#tree").focus()
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


@pilot_test
async def test_resume_reopens_the_last_article(make_app, tmp_path):
    article = load_corpus(library=default_library()).articles[2]
    offset = article.paragraphs[5].start
    app = make_app(build_index=False, data_dir=tmp_path / "s")
    messages = Messages()
    async with app.run_test(size=SIZE, notifications=True, message_hook=messages) as pilot:
        app.open_location(Location("article", article.id, offset=offset))
        await messages.wait(pilot, ArticleOpened, lambda m: m.article.id == article.id)
        assert app.reader.article is article
        await pilot.press("q")
    again = make_app(build_index=False, data_dir=tmp_path / "s", resume=None)
    reopened = Messages()
    async with again.run_test(size=SIZE, notifications=True, message_hook=reopened) as pilot:
        await reopened.wait(pilot, ArticleOpened, lambda m: m.article.id == article.id)
        assert again.reader.article is article
        assert again.history.current.offset == offset


def test_quitting_before_the_first_frame_does_not_wait_for_it(make_app, fixture_library, monkeypatch):
    """Found timing the suite: an app closed before its first frame was drawn took 5 s more
    to end (its data worker waited for that frame, and the exit waited for the worker). Here
    the frame never comes and the wait would be an hour: the app must still end at once."""
    from jjj_brief.app import main

    monkeypatch.setattr(main, "FIRST_FRAME_WAIT", 3600.0)
    monkeypatch.setattr(main.BriefApp, "_after_first_frame", lambda self: None)
    app = make_app(build_index=False, library=fixture_library)  # its own: not read yet
    assert not app.core.corpus_loaded

    async def open_and_quit() -> None:
        async with app.run_test(size=SIZE):
            pass

    ended = threading.Thread(target=asyncio.run, args=(open_and_quit(),), daemon=True)
    ended.start()
    ended.join(timeout=120)  # generous under load; the old code waits the hour
    assert not ended.is_alive(), "the app's exit waited for a frame that never came"
    assert not app.core.corpus_loaded, "the data worker read the corpus after the app had closed"


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)
