"""The analyst's whole loop in the app, driven like a user: bookmark, highlight with a note,
mark figures in two articles and make a claim, see it in the comparison labelled as yours,
save a watched search that marks a new import, search your notes, export a brief in every
format — and two app windows with a CLI writing to the same store at once."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from app_helpers import pilot_test, screen_text, wait_for

from jjj_brief.app.state import Location
from jjj_brief.app.work import SavedSearchView
from jjj_brief.app.work_dialogs import ClaimDialog, NoteDialog, SaveSearchDialog
from jjj_brief.store import make_anchor
from jjj_brief.store.briefs import FORMATS

XINHUA, CHINANEWS = "xinhua-2023-02-25", "chinanews-2024-02-27"
NINE_YEARS, TEN_YEARS = 1320, 430  # inside "9 years" and "ten years" (fact strategy-age)
SIZE = (160, 48)


@pytest.fixture
def own_home(tmp_path, monkeypatch):
    """A home of its own: this test imports a file, which must not reach other app tests."""
    home = tmp_path / "home"
    monkeypatch.setenv("JJJ_BRIEF_HOME", str(home))
    yield home
    from jjj_brief import corpus
    from jjj_brief.store.session import close_work

    close_work()
    corpus._CORPUS = None


async def _open_figure(app, pilot, article: str, offset: int, text: str) -> None:
    app.open_location(Location("article", article, offset=offset))
    await wait_for(pilot, lambda: app.reader.figure is not None and app.reader.figure.text == text, timeout=30)


def _tree_labels(app) -> str:
    """Every label of the tree's Bookmarks and Your work branches (scrolled into view or not)."""
    out = []

    def walk(node):
        out.append(node.label.plain)
        for child in node.children:
            walk(child)

    for branch in app.query_one("#tree").work_branches:
        walk(branch)
    return "\n".join(out)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.references: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "link", "img", "iframe", "object", "embed"):
            self.references.append(tag)
        self.references += [
            f"{tag}.{k}" for k, v in attrs if k in ("href", "src", "srcset", "action") or "://" in (v or "")
        ]

    def handle_data(self, data):
        self.text.append(data)


