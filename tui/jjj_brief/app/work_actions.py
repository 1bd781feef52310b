"""What the app does with the analyst's own work: bookmark (``b``), highlight with a note
(``h``), mark figures and make a claim (``m``, ``M``), save and watch a search
(``ctrl+s``), the "Your work" view (``w``), exports in every format, and keeping all of it
current when another window or a CLI writes (``PRAGMA data_version`` polled).

A mixin of :class:`jjj_brief.app.main.BriefApp`; the store itself is
:mod:`jjj_brief.store` (no Textual), one connection per app window.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.widgets import Input

from jjj_brief.app import safe_text
from jjj_brief.app.deliver import deliver
from jjj_brief.app.messages import WatchesCounted
from jjj_brief.app.reader import ReaderView
from jjj_brief.app.state import Location
from jjj_brief.app.work import COLOR_STYLES, swatch
from jjj_brief.app.work_dialogs import ClaimDialog, ConfirmDialog, NoteDialog, SaveSearchDialog
from jjj_brief.app.work_exports import WorkExports
from jjj_brief.app.work_sync import POLL_SECONDS, TeamChange, WorkSync, follow_team
from jjj_brief.safety import one_line
from jjj_brief.store import (
    Bookmark,
    Claim,
    ClaimMember,
    Note,
    SavedSearch,
    StoreError,
    bookmark_anchor,
    make_anchor,
)
from jjj_brief.team.authorship import desk_claims, owner

__all__ = ["POLL_SECONDS", "WORK_KINDS", "TeamChange", "WorkActions", "follow_team"]

WORK_KINDS = ("work", "claim", "saved")


class WorkActions(WorkSync, WorkExports):
    """Mixed into the app (which provides ``core``, ``reader``, ``notify``, ``open_location``...)."""

    # ------------------------------------------------------------------ reader
    def on_article_opened(self: Any, message: Any) -> None:
        self.show_article_notes(message.article)

    def show_article_notes(self: Any, article: Any) -> None:
        if self.work_store is None or not self._on_main_screen():
            return
        notes = self.work_store.notes(article.id)
        marks = self.work_store.bookmarks(article.id)
        spans = [
            (n.anchor.start, n.anchor.end, COLOR_STYLES.get(n.color, "") + " underline", n.color)
            for n in notes
            if not n.anchor.orphaned
        ]
        rows = []
        if notes or marks:
            rows.append(Text(f"Your notes here ({len(notes)})", style="bold"))
        for note in notes:
            line = swatch(note.color)  # the colour, and its name (NO_COLOR shows no colour)
            line.append_text(
                safe_text.parts(
                    (f"{note.ref} ", "bold"), (f"{note.color} ", "dim"), (f"“{note.anchor.exact}”", "italic"), limit=120
                )
            )
            if note.anchor.orphaned:
                line.append(" ORPHANED", style="bold red")
            rows.append(line)
            if note.text:
                rows.append(safe_text.line(f"  {note.text}", limit=300))
        if marks:
            rows.append(Text(f"🔖 {len(marks)} bookmark(s) in this article", style="dim"))
        self.reader.show_notes(spans, safe_text.paragraphs(*rows) if rows else None)

    def action_bookmark(self: Any) -> None:
        if not self.showing(ReaderView) or self.reader.article is None:
            self.notify("Open an article to bookmark a place in it.", severity="warning", markup=False)
            return
        article = self.reader.article
        offset = self.reader.position() or 0
        mark = self._save(
            "Bookmark", lambda: self.work_store.add_bookmark(bookmark_anchor(article.id, article.text, offset))
        )
        if mark is not None:
            self.notify(one_line(f"Bookmarked: “{mark.anchor.exact}…”", 200), title="Bookmark", markup=False)

    def _reader_span(self: Any) -> tuple[int, int] | None:
        """What a highlight covers: the selection, else the focused figure, else the current match."""
        span = self.reader.document.selected_span()
        if span is not None:
            return span
        figure = self.reader.figure
        if figure is not None:
            return figure.start, figure.end
        return self.reader._current_span()

    def action_highlight(self: Any) -> None:
        article = self.reader.article if self.showing(ReaderView) else None
        span = self._reader_span() if article is not None else None
        if article is None or span is None:
            self.notify(
                "Select text with the mouse, or focus a figure (] or [), then h.", severity="warning", markup=False
            )
            return
        start, end = span
        anchor = make_anchor(article.id, article.text, start, end)

        def saved(answer: tuple[str, str] | None) -> None:
            if answer is None:
                return
            text, color = answer
            note = self._save("Note", lambda: self.work_store.add_note(anchor, text, color))
            if note is not None:
                self.notify(f"Highlighted ({color}) as {note.ref}", title="Note", markup=False)

        self.push_screen(NoteDialog(anchor.exact), saved)

    def action_mark_figure(self: Any) -> None:
        figure, article = self.reader.figure, self.reader.article
        if not self.showing(ReaderView) or figure is None or article is None:
            self.notify("Focus a figure (] or [) to mark it for your claim.", severity="warning", markup=False)
            return
        key = (article.id, figure.start)
        before = len(self.marked)
        self.marked = [m for m in self.marked if (m.anchor.article, m.anchor.start) != key]
        if len(self.marked) == before:
            anchor = make_anchor(article.id, article.text, figure.start, figure.end)
            self.marked.append(ClaimMember(anchor, figure.value, figure.unit or ""))
            verb = "Marked"
        else:
            verb = "Unmarked"
        listed = "; ".join(f"{m.anchor.exact} ({m.anchor.article})" for m in self.marked)
        hint = (
            " — M makes the claim"
            if len({m.anchor.article for m in self.marked}) >= 2
            else " — mark a figure in another article too"
        )
        self.notify(
            one_line(f"{verb} “{figure.text}”. Marked ({len(self.marked)}): {listed}{hint}", 400),
            title="Your claim",
            markup=False,
        )

    def action_make_claim(self: Any) -> None:
        members = list(self.marked)
        if len(members) < 2 or len({m.anchor.article for m in members}) < 2:
            self.notify(
                "Mark two or more figures in different articles first (m on a focused figure).",
                severity="warning",
                markup=False,
            )
            return
        figures = []
        for member in members:
            article = self.core.article(member.anchor.article)
            figures.append((article.outlet if article else member.anchor.article, member.anchor.exact))

        def saved(answer: tuple[str, str] | None) -> None:
            if answer is None:
                return
            verdict, text = answer
            claim = self._save("Claim", lambda: self.work_store.add_claim(members, verdict, text))
            if claim is not None:
                self.marked = []
                self.notify(f"Your claim {claim.ref}: {verdict}", title="Your claim", markup=False)
                self.open_location(Location("claim", str(claim.id)))

        self.push_screen(ClaimDialog(figures), saved)

    # ------------------------------------------------------------------ changing your work
    def remove_work_item(self: Any, item: Any) -> None:
        """Remove a note, claim, bookmark or saved search, once the analyst confirmed it."""
        store = self.work_store
        removers = {
            Note: store.remove_note,
            Claim: store.remove_claim,
            Bookmark: store.remove_bookmark,
            SavedSearch: store.remove_saved_search,
        }
        remove = removers[type(item)]

        def answered(yes: bool | None) -> None:
            if yes and self._save(f"Removing {item.ref}", lambda: remove(item.id) or True):
                self.notify(f"Removed {item.ref}", title="Your work", markup=False)

        self.push_screen(ConfirmDialog(f"Remove {item.ref}?", _removal_detail(item)), answered)

    def publish_claim(self: Any, claim: Claim) -> None:
        """Publish a claim as the desk's (team mode, editor role)."""
        store = self.work_store
        publish = getattr(store, "publish_claim", None)
        if publish is None:
            self.notify("Publishing a claim as the desk's needs team mode (a shared database).", markup=False)
            return
        if self._save(f"Publishing {claim.ref}", lambda: publish(claim.id) or True):
            self.notify(f"{claim.ref} is now the desk's claim", title="Published", markup=False)

    def edit_note(self: Any, note: Note) -> None:
        """A note's text and colour changed; refused (one message) if it changed elsewhere meanwhile."""

        def saved(answer: tuple[str, str] | None) -> None:
            if answer is None:
                return
            text, color = answer
            update = self.work_store.update_note
            if self._save("Note", lambda: update(note.id, text, color, expected_revision=note.revision)):
                self.notify(f"Changed {note.ref}", title="Note", markup=False)

        self.push_screen(NoteDialog(note.anchor.exact, note.text, note.color), saved)

    # ------------------------------------------------------------------ views
    def action_open_work(self: Any) -> None:
        self.open_location(Location("work"))

    def show_claim_location(self: Any, location: Location) -> str | None:
        """Your claim (``claim`` location) in the comparison view; what the title bar says."""
        store = self.work_store
        try:
            claim = store.claim(int(location.ref)) if store is not None else None
        except (StoreError, ValueError):
            return None
        if claim is None:
            return None
        self.comparison.show_claim(claim)
        return f"{claim.ref}: {claim.verdict}"

    def on_saved_search_seen(self: Any, message: Any) -> None:
        """What was shown is now seen: the next import's results will be the new ones."""
        self.watch_counts[message.saved_id] = 0
        self._save("Seen marks", lambda: self.work_store.mark_seen(message.saved_id, message.keys))

    def your_claims_rows(self: Any, sources: list) -> list[Text]:
        """Your claims that take in any figure of these comparison sources, labelled as yours."""
        if self.work_store is None:
            return []
        spans = set()
        for s in sources:
            span = (s.figure.start, s.figure.end) if s.figure is not None else (s.start, s.end)
            spans.add((s.article, span if span[0] is not None else None))
        rows = []
        desk = desk_claims(self.work_store)
        for claim in self.work_store.claims():
            if any(
                any(
                    ref == m.anchor.article and span and m.anchor.start < span[1] and span[0] < m.anchor.end
                    for ref, span in spans
                )
                for m in claim.members
            ):
                who = owner(self.work_store, claim, desk)
                line = safe_text.parts(
                    (f"{who.badge} ", "bold reverse"),
                    (f" {claim.ref}  ", "bold"),
                    (f"{who.verdict}: ", "dim"),
                    (claim.verdict, "bold"),
                    ("  ", ""),
                    (" / ".join(f"“{m.anchor.exact}”" for m in claim.members), ""),
                    limit=200,
                )
                if claim.text:
                    line.append_text(safe_text.line(f" — {claim.text}", style="italic", limit=200))
                rows.append(line)
        return rows

    # ------------------------------------------------------------------ saved searches
    def current_query(self: Any) -> str:
        try:
            return self.search_pane.query_one("#query", Input).value.strip()
        except Exception:
            return ""

    def action_save_search(self: Any) -> None:
        query = self.current_query()
        if not query:
            self.notify("Type a search first (/), then ctrl+s saves it.", severity="warning", markup=False)
            return

        def saved(answer: tuple[str, bool] | None) -> None:
            if answer is None:
                return
            name, watch = answer
            self._save_search_now(name, query, watch)

        self.push_screen(SaveSearchDialog(query), saved)

    @work(thread=True, exclusive=True, group="save-search")
    def _save_search_now(self: Any, name: str, query: str, watch: bool) -> None:
        from jjj_brief.store.session import current_keys

        keys = current_keys(query, library=self.core.library)  # what you see now is not "new" later
        deliver(self, self._search_saved, name, query, watch, keys)

    def _search_saved(self: Any, name: str, query: str, watch: bool, keys: list[str]) -> None:
        from jjj_brief.store.session import sort_in

        sort = sort_in(query)  # ctrl+o writes the order into the query as sort:
        saved = self._save(
            "Saved search", lambda: self.work_store.save_search(name, query, sort, watch=watch, seen=keys)
        )
        if saved is not None:
            self.notify(
                one_line(f"Saved search “{saved.name}”" + (" (watched)" if watch else ""), 200),
                title="Saved",
                markup=False,
            )

    @work(thread=True, exclusive=True, group="watch")
    def check_watches(self: Any) -> None:
        """Rerun every watched search (at start, after an import): counts of new results."""
        from jjj_brief.store.session import run_saved

        store = self.work_store
        if store is None:
            return
        counts = {
            saved.id: run_saved(saved, library=self.core.library).new for saved in store.saved_searches() if saved.watch
        }
        deliver(self, self._watches_checked, counts)

    def _watches_checked(self: Any, counts: dict[int, int]) -> None:
        self.watch_counts = counts
        self.refresh_work()
        self.post_message(WatchesCounted(counts))


def _removal_detail(item: Any) -> Text:
    """What is about to go: the quoted words and the analyst's own text (never markup)."""
    if isinstance(item, SavedSearch):
        return safe_text.parts((item.name, "bold"), ("  ", ""), (item.query, "dim"), limit=300)
    if isinstance(item, Claim):
        quotes = " / ".join(f"“{m.anchor.exact}”" for m in item.members)
        return safe_text.parts((f"your verdict: {item.verdict}  ", "bold"), (quotes, ""), limit=300)
    words = item.text if isinstance(item, Note) else item.note
    return safe_text.parts((f"“{item.anchor.exact}”", "italic"), (f"  {words}" if words else "", ""), limit=300)
