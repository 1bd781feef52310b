"""The reader on big articles (only what is on screen is wrapped and styled; figures arrive
later) and text selection with copy (Textual's selection API, no crash)."""

from __future__ import annotations

import random
import threading
from pathlib import Path

from app_helpers import Messages, pilot_test, screen_text
from textual.geometry import Offset
from textual.selection import Selection

from jjj_brief.app.data import AppData
from jjj_brief.app.messages import ArticleOpened, FiguresShown
from jjj_brief.app.prepared import BIG_ARTICLE
from jjj_brief.app.state import Location
from jjj_brief.app.styles import palette_for
from jjj_brief.app.text_first import LARGE_COLLECTION
from jjj_brief.commands.libraries import default_library
from jjj_brief.corpus import Article, Corpus, load_corpus

SIZE = (150, 45)


def big_article(chars: int = BIG_ARTICLE * 2) -> Article:
    """A long article built from the seeds' paragraphs (seeded shuffle), with a marker word
    in one paragraph near the end."""
    paragraphs = [p.text for a in load_corpus(library=default_library()) for p in a.paragraphs if len(p.text) > 80]
    rng = random.Random(5)
    parts: list[str] = []
    size = 0
    while size < chars:
        parts.append(f"Part {len(parts)}. " + rng.choice(paragraphs))
        size += len(parts[-1]) + 2
    parts[-3] += " zanzibarword closes here."
    text = "\n\n".join(parts) + "\n"
    return Article(
        id="big-one",
        file="big-one.txt",
        path=Path("big-one.txt"),
        text=text,
        title="A big one",
        outlet="Bench News",
        date="2024",
        date_precision="year",
        source="import",
    )


def layers_with(article: Article) -> AppData:
    return AppData(Corpus([*load_corpus(library=default_library()).articles, article]), use_search=False)


@pilot_test
async def test_a_big_article_shows_its_text_before_its_figures_and_wraps_only_what_is_seen(make_app):
    article = big_article()
    app = make_app(data=layers_with(article), build_index=False)
    messages = Messages()
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        app.open_location(Location("article", article.id))
        await messages.wait(pilot, ArticleOpened, lambda m: m.article.id == article.id)  # text before figures
        assert app.reader.prepared is not None
        document = app.reader.document
        assert "Part 0." in screen_text(app)
        # Only the blocks on screen (and the last screens, for End) are wrapped.
        assert len(document._breaks) < len(document.blocks) / 10
        await messages.wait(pilot, FiguresShown, lambda m: m.article_id == article.id)
        assert app.reader.prepared.figures_ready
        figures = app.reader.prepared.figures
        assert figures and f"figures {len(figures)}" in screen_text(app)
        # Paging down draws the next screen, again without wrapping the rest.
        before = document.visible_offsets()
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        after = document.visible_offsets()
        assert after[0] > before[1]
        assert len(document._breaks) < len(document.blocks) / 10
        # `]` after the scroll focuses the next figure below the top of the view.
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert app.reader.figure is not None and app.reader.figure.start >= after[0]


@pilot_test
async def test_a_big_article_styles_only_the_blocks_it_draws(make_app, monkeypatch):
    """Figures, matches and marks are styled per block as blocks come on screen: opening,
    the figures arriving and paging down each style about a screen of blocks, not the article."""
    from jjj_brief.app.reader import ReaderView

    styled: list[int] = []
    style_block = ReaderView._style_block

    def counting(view: ReaderView, index: int, block):  # type: ignore[no-untyped-def]
        styled.append(index)
        return style_block(view, index, block)

    monkeypatch.setattr(ReaderView, "_style_block", counting)
    article = big_article()
    app = make_app(data=layers_with(article), build_index=False)
    messages = Messages()
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        app.open_location(Location("article", article.id))
        await messages.wait(pilot, FiguresShown, lambda m: m.article_id == article.id)
        await pilot.pause()
        blocks = len(app.reader.document.blocks)
        height = app.reader.document.scrollable_content_region.height
        assert blocks > 20 * height  # the article is many screens long
        first = set(styled)
        assert 0 < len(first) <= height  # the first screen's blocks (before and after the figures)
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        assert len(set(styled) - first) <= 2 * height  # the two screens paged over
        assert len(set(styled)) < blocks / 20


class SlowFigures(AppData):
    """A large collection whose figures come only when the test says so (as when the first
    article opened builds the collection's cross-article figure index)."""

    def __init__(self, corpus: Corpus) -> None:
        super().__init__(corpus, use_search=False)
        self.release = threading.Event()

    def figures(self, article: Article):  # type: ignore[no-untyped-def]
        self.release.wait(60)
        return super().figures(article)


def small_articles(count: int) -> list[Article]:
    return [
        Article(
            id=f"small-{number}",
            file=f"small-{number}.txt",
            path=Path(f"small-{number}.txt"),
            text=f"Small article {number} counts {number} parks.\n",
            title=f"Small article {number}",
            outlet="Bench News",
            date="2024-01-01",
            date_precision="day",
            source="import",
        )
        for number in range(count)
    ]