@pytest.mark.slow
@pilot_test
async def test_the_whole_loop_in_the_app(own_home, make_app, tmp_path):
    from jjj_brief import imports
    from jjj_brief.search import ensure_index

    app = make_app(data_dir=own_home / "data", build_index=False)
    async with app.run_test(size=SIZE) as pilot:
        store = app.work_store
        # bookmark the place and highlight the focused figure with a note
        await _open_figure(app, pilot, XINHUA, NINE_YEARS, "9 years")
        await pilot.press("b")
        await wait_for(pilot, lambda: len(store.bookmarks()) == 1)
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteDialog))
        await pilot.press(*"counts from [b]2014[/b]", "enter")
        await wait_for(pilot, lambda: len(store.notes()) == 1)
        (note,) = store.notes()
        assert (note.anchor.exact, note.text, note.color) == ("9 years", "counts from [b]2014[/b]", "yellow")
        await wait_for(
            pilot, lambda: app.reader.note_spans == [(note.anchor.start, note.anchor.end, app.reader.note_spans[0][2])]
        )
        from jjj_brief.app.work_margin import NoteMargin

        margin = app.query_one(NoteMargin)
        await wait_for(pilot, lambda: any(margin.line_color(y) == "yellow" for y in range(margin.size.height)))
        shown = screen_text(app)
        assert "counts from [b]2014[/b]" in shown, "the note shows in the side panel, as typed (no markup)"
        assert "note-1 yellow “9 years”" in shown, "with its colour named (NO_COLOR shows no colour)"
        assert "Bookmarks" in shown and "Notes (1)" in _tree_labels(app)

        # your claim across two articles
        await pilot.press("m")
        await _open_figure(app, pilot, CHINANEWS, TEN_YEARS, "ten years")
        await pilot.press("m", "M")
        await wait_for(pilot, lambda: isinstance(app.screen, ClaimDialog))
        app.screen.query_one("#claim-verdict").value = "different-date-or-scope"
        app.screen.query_one("#claim-text").focus()
        await pilot.press(*"one year apart", "enter")
        await wait_for(pilot, lambda: len(store.claims()) == 1)
        await wait_for(pilot, lambda: "Your claim claim-1" in screen_text(app))
        assert "“9 years”" in screen_text(app) or "9 years" in screen_text(app)

        # ... shown in the curated comparison, labelled as yours
        from jjj_brief.app.comparison import ComparisonView

        app.open_location(Location("fact", "strategy-age"))
        await wait_for(pilot, lambda: "YOURS" in screen_text(app))
        shown = screen_text(app)
        assert "your verdict: different-date-or-scope" in shown and "claim-1" in shown

        # a watched search marks what a new import brings
        comparison = app.main.made(ComparisonView)
        await wait_for(pilot, lambda: app.focused is not None and comparison in app.focused.ancestors_with_self)
        await pilot.press("slash", *"caofeidian ore")  # once the comparison has the keys, as a user would
        await wait_for(pilot, lambda: app.current_query() == "caofeidian ore")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, SaveSearchDialog))
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(store.saved_searches()) == 1)
        (saved,) = store.saved_searches()
        assert saved.watch and saved.query == "caofeidian ore"
        memo = tmp_path / "ore.txt"
        memo.write_text("Caofeidian ore shipments\n\nCaofeidian handled more iron ore this year.\n")
        imports.add_files([str(memo)])
        ensure_index()
        app.check_watches()
        await wait_for(pilot, lambda: app.watch_counts.get(saved.id) == 2, timeout=30)
        await wait_for(pilot, lambda: "caofeidian ore (2 new)" in _tree_labels(app))
        app.open_location(Location("saved", str(saved.id)))
        await wait_for(
            pilot,
            lambda: app.main.made(SavedSearchView) is not None and len(app.main.made(SavedSearchView).hits) >= 2,
            timeout=30,
        )
        await wait_for(pilot, lambda: screen_text(app).count("NEW ") >= 2, timeout=30)  # drawn after the hits
        await wait_for(
            pilot, lambda: store.saved_search(saved.ref).seen >= set(app.query_one(SavedSearchView).new_keys)
        )

        # your notes in search
        app.search_for("kind:note 2014")
        await wait_for(pilot, lambda: "NOTE" in screen_text(app), timeout=30)

        # a brief of the claim in every format
        app.open_location(Location("claim", "1"))
        written = {fmt: app.export_as(fmt) for fmt in FORMATS}
        assert all(path is not None and path.is_file() for path in written.values())
        import docx

        document = docx.Document(io.BytesIO(written["docx"].read_bytes()))
        body = "\n".join(p.text for p in document.paragraphs)
        assert "“9 years”" in body and "“ten years”" in body and "one year apart" in body
        page = _Page()
        page.feed(written["html"].read_text())
        assert page.references == [] and "one year apart" in "".join(page.text)
        assert "“ten years”" in written["md"].read_text()
        assert len(json.loads(written["csl-json"].read_text())) == 2
        assert written["bibtex"].read_text().count("@article{") == 2
        assert written["ris"].read_text().count("TY  - NEWS") == 2


