"""The shell's own actions: history (back, forward, the position kept), citations, export,
settings in the palette, quitting. A mixin of :class:`jjj_brief.app.main.BriefApp`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import SystemCommand
from textual.screen import Screen
from textual.widgets import Static

from jjj_brief.app import safe_text
from jjj_brief.app.briefing import BriefingView
from jjj_brief.app.comparison import ComparisonView
from jjj_brief.app.glossary import GlossaryScreen
from jjj_brief.app.keymap import KEYMAP_FILE
from jjj_brief.app.reader import ReaderView
from jjj_brief.app.state import Location, format_citation, save_citation, save_export
from jjj_brief.app.work_actions import WORK_KINDS
from jjj_brief.safety import one_line

if TYPE_CHECKING:
    from jjj_brief.corpus import Article
    from jjj_brief.search import Hit
    from jjj_brief.store import SQLiteStore


class ShellActions:
    """History, citations, export and the palette's settings of the app."""

    work_store: SQLiteStore | None

    def _set_top(self: Any, view: str, where: str) -> None:
        top = Text()
        top.append("jjj-brief", style="bold")
        top.append(f" › {view}", style="bold")
        if where:
            top.append(" › ")
            top.append_text(safe_text.line(where, limit=150))
        self.query_one("#top", Static).update(top)

    def _remember_position(self: Any) -> None:
        current = self.history.current
        reader = self.main.made(ReaderView)
        if current is None or current.kind != "article" or not isinstance(reader, ReaderView):
            return
        if reader.article is not None and reader.article.id == current.ref:
            position = reader.position()
            if position is not None:
                self.history.update_current(current.at(position))

    def _persist(self: Any) -> None:
        current = self.history.current
        if current is not None and current.kind == "article":
            self.settings.last_article = current.ref
            self.settings.last_offset = current.offset
        self.store.save()
        self.show_storage_warnings()

    def show_storage_warnings(self: Any) -> None:
        """Say once, in the app, when some state is kept in memory (unwritable data or cache dir):
        the warnings of the library shown."""
        for warning in self.core.library.warnings.drain():
            self.notify(one_line(warning, 400), title="Working in memory", severity="warning", timeout=10, markup=False)

    # Not action_back: Textual's App.action_back pops a screen.
    def action_go_back(self: Any) -> None:
        self._step_history(back=True)

    def action_go_forward(self: Any) -> None:
        self._step_history(back=False)

    def _step_history(self: Any, *, back: bool) -> None:
        self._remember_position()
        location = self.history.back() if back else self.history.forward()
        if location is None:
            self.bell()
            return
        self._show(location)
        self._persist()

    def _show_glossary(self: Any, hit: Hit) -> None:
        term = self.core.term(hit.article)
        if term is None:
            self.notify(one_line(hit.snippet, 300), title="Glossary", markup=False)
            return
        self.push_screen(GlossaryScreen(term))

    def action_copy_citation(self: Any) -> None:
        found = self._citation_source()
        if found is None:
            self.notify(
                "Nothing to cite here: open an article, a comparison or a briefing.", severity="warning", markup=False
            )
            return
        article, quote = found
        found_at = article.text.find(quote) if article.locators else -1
        locator = article.locator_at(found_at) if found_at >= 0 else None
        citation = format_citation(article.outlet, article.date, article.title, quote, locator)
        self.copy_to_clipboard(citation)
        path = save_citation(citation, self.data_dir, warnings=self.core.library.warnings)
        where = f"saved to {path}" if path else "could not be saved (data dir not writable)"
        if self.showing(ReaderView) and self.reader.quote_cut:
            where += "; the paragraph has no sentence break near here, so the quote is cut to the text around it (…)"
        self.notify(
            one_line(f"Citation copied to the clipboard (if the terminal allows) and {where}", 400),
            title="Cite",
            markup=False,
        )

    def _citation_source(self: Any) -> tuple[Article, str] | None:
        view = self.visible_view
        if isinstance(view, ReaderView) and view.article is not None:
            quote = view.citation_quote()
            return (view.article, quote) if quote else None
        if isinstance(view, (ComparisonView, BriefingView)):
            return view.focused_source()
        return None

    def action_export(self: Any) -> None:
        current = self.history.current
        if current is not None and current.kind in WORK_KINDS:
            self.export_as("md")  # your claim, notes or saved search: a Markdown brief in exports/
            return
        if current is None or current.kind not in ("topic", "fact"):
            self.notify(
                "Export works on a briefing, a fact comparison or your work (other formats: ctrl+p).",
                severity="warning",
                markup=False,
            )
            return
        try:
            markdown = self.core.export_markdown(current.ref)
        except Exception as exc:
            self.notify(one_line(f"Export failed: {exc}", 300), severity="error", markup=False)
            return
        path = save_export(current.ref, markdown, self.data_dir, warnings=self.core.library.warnings)
        if path is None:
            self.copy_to_clipboard(markdown)
            self.notify(
                "Data dir not writable: the Markdown was copied to the clipboard instead.",
                severity="warning",
                markup=False,
            )
            return
        self.notify(one_line(f"Exported to {path}", 400), title="Export", markup=False)

    async def action_quit(self: Any) -> None:
        self._remember_position()
        self._persist()
        store, self.work_store = self.work_store, None  # timers still due see no store
        if store is not None:
            store.close()  # refreshes the last good copy of your notes
        self.exit()

    def toggle_resume(self: Any) -> None:
        self.settings.resume = not self.settings.resume
        saved = self.store.save()
        state = "on" if self.settings.resume else "off"
        where = "" if saved else " (kept in memory: data dir not writable)"
        self.notify(f"Open where you left off: {state}{where}", markup=False)

    def get_system_commands(self: Any, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)  # type: ignore[misc]  # App's, after this mixin
        state = "on" if self.settings.resume else "off"
        yield SystemCommand(
            "Open where you left off",
            f"Reopen the last article at the last position on start (now {state})",
            self.toggle_resume,
        )
        yield SystemCommand(
            "Copy citation",
            "Copy a citation of what is focused, and save it to the data dir",
            self.action_copy_citation,
        )
        yield SystemCommand("Export to Markdown", "Export the current briefing or comparison", self.action_export)
        yield SystemCommand("Timeline", "Show the dated events", lambda: self.open_location(Location("timeline")))
        yield SystemCommand(
            "Settings: key bindings", f"Your keys: {KEYMAP_FILE} in the data folder", self.show_keymap_help
        )
        yield from self.work_commands()

    def show_keymap_help(self: Any) -> None:
        from jjj_brief.app.keymap import keymap_path

        self.notify(
            one_line(
                f'Rebind keys in {keymap_path(self.data_dir)}: [keys] app.quit = "ctrl+x" (ids in the help screen, ?)',
                300,
            ),
            title="Settings",
            markup=False,
            timeout=12,
        )
