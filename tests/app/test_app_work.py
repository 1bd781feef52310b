"""The analyst's whole loop in the app, driven like a user: bookmark, highlight with a note,
mark figures in two articles and make a claim, see it in the comparison labelled as yours,
save a watched search that marks a new import, search your notes, export a brief in every
format — and two app windows with a CLI writing to the same store at once.

Every wait is on one of the app's own messages (``Messages``): a store write shown
(``WorkSaved``), the work views refreshed (``WorkRefreshed``), watched searches counted
(``WatchesCounted``), a dialog made the screen (Textual's ``ScreenResume``), a view or an
article shown; never a polling loop."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from app_helpers import Messages, pilot_test, screen_text, settle
from textual.events import Focus, ScreenResume
from textual.notifications import Notify
from textual.widgets import Input

from jjj_brief.app.messages import (
    ArticleOpened,
    ComparisonShown,
    DataLoaded,
    FiguresShown,
    ImportsChanged,
    ResultsShown,
    SavedSearchSeen,
    ViewShown,
    WatchesCounted,
    WorkRefreshed,
    WorkSaved,
)
from jjj_brief.app.state import Location
from jjj_brief.app.work import SavedSearchView
from jjj_brief.app.work_dialogs import ClaimDialog, NoteDialog, SaveSearchDialog
from jjj_brief.commands.libraries import default_library
from jjj_brief.paths import StorageWarnings
from jjj_brief.store import make_anchor
from jjj_brief.store.briefs import FORMATS

XINHUA, CHINANEWS = "xinhua-2023-02-25", "chinanews-2024-02-27"
NINE_YEARS, TEN_YEARS = 1320, 430  # inside "9 years" and "ten years" (fact strategy-age)
SIZE = (160, 48)


@pytest.fixture
def own_home(home_with_seed_index, monkeypatch):
    """A home of its own: this test imports a file, which must not reach other app tests. Its
    cache is a private copy of the run's one index build (as every test's home is unless marked
    ``fresh_index``): a bare home built the whole index again (~2.5 s of CPU) when the test
    searched, and these tests are about the app, not the first build."""
    home = home_with_seed_index("own-home")
    monkeypatch.setenv("JJJ_BRIEF_HOME", str(home))
    yield home
    from jjj_brief.store.session import close_work

    close_work(library=default_library())


async def _open_figure(app, pilot, messages: Messages, article: str, offset: int, text: str) -> None:
    """Open ``article`` at ``offset``: once its figures are painted, the one there is focused."""
    shown = len(messages.of(FiguresShown, lambda m: m.article_id == article))
    app.open_location(Location("article", article, offset=offset))
    await messages.wait(pilot, FiguresShown, lambda m: m.article_id == article, after=shown)
    assert app.reader.figure is not None and app.reader.figure.text == text


async def _press_for_dialog(pilot, messages: Messages, dialog: type, *keys: str):
    """Press ``keys``; return the ``dialog`` they open, once it is the screen."""
    await pilot.press(*keys)
    await messages.wait(pilot, ScreenResume, lambda _: isinstance(pilot.app.screen, dialog))
    return pilot.app.screen


async def _press_to_close(pilot, messages: Messages, dialog: type, *keys: str) -> None:
    """Press ``keys`` in the open ``dialog``; return once the screen under it is back."""
    await pilot.press(*keys)
    await messages.wait(pilot, ScreenResume, lambda _: not isinstance(pilot.app.screen, dialog))


async def _press_to_save(pilot, messages: Messages, what: str, *keys: str) -> WorkSaved:
    """Press ``keys``; return once the app has written ``what`` (a "Note"...) and shows it."""
    saved = len(messages.of(WorkSaved, lambda m: m.what.startswith(what)))
    await pilot.press(*keys)
    return await messages.wait(pilot, WorkSaved, lambda m: m.what.startswith(what), after=saved)


async def _open_and_wait(pilot, messages: Messages, location: Location, kind: type = ViewShown, where=None) -> None:
    """Open ``location``; return once its view says it is shown (``kind``: that view's message)."""
    where = where or (lambda m: m.location == location)
    shown = len(messages.of(kind, where))
    pilot.app.open_location(location)
    await messages.wait(pilot, kind, where, after=shown)


async def _press_for_notice(pilot, messages: Messages, words: str, *keys: str) -> str:
    """Press ``keys``; return the app's notification that starts with ``words`` once it is posted."""
    told = len(messages.of(Notify, lambda m: m.notification.message.startswith(words)))
    await pilot.press(*keys)
    notice = await messages.wait(pilot, Notify, lambda m: m.notification.message.startswith(words), after=told)
    return notice.notification.message


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
    messages = Messages()
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        store = app.work_store
        # bookmark the place and highlight the focused figure with a note
        await _open_figure(app, pilot, messages, XINHUA, NINE_YEARS, "9 years")
        await _press_to_save(pilot, messages, "Bookmark", "b")
        assert len(store.bookmarks()) == 1
        await _press_for_dialog(pilot, messages, NoteDialog, "h")
        await _press_to_save(pilot, messages, "Note", *"counts from [b]2014[/b]", "enter")
        (note,) = store.notes()
        assert (note.anchor.exact, note.text, note.color) == ("9 years", "counts from [b]2014[/b]", "yellow")
        assert app.reader.note_spans == [(note.anchor.start, note.anchor.end, app.reader.note_spans[0][2])]
        from jjj_brief.app.work_margin import NoteMargin

        margin = app.query_one(NoteMargin)
        assert any(margin.line_color(y) == "yellow" for y in range(margin.size.height))
        shown = screen_text(app)
        assert "counts from [b]2014[/b]" in shown, "the note shows in the side panel, as typed (no markup)"
        assert "note-1 yellow “9 years”" in shown, "with its colour named (NO_COLOR shows no colour)"
        assert "Bookmarks" in shown and "Notes (1)" in _tree_labels(app)

        # your claim across two articles
        await pilot.press("m")
        await _open_figure(app, pilot, messages, CHINANEWS, TEN_YEARS, "ten years")
        dialog = await _press_for_dialog(pilot, messages, ClaimDialog, "m", "M")
        dialog.query_one("#claim-verdict").value = "different-date-or-scope"
        dialog.query_one("#claim-text").focus()
        claim_shown = len(messages.of(ViewShown, lambda m: m.location.kind == "claim"))
        await _press_to_save(pilot, messages, "Claim", *"one year apart", "enter")
        assert len(store.claims()) == 1
        await messages.wait(pilot, ViewShown, lambda m: m.location == Location("claim", "1"), after=claim_shown)
        assert "Your claim claim-1" in screen_text(app)
        assert "“9 years”" in screen_text(app) or "9 years" in screen_text(app)

        # ... shown in the curated comparison, labelled as yours
        from jjj_brief.app.comparison import ComparisonView

        await _open_and_wait(
            pilot, messages, Location("fact", "strategy-age"), ComparisonShown, lambda m: m.fact_id == "strategy-age"
        )
        shown = screen_text(app)
        assert "YOURS" in shown
        assert "your verdict: different-date-or-scope" in shown and "claim-1" in shown

        # a watched search marks what a new import brings
        comparison = app.main.made(ComparisonView)
        # once the comparison has the keys (it takes them after its columns are laid out), as a user would
        await messages.wait(
            pilot, Focus, lambda _: app.focused is not None and comparison in app.focused.ancestors_with_self
        )
        await pilot.press("slash", *"caofeidian ore")
        await messages.wait(pilot, Input.Changed, lambda m: m.value == "caofeidian ore")
        assert app.current_query() == "caofeidian ore"
        await _press_for_dialog(pilot, messages, SaveSearchDialog, "ctrl+s")
        await _press_to_save(pilot, messages, "Saved search", "enter")
        (saved,) = store.saved_searches()
        assert saved.watch and saved.query == "caofeidian ore"
        memo = tmp_path / "ore.txt"
        memo.write_text("Caofeidian ore shipments\n\nCaofeidian handled more iron ore this year.\n")
        imports.add_files([str(memo)])
        ensure_index(library=default_library())
        app.check_watches()
        await messages.wait(pilot, WatchesCounted, lambda m: m.counts.get(saved.id) == 2)
        assert "caofeidian ore (2 new)" in _tree_labels(app)
        seen = len(messages.of(WorkSaved, lambda m: m.what == "Seen marks"))
        app.open_location(Location("saved", str(saved.id)))
        await messages.wait(pilot, WorkSaved, lambda m: m.what == "Seen marks", after=seen)  # the hits were listed
        view = app.main.made(SavedSearchView)
        assert view is not None and len(view.hits) >= 2
        assert screen_text(app).count("NEW ") >= 2
        assert store.saved_search(saved.ref).seen >= set(view.new_keys)

        # your notes in search
        results = len(messages.of(ResultsShown, lambda m: m.query == "kind:note 2014"))
        app.search_for("kind:note 2014")
        await messages.wait(pilot, ResultsShown, lambda m: m.query == "kind:note 2014", after=results)
        assert "NOTE" in screen_text(app)

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
    heard_one, heard_two = Messages(), Messages()
    async with (
        first.run_test(size=SIZE, message_hook=heard_one) as one,
        second.run_test(size=SIZE, message_hook=heard_two) as two,
    ):
        await _open_figure(first, one, heard_one, XINHUA, NINE_YEARS, "9 years")
        await _open_figure(second, two, heard_two, CHINANEWS, TEN_YEARS, "ten years")
        cli = subprocess.Popen(
            [sys.executable, "-m", "jjj_brief", "note", XINHUA, "1237", "1325", "--text", "from the CLI"],
            env=dict(os.environ),
            stderr=subprocess.PIPE,
            text=True,
        )
        await _press_to_save(one, heard_one, "Bookmark", "b")
        await _press_to_save(two, heard_two, "Bookmark", "b")
        await _press_for_dialog(one, heard_one, NoteDialog, "h")
        await _press_to_save(one, heard_one, "Note", *"from window one", "enter")
        assert cli.wait(timeout=60) == 0, cli.stderr.read()
        for app, pilot, heard in ((first, one, heard_one), (second, two, heard_two)):
            # each window sees everything, by itself: its poll of the store refreshes its views
            await heard.wait(pilot, WorkRefreshed, lambda _, app=app: "Notes (2)" in _tree_labels(app))
            assert len(app.work_store.bookmarks()) == 2
        assert {n.text for n in second.work_store.notes()} == {"from the CLI", "from window one"}


HOSTILE = "[@click=app.quit]Q[/] [$accent @click=app.bell]B[/] \x1b]52;c;aGk=\x07\x1b[2J \u202eevil"


@pilot_test
async def test_hostile_note_text_is_shown_as_text_everywhere(make_app, tmp_path):
    from jjj_brief.corpus import load_corpus
    from jjj_brief.store import ClaimMember, make_anchor, open_store

    text = load_corpus(library=default_library()).get(XINHUA).text
    other = load_corpus(library=default_library()).get(CHINANEWS).text
    with open_store(tmp_path / "data", warnings=StorageWarnings()) as store:
        store.add_note(make_anchor(XINHUA, text, 1237, 1325), HOSTILE, "pink")
        store.add_claim(
            [ClaimMember(make_anchor(XINHUA, text, 1318, 1325)), ClaimMember(make_anchor(CHINANEWS, other, 424, 433))],
            "conflict",
            HOSTILE,
        )
        store.save_search(HOSTILE[:40], "xiongan", watch=True)
    app = make_app(build_index=False)
    messages = Messages()
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        for location, shown_by, where in (
            (Location("work"), ViewShown, lambda m: m.location == Location("work")),
            (Location("article", XINHUA, offset=1237), ArticleOpened, lambda m: m.article.id == XINHUA),
            (Location("claim", "1"), ViewShown, lambda m: m.location == Location("claim", "1")),
            (Location("fact", "strategy-age"), ComparisonShown, lambda m: m.fact_id == "strategy-age"),
        ):
            await _open_and_wait(pilot, messages, location, shown_by, where)
            shown = screen_text(app)
            assert "[@click=app.quit]Q[/]" in shown, location
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
    messages = Messages()
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        await messages.wait(pilot, DataLoaded, lambda m: m.what == "corpus")
        assert app.core.article(report) is not None
        store, text = app.work_store, app.core.article(report).text
        for words, note in (("45 million tonnes", "kept"), ("60 million", "moves"), ("cut entirely", "orphan")):
            store.add_note(make_anchor(report, text, text.index(words), text.index(words) + len(words)), note)
        location = Location("article", report, offset=text.index("60 million"))
        await _open_and_wait(pilot, messages, location, ArticleOpened, lambda m: m.article.id == report)
        assert len(app.reader.note_spans) == 3

        memo = tmp_path / "ore.txt"
        memo.write_text("Caofeidian ore shipments\n\nCaofeidian handled more iron ore this year.\n")
        memo_id = _cli_json("import", str(memo))["results"][0]["id"]
        edited = REPORT.replace("Hebei report\n", "Hebei report (revised)\n\nA new lead paragraph.\n")
        source.write_text(edited.replace("A paragraph that will be cut entirely.\n", ""))
        _cli_json("import", "--remove", report, str(source))

        def both_read(_message) -> bool:  # the two imports may come as one reading of the corpus, or two
            now = app.core.article(report)
            return app.core.article(memo_id) is not None and now is not None and "A new lead paragraph" in now.text

        await messages.wait(pilot, ImportsChanged, both_read)
        assert _tree_has(app, "Caofeidian ore shipments")
        now = app.core.article(report).text
        assert "A new lead paragraph" in now
        await messages.wait(pilot, ArticleOpened, lambda m: m.article.id == report and m.article.text == now)
        assert app.reader.article is not None and app.reader.article.text == now
        notes = {n.text: n for n in store.notes()}
        for kept in ("kept", "moves"):
            anchor = notes[kept].anchor
            assert anchor.status == "moved" and now[anchor.start : anchor.end] == anchor.exact
        assert notes["orphan"].anchor.orphaned
        moved = sorted((n.anchor.start, n.anchor.end) for n in notes.values() if not n.anchor.orphaned)
        assert sorted(s[:2] for s in app.reader.note_spans) == moved

        await _open_and_wait(pilot, messages, Location("work", "notes"))
        assert "ORPHANED" in screen_text(app)
        assert "“cut entirely”" in screen_text(app), "the orphan is shown with its text"

        saved_id = int(saved["id"].removeprefix("saved-"))
        await messages.wait(pilot, WatchesCounted, lambda m: m.counts.get(saved_id) == 2)
        await _open_and_wait(
            pilot, messages, Location("saved", str(saved_id)), SavedSearchSeen, lambda m: m.saved_id == saved_id
        )
        view = app.main.made(SavedSearchView)
        assert view is not None and len(view.new_keys) == 2 and len(view.hits) >= 2
        index = next(i for i, hit in enumerate(view.hits) if hit.article == memo_id)
        options = view.query_one("#saved-results")
        options.focus()
        options.highlighted = index
        opened = len(messages.of(ArticleOpened, lambda m: m.article.id == memo_id))
        await pilot.press("enter")
        await messages.wait(pilot, ArticleOpened, lambda m: m.article.id == memo_id, after=opened)
        assert app.reader.article is not None and app.reader.article.id == memo_id

        # a removal alone (no re-import, so no CLI re-anchoring): the running app orphans its anchors
        memo_text = app.core.article(memo_id).text
        store.add_note(make_anchor(memo_id, memo_text, 0, 10), "on the memo")
        _cli_json("import", "--remove", memo_id)
        await messages.wait(pilot, ImportsChanged, lambda _: app.core.article(memo_id) is None)
        assert {n.text: n for n in store.notes()}["on the memo"].anchor.orphaned
        await _open_and_wait(pilot, messages, Location("work", "notes"))
        assert screen_text(app).count("ORPHANED") == 2


@pilot_test
async def test_your_work_view_edits_a_note_and_removes_items_by_keys(make_app, tmp_path):
    """In "Your work": n edits the note under the cursor (a stale edit is refused, never an
    overwrite); d asks first, n keeps, y removes — for notes, claims, bookmarks, saved searches."""
    from jjj_brief.app.work import WorkView
    from jjj_brief.app.work_dialogs import ConfirmDialog
    from jjj_brief.corpus import load_corpus
    from jjj_brief.store import ClaimMember, bookmark_anchor, open_store

    text, other = (
        load_corpus(library=default_library()).get(XINHUA).text,
        load_corpus(library=default_library()).get(CHINANEWS).text,
    )
    with open_store(tmp_path / "data", warnings=StorageWarnings()) as setup:
        setup.add_note(make_anchor(XINHUA, text, 1237, 1325), "first words", "blue")
        setup.add_claim(
            [ClaimMember(make_anchor(XINHUA, text, 1318, 1325)), ClaimMember(make_anchor(CHINANEWS, other, 424, 433))],
            "conflict",
            "a claim to drop",
        )
        setup.add_bookmark(bookmark_anchor(XINHUA, text, 1237), "a place")
        setup.save_search("ports", "tianjin port")
    app = make_app(build_index=False)
    messages = Messages()
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        store = app.work_store
        await _open_and_wait(pilot, messages, Location("work"))
        assert "first words" in screen_text(app)
        view = app.query_one(WorkView)

        def cursor_on(kind) -> None:
            options = view.query_one("#work-list")
            options.focus()
            options.highlighted = next(i for i, e in enumerate(view.entries) if type(e.item).__name__ == kind)

        cursor_on("Note")
        dialog = await _press_for_dialog(pilot, messages, NoteDialog, "n")
        assert dialog.query_one("#note-text").value == "first words"
        await _press_to_save(pilot, messages, "Note", "ctrl+u", *"better words", "enter")
        (note,) = store.notes()
        assert (note.text, note.color, note.revision) == ("better words", "blue", 2)
        assert "better words" in screen_text(app)

        cursor_on("Note")  # edited elsewhere while the dialog is open: refused, theirs kept
        await _press_for_dialog(pilot, messages, NoteDialog, "n")
        with open_store(tmp_path / "data", warnings=StorageWarnings()) as elsewhere:
            elsewhere.update_note(note.id, "their words")
        await _press_to_close(pilot, messages, NoteDialog, "ctrl+u", *"mine", "enter")
        assert store.note(note.id).text == "their words"

        for kind, listed in (("Note", store.notes), ("Claim", store.claims), ("Bookmark", store.bookmarks)):
            cursor_on(kind)
            await _press_for_dialog(pilot, messages, ConfirmDialog, "d")
            await _press_to_close(pilot, messages, ConfirmDialog, "n")  # kept
            assert len(listed()) == 1
            await _press_for_dialog(pilot, messages, ConfirmDialog, "d")
            await _press_to_save(pilot, messages, "Removing", "y")
            assert listed() == []
        cursor_on("SavedSearch")
        await _press_for_dialog(pilot, messages, ConfirmDialog, "delete")
        await _press_to_save(pilot, messages, "Removing", "y")
        assert store.saved_searches() == []
        shown = screen_text(app)
        assert "Notes and highlights (0)" in shown
        assert "Your claims (0)" in shown and "Bookmarks (0)" in shown and "Saved searches (0)" in shown


@pilot_test
async def test_bookmarks_saved_searches_and_claims_are_in_the_palette(make_app, tmp_path):
    """ctrl+p finds your bookmark (opens the article at the place), saved search (reruns it)
    and claim (its comparison) by their words, as labelled."""
    from textual.command import CommandPalette

    from jjj_brief.corpus import load_corpus
    from jjj_brief.store import ClaimMember, bookmark_anchor, open_store

    text, other = (
        load_corpus(library=default_library()).get(XINHUA).text,
        load_corpus(library=default_library()).get(CHINANEWS).text,
    )
    with open_store(tmp_path / "data", warnings=StorageWarnings()) as setup:
        setup.add_bookmark(bookmark_anchor(XINHUA, text, 1237), "a place")
        setup.save_search("harbour watch", "tianjin port", watch=True)
        setup.add_claim(
            [ClaimMember(make_anchor(XINHUA, text, 1318, 1325)), ClaimMember(make_anchor(CHINANEWS, other, 424, 433))],
            "rounding",
        )
    app = make_app(build_index=False)
    messages = Messages()
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        await messages.wait(pilot, DataLoaded, lambda m: m.what == "corpus")
        steps = (
            ("Bookmark: The coordinated", "Bookmark: The coordinated development", ("article", XINHUA)),
            ("Saved search: harbour", "Saved search: harbour watch", ("saved", "1")),
            ("Your claim: rounding", "Your claim: rounding", ("claim", "1")),
        )
        for typed, label, opened in steps:
            await _press_for_dialog(pilot, messages, CommandPalette, "ctrl+p")
            await pilot.press(*typed)
            await settle(pilot)  # the palette's search is a worker: its hits are listed when it ends
            assert label in screen_text(app)
            shown = len(messages.of(ViewShown))
            await pilot.press("enter")
            location = await messages.wait(pilot, ViewShown, after=shown)
            assert (location.location.kind, location.location.ref) == opened
            assert (app.history.current.kind, app.history.current.ref) == opened
            if opened[0] == "article":
                assert app.history.current.offset == 1237, "the article opens at the bookmarked place"
        assert "your verdict" in screen_text(app).lower()


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
    messages = Messages()
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        await _open_figure(app, pilot, messages, XINHUA, NINE_YEARS, "9 years")
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
        dialog = await _press_for_dialog(pilot, messages, NoteDialog, "h")
        assert dialog.quote == "a heavy report card"
        await _press_to_save(pilot, messages, "Note", *"a selection", "enter")
        (note,) = app.work_store.notes()
        assert (note.anchor.start, note.anchor.end, note.text) == (start, end, "a selection")


@pilot_test
async def test_notes_selected_with_space_are_what_the_brief_exports(make_app, tmp_path):
    """In "Your work", space selects notes (✓); e then writes a brief of just those; with none
    selected it writes all your notes."""
    from jjj_brief.app.work import WorkView
    from jjj_brief.corpus import load_corpus
    from jjj_brief.store import open_store

    text, other = (
        load_corpus(library=default_library()).get(XINHUA).text,
        load_corpus(library=default_library()).get(CHINANEWS).text,
    )
    with open_store(tmp_path / "data", warnings=StorageWarnings()) as setup:
        setup.add_note(make_anchor(XINHUA, text, 1237, 1325), "chosen one")
        setup.add_note(make_anchor(CHINANEWS, other, 424, 433), "left out")
    app = make_app(build_index=False)
    messages = Messages()
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        await _open_and_wait(pilot, messages, Location("work"))
        assert "left out" in screen_text(app)
        view = app.query_one(WorkView)
        options = view.query_one("#work-list")
        options.focus()
        options.highlighted = next(i for i, e in enumerate(view.entries) if getattr(e.item, "text", "") == "chosen one")
        await _press_for_notice(pilot, messages, "1 note(s) selected", "space")
        assert "1 note(s) selected" in screen_text(app)
        assert "✓ " in screen_text(app)
        exports = tmp_path / "data" / "exports"
        told = await _press_for_notice(pilot, messages, "Exported (md)", "e")
        assert told.endswith("note-1.md")
        brief = (exports / "note-1.md").read_text()
        assert "chosen one" in brief and "left out" not in brief
        written = app.export_as("docx")
        assert written is not None and written.name == "note-1.docx"
        await _press_for_notice(pilot, messages, "No note selected", "space")  # the brief is all your notes again
        assert "selected (space)" not in screen_text(app)
        told = await _press_for_notice(pilot, messages, "Exported (md)", "e")
        assert told.endswith("notes.md")
        assert {"chosen one", "left out"} <= set(re.findall(r"chosen one|left out", (exports / "notes.md").read_text()))


@pilot_test
async def test_an_imports_change_arriving_as_the_app_quits_is_dropped(make_app):
    """The reload worker posts ImportsChanged; when it lands after quitting began, the topic
    tree is already gone: the change is dropped, not raised (it crashed the exit with NoMatches
    'TopicTree' once in CI)."""
    from jjj_brief.app.messages import ImportsChanged
    from jjj_brief.live_imports import CorpusChange

    app = make_app(build_index=False)
    async with app.run_test(size=SIZE):
        pass
    app.on_imports_changed(ImportsChanged(CorpusChange(added=("x",)), None))  # no NoMatches
