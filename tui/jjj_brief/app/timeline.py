"""The timeline: dated events with their sources; enter opens the first source at its quote."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from jjj_brief.app import safe_text
from jjj_brief.app.briefing import heading
from jjj_brief.app.messages import Navigate
from jjj_brief.app.state import Location
from jjj_brief.app.view import View

if TYPE_CHECKING:
    from jjj_brief.briefings import TimelineEvent


class TimelineView(View):
    KINDS = ("timeline",)
    NAME = "Timeline"
    ID = "timeline"

    DEFAULT_CSS = """
    TimelineView #timeline-head { height: auto; padding: 0 1; }
    TimelineView #timeline-list { height: 1fr; border: none; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._events: list[TimelineEvent] = []

    def compose(self) -> ComposeResult:
        yield Static(heading("Timeline (enter: read the first source)"), id="timeline-head")
        yield OptionList(id="timeline-list")

    def show(self, location: Location) -> str | None:
        self.refresh_events()
        self.show_event(location.ref or None)
        return "dated events"

    def focus_view(self) -> None:
        self.query_one("#timeline-list").focus()

    def refresh_events(self) -> None:
        if not self.ready:
            return
        self._events = sorted(self.data.timeline(), key=lambda e: e.date)
        options = self.query_one("#timeline-list", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        listed = self.data.corpus_loaded  # before the article list is read, sources show as ids
        for event in self._events:
            label = safe_text.parts((f"{event.date:<10} ", "bold"), (event.title, ""))
            label.no_wrap = False
            for quote in event.quotes[:4]:
                article = self.data.article(quote.article) if listed else None
                source = article.outlet if article else quote.article
                label.append("\n  ")
                label.append_text(safe_text.line(source, style="dim", limit=40))
                label.append(": ")
                label.append_text(safe_text.line(f"“{quote.quote}”", style="italic", limit=160))
            options.add_option(Option(label))
        if highlighted is not None and highlighted < len(self._events):
            options.highlighted = highlighted

    def show_event(self, event_id: str | None) -> None:
        options = self.query_one("#timeline-list", OptionList)
        for index, event in enumerate(self._events):
            if event.id == event_id:
                options.highlighted = index
                return
        if options.highlighted is None and self._events:
            options.highlighted = 0

    @on(OptionList.OptionSelected, "#timeline-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        quote = self._events[event.option_index].quotes[0]
        article = self.data.article(quote.article)
        if article is None:
            return
        span = self.data.locate_quote(article, quote.quote)
        self.post_message(Navigate(Location("article", article.id, offset=span[0] if span else None)))
