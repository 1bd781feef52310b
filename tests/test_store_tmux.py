"""The analyst's whole loop in a real terminal (tmux), keys only: bookmark, highlight with a
note, mark figures in two articles and make a claim, see it as yours in the comparison,
save a watched search that a CLI import makes "new", export a brief in every format, quit.

Each key waits for the screen that says it will land where it is meant to (the wanted entry
highlighted in the palette, the focus in the text box, the view's keys in the footer), not
for a fixed pause."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from html.parser import HTMLParser

import pytest

from test_terminal_tmux import POLL, SCRIPT, Tmux, tmux  # noqa: F401 - the fixture

pytestmark = pytest.mark.slow


class _Page(HTMLParser):
    """Tags and attributes of an HTML page that would fetch or link something, and its text."""

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


def _first_offered(screen: str, command: str) -> str | None:
    """The palette's first entry once its box shows ``command`` whole (``None`` before). Textual's
    palette highlights its first entry each time it lists what it found (the best first), and
    enter runs the highlighted one."""
    lines = screen.splitlines()
    box = next((i for i, line in enumerate(lines) if "🔎" in line), None)
    if box is None or command not in lines[box]:
        return None
    return next((line.strip() for line in lines[box + 1 :] if line.strip()), None)


def _palette(tmux: Tmux, command: str, wait: str, hit: str | None = None) -> str:
    """ctrl+p, type, wait until the wanted entry is the first listed, so highlighted (results
    arrive as they are found), enter."""
    for attempt in range(3):  # a key sent while the screen is still changing can be lost: ask again
        tmux.keys("C-p")
        try:
            tmux.wait_for("Search for commands", timeout=5)
            break
        except AssertionError:
            if attempt == 2:
                raise
    tmux.type(command)
    wanted = hit or command
    tmux.wait_until(lambda s: wanted in (_first_offered(s, command) or ""), f"{wanted!r} highlighted in the palette")
    tmux.keys("Enter")
    return tmux.wait_for(wait)


FOCUSED_FIGURE = re.compile(r"figures (\d+)/\d+ ")  # the reader's status line: "figures 5/66 (1 suspect)"


def _focus_figure(tmux: Tmux, name: str) -> str:
    """] until the figure panel shows ``name`` (the keys of a user looking for it). After each ]
    the status line's figure number moves, in the frame that shows that figure in the panel
    (both follow the focused figure in one handler); a ] lost on a loaded machine is sent again."""

    def shown(screen: str) -> bool:
        return any(line.rstrip(" ▁▂▃▄▅▆▇█").endswith(f"Figure {name}") for line in screen.splitlines())

    def number(screen: str) -> str | None:
        found = FOCUSED_FIGURE.search(screen)
        return found.group(1) if found else None

    def moved_from(before: str | None):
        return lambda screen: number(screen) not in (None, before)

    screen = tmux.screen()
    for _ in range(60):
        before = number(screen)
        tmux.type("]")
        try:
            screen = tmux.wait_until(moved_from(before), "the next figure focused", timeout=5)
        except AssertionError:
            continue  # the ] was lost: again
        if shown(screen):
            return screen
    raise AssertionError(f"no figure {name!r} by ]; the screen shows:\n{screen}")


CLAIM_NOTE = "Why (optional)"  # the claim dialog's note box, empty: its placeholder


def _type_into_dialog(tmux: Tmux, text: str) -> None:
    """Tab from the verdict to the note box, type; a key lost on a loaded machine is sent again.

    The dialog gives the verdict the focus when it is mounted; a Tab sent before that could
    be undone by it, and the text typed into the verdict. So: the dialog drawn (after its
    mount), Tab, and the text only once the note box has had the focus (the terminal's cursor
    in it). Keys are handled in the order sent: after a retry's BTab, the Tab's focus is
    there before the text."""
    tmux.wait_for("consistent", "Save claim", CLAIM_NOTE)
    for _ in range(3):
        tmux.keys("Tab")
        try:
            tmux.wait_for_cursor(after=CLAIM_NOTE, timeout=8)
        except AssertionError:
            continue  # the Tab was lost: the verdict still has the focus
        tmux.type(text)
        try:
            tmux.wait_for(text, timeout=8)
            return
        except AssertionError:
            tmux.keys("BTab")  # back towards the verdict (shift+tab), try again
    raise AssertionError(f"the claim dialog never showed {text!r}; it shows:\n{tmux.screen()}")


def _footer(screen: str) -> str:
    return screen.rstrip("\n").splitlines()[-1]


def test_bookmark_note_claim_watch_and_export_in_a_real_terminal(tmux, tmp_path):
    tmux.type(f"{SCRIPT}; echo EXIT=$?")
    tmux.keys("Enter")
    tmux.wait_for("Articles", "Bookmarks", "Your work")

    _palette(tmux, "A grand plan for the land", "Machine translation", "Article: A grand plan")
    tmux.wait_for(" suspect)")
    _focus_figure(tmux, "9 years")
    tmux.type("b")
    tmux.wait_for("Bookmarked")
    tmux.type("h")
    # Drawn, so focused: the dialog focuses its note box as it is mounted, before its first
    # frame (Widget.focus queues it on the app, ahead of any key sent once the frame is seen).
    tmux.wait_for("Highlight with a note", "Your note (optional)")
    tmux.type("my own [b]reading[/b]")
    tmux.wait_for("my own [b]reading[/b]")
    tmux.keys("Enter")
    # shown as typed, never as markup (waited for: a notification can cover the panel a moment)
    tmux.wait_for("Your notes here (1)", "my own [b]reading[/b]")
    # The note box has let the keys go (an m there would be typed): the footer offers / again,
    # hidden while a text box has the focus (app.check_action). "Bookmarked" is not
    # "Marked (1)": the toasts of b and h may still cover the panel a moment.
    tmux.wait_until(lambda s: "/ Search" in _footer(s), "/ in the footer: no text box with the keys")
    tmux.type("m")
    tmux.wait_for("Marked (1)")

    _palette(tmux, "SCIO press conference", "Machine translation", "Article: SCIO press")
    tmux.wait_for(" suspect)")
    _focus_figure(tmux, "ten years")
    tmux.type("m")
    tmux.wait_for("Marked (2)")  # the toast wraps where its width says: not the hint
    tmux.type("M")
    tmux.wait_for("Your claim: these figures")
    _type_into_dialog(tmux, "checked by hand")
    tmux.keys("Enter")
    tmux.wait_for("Your claim claim-1", "YOURS", "checked by hand")
    # back to the figure, c: its comparison lists your claim beside the others, labelled yours
    tmux.keys("M-Left")
    tmux.wait_until(  # c is the reader's key: it acts once the reader has the focus back
        lambda s: "Figure ten years" in s and "c Compare" in _footer(s), "the figure, with the reader's keys"
    )
    tmux.type("c")
    tmux.wait_for("YOURS", "your verdict: consistent", "checked by hand")

    # the comparison takes the focus once laid out (its keys in the footer): then move it
    tmux.wait_until(lambda s: "Open article" in _footer(s), "the comparison's keys")
    tmux.open_search()
    tmux.type("caofeidian ore")
    tmux.wait_for("caofeidian ore", "results")
    tmux.keys("C-s")
    tmux.wait_for("Save this search", "Watch: after each import")  # drawn, so its name box focused (as h's)
    tmux.keys("Enter")
    tmux.wait_for("Saved search")
    tmux.assert_index_reused()  # searched above on the index the home started with (imports follow)
    memo = tmp_path / "ore.txt"
    memo.write_text("Caofeidian ore shipments\n\nCaofeidian handled more iron ore this year.\n")
    env = {**os.environ, "JJJ_BRIEF_HOME": str(tmux.home)}
    imported = subprocess.run(
        [str(SCRIPT), "import", "--json", str(memo)], capture_output=True, text=True, env=env, timeout=120
    )
    assert json.loads(imported.stdout)["watched"][0]["new"] == 2
    _palette(tmux, "Your work", "Your claims (1)")
    tmux.wait_for("Notes and highlights (1)", "Bookmarks (1)")
    tmux.wait_for("2 new", timeout=30)  # the running app noticed the import by itself
    exports = tmux.home / "data" / "exports"
    suffixes = {"md": "md", "html": "html", "docx": "docx", "csl-json": "json", "bibtex": "bib", "ris": "ris"}
    for fmt, suffix in suffixes.items():
        _palette(tmux, f"Export brief as {fmt}", "Exported")
        deadline = time.monotonic() + 20
        while not (exports / f"notes.{suffix}").is_file() and time.monotonic() < deadline:
            time.sleep(POLL)
    written = sorted(p.name for p in exports.iterdir())
    assert written == sorted(["notes.md", "notes.html", "notes.docx", "notes.json", "notes.bib", "notes.ris"])
    assert "my own [b]reading[/b]" in (exports / "notes.md").read_text().replace("\\", "")
    import docx

    document = docx.Document(str(exports / "notes.docx"))
    body = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "“9 years”" in body and "my own [b]reading[/b]" in body
    page = _Page()
    page.feed((exports / "notes.html").read_text())
    assert page.references == [] and "my own [b]reading[/b]" in "".join(page.text)

    tmux.type("q")
    screen = tmux.wait_for("EXIT=0", "READY$")
    assert "Traceback" not in screen
    tmux.assert_index_reused()  # the import beside the app updated the index, nothing rebuilt it
    listed = subprocess.run([str(SCRIPT), "claims", "--json"], capture_output=True, text=True, env=env, timeout=60)
    (claim,) = json.loads(listed.stdout)
    assert claim["verdict"] == "consistent" and claim["text"] == "checked by hand"
