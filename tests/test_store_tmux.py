"""The analyst's whole loop in a real terminal (tmux), keys only: bookmark, highlight with a
note, mark figures in two articles and make a claim, see it as yours in the comparison,
save a watched search that a CLI import makes "new", export a brief in every format, quit."""

from __future__ import annotations

import json
import os
import subprocess
import time
from html.parser import HTMLParser

import pytest

from test_terminal_tmux import SCRIPT, Tmux, tmux  # noqa: F401 - the fixture

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


def _palette(tmux: Tmux, command: str, wait: str, hit: str | None = None) -> str:
    """ctrl+p, type, wait until the wanted entry is listed (results arrive as they are found), enter."""
    for attempt in range(3):  # a key sent while the screen is still changing can be lost: ask again
        time.sleep(0.5)
        tmux.keys("C-p")
        try:
            tmux.wait_for("Search for commands", timeout=5)
            break
        except AssertionError:
            if attempt == 2:
                raise
    tmux.type(command)
    tmux.wait_for(hit or command)
    time.sleep(0.5)
    tmux.keys("Enter")
    return tmux.wait_for(wait)


def _focus_figure(tmux: Tmux, name: str) -> str:
    """] until the figure panel shows ``name`` (the keys of a user looking for it)."""

    def shown(screen: str) -> bool:
        return any(line.rstrip(" ▁▂▃▄▅▆▇█").endswith(f"Figure {name}") for line in screen.splitlines())

    for _ in range(40):
        tmux.type("]")
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            screen = tmux.screen()
            if shown(screen):
                return screen
            time.sleep(0.1)
    raise AssertionError(f"no figure {name!r} by ]")


def _type_into_dialog(tmux: Tmux, text: str) -> None:
    """Tab from the verdict to the note box, type; a key lost on a loaded machine is sent again."""
    tmux.wait_for("consistent", "Save claim")  # the dialog is laid out, the verdict has the focus
    time.sleep(1.0)
    for _ in range(3):
        tmux.keys("Tab")
        time.sleep(1.0)
        tmux.type(text)
        try:
            tmux.wait_for(text, timeout=8)
            return
        except AssertionError:
            tmux.keys("BTab")  # back towards the verdict (shift+tab), try again
            time.sleep(0.5)
    raise AssertionError(f"the claim dialog never showed {text!r}; it shows:\n{tmux.screen()}")


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
    tmux.wait_for("Highlight with a note")
    time.sleep(0.3)
    tmux.type("my own [b]reading[/b]")
    tmux.wait_for("my own [b]reading[/b]")
    tmux.keys("Enter")
    # shown as typed, never as markup (waited for: a notification can cover the panel a moment)
    tmux.wait_for("Your notes here (1)", "my own [b]reading[/b]")
    time.sleep(0.5)  # the toasts of b and h may still cover the panel; "Bookmarked" is not "Marked (1)"
    tmux.type("m")
    tmux.wait_for("Marked (1)")

    _palette(tmux, "SCIO press conference", "Machine translation", "Article: SCIO press")
    tmux.wait_for(" suspect)")
    _focus_figure(tmux, "ten years")
    tmux.type("m")
    tmux.wait_for("Marked (2)")  # the toast wraps where its width says: not the hint
    tmux.type("M")
    tmux.wait_for("Your claim: these figures")
    time.sleep(0.3)
    _type_into_dialog(tmux, "checked by hand")
    tmux.keys("Enter")
    tmux.wait_for("Your claim claim-1", "YOURS", "checked by hand")
    # back to the figure, c: its comparison lists your claim beside the others, labelled yours
    time.sleep(0.5)
    tmux.keys("M-Left")
    tmux.wait_for("Figure ten years")
    time.sleep(0.5)
    tmux.type("c")
    tmux.wait_for("YOURS", "your verdict: consistent", "checked by hand")

    tmux.wait_for("Open article")  # the comparison took the focus (once laid out): now move it
    time.sleep(0.5)
    tmux.type("/")
    time.sleep(0.5)
    tmux.type("caofeidian ore")
    tmux.wait_for("caofeidian ore", "results")
    tmux.keys("C-s")
    tmux.wait_for("Save this search")
    time.sleep(0.3)
    tmux.keys("Enter")
    tmux.wait_for("Saved search")
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
            time.sleep(0.1)
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
    listed = subprocess.run([str(SCRIPT), "claims", "--json"], capture_output=True, text=True, env=env, timeout=60)
    (claim,) = json.loads(listed.stdout)
    assert claim["verdict"] == "consistent" and claim["text"] == "checked by hand"
