"""The side-by-side view: an original beside its translation, the suspect figure marked in
both columns, ] to reach it, enter to open the translation at it."""

from __future__ import annotations

from pathlib import Path

from app_helpers import Messages, pilot_test, screen_text, settle
from fixture_briefings import fixture_briefings
from textual.widgets import Static

from jjj_brief.app.data import AppData
from jjj_brief.app.messages import ArticleOpened, FiguresShown, ViewShown
from jjj_brief.app.parallel import PairRow, ParallelView
from jjj_brief.app.state import Location
from jjj_brief.corpus import Article, Corpus, load_seed_articles

ORIGINAL = (
    "河北省大气治理成效显著。\n\n"
    "2023年，河北省PM2.5平均浓度降至38.6微克/立方米，比上年下降百分之十。\n\n"
    "全长120公里的生态廊道建成。\n"
)
TRANSLATION = (
    "Hebei's air governance has been remarkable.\n\n"
    "In 2023, the average concentration of PM2.5 in Hebei fell to 386 micrograms, down 10 percent.\n\n"
    "A 120 kilometers ecological corridor was built.\n"
)


def paired_corpus() -> Corpus:
    def article(id_: str, text: str, title: str, translation_of: str | None = None) -> Article:
        return Article(
            id_,
            f"{id_}.md",
            Path(f"{id_}.md"),
            text,
            title,
            "Hebei Daily",
            "2024-01-20",
            "day",
            source="import",
            translation_of=translation_of,
        )

    return Corpus(
        [
            *load_seed_articles(),
            article("hebei-air-zh", ORIGINAL, "河北空气质量持续改善"),
            article("hebei-air-en", TRANSLATION, "Hebei air quality keeps improving", translation_of="hebei-air-zh"),
        ]
    )


def make_paired_app(make_app):
    return make_app(data=AppData(corpus=paired_corpus(), briefings=fixture_briefings()), build_index=False)


@pilot_test
async def test_p_in_the_reader_shows_the_original_beside_its_translation(make_app):
    app = make_paired_app(make_app)
    messages = Messages()
    async with app.run_test(size=(160, 48), message_hook=messages) as pilot:
        app.open_location(Location("article", "hebei-air-en"))
        await messages.wait(pilot, ArticleOpened, lambda m: m.article.id == "hebei-air-en")  # p needs it read
        await pilot.press("p")
        view = app.main.view(ParallelView)
        await messages.wait(pilot, ViewShown, lambda m: m.location.kind == "parallel")
        assert len(view.query(PairRow)) == 3
        text = screen_text(app)
        assert "38.6微克/立方米" in text and "386 micrograms" in text
        assert "⚠ 386 micrograms ← original" in text and "(x10)" in text
        assert "1 ⚠ differ from the original" in text
        rows = list(view.query(PairRow))
        assert [bool(row.suspects) for row in rows] == [False, True, False]

        await pilot.press("right_square_bracket")
        assert view.focused_row == 1 and rows[1].has_class("-focused")
        await pilot.press("enter")
        await messages.wait(pilot, ViewShown, lambda m: m.location.kind == "article")
        assert app.history.current.kind == "article"
        assert app.history.current.ref == "hebei-air-en"
        assert app.history.current.offset == TRANSLATION.index("386 micrograms")


@pilot_test
async def test_side_by_side_fits_80_columns_and_refuses_an_unpaired_article(make_app):
    app = make_paired_app(make_app)
    messages = Messages()
    async with app.run_test(size=(80, 24), message_hook=messages) as pilot:
        assert app.open_location(Location("parallel", "hebei-air-zh"))  # either side opens the pair
        view = app.main.view(ParallelView)
        await messages.wait(pilot, ViewShown, lambda m: m.location.kind == "parallel")
        assert len(view.query(PairRow)) == 3
        await pilot.press("right_square_bracket")
        text = screen_text(app)
        assert "386" in text and "38.6" in text and "→ In 2023" in text  # stacked at 80 columns
        assert not app.open_location(Location("parallel", "cctv-2023-02-27"))


@pilot_test
async def test_the_reader_says_which_page_of_the_original_a_figure_is_on(make_app):
    text = "First page says nothing.\n\nSecond page: 22 million people moved.\n"
    paged = Article(
        "paged-pdf",
        "paged.pdf",
        Path("paged.pdf"),
        text,
        "Paged",
        "Desk",
        "2024",
        "year",
        source="import",
        locators=[(0, "p. 11"), (text.index("Second"), "p. 12")],
    )
    app = make_app(
        data=AppData(corpus=Corpus([*load_seed_articles(), paged]), briefings=fixture_briefings()), build_index=False
    )
    messages = Messages()
    async with app.run_test(size=(160, 48), message_hook=messages) as pilot:
        app.open_location(Location("article", "paged-pdf"))
        reader = app.reader
        await messages.wait(pilot, FiguresShown, lambda m: m.article_id == "paged-pdf")
        assert reader.prepared is not None and reader.prepared.figures_ready
        await pilot.press("right_square_bracket")
        await settle(pilot)  # the figure's related figures are looked up in a worker; the status is drawn
        assert "p. 12 of the original" in screen_text(app)


@pilot_test
async def test_without_colour_the_suspect_line_is_bold_text_not_a_dark_grey_hue(make_app, monkeypatch):
    """NO_COLOR turned the ⚠ line's hard-coded red into grey 237 on a 234 background."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_paired_app(make_app)
    messages = Messages()
    async with app.run_test(size=(160, 48), message_hook=messages) as pilot:
        assert app.no_color
        assert app.open_location(Location("parallel", "hebei-air-en"))
        view = app.main.view(ParallelView)
        await messages.wait(pilot, ViewShown, lambda m: m.location.kind == "parallel")
        assert len(view.query(PairRow)) == 3
        [row] = [row for row in view.query(PairRow) if row.suspects]
        note = row.content.columns[1]._cells[0]
        warning = next(span.style for span in note.spans if "⚠" in note.plain[span.start : span.end])
        assert warning.bold and warning.color is None
        head = view.query_one("#parallel-head", Static).content
        differ = next(span.style for span in head.spans if "differ" in head.plain[span.start : span.end])
        assert differ.bold and differ.color is None


@pilot_test
async def test_the_reader_says_an_article_has_a_counterpart_and_that_p_shows_both(make_app):
    """p is not in the footer: the header of either side of a pair names the other and the key."""
    app = make_paired_app(make_app)
    messages = Messages()
    async with app.run_test(size=(160, 48), message_hook=messages) as pilot:
        app.open_location(Location("article", "hebei-air-en"))
        await messages.wait(pilot, ArticleOpened, lambda m: m.article.id == "hebei-air-en")
        assert "p: side by side" in screen_text(app)
        assert "translation of “河北空气质量持续改善” — p: side by side" in screen_text(app)
        app.open_location(Location("article", "hebei-air-zh"))
        await messages.wait(pilot, ArticleOpened, lambda m: m.article.id == "hebei-air-zh")
        assert "translated as “Hebei air quality keeps improving”" in screen_text(app)
        app.open_location(Location("article", "cctv-2023-02-27"))
        await messages.wait(pilot, ArticleOpened, lambda m: m.article.id == "cctv-2023-02-27")
        assert "Machine translation from Chinese" in screen_text(app)
        assert "side by side" not in screen_text(app)
