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
from textual.css.query import NoMatches
from textual.message import Message
from textual.widgets import Input

from jjj_brief import paths
from jjj_brief.app import safe_text
from jjj_brief.app.reader import ReaderView
from jjj_brief.app.state import Location, write_export
from jjj_brief.app.work import (
    COLOR_STYLES,
    WorkView,
    fill_work_branches,
)
from jjj_brief.app.work_dialogs import ClaimDialog, NoteDialog, SaveSearchDialog
from jjj_brief.safety import one_line
from jjj_brief.store import (
    ClaimMember,
    SQLiteStore,
    StoreError,
    bookmark_anchor,
    make_anchor,
)
from jjj_brief.store.briefs import FORMATS, SUFFIXES
from jjj_brief.team.store import open_work_store

WORK_KINDS = ("work", "claim", "saved")
POLL_SECONDS = 2.0


def _imports_stamp() -> float:
    """The imports folder's modification time: it changes when an import is added or removed."""
    try:
        return (paths.data_dir() / "imports").stat().st_mtime
    except OSError:
        return 0.0


class TeamChange(Message):
    """From the team server's listener thread: a colleague's change, or the connection's state."""

    def __init__(self, change: Any = None, state: str = "", reason: str = "") -> None:
        super().__init__()
        self.change, self.state, self.reason = change, state, reason


def follow_team(app: Any) -> Any:
    """Team mode: listen to the server (LISTEN/NOTIFY) and post each change to the app."""
    if getattr(app.work_store, "primary", None) is None:
        return None  # local store (or a replica only: it polls)
    from jjj_brief.team.live import follow

    def post(message: TeamChange) -> None:
        if not app.post_message(message):  # the app has closed: stop listening
            listener.cancel()

    listener = follow(
        app.work_store,
        lambda change: post(TeamChange(change)),
        lambda state, reason: post(TeamChange(state=state, reason=reason)),
    )
    return listener


