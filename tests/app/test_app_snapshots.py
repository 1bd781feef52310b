"""SVG snapshots of the main screens at a fixed size (pytest-textual-snapshot).

Deterministic: fixed terminal size, animations off, no cursor blink, a test-owned briefing
set, a per-test data dir, no index build, and a fixed search layer (hits found by plain
string search in the seeds) so that tuning the engine's ranking changes no snapshot. Update after an intended change with
``pytest tests/app/test_app_snapshots.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

import re
import time

import pytest
from fixture_briefings import fixture_briefings
from textual.widgets import Input

from jjj_brief.app.briefing import BriefingView
from jjj_brief.app.comparison import ComparisonView, SourceColumn
from jjj_brief.app.data import AppData
from jjj_brief.app.main import BriefApp
from jjj_brief.app.state import Location
from jjj_brief.commands.libraries import default_library
from jjj_brief.corpus import load_corpus
from jjj_brief.search import Hit, SearchResult

#: The set is taken at the smallest supported terminal and at a roomy one (issue 13).
SIZES = pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])


class FixedSearch:
    """Hits for the seed paragraphs containing a word, found by plain string search.

    The snapshot is of the pane, not of the engine's ranking (which the search tests
    cover and its authors keep tuning), so the hits here are fixed by the seeds alone.
    """

    def search(self, query, limit=20, group_by_article=False):
        word = query.split()[-1]
        hits = []
        for article in load_corpus(library=default_library()):
            for paragraph in article.paragraphs:
                at = paragraph.text.find(word)
                if at < 0 or paragraph.repeat_of is not None:
                    continue
                lo = max(0, paragraph.text.rfind(" ", 0, max(0, at - 60)) + 1)
                snippet = paragraph.text[lo : lo + 160]
                spans = [(m.start(), m.end()) for m in re.finditer(re.escape(word), snippet)]
                hits.append(
                    Hit(
                        "passage",
                        article.id,
                        article.file,
                        article.title,
                        article.outlet,
                        article.date,
                        1.0,
                        paragraph.start,
                        paragraph.end,
                        snippet,
                        spans,
                    )
                )
        return SearchResult(query, query, len(hits), None, None, hits[:limit])

    def match_spans(self, query, text):
        word = query.split()[-1]
        return [(m.start(), m.end()) for m in re.finditer(re.escape(word), text)]


def snapshot_app(tmp_path, **kwargs) -> BriefApp:
    layers = AppData(briefings=fixture_briefings(), search=FixedSearch())
    return BriefApp(data=layers, data_dir=tmp_path / "data", resume=False, build_index=False, **kwargs)


def listed(app) -> bool:
    """The articles are listed in the tree (the corpus is read in a worker, then shown)."""
    tree = app.query_one("#tree")
    articles = next((n for n in tree.root.children if n.label.plain == "Articles"), None)
    return articles is not None and bool(articles.children) and "loading" not in articles.children[0].label.plain


async def settle(pilot, condition=lambda: True, timeout: float = 20.0) -> None:
    for widget in pilot.app.query(Input):
        widget.cursor_blink = False
    deadline = time.monotonic() + timeout
    while not (condition() and listed(pilot.app)):
        assert time.monotonic() < deadline, "app did not settle"
        await pilot.pause(0.05)
    # Then until nothing is left to do: workers done, and the refits they and a new scrollbar
    # cause drawn (a table re-fitted to its width after the scrollbar came drew one column
    # narrower in the snapshot, 1 run in 4 under -n 2). Each pause waits for the queue, not time.
    await pilot.app.workers.wait_for_complete()
    for _ in range(3):
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()


@SIZES
def test_home_screen(snap_compare, tmp_path, size):
    assert snap_compare(snapshot_app(tmp_path), terminal_size=size, run_before=settle)


@SIZES
def test_reader_with_a_focused_figure(snap_compare, tmp_path, size):
    app = snapshot_app(tmp_path)

    async def run_before(pilot):
        offset = app.core.article("cctv-2023-02-27").text.index("more than 9,500")
        # Opened once: the first opening lands where every later one does (it used to land
        # lines higher at 80x24: the scroll was computed before the figure panel took its lines).
        app.open_location(Location("article", "cctv-2023-02-27", offset=offset))
        await settle(pilot, lambda: app.reader.figure is not None and app.reader.related_for == app.reader.figure.start)
        # The look is checked here, not the scroll at opening: in a full run (2 of ~6 under
        # load) the figure's line stood 5 lines higher than a third of the way down, as if
        # the scroll had been computed with the figure panel under the text (~26 rows, not
        # 41). Left for issue 13; placed again, the snapshot is the same in every run.
        app.reader.document.scroll_to_offset(offset)
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@SIZES
def test_briefing_view(snap_compare, tmp_path, size):
    app = snapshot_app(tmp_path)

    async def run_before(pilot):
        app.open_location(Location("topic", "zhongguancun"))
        await settle(pilot, lambda: app.showing(BriefingView) and app.briefing.facts_fitted)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@SIZES
def test_comparison_view(snap_compare, tmp_path, size):
    app = snapshot_app(tmp_path)

    async def run_before(pilot):
        app.open_location(Location("fact", "zgc-branches"))
        await settle(pilot, lambda: app.showing(ComparisonView) and len(app.query(SourceColumn)) == 3)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@SIZES
def test_search_results(snap_compare, tmp_path, size):
    app = snapshot_app(tmp_path)

    async def run_before(pilot):
        app.search_for("Zhongguancun")
        pane = app.search_pane
        await settle(pilot, lambda: pane.shown_query != "" and pane.results.scrollable_content_region.width > 20)
        pane._draw_hits()  # at the laid-out width (results that arrive before layout are drawn narrow)
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@SIZES
def test_help_screen(snap_compare, tmp_path, size):
    assert snap_compare(snapshot_app(tmp_path), terminal_size=size, press=["question_mark"], run_before=settle)