@pilot_test
async def test_two_app_windows_and_a_cli_writer_share_one_store(own_home, make_app):
    first = make_app(data_dir=own_home / "data", build_index=False)
    second = make_app(data_dir=own_home / "data", build_index=False)
    async with first.run_test(size=SIZE) as one, second.run_test(size=SIZE) as two:
        first.open_location(Location("article", XINHUA, offset=NINE_YEARS))
        await wait_for(one, lambda: first.reader.figure is not None, timeout=30)
        second.open_location(Location("article", CHINANEWS, offset=TEN_YEARS))
        await wait_for(two, lambda: second.reader.figure is not None, timeout=30)
        cli = subprocess.Popen(
            [sys.executable, "-m", "jjj_brief", "note", XINHUA, "1237", "1325", "--text", "from the CLI"],
            env=dict(os.environ),
            stderr=subprocess.PIPE,
            text=True,
        )
        await one.press("b")
        await two.press("b")
        await one.press("h")
        await wait_for(one, lambda: isinstance(first.screen, NoteDialog))
        await one.press(*"from window one", "enter")
        assert cli.wait(timeout=60) == 0, cli.stderr.read()
        for app, pilot in ((first, one), (second, two)):  # each window sees everything, by itself
            await wait_for(pilot, lambda app=app: "Notes (2)" in _tree_labels(app), timeout=15)
            assert len(app.work_store.bookmarks()) == 2
        assert {n.text for n in second.work_store.notes()} == {"from the CLI", "from window one"}


HOSTILE = "[@click=app.quit]Q[/] [$accent @click=app.bell]B[/] \x1b]52;c;aGk=\x07\x1b[2J \u202eevil"


@pilot_test
async def test_hostile_note_text_is_shown_as_text_everywhere(make_app, tmp_path):
    from jjj_brief.corpus import load_corpus
    from jjj_brief.store import ClaimMember, make_anchor, open_store

    text = load_corpus().get(XINHUA).text
    other = load_corpus().get(CHINANEWS).text
    with open_store(tmp_path / "data") as store:
        store.add_note(make_anchor(XINHUA, text, 1237, 1325), HOSTILE, "pink")
        store.add_claim(
            [ClaimMember(make_anchor(XINHUA, text, 1318, 1325)), ClaimMember(make_anchor(CHINANEWS, other, 424, 433))],
            "conflict",
            HOSTILE,
        )
        store.save_search(HOSTILE[:40], "xiongan", watch=True)
    app = make_app(build_index=False)
    async with app.run_test(size=SIZE) as pilot:
        for location in (
            Location("work"),
            Location("article", XINHUA, offset=1237),
            Location("claim", "1"),
            Location("fact", "strategy-age"),
        ):
            app.open_location(location)
            await wait_for(pilot, lambda: "[@click=app.quit]Q[/]" in screen_text(app), timeout=30)
            shown = screen_text(app)
            assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
        assert app.is_running, "a [@click] in your own note ran nothing"


def _cli_json(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "jjj_brief", *args, "--json"],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _tree_has(app, words: str) -> bool:
    def walk(node) -> bool:
        return words in node.label.plain or any(walk(child) for child in node.children)

    return walk(app.query_one("#tree").root)


REPORT = (
    "Hebei report\n\nThe port handled 45 million tonnes in 2023.\n\n"
    "Officials expect 60 million tonnes by 2025.\n\nA paragraph that will be cut entirely.\n"
)


