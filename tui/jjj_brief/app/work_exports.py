"""Exports of what is shown (``e``, and the palette's "Export brief as ..."), and the
palette's entries for the analyst's work. A mixin of :class:`BriefApp`."""

from __future__ import annotations

from typing import Any

from jjj_brief import paths
from jjj_brief.app.state import Location, write_export
from jjj_brief.app.work import WorkView
from jjj_brief.safety import one_line
from jjj_brief.store.briefs import FORMATS, SUFFIXES


class WorkExports:
    """Briefs written into ``exports/`` in the data dir; palette items for saved searches,
    bookmarks and claims."""

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
            view = self.main.made(WorkView)
            chosen = view.chosen_refs() if isinstance(view, WorkView) else []
            return ",".join(chosen) if chosen else "notes"  # the notes selected with space, else all
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
            payload = export(item, fmt, self.core.library, self.work_store)
        except Exception as exc:
            self.notify(one_line(f"Export failed: {exc}", 300), severity="error", markup=False)
            return None
        folder = paths.writable_dir(
            (self.data_dir or paths.data_dir()) / "exports", "exports", self.core.library.warnings
        )
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
