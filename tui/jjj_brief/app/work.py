"""The analyst's own work in the app: dialogs (note, claim, saved search), the "Your work"
view (notes, claims, bookmarks, saved searches, orphans), a saved search's results with
"new" marks, and the tree branches. The data is :mod:`jjj_brief.store`; this only presents.

Everything the analyst typed is untrusted text like any article: it reaches widgets as
:class:`rich.text.Text` built by :mod:`jjj_brief.app.safe_text`, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.widgets.tree import TreeNode

from jjj_brief.app import safe_text
from jjj_brief.app.deliver import deliver
from jjj_brief.app.hit_text import hit_label
from jjj_brief.app.messages import Navigate, SavedSearchSeen
from jjj_brief.app.state import Location
from jjj_brief.app.view import View
from jjj_brief.app.work_margin import COLOR_STYLES
from jjj_brief.store import Claim, Note, StoreError
from jjj_brief.team.authorship import Owner, claims_heading, desk_claims, owner

SWATCH = "█ "
ORPHAN_STYLE = "bold red"


def swatch(color: str) -> Text:
    return Text(SWATCH, style=COLOR_STYLES.get(color, "").replace("on ", "") or "")


# ------------------------------------------------------------------ views
@dataclass
class Entry:
    """One line of the work view and what choosing it opens."""

    label: Text
    location: Location | None
    note: str = ""  # said when there is nothing to open (an orphan)
    item: Any = None  # the note, claim, bookmark or saved search (d removes it, n edits a note)


def note_label(core: Any, note: Any) -> Text:
    article = core.article(note.anchor.article)
    where = article.title if article is not None else f"{note.anchor.article} (not in the corpus)"
    head = swatch(note.color)
    head.append_text(safe_text.parts((note.ref, "bold"), ("  ", ""), (where, "italic"), limit=90))
    if note.anchor.orphaned:
        head.append("  ORPHANED: no longer in the article", style=ORPHAN_STYLE)
    rows = [head, safe_text.line(f"    “{note.anchor.exact}”", style="dim", limit=200)]
    if note.text:
        rows.append(safe_text.line(f"    {note.text}", limit=300))
    return safe_text.paragraphs(*rows)


def claim_label(core: Any, claim: Any, who: Owner | None = None) -> Text:
    """A claim in the work list, badged by whose it is (yours, a colleague's, the desk's)."""
    badge, verdict = (who.badge, who.verdict) if who else ("YOURS", "your verdict")
    head = safe_text.parts(
        (f"{badge} ", "bold reverse"),
        (" ", ""),
        (claim.ref, "bold"),
        (f"  {verdict}: ", "dim"),
        (claim.verdict, "bold"),
    )
    rows = [head]
    for member in claim.members:
        article = core.article(member.anchor.article)
        outlet = article.outlet if article is not None else member.anchor.article
        line = safe_text.parts(
            ("    ", ""), (f"“{member.anchor.exact}”", "bold"), ("  ", ""), (outlet, "dim"), limit=120
        )
        if member.anchor.orphaned:
            line.append("  ORPHANED", style=ORPHAN_STYLE)
        rows.append(line)
    if claim.text:
        rows.append(safe_text.line(f"    {claim.text}", limit=300))
    return safe_text.paragraphs(*rows)


def bookmark_label(core: Any, mark: Any) -> Text:
    article = core.article(mark.anchor.article)
    where = article.title if article is not None else mark.anchor.article
    head = safe_text.parts(("🔖 ", ""), (where, "italic"), limit=90)
    if mark.anchor.orphaned:
        head.append("  ORPHANED", style=ORPHAN_STYLE)
    rows = [head, safe_text.line(f"    “{mark.anchor.exact}…”", style="dim", limit=200)]
    if mark.note:
        rows.append(safe_text.line(f"    {mark.note}", limit=200))
    return safe_text.paragraphs(*rows)


def _location_of(anchor: Any) -> Location | None:
    return None if anchor.orphaned else Location("article", anchor.article, offset=anchor.start)


class WorkView(View):
    """Your notes (by article), claims, bookmarks and saved searches; orphans shown, never dropped."""

    KINDS = ("work",)
    NAME = "Your work"
    ID = "work"

    BINDINGS = [
        Binding("d,delete", "remove_item", "Remove", id="work.remove"),
        Binding("n", "edit_note", "Edit note", id="work.edit_note"),
        Binding("space", "choose_note", "Select for export", key_display="space", id="work.choose"),
        Binding("P", "publish_claim", "Publish as the desk's", id="work.publish"),
    ]

    DEFAULT_CSS = """
    WorkView { height: 1fr; }
    WorkView #work-head { height: auto; padding: 0 1; background: $boost; }
    WorkView #work-list { height: 1fr; border: none; }
    WorkView #work-list > .option-list--option { padding: 0 0 1 0; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.entries: list[Entry] = []
        self.section = ""
        self.chosen: set[int] = set()  # notes selected with space: what e / "Export brief as" writes
        self._store: Any = None
        self._counts: dict[int, int] | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="work-head")
        yield OptionList(id="work-list")

    def show(self, location: Location) -> str | None:
        app = self.brief_app
        if app.work_store is None:
            return None
        self.fill(app.work_store, location.ref, app.watch_counts)
        return {"": "notes, claims, bookmarks, saved searches"}.get(location.ref, location.ref)

    def focus_view(self) -> None:
        self.focus_list()

    def fill(self, store: Any, section: str = "", watch_counts: dict[int, int] | None = None) -> None:
        self.section, self._store, self._counts = section, store, watch_counts
        entries: list[Entry] = []
        notes, claims = store.notes(), store.claims()
        self.chosen &= {n.id for n in notes}  # a note removed elsewhere is no longer selected
        marks, saved = store.bookmarks(), store.saved_searches()
        orphans = sum(n.anchor.orphaned for n in notes) + sum(m.anchor.orphaned for c in claims for m in c.members)
        if section in ("", "notes"):
            entries.append(Entry(Text(f"Notes and highlights ({len(notes)})", style="bold underline"), None))
            entries += [
                Entry(
                    self._chosen_mark(n, note_label(self.data, n)),
                    _location_of(n.anchor),
                    f"Orphaned note: “{n.anchor.exact}”",
                    n,
                )
                for n in notes
            ]
        if section in ("", "claims"):
            entries.append(Entry(Text(claims_heading(store, claims), style="bold underline"), None))
            desk = desk_claims(store)
            entries += [
                Entry(claim_label(self.data, c, owner(store, c, desk)), Location("claim", str(c.id)), item=c)
                for c in claims
            ]
        if section in ("", "bookmarks"):
            entries.append(Entry(Text(f"Bookmarks ({len(marks)})", style="bold underline"), None))
            entries += [
                Entry(bookmark_label(self.data, m), _location_of(m.anchor), f"Orphaned bookmark: “{m.anchor.exact}”", m)
                for m in marks
            ]
        if section in ("", "saved"):
            entries.append(Entry(Text(f"Saved searches ({len(saved)})", style="bold underline"), None))
            for s in saved:
                new = (watch_counts or {}).get(s.id, 0)
                label = safe_text.parts(
                    (s.name, "bold"), ("  ", ""), (s.query, "dim"), ("  watched" if s.watch else "", "italic")
                )
                if new:
                    label.append(f"  {new} new", style="bold yellow")
                entries.append(Entry(label, Location("saved", str(s.id)), item=s))
        self.entries = entries
        head = safe_text.parts(("Your work", "bold"), (f"  kept in {store.location}", "dim"), limit=200)
        if self.chosen:
            head.append(f"\n{len(self.chosen)} note(s) selected (space): e exports them", style="bold")
        if orphans:
            head.append(
                f"\n{orphans} anchor(s) orphaned: their article changed and the quote is gone; "
                "they are kept with their text.",
                style="yellow",
            )
        self.query_one("#work-head", Static).update(head)
        options = self.query_one("#work-list", OptionList)
        kept = options.highlighted
        options.clear_options()
        options.add_options([Option(e.label, disabled=e.location is None and not e.note) for e in entries])
        if kept is not None:  # refreshed (another window wrote, an item was removed): stay in place
            near = [i for i, e in enumerate(entries) if e.location is not None or e.note]
            before = [i for i in near if i <= kept]
            if near:
                options.highlighted = before[-1] if before else near[0]

    def focus_list(self) -> None:
        options = self.query_one("#work-list", OptionList)
        options.focus()
        if options.highlighted is not None and self._entry(options.highlighted) is not None:
            return  # refreshed after a change: the place in the list is kept
        for index, entry in enumerate(self.entries):
            if entry.location is not None or entry.note:
                options.highlighted = index
                break

    def _entry(self, index: int | None) -> Entry | None:
        return self.entries[index] if index is not None and 0 <= index < len(self.entries) else None

    def highlighted_item(self) -> Any:
        """The note, claim, bookmark or saved search under the cursor, or ``None``."""
        entry = self._entry(self.query_one("#work-list", OptionList).highlighted)
        return entry.item if entry is not None else None

    def action_remove_item(self) -> None:
        item = self.highlighted_item()
        if item is None:
            self.app.notify("Move to a note, claim, bookmark or saved search to remove it.", markup=False)
            return
        self.brief_app.remove_work_item(item)

    def _chosen_mark(self, note: Note, label: Text) -> Text:
        return Text.assemble(Text("✓ ", style="bold reverse"), label) if note.id in self.chosen else label

    def chosen_refs(self) -> list[str]:
        """The selected notes as ``export`` names them (``note-1,note-4``), in the list's order."""
        return [e.item.ref for e in self.entries if isinstance(e.item, Note) and e.item.id in self.chosen]

    def action_choose_note(self) -> None:
        item = self.highlighted_item()
        if not isinstance(item, Note):
            self.app.notify("Move to one of your notes: space selects it for an export.", markup=False)
            return
        self.chosen ^= {item.id}
        if self._store is not None:
            self.fill(self._store, self.section, self._counts)
        count = len(self.chosen)
        self.app.notify(
            f"{count} note(s) selected: e (or ctrl+p → Export brief as …) writes them" if count else "No note selected",
            title="Export",
            markup=False,
        )

    def action_publish_claim(self) -> None:
        """Team mode, editor role: the claim under the cursor becomes the desk's (the server
        checks the role; anyone else gets one line saying which role it takes)."""
        item = self.highlighted_item()
        if not isinstance(item, Claim):
            self.app.notify("Move to a claim to publish it as the desk's.", markup=False)
            return
        self.brief_app.publish_claim(item)

    def action_edit_note(self) -> None:
        item = self.highlighted_item()
        if not isinstance(item, Note):
            self.app.notify("Move to one of your notes to edit its text or colour.", markup=False)
            return
        self.brief_app.edit_note(item)

    @on(OptionList.OptionSelected, "#work-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        entry = self.entries[event.option_index] if 0 <= event.option_index < len(self.entries) else None
        if entry is None:
            return
        if entry.location is not None:
            self.post_message(Navigate(entry.location))
        elif entry.note:
            self.app.notify(safe_text.line(entry.note, limit=300).plain, title="Orphaned", markup=False)


class SavedSearchView(View):
    """A saved search rerun: its results, the ones new since you last looked marked NEW."""

    KINDS = ("saved",)
    NAME = "Saved search"
    ID = "saved"

    DEFAULT_CSS = """
    SavedSearchView { height: 1fr; }
    SavedSearchView #saved-head { height: auto; padding: 0 1; background: $boost; }
    SavedSearchView #saved-results { height: 1fr; border: none; }
    SavedSearchView #saved-results > .option-list--option { padding: 0 0 1 0; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.hits: list = []
        self.new_keys: list[str] = []
        self.saved: Any = None

    def compose(self) -> ComposeResult:
        yield Static(id="saved-head")
        yield OptionList(id="saved-results")

    def show(self, location: Location) -> str | None:
        store = self.brief_app.work_store
        try:
            saved = store.saved_search(f"saved-{int(location.ref)}") if store is not None else None
        except (StoreError, ValueError):
            return None
        if saved is None:
            return None
        self.run_saved(saved)
        return saved.name

    def focus_view(self) -> None:
        self.focus_list()

    def run_saved(self, saved: Any) -> None:
        self.saved = saved
        self.query_one("#saved-head", Static).update(
            safe_text.parts(
                ("Saved search  ", "dim"),
                (saved.name, "bold"),
                ("  ", ""),
                (saved.query, ""),
                ("  running…", "dim italic"),
            )
        )
        self.query_one("#saved-results", OptionList).clear_options()
        self._run(saved)

    @work(thread=True, exclusive=True, group="saved-search")
    def _run(self, saved: Any) -> None:
        from jjj_brief.store.session import run_saved

        result = run_saved(saved, library=self.brief_app.core.library)
        deliver(self, self._shown, saved, result)

    def _shown(self, saved: Any, run: Any) -> None:
        if saved is not self.saved:
            return
        from jjj_brief.store.session import hit_key

        self.hits = list(run.result.hits)
        self.new_keys = list(run.new_keys)
        head = safe_text.parts(
            ("Saved search  ", "dim"),
            (saved.name, "bold"),
            ("  ", ""),
            (saved.query, ""),
            (f"  {run.result.total} results", "dim"),
        )
        if run.new:
            head.append(f"  {run.new} new since you last looked", style="bold yellow")
        self.query_one("#saved-head", Static).update(head)
        options = self.query_one("#saved-results", OptionList)
        options.clear_options()
        for hit in self.hits:
            label = hit_label(hit, width=120)
            if hit_key(hit) in self.new_keys:
                label = Text.assemble(Text("NEW ", style="bold black on yellow"), label)
            options.add_option(Option(label))
        self.post_message(SavedSearchSeen(saved.id, [hit_key(h) for h in self.hits]))

    def focus_list(self) -> None:
        self.query_one("#saved-results", OptionList).focus()

    @on(OptionList.OptionSelected, "#saved-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.hits):
            hit = self.hits[event.option_index]
            if hit.kind in ("passage", "note", "claim"):
                self.post_message(Navigate(Location("article", hit.article, offset=hit.start, query=self.saved.query)))
            elif hit.kind in ("topic", "fact"):
                self.post_message(Navigate(Location(hit.kind, hit.article)))


# ------------------------------------------------------------------ tree
def add_work_branches(root: TreeNode) -> tuple[TreeNode, TreeNode]:
    """The tree's "Bookmarks" and "Your work" branches (filled by :func:`fill_work_branches`)."""
    bookmarks = root.add(Text("Bookmarks", style="bold"), data=Location("work", "bookmarks"), expand=True)
    yours = root.add(Text("Your work", style="bold"), data=Location("work"), expand=True)
    return bookmarks, yours


def fill_work_branches(
    bookmarks: TreeNode, yours: TreeNode, store: Any, core: Any, watch_counts: dict[int, int]
) -> None:
    """Bookmarks; notes, claims and saved searches (with what is new in watched ones)."""
    bookmarks.remove_children()
    yours.remove_children()
    if store is None:
        return
    notes, claims, marks, saved = store.notes(), store.claims(), store.bookmarks(), store.saved_searches()
    for mark in marks:
        article = core.article(mark.anchor.article)
        title = article.title if article is not None else mark.anchor.article
        label = safe_text.parts(("🔖 ", ""), (title, ""), limit=60)
        if mark.anchor.orphaned:
            label.append(" (orphaned)", style=ORPHAN_STYLE)
        bookmarks.add_leaf(label, data=_location_of(mark.anchor) or Location("work", "bookmarks"))
    if not marks:
        bookmarks.add_leaf(Text("none yet: b in the reader", style="dim italic"), data=Location("work", "bookmarks"))
    orphans = sum(n.anchor.orphaned for n in notes)
    notes_label = Text(f"Notes ({len(notes)})")
    if orphans:
        notes_label.append(f" {orphans} orphaned", style=ORPHAN_STYLE)
    yours.add_leaf(notes_label, data=Location("work", "notes"))
    claims_node = yours.add(Text(claims_heading(store, claims)), data=Location("work", "claims"), expand=True)
    desk = desk_claims(store)
    for claim in claims:
        claims_node.add_leaf(
            safe_text.parts(
                (f"{owner(store, claim, desk).badge} ", "bold"),
                (claim.verdict, ""),
                ("  ", ""),
                (" / ".join(m.anchor.exact for m in claim.members), "dim"),
                limit=60,
            ),
            data=Location("claim", str(claim.id)),
        )
    new_total = sum(watch_counts.get(s.id, 0) for s in saved)
    saved_label = Text(f"Saved searches ({len(saved)})")
    if new_total:
        saved_label.append(f" {new_total} new", style="bold yellow")
    saved_node = yours.add(saved_label, data=Location("work", "saved"), expand=True)
    for search in saved:
        label = safe_text.parts(("⌕ ", ""), (search.name, ""), limit=50)
        if watch_counts.get(search.id):
            label.append(f" ({watch_counts[search.id]} new)", style="bold yellow")
        saved_node.add_leaf(label, data=Location("saved", str(search.id)))