@pytest.mark.slow
@pilot_test
async def test_imports_from_a_cli_reach_the_running_app(own_home, make_app, tmp_path):
    """While the app runs, a CLI imports a new file and re-imports an edited one: the app reads
    the articles again by itself — the new one is in the tree and the watched search's NEW hit
    opens it; the open article shows its new text, anchors re-found, the orphan shown with its text."""
    source = tmp_path / "report.txt"
    source.write_text(REPORT)
    report = _cli_json("import", str(source))["results"][0]["id"]
    saved = _cli_json("save", "ore", "caofeidian ore", "--watch")
    app = make_app(data_dir=own_home / "data", build_index=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.core.corpus_loaded and app.core.article(report) is not None, timeout=30)
        store, text = app.work_store, app.core.article(report).text
        for words, note in (("45 million tonnes", "kept"), ("60 million", "moves"), ("cut entirely", "orphan")):
            store.add_note(make_anchor(report, text, text.index(words), text.index(words) + len(words)), note)
        app.open_location(Location("article", report, offset=text.index("60 million")))
        await wait_for(pilot, lambda: len(app.reader.note_spans) == 3, timeout=30)

        memo = tmp_path / "ore.txt"
        memo.write_text("Caofeidian ore shipments\n\nCaofeidian handled more iron ore this year.\n")
        memo_id = _cli_json("import", str(memo))["results"][0]["id"]
        edited = REPORT.replace("Hebei report\n", "Hebei report (revised)\n\nA new lead paragraph.\n")
        source.write_text(edited.replace("A paragraph that will be cut entirely.\n", ""))
        _cli_json("import", "--remove", report, str(source))

        await wait_for(pilot, lambda: app.core.article(memo_id) is not None, timeout=60)
        await wait_for(pilot, lambda: _tree_has(app, "Caofeidian ore shipments"), timeout=30)
        now = app.core.article(report).text
        assert "A new lead paragraph" in now
        await wait_for(pilot, lambda: app.reader.article is not None and app.reader.article.text == now, timeout=30)
        notes = {n.text: n for n in store.notes()}
        for kept in ("kept", "moves"):
            anchor = notes[kept].anchor
            assert anchor.status == "moved" and now[anchor.start : anchor.end] == anchor.exact
        assert notes["orphan"].anchor.orphaned
        moved = sorted((n.anchor.start, n.anchor.end) for n in notes.values() if not n.anchor.orphaned)
        await wait_for(pilot, lambda: sorted(s[:2] for s in app.reader.note_spans) == moved, timeout=30)

        app.open_location(Location("work", "notes"))
        await wait_for(pilot, lambda: "ORPHANED" in screen_text(app), timeout=30)
        assert "“cut entirely”" in screen_text(app), "the orphan is shown with its text"

        saved_id = int(saved["id"].removeprefix("saved-"))
        await wait_for(pilot, lambda: app.watch_counts.get(saved_id) == 2, timeout=60)
        app.open_location(Location("saved", str(saved_id)))

        def listed() -> bool:
            view = app.main.made(SavedSearchView)
            return view is not None and len(view.new_keys) == 2 and len(view.hits) >= 2

        await wait_for(pilot, listed, timeout=30)
        view = app.main.made(SavedSearchView)
        index = next(i for i, hit in enumerate(view.hits) if hit.article == memo_id)
        options = view.query_one("#saved-results")
        options.focus()
        options.highlighted = index
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.reader.article is not None and app.reader.article.id == memo_id, timeout=30)

        # a removal alone (no re-import, so no CLI re-anchoring): the running app orphans its anchors
        memo_text = app.core.article(memo_id).text
        store.add_note(make_anchor(memo_id, memo_text, 0, 10), "on the memo")
        _cli_json("import", "--remove", memo_id)
        await wait_for(pilot, lambda: app.core.article(memo_id) is None, timeout=60)
        await wait_for(pilot, lambda: {n.text: n for n in store.notes()}["on the memo"].anchor.orphaned, timeout=30)
        app.open_location(Location("work", "notes"))
        await wait_for(pilot, lambda: screen_text(app).count("ORPHANED") == 2, timeout=30)