class WorkActions:
    """Mixed into the app (which provides ``core``, ``reader``, ``notify``, ``open_location``...)."""

    work_store: SQLiteStore | None = None
    watch_counts: dict[int, int]
    marked: list[ClaimMember]

    # ------------------------------------------------------------------ store
    def open_work_store(self: Any) -> None:
        """Open this window's connection; never fails the start (memory store, one message)."""
        self.watch_counts, self.marked = {}, []
        try:
            self.work_store = open_work_store(self.data_dir)  # the team's server when configured
        except StoreError as exc:
            self.notify(
                one_line(f"{exc}; your work is kept in memory for this run", 400),
                title="Your notes",
                severity="error",
                markup=False,
                timeout=15,
            )
            self.work_store = SQLiteStore(None)
        if self.core.corpus_loaded:  # else once the article list is read (app._data_loaded)
            self._reanchor()
        self._data_version = self.work_store.data_version()
        self.set_interval(POLL_SECONDS, self._poll_work)
        self.refresh_work_tree()
        self._team_listener = follow_team(self)
        self._team_reads_corpus = not self.core.corpus_loaded  # not given one: it reads the data home's

    def _reanchor(self: Any) -> None:
        corpus = self.core.corpus

        def text_of(article_id: str) -> str | None:
            article = self.core.article(article_id)
            return article.text if article is not None and article.id == article_id else None

        try:
            self.work_store.reanchor(text_of)
        except StoreError as exc:
            self.notify(one_line(str(exc), 300), severity="warning", markup=False)
        del corpus

    def _poll_work(self: Any) -> None:
        store = self.work_store
        if store is None or not self._on_main_screen():
            return  # checked again once the dialog or palette is closed
        imports_stamp = _imports_stamp()
        if imports_stamp != getattr(self, "_imports_stamp", imports_stamp):
            self.check_watches()  # an import (from a CLI, another window): rerun watched searches
        self._imports_stamp = imports_stamp
        version = store.data_version()
        if version != self._data_version:
            self._data_version = version
            self.refresh_work()

    def on_team_change(self: Any, message: TeamChange) -> None:
        """A colleague's import, note or claim: the views refresh now; a lost server: one message,
        what is shown stays (read-only) until the listener has reconnected by itself."""
        if message.state == "lost":
            self.notify(
                one_line(f"team server unreachable ({message.reason}); your work is shown read-only until it is back"),
                title="Team",
                severity="warning",
                markup=False,
                timeout=10,
            )
            return
        if message.change is None:
            return
        if message.change.kind in ("import", "resync"):
            self._team_reload_corpus()  # a colleague's articles come from the server
        if message.change.kind == "resync":
            self.notify(message.change.label, title="Team", markup=False, timeout=4)
        elif message.change.author and message.change.author != getattr(self.work_store, "author", ""):
            self.notify(one_line(message.change.label), title="Team", markup=False, timeout=4)
        self._data_version = self.work_store.data_version()
        self.refresh_work()

    @work(thread=True, exclusive=True, group="team-corpus")
    def _team_reload_corpus(self: Any) -> None:
        """Read the corpus again after a colleague's import (an app given its own corpus keeps it)."""
        from jjj_brief.corpus import load_corpus

        if not self._team_reads_corpus:
            return
        corpus = load_corpus(refresh=True)
        self.call_from_thread(self._team_corpus_ready, corpus)

    def _team_corpus_ready(self: Any, corpus: Any) -> None:
        self.core.corpus = corpus
        self._data_loaded("corpus")  # the article tree, home, anchors and work views, as at start
        self.check_watches()

    def _on_main_screen(self: Any) -> bool:
        """A dialog, the help or the palette may be on top: the main widgets are not queried then."""
        try:
            self.query_one("#tree")
            return True
        except NoMatches:
            return False

    def refresh_work(self: Any) -> None:
        """Show the store as it is now: tree branches, the work view, the reader's notes."""
        if not self._on_main_screen():
            return
        self.refresh_work_tree()
        current = self.history.current
        view = self.visible_view
        if current is not None and current.kind == "work" and isinstance(view, WorkView):
            view.fill(self.work_store, current.ref, self.watch_counts)
        if isinstance(view, ReaderView) and view.article is not None:
            self.show_article_notes(view.article)

    def _save(self: Any, what: str, write) -> Any:
        """Run one store write; a failure (full disk, busy, damaged) is one message, never a crash."""
        try:
            result = write()
        except StoreError as exc:
            self.notify(one_line(f"{what} not saved: {exc}", 400), severity="error", markup=False, timeout=12)
            return None
        self._data_version = self.work_store.data_version()
        self.refresh_work()
        self.show_storage_warnings()
        return result

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
            line = safe_text.parts((f"{note.ref} ", "bold"), (f"“{note.anchor.exact}”", "italic"), limit=120)
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
        for claim in self.work_store.claims():
            if any(
                any(
                    ref == m.anchor.article and span and m.anchor.start < span[1] and span[0] < m.anchor.end
                    for ref, span in spans
                )
                for m in claim.members
            ):
                line = safe_text.parts(
                    ("YOURS ", "bold reverse"),
                    (f" {claim.ref}  ", "bold"),
                    ("your verdict: ", "dim"),
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

        keys = current_keys(query)  # what you see now is not "new" later
        self.call_from_thread(self._search_saved, name, query, watch, keys)

    def _search_saved(self: Any, name: str, query: str, watch: bool, keys: list[str]) -> None:
        saved = self._save("Saved search", lambda: self.work_store.save_search(name, query, watch=watch, seen=keys))
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
        counts = {saved.id: run_saved(saved).new for saved in store.saved_searches() if saved.watch}
        self.call_from_thread(self._watches_checked, counts)

    def _watches_checked(self: Any, counts: dict[int, int]) -> None:
        self.watch_counts = counts
        self.refresh_work()

    # ------------------------------------------------------------------ exports
    def export_item(self: Any) -> str | None:
        """The export id of what is shown: a topic, a fact, your claim, notes, a saved search."""
        current = self.history.current
        if current is None:
            return None
        if current.kind in ("topic", "fact"):
            return current.ref
        if current.kind == "claim":
            return f"claim-{current.ref}"
        if current.kind == "saved":
            return f"saved-{current.ref}"
        if current.kind == "work":
            return "notes"
        if current.kind == "article":
            return f"notes:{current.ref}"
        return None

    def export_as(self: Any, fmt: str) -> Any:
        """Write the brief of what is shown into ``exports/`` in the data dir, atomically."""
        from jjj_brief.store.exports import export

        item = self.export_item()
        if item is None:
            self.notify(
                "Export works on a briefing, a comparison, your claim, your notes or a saved search.",
                severity="warning",
                markup=False,
            )
            return None
        try:
            payload = export(item, fmt, self.work_store)
        except Exception as exc:
            self.notify(one_line(f"Export failed: {exc}", 300), severity="error", markup=False)
            return None
        folder = paths.writable_dir((self.data_dir or paths.data_dir()) / "exports", "exports")
        name = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in item)[:80] or "export"
        if folder is None:
            self.notify("Data dir not writable: nothing exported.", severity="warning", markup=False)
            return None
        target = folder / f"{name}{SUFFIXES[fmt]}"
        try:
            write_export(target, payload)
        except OSError as exc:
            self.notify(
                one_line(f"Export failed: cannot write {target}: {exc.strerror or exc}", 300),
                severity="error",
                markup=False,
            )
            return None
        self.notify(one_line(f"Exported ({fmt}) to {target}", 400), title="Export", markup=False)
        return target

    def work_commands(self: Any):
        """Palette entries: your work, saving a search, exports in every format."""
        from functools import partial

        from textual.app import SystemCommand

        yield SystemCommand("Your work", "Your notes, claims, bookmarks and saved searches (w)", self.action_open_work)
        yield SystemCommand("Bookmark this place", "Bookmark where you are in the article (b)", self.action_bookmark)
        yield SystemCommand("Highlight with a note", "The selection or the focused figure (h)", self.action_highlight)
        yield SystemCommand(
            "Make a claim from marked figures", "Your verdict on figures marked with m (M)", self.action_make_claim
        )
        yield SystemCommand(
            "Save this search", "Name the current query; watch it for new results (ctrl+s)", self.action_save_search
        )
        for fmt in FORMATS:
            yield SystemCommand(
                f"Export brief as {fmt}",
                "What is shown: topic, fact, your claim, notes or saved search",
                partial(self.export_as, fmt),
            )

    def work_palette_items(self: Any) -> list[tuple[str, str, Location]]:
        """Saved searches and bookmarks for the palette (user text: built as Content there)."""
        store = self.work_store
        if store is None:
            return []
        items = []
        for saved in store.saved_searches():
            new = self.watch_counts.get(saved.id, 0)
            items.append(
                (
                    "Saved search: ",
                    one_line(f"{saved.name} — {saved.query}" + (f" ({new} new)" if new else ""), 150),
                    Location("saved", str(saved.id)),
                )
            )
        for mark in store.bookmarks()[:200]:
            if not mark.anchor.orphaned:
                article = self.core.article(mark.anchor.article)
                where = article.title if article is not None else mark.anchor.article
                items.append(
                    (
                        "Bookmark: ",
                        one_line(f"{mark.anchor.exact}… — {where}", 150),
                        Location("article", mark.anchor.article, offset=mark.anchor.start),
                    )
                )
        for claim in store.claims():
            items.append(
                (
                    "Your claim: ",
                    one_line(f"{claim.verdict} — " + " / ".join(m.anchor.exact for m in claim.members), 150),
                    Location("claim", str(claim.id)),
                )
            )
        return items

    def refresh_work_tree(self: Any) -> None:
        if not self._on_main_screen():
            return
        tree = self.query_one("#tree")
        branches = getattr(tree, "work_branches", None)
        if branches and self.work_store is not None:
            fill_work_branches(*branches, self.work_store, self.core, self.watch_counts)