@pilot_test
async def test_in_a_large_collection_the_text_shows_while_the_figures_are_still_being_found(make_app):
    layers = SlowFigures(
        Corpus([*load_corpus(library=default_library()).articles, *small_articles(LARGE_COLLECTION + 1)])
    )
    article = layers.article("cctv-2023-02-27")
    app = make_app(data=layers, build_index=False)
    messages = Messages()
    try:
        async with app.run_test(size=SIZE, message_hook=messages) as pilot:
            app.open_location(Location("article", article.id))
            await messages.wait(pilot, ArticleOpened, lambda m: m.article.id == article.id, timeout=20)
            assert not app.reader.prepared.figures_ready
            assert "Zhongguancun" in screen_text(app)
            assert not messages.of(FiguresShown)
            layers.release.set()
            shown = await messages.wait(pilot, FiguresShown, lambda m: m.article_id == article.id)
            assert app.reader.prepared.figures_ready and shown.count == len(app.reader.prepared.figures) > 0
            assert f"figures {shown.count}" in screen_text(app)
    finally:
        layers.release.set()


@pilot_test
async def test_find_in_a_big_article_jumps_to_the_match_and_lights_it(make_app):
    article = big_article()
    app = make_app(data=layers_with(article), build_index=False)
    messages = Messages()
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        app.open_location(Location("article", article.id))
        await messages.wait(pilot, ArticleOpened, lambda m: m.article.id == article.id)
        assert app.reader.prepared is not None
        await pilot.press("ctrl+f", *"zanzibarword")
        await pilot.pause()
        assert "zanzibarword closes here" in screen_text(app)
        where = article.text.index("zanzibarword")
        document = app.reader.document
        index = document.blocks_between(where, where + 1)[0]
        spans = document.block_text(index).spans
        local = where - document.blocks[index].start
        match = palette_for(app).match
        assert any(span.start <= local < span.end and span.style == match for span in spans)
        assert match.bgcolor is not None and match.bgcolor.get_truecolor() != match.color.get_truecolor()


@pilot_test
async def test_selecting_text_and_copying_it_works(make_app):
    app = make_app(build_index=False)
    article = load_corpus(library=default_library()).get("cctv-2023-02-27")
    messages = Messages()
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        app.open_location(Location("article", article.id))
        await messages.wait(pilot, ArticleOpened, lambda m: m.article.id == article.id)
        assert app.reader.prepared is not None and app.reader.article is article
        document = app.reader.document
        first = document.plain_lines()[0]
        app.screen.selections = {document: Selection(Offset(0, 0), Offset(len(first), 0))}
        await pilot.pause()
        screen_text(app)  # draws the selection
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.is_running
        assert app.clipboard.strip() == first.strip() and first.strip() in article.text


@pilot_test
async def test_dragging_the_mouse_over_the_text_selects_it_and_ctrl_c_copies(make_app):
    app = make_app(build_index=False)
    article = load_corpus(library=default_library()).get("cctv-2023-02-27")
    messages = Messages()
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        app.open_location(Location("article", article.id))
        await messages.wait(pilot, ArticleOpened, lambda m: m.article.id == article.id)
        assert app.reader.prepared is not None and app.reader.article is article
        document = app.reader.document
        left = document.styles.padding.left
        await pilot.mouse_down("#doc", offset=(left, 0))
        await pilot.hover("#doc", offset=(left + 12, 0))
        await pilot.mouse_up("#doc", offset=(left + 12, 0))
        await pilot.pause()
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.is_running
        selected = app.screen.get_selected_text()
        assert selected and selected in article.text


def body_words_on_screen(app, article: Article) -> list[str]:
    """Runs of 4+ words of the article's text that appear on screen (a sentence of the body)."""
    screen = screen_text(app)
    found = []
    for line in screen.splitlines():
        for chunk in line.split("▕"):
            words = chunk.strip("▐▌┃ ").split()  # ┃ ▐ ▌: the focus mark beside a pane
            if len(words) >= 4 and " ".join(words) in " ".join(article.text.split()):
                found.append(" ".join(words))
    return found


@pilot_test
async def test_at_80x24_the_reader_shows_the_body_beside_the_tree_and_with_the_figure_panel(make_app):
    app = make_app(build_index=False)
    article = load_corpus(library=default_library()).get("liaowang-2024")
    messages = Messages()
    async with app.run_test(size=(80, 24), message_hook=messages) as pilot:
        app.open_location(Location("article", article.id))
        await messages.wait(pilot, ArticleOpened, lambda m: m.article.id == article.id)
        assert app.reader.prepared is not None and app.reader.article is article
        assert app.reader.document.size.width >= 0.6 * 80
        assert len(body_words_on_screen(app, article)) >= 3
        await pilot.press("right_square_bracket")  # the figure panel opens under the text
        await pilot.pause()
        assert "Figure " in screen_text(app)
        assert app.reader.document.size.width >= 0.6 * 80
        assert len(body_words_on_screen(app, article)) >= 3
        footer = screen_text(app).splitlines()[-1]
        assert "? Help" in footer and "q Quit" in footer


@pilot_test
async def test_s_hides_the_sidebar_for_the_text_and_slash_brings_it_back(make_app):
    app = make_app(build_index=False)
    article = load_corpus(library=default_library()).get("cctv-2023-02-27")
    messages = Messages()
    async with app.run_test(size=(80, 24), message_hook=messages) as pilot:
        app.open_location(Location("article", article.id))
        await messages.wait(pilot, ArticleOpened, lambda m: m.article.id == article.id)
        assert app.reader.prepared is not None and app.reader.article is article
        narrow = app.reader.document.size.width
        await pilot.press("s")
        await pilot.pause()
        assert not app.query_one("#sidebar").display
        assert app.reader.document.size.width > narrow + 20
        assert app.focused is app.reader.document
        await pilot.press("slash")
        await pilot.pause()
        assert app.query_one("#sidebar").display and app.focused is app.search_pane.query_input
