"""The reader with the figure layer: highlights by kind, suspect marks, ] [ navigation, the
figure panel, related figures, `c` to compare, and clicking a figure."""

from __future__ import annotations

from app_helpers import Messages, pilot_test, screen_text, settle

from jjj_brief import figures as figure_layer
from jjj_brief.app.messages import ArticleOpened, ComparisonShown, ViewShown
from jjj_brief.app.state import Location
from jjj_brief.app.styles import FIGURE_LOOKS, palette_for
from jjj_brief.commands.libraries import default_library
from jjj_brief.corpus import load_corpus

SIZE = (150, 45)


def styles_at(app, offset: int) -> list[str]:
    """The style strings the reader applied at article ``offset``."""
    document = app.reader.document
    found = []
    for block_index in document.blocks_between(offset, offset + 1):
        block = document.blocks[block_index]
        local = offset - block.start
        if 0 <= local < len(block.text):
            text = document.block_text(block_index)
            found += [str(span.style) for span in text.spans if span.start <= local < span.end]
    return found


async def open_article(app, pilot, messages, article_id: str, offset: int | None = None) -> None:
    app.open_location(Location("article", article_id, offset=offset))
    await messages.wait(pilot, ArticleOpened, lambda m: m.article.id == article_id)
    await settle(pilot)  # the figure at offset focused: its related figures (a worker) drawn
    assert app.reader.prepared is not None and app.reader.article.id == article_id


@pilot_test
async def test_figures_are_lit_by_kind_and_suspects_marked_distinctly(make_app):
    article = load_corpus(library=default_library()).get("liaowang-2024")
    found = figure_layer.article_figures(article, load_corpus(library=default_library()))
    suspect = next(f for f in found if f.suspect)
    plain = next(f for f in found if not f.suspect and f.kind in FIGURE_LOOKS)
    app = make_app(build_index=False)
    messages = Messages()
    async with app.run_test(size=SIZE, notifications=True, message_hook=messages) as pilot:
        await open_article(app, pilot, messages, article.id)
        palette = palette_for(app)
        assert str(palette.figure(plain.kind)) in styles_at(app, plain.start)
        assert str(palette.figure(suspect.kind, suspect=True)) in styles_at(app, suspect.start)
        # Distinct without colour too (NO_COLOR): different attributes, not just a hue.
        assert palette.figure(suspect.kind, suspect=True).without_color != palette.figure(plain.kind).without_color
        text = screen_text(app)
        assert "Figures:" in text and "suspect" in text  # the legend
        suspects = sum(1 for f in found if f.suspect)
        assert f"figures {len(found)} ({suspects} suspect)" in text


@pilot_test
async def test_brackets_move_between_figures_and_the_panel_shows_details_and_reason(make_app):
    article = load_corpus(library=default_library()).get("liaowang-2024")
    found = figure_layer.article_figures(article, load_corpus(library=default_library()))
    suspect_index = next(i for i, f in enumerate(found) if f.suspect)
    app = make_app(build_index=False)
    messages = Messages()
    async with app.run_test(size=SIZE, notifications=True, message_hook=messages) as pilot:
        await open_article(app, pilot, messages, article.id)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert app.reader.figure is found[0]
        assert str(palette_for(app).focus) in styles_at(app, found[0].start)
        text = screen_text(app)
        assert f"figures 1/{len(found)}" in text
        assert "value" in text and "unit" in text and "qualifier" in text and "as of" in text
        await pilot.press("right_square_bracket", "left_square_bracket")
        assert app.reader.figure is found[0]
        app.reader.focus_figure(suspect_index)
        await pilot.pause()
        text = screen_text(app)
        reason = found[suspect_index].suspect.reason
        assert "⚠ suspect:" in text and reason[:20] in text


@pilot_test
async def test_clicking_a_figure_focuses_it(make_app):
    article = load_corpus(library=default_library()).get("cctv-2023-02-27")
    app = make_app(build_index=False)
    messages = Messages()
    async with app.run_test(size=SIZE, notifications=True, message_hook=messages) as pilot:
        await open_article(app, pilot, messages, article.id)
        document = app.reader.document
        target = next(
            f for f in figure_layer.article_figures(article, load_corpus(library=default_library())) if f.start > 0
        )
        line = document.line_of_offset(target.start)
        lines = document.plain_lines()
        column = lines[line].index(target.text[:3]) if target.text[:3] in lines[line] else 0
        document.scroll_to(y=line, animate=False, immediate=True)
        await pilot.pause()
        await pilot.click(
            "#doc", offset=(column + 1 + document.styles.padding.left - 1, line - document.scroll_offset.y)
        )
        await pilot.pause()
        assert app.reader.figure is not None and app.reader.figure.start == target.start


@pilot_test
async def test_c_on_a_curated_figure_opens_its_fact_comparison(make_app):
    app = make_app(build_index=False)
    messages = Messages()
    async with app.run_test(size=SIZE, notifications=True, message_hook=messages) as pilot:
        await settle(pilot)  # the corpus and briefings are read in a worker
        assert app.core.briefings_loaded
        fact = next(f for f in app.core.facts() if len(f.claims) >= 2)
        claim = fact.claims[0]
        article = load_corpus(library=default_library()).get(claim.article)
        quote_at = article.text.index(claim.quote)
        inside = [
            f
            for f in figure_layer.article_figures(article, load_corpus(library=default_library()))
            if quote_at <= f.start < quote_at + len(claim.quote)
        ]
        carrier = next(
            f for f in inside if f.value is not None and abs(f.value - claim.value) < 1e-6 * max(1, abs(claim.value))
        )
        await open_article(app, pilot, messages, article.id, offset=carrier.start)
        assert app.reader.figure is carrier
        await pilot.press("c")
        # The fact's view, then its columns (compared in a worker): one pause read the screen
        # before the view was drawn under stress --cpu 2 (bd136d9, 18:13 UTC 2026-12-04).
        await messages.wait(pilot, ViewShown, lambda m: m.location.kind == "fact")
        await messages.wait(pilot, ComparisonShown, lambda m: m.kind == "fact")
        assert app.history.current.kind == "fact"
        assert app.core.fact(app.history.current.ref).claims  # a curated fact holding the figure
        assert "Verdict" in screen_text(app)