@pilot_test
async def test_your_work_view_edits_a_note_and_removes_items_by_keys(make_app, tmp_path):
    """In "Your work": n edits the note under the cursor (a stale edit is refused, never an
    overwrite); d asks first, n keeps, y removes — for notes, claims, bookmarks, saved searches."""
    from jjj_brief.app.work import WorkView
    from jjj_brief.app.work_dialogs import ConfirmDialog
    from jjj_brief.corpus import load_corpus
    from jjj_brief.store import ClaimMember, bookmark_anchor, open_store

    text, other = load_corpus().get(XINHUA).text, load_corpus().get(CHINANEWS).text
    with open_store(tmp_path / "data") as setup:
        setup.add_note(make_anchor(XINHUA, text, 1237, 1325), "first words", "blue")
        setup.add_claim(
            [ClaimMember(make_anchor(XINHUA, text, 1318, 1325)), ClaimMember(make_anchor(CHINANEWS, other, 424, 433))],
            "conflict",
            "a claim to drop",
        )
        setup.add_bookmark(bookmark_anchor(XINHUA, text, 1237), "a place")
        setup.save_search("ports", "tianjin port")
    app = make_app(build_index=False)
    async with app.run_test(size=SIZE) as pilot:
        store = app.work_store
        app.open_location(Location("work"))
        await wait_for(pilot, lambda: "first words" in screen_text(app), timeout=30)
        view = app.query_one(WorkView)

        def cursor_on(kind) -> None:
            options = view.query_one("#work-list")
            options.focus()
            options.highlighted = next(i for i, e in enumerate(view.entries) if type(e.item).__name__ == kind)

        cursor_on("Note")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteDialog))
        assert app.screen.query_one("#note-text").value == "first words"
        await pilot.press("ctrl+u", *"better words", "enter")
        await wait_for(pilot, lambda: store.notes()[0].text == "better words")
        (note,) = store.notes()
        assert (note.color, note.revision) == ("blue", 2)
        await wait_for(pilot, lambda: "better words" in screen_text(app))

        cursor_on("Note")  # edited elsewhere while the dialog is open: refused, theirs kept
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteDialog))
        with open_store(tmp_path / "data") as elsewhere:
            elsewhere.update_note(note.id, "their words")
        await pilot.press("ctrl+u", *"mine", "enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, NoteDialog))
        assert store.note(note.id).text == "their words"

        for kind, listed in (("Note", store.notes), ("Claim", store.claims), ("Bookmark", store.bookmarks)):
            cursor_on(kind)
            await pilot.press("d")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
            await pilot.press("n")  # kept
            await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmDialog))
            assert len(listed()) == 1
            await pilot.press("d")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
            await pilot.press("y")
            await wait_for(pilot, lambda listed=listed: listed() == [])
        cursor_on("SavedSearch")
        await pilot.press("delete")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_for(pilot, lambda: store.saved_searches() == [])
        await wait_for(pilot, lambda: "Notes and highlights (0)" in screen_text(app))
        shown = screen_text(app)
        assert "Your claims (0)" in shown and "Bookmarks (0)" in shown and "Saved searches (0)" in shown


@pilot_test
async def test_bookmarks_saved_searches_and_claims_are_in_the_palette(make_app, tmp_path):
    """ctrl+p finds your bookmark (opens the article at the place), saved search (reruns it)
    and claim (its comparison) by their words, as labelled."""
    from jjj_brief.corpus import load_corpus
    from jjj_brief.store import ClaimMember, bookmark_anchor, open_store

    text, other = load_corpus().get(XINHUA).text, load_corpus().get(CHINANEWS).text
    with open_store(tmp_path / "data") as setup:
        setup.add_bookmark(bookmark_anchor(XINHUA, text, 1237), "a place")
        setup.save_search("harbour watch", "tianjin port", watch=True)
        setup.add_claim(
            [ClaimMember(make_anchor(XINHUA, text, 1318, 1325)), ClaimMember(make_anchor(CHINANEWS, other, 424, 433))],
            "rounding",
        )
    app = make_app(build_index=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.core.corpus_loaded, timeout=30)
        steps = (
            ("Bookmark: The coordinated", "Bookmark: The coordinated development", ("article", XINHUA)),
            ("Saved search: harbour", "Saved search: harbour watch", ("saved", "1")),
            ("Your claim: rounding", "Your claim: rounding", ("claim", "1")),
        )
        for typed, label, opened in steps:
            await pilot.press("ctrl+p")
            await pilot.press(*typed)
            await wait_for(pilot, lambda label=label: label in screen_text(app), timeout=15)
            await pilot.press("enter")
            await wait_for(pilot, lambda opened=opened: (app.history.current.kind, app.history.current.ref) == opened)
            if opened[0] == "article":
                assert app.history.current.offset == 1237, "the article opens at the bookmarked place"
        await wait_for(pilot, lambda: "your verdict" in screen_text(app).lower(), timeout=15)


