"""Issue 13 item 11: a comparison (a fact, an automatic alignment, your claim) is computed in
a worker, with a loading mark meanwhile (a fact took 0.7-1.5 s cold on the UI thread: the app
froze; the aligner's candidates and a claim's paragraphs were found there too)."""

from __future__ import annotations

import threading

from app_helpers import Messages, pilot_test, screen_text

from jjj_brief.app.comparison import SourceColumn
from jjj_brief.app.data import AppData
from jjj_brief.app.messages import ComparisonShown, DataLoaded, ViewShown
from jjj_brief.app.state import Location
from jjj_brief.paths import StorageWarnings
from jjj_brief.store import ClaimMember, make_anchor, open_store


@pilot_test
async def test_11_a_comparison_is_computed_off_the_ui_thread_with_a_loading_mark(make_app):
    release = threading.Event()

    class SlowCompare(AppData):
        def compare_fact(self, fact_id):
            assert threading.current_thread() is not threading.main_thread(), "compared on the UI thread"
            release.wait(20)
            return super().compare_fact(fact_id)

    app = make_app(data=SlowCompare(), build_index=False)
    messages = Messages()
    async with app.run_test(size=(120, 36), message_hook=messages) as pilot:
        await messages.wait(pilot, DataLoaded, lambda m: m.what == "briefings", timeout=30)
        fact = app.core.facts()[0]
        app.open_location(Location("fact", fact.id))
        await messages.wait(pilot, ViewShown, lambda m: m.location.kind == "fact")
        assert "Comparing the sources…" in screen_text(app)  # the verdict shows, the columns are coming
        assert not app.query(SourceColumn)
        await pilot.press("alt+left")  # the UI answers while it computes
        await messages.wait(pilot, ViewShown, lambda m: m.location.kind != "fact")
        await pilot.press("alt+right")
        release.set()
        shown = await messages.wait(pilot, ComparisonShown, timeout=30)
        assert shown.fact_id == fact.id and len(app.query(SourceColumn)) == shown.count > 0
        assert "Comparing the sources…" not in screen_text(app)
        assert isinstance(app.focused, SourceColumn)


def off_the_ui_thread(release: threading.Event) -> None:
    assert threading.current_thread() is not threading.main_thread(), "computed on the UI thread"
    release.wait(20)


@pilot_test
async def test_11_an_alignment_is_found_off_the_ui_thread_with_a_loading_mark(make_app):
    release = threading.Event()

    class SlowAligner(AppData):
        def related(self, article_id, offset, limit=8):
            off_the_ui_thread(release)
            return super().related(article_id, offset, limit=limit)

    app = make_app(data=SlowAligner(), build_index=False)
    messages = Messages()
    async with app.run_test(size=(120, 36), message_hook=messages) as pilot:
        await messages.wait(pilot, DataLoaded, lambda m: m.what == "briefings", timeout=30)
        article = app.core.article("xinhua-2023-02-25")
        figure = next(f for f in app.core.figures(article) if app.fact_for_figure(article.id, f.start) is None)
        app.open_location(Location("alignment", article.id, offset=figure.start))
        await messages.wait(pilot, ViewShown, lambda m: m.location.kind == "alignment")
        assert "Finding related figures…" in screen_text(app) and "Automatic alignment" in screen_text(app)
        assert not app.query(SourceColumn)
        await pilot.press("alt+left")  # the UI answers while it looks
        await messages.wait(pilot, ViewShown, lambda m: m.location.kind != "alignment")
        await pilot.press("alt+right")
        release.set()
        shown = await messages.wait(pilot, ComparisonShown, lambda m: m.kind == "alignment", timeout=30)
        assert shown.fact_id == article.id and len(app.query(SourceColumn)) == shown.count >= 1
        assert app.query(SourceColumn).first().source.figure.start == figure.start
        assert "Finding related figures…" not in screen_text(app)
        assert isinstance(app.focused, SourceColumn)


@pilot_test
async def test_11_your_claim_is_read_off_the_ui_thread_with_a_loading_mark(make_app, tmp_path):
    xinhua, chinanews = "xinhua-2023-02-25", "chinanews-2024-02-27"
    release = threading.Event()

    class SlowArticles(AppData):
        reading = False

        def article(self, ref):
            if self.reading and not release.is_set():  # after it, the columns are drawn
                off_the_ui_thread(release)
            return super().article(ref)

    data = SlowArticles()
    texts = {ref: data.article(ref).text for ref in (xinhua, chinanews)}
    with open_store(tmp_path / "data", warnings=StorageWarnings()) as store:
        store.add_claim(
            [
                ClaimMember(make_anchor(xinhua, texts[xinhua], 1318, 1325)),
                ClaimMember(make_anchor(chinanews, texts[chinanews], 424, 433)),
            ],
            "conflict",
            "one year apart",
        )
    app = make_app(data=data, build_index=False)
    messages = Messages()
    async with app.run_test(size=(120, 36), message_hook=messages) as pilot:
        await messages.wait(pilot, DataLoaded, lambda m: m.what == "briefings", timeout=30)
        data.reading = True  # from here, only the claim's worker may read the articles
        app.open_location(Location("claim", "1"))
        await messages.wait(pilot, ViewShown, lambda m: m.location.kind == "claim")
        text = screen_text(app)
        assert "Reading the figures…" in text and "one year apart" in text and "YOURS" in text
        assert not app.query(SourceColumn)
        release.set()
        shown = await messages.wait(pilot, ComparisonShown, lambda m: m.kind == "claim", timeout=30)
        data.reading = False
        assert shown.count == 2 and len(app.query(SourceColumn)) == 2
        assert "Reading the figures…" not in screen_text(app)
        assert isinstance(app.focused, SourceColumn)
