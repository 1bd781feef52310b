"""The app on the compare layer: related figures in the reader, automatic alignment from `c`,
the computed assessment in comparisons, and `e` exporting Markdown — shipped briefings."""

from __future__ import annotations

from app_helpers import Messages, pilot_test, screen_text, settle

from jjj_brief import compare
from jjj_brief import figures as figure_layer
from jjj_brief.app.messages import ArticleOpened, ComparisonShown, RelatedShown
from jjj_brief.app.source_column import SourceColumn, figure_span
from jjj_brief.app.state import Location
from jjj_brief.commands.libraries import default_library
from jjj_brief.corpus import load_corpus

SIZE = (150, 45)


async def ready(app, pilot) -> None:
    await settle(pilot)  # the corpus and briefings are read in a worker
    assert app.core.briefings_loaded


def uncurated_figure_with_candidates():
    """A figure no curated fact holds, for which the aligner has candidates."""
    for article in load_corpus(library=default_library()):
        for figure in figure_layer.article_figures(article, load_corpus(library=default_library())):
            if figure.kind in ("date", "year", "label") or compare.fact_for_figure(
                article.id, figure.start, figure.end, library=default_library()
            ):
                continue
            found = compare.related(article.id, figure.start, limit=8, library=default_library())
            if len(found.related) >= 1:
                return article, figure, found.related
    raise AssertionError("no uncurated figure with candidates in the seeds")


@pilot_test
async def test_focused_figure_lists_related_figures_from_other_articles(make_app):
    article, figure, candidates = uncurated_figure_with_candidates()
    app = make_app(build_index=False)
    messages = Messages()
    async with app.run_test(size=SIZE, notifications=True, message_hook=messages) as pilot:
        await ready(app, pilot)
        app.open_location(Location("article", article.id, offset=figure.start))
        await messages.wait(pilot, RelatedShown, lambda m: m.offset == figure.start)
        assert app.reader.figure is figure
        assert len(app.reader._related) == len(candidates)
        await pilot.pause()  # the panel's new rows laid out before the screenshot
        assert "Related figures in other articles" in screen_text(app)
        first = candidates[0]
        label = app.query_one("#related").get_option_at_index(0).prompt.plain
        assert first.text in label and ("same fact" in label or "related" in label)


@pilot_test
async def test_c_on_an_uncurated_figure_opens_the_automatic_alignment(make_app):
    article, figure, candidates = uncurated_figure_with_candidates()
    app = make_app(build_index=False)
    messages = Messages()
    async with app.run_test(size=SIZE, notifications=True, message_hook=messages) as pilot:
        await ready(app, pilot)
        app.open_location(Location("article", article.id, offset=figure.start))
        await messages.wait(pilot, ArticleOpened, lambda m: m.article.id == article.id)
        assert app.reader.figure is figure
        await pilot.press("c")
        await messages.wait(pilot, ComparisonShown, lambda m: m.kind == "alignment")  # found in a worker
        assert app.history.current.kind == "alignment"
        columns = list(app.query(SourceColumn))
        assert len(columns) == 1 + len(candidates)
        assert figure_span(columns[0].source) == (figure.start, figure.end)
        assert "Automatic alignment" in screen_text(app)
        await pilot.press("right", "enter")  # open the first candidate at its figure
        await messages.wait(pilot, ArticleOpened, lambda m: m.article.id == candidates[0].article)
        assert app.reader.prepared is not None and app.reader.article.id == candidates[0].article
        assert app.reader.figure is not None and app.reader.figure.start == candidates[0].start


@pilot_test
async def test_comparison_shows_the_computed_assessment_and_e_exports_markdown(make_app, tmp_path):
    app = make_app(build_index=False)
    messages = Messages()
    async with app.run_test(size=SIZE, notifications=True, message_hook=messages) as pilot:
        await ready(app, pilot)
        fact = app.core.facts()[0]
        comparison = compare.compare_fact(fact.id, library=default_library())
        app.open_location(Location("fact", fact.id))
        await messages.wait(pilot, ComparisonShown, lambda m: m.fact_id == fact.id)  # compared in a worker
        text = " ".join(screen_text(app).split())
        assert "Computed" in text and comparison.assessment.label in text
        assert [c.source.article for c in app.query(SourceColumn)] == [v.article for v in comparison.claims]
        await pilot.press("e")
        await pilot.pause()
        exported = tmp_path / "data" / "exports" / f"{fact.id}.md"
        assert exported.read_text(encoding="utf-8") == compare.export_markdown(fact.id, library=default_library())
        assert "Exported to" in screen_text(app)


@pilot_test
async def test_every_source_stays_visible_side_by_side_on_a_narrow_terminal(make_app):
    """Four sources in a 100-column terminal: the columns keep a readable width, sit side
    by side, and the shared scroll goes sideways to reach the ones that do not fit —
    before, each column took the whole pane and three of the four could not be seen."""
    app = make_app(build_index=False)
    messages = Messages()
    async with app.run_test(size=(100, 40), notifications=True, message_hook=messages) as pilot:
        await ready(app, pilot)
        app.open_location(Location("fact", "zhongguancun-branches"))
        await messages.wait(pilot, ComparisonShown, lambda m: m.fact_id == "zhongguancun-branches")
        await pilot.pause()  # the columns laid out at the pane's width
        columns = list(app.query(SourceColumn))
        assert len(columns) == 4
        widths = {column.outer_size.width for column in columns}
        assert len(widths) == 1 and widths.pop() >= 24
        lefts = [column.region.x for column in columns]
        assert lefts == sorted(lefts) and all(b - a == columns[0].outer_size.width for a, b in zip(lefts, lefts[1:]))
        assert "CCTV" in screen_text(app) and "Liaowang" in screen_text(app)
        scroll = app.query_one("#cmp-scroll")
        await pilot.press("right", "right", "right")  # focus moves to the last source...
        await pilot.pause()
        assert app.focused is columns[-1]
        assert scroll.scroll_x > 0  # ...and the shared scroll brought it into view
        assert "China News Service" in screen_text(app)


@pilot_test
async def test_sources_share_a_wide_pane_evenly(make_app):
    app = make_app(build_index=False)
    messages = Messages()
    async with app.run_test(size=(200, 40), notifications=True, message_hook=messages) as pilot:
        await ready(app, pilot)
        app.open_location(Location("fact", "zhongguancun-branches"))
        await messages.wait(pilot, ComparisonShown, lambda m: m.fact_id == "zhongguancun-branches")
        await pilot.pause()  # the columns laid out at the pane's width
        columns = list(app.query(SourceColumn))
        pane = app.query_one("#cmp-scroll").scrollable_content_region.width
        assert sum(column.outer_size.width for column in columns) >= pane - 2 * len(columns)
        assert min(column.outer_size.width for column in columns) > 24
        assert app.query_one("#cmp-scroll").max_scroll_x == 0