def _line_of(document, offset: int) -> tuple[int, int]:
    """(document line, column) where article ``offset`` is drawn."""
    for y in range(document._heights.total):
        found = document._locate(y)
        if found is None or document._blocks[found[0]].start is None:
            continue
        index, within = found
        start, end = document._line_span(index, within)
        base = document._blocks[index].start
        if base + start <= offset < base + end:
            return y, offset - base - start
    raise AssertionError(f"offset {offset} is not drawn")


@pilot_test
async def test_selected_text_is_highlighted_with_a_note(make_app):
    """Text selected with the mouse, then h: the highlight covers exactly the selected words."""
    from textual.geometry import Offset
    from textual.selection import Selection

    app = make_app(build_index=False)
    async with app.run_test(size=SIZE) as pilot:
        await _open_figure(app, pilot, XINHUA, NINE_YEARS, "9 years")
        text = app.reader.article.text
        start = text.index("a heavy report card")
        end = start + len("a heavy report card")
        document = app.reader.document
        _line_of(document, end)  # lays the lines out up to there (wrapped as they are drawn)
        await pilot.pause()
        (y0, x0), (y1, x1) = _line_of(document, start), _line_of(document, end - 1)
        app.screen.selections = {document: Selection(Offset(x0, y0), Offset(x1 + 1, y1))}  # as a mouse drag
        await pilot.pause()
        assert document.selected_span() == (start, end)
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteDialog))
        assert app.screen.quote == "a heavy report card"
        await pilot.press(*"a selection", "enter")
        await wait_for(pilot, lambda: len(app.work_store.notes()) == 1)
        (note,) = app.work_store.notes()
        assert (note.anchor.start, note.anchor.end, note.text) == (start, end, "a selection")


@pilot_test
async def test_notes_selected_with_space_are_what_the_brief_exports(make_app, tmp_path):
    """In "Your work", space selects notes (✓); e then writes a brief of just those; with none
    selected it writes all your notes."""
    from jjj_brief.app.work import WorkView
    from jjj_brief.corpus import load_corpus
    from jjj_brief.store import open_store

    text, other = load_corpus().get(XINHUA).text, load_corpus().get(CHINANEWS).text
    with open_store(tmp_path / "data") as setup:
        setup.add_note(make_anchor(XINHUA, text, 1237, 1325), "chosen one")
        setup.add_note(make_anchor(CHINANEWS, other, 424, 433), "left out")
    app = make_app(build_index=False)
    async with app.run_test(size=SIZE) as pilot:
        app.open_location(Location("work"))
        await wait_for(pilot, lambda: "left out" in screen_text(app), timeout=30)
        view = app.query_one(WorkView)
        options = view.query_one("#work-list")
        options.focus()
        options.highlighted = next(i for i, e in enumerate(view.entries) if getattr(e.item, "text", "") == "chosen one")
        await pilot.press("space")
        await wait_for(pilot, lambda: "1 note(s) selected" in screen_text(app))
        assert "✓ " in screen_text(app)
        await pilot.press("e")
        exports = tmp_path / "data" / "exports"
        await wait_for(pilot, lambda: (exports / "note-1.md").is_file())
        brief = (exports / "note-1.md").read_text()
        assert "chosen one" in brief and "left out" not in brief
        written = app.export_as("docx")
        assert written is not None and written.name == "note-1.docx"
        await pilot.press("space")  # unselected: the brief is all your notes again
        await wait_for(pilot, lambda: "selected (space)" not in screen_text(app))
        await pilot.press("e")
        await wait_for(pilot, lambda: (exports / "notes.md").is_file())
        assert {"chosen one", "left out"} <= set(re.findall(r"chosen one|left out", (exports / "notes.md").read_text()))
