"""Home: what is loaded, the first keys, and any problem in the briefings."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static

from jjj_brief.app import safe_text
from jjj_brief.app.state import Location
from jjj_brief.app.styles import palette_for
from jjj_brief.app.view import View
from jjj_brief.formatting import count


class HomeView(View):
    KINDS = ("home",)
    NAME = "Home"
    ID = "home"

    DEFAULT_CSS = """
    HomeView { padding: 1 2; overflow-y: auto; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="home-text")

    def show(self, location: Location) -> str | None:
        self.refresh_text()
        return ""

    def focus_view(self) -> None:
        """Home has nothing to act on: the tree (where one picks something) gets the keys."""
        self.brief_app.action_focus_tree()

    def tab_stops(self) -> list[Widget]:
        return []

    def refresh_styles(self) -> None:
        self.refresh_text()

    def _text(self) -> Text:
        data = self.data
        if data.corpus_loaded and data.briefings_loaded:
            parts = [
                count(len(data.corpus), "article"),
                count(len(data.topics()), "topic"),
                count(len(data.facts()), "fact"),
                count(len(data.timeline()), "timeline event"),
            ]
            counts = Text(", ".join(parts) + ".")
        else:  # not "0 topics" while the YAML is still being read
            counts = Text("Loading the articles and briefings…", style="italic dim")
        rows = [
            Text("jjj-brief — Beijing-Tianjin-Hebei briefings", style="bold"),
            Text(""),
            counts,
            Text(""),
            Text("/ search   ↑↓ enter open   ? every key   ctrl+p find anything   q quit", style="dim"),
            Text("Pick a topic or an article on the left, or type a search.", style="dim"),
        ]
        warning = palette_for(self.app).warning
        problems = data.problems()
        if problems:
            rows.append(Text(""))
            rows.append(
                Text(f"{count(len(problems), 'problem')} in the briefings (the valid part is loaded):", style=warning)
            )
            for problem in problems[:20]:
                rows.append(safe_text.line(str(problem), style=warning, limit=200))
        for note in data.notes:
            rows.append(safe_text.line(note, style=warning, limit=200))
        return safe_text.paragraphs(*rows)

    def refresh_text(self) -> None:
        if self.ready:
            self.query_one("#home-text", Static).update(self._text())
