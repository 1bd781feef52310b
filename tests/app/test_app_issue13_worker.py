"""Issue 13 item 11: a comparison is computed in a worker, with a loading mark meanwhile (it
took 0.7-1.5 s cold on the UI thread: the app froze)."""

from __future__ import annotations

import threading

from app_helpers import Messages, pilot_test, screen_text

from jjj_brief.app.comparison import SourceColumn
from jjj_brief.app.data import AppData
from jjj_brief.app.messages import ComparisonShown, DataLoaded, ViewShown
from jjj_brief.app.state import Location


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
