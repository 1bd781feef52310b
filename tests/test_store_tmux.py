"""The analyst's whole loop in a real terminal (tmux), keys only: bookmark, highlight with a
note, mark figures in two articles and make a claim, see it as yours in the comparison,
save a watched search that a CLI import makes "new", export a brief in every format, quit."""

from __future__ import annotations

import json
import os
import subprocess
import time

import pytest

from test_terminal_tmux import SCRIPT, Tmux, tmux  # noqa: F401 - the fixture

pytestmark = pytest.mark.slow


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


def _focus_figure(tmux: Tmux, times: int) -> str:
    for _ in range(times):
        tmux.type("]")
        time.sleep(0.2)
    return tmux.wait_for("Figure ", "kind")


def test_bookmark_note_claim_watch_and_export_in_a_real_terminal(tmux, tmp_path):
    tmux.type(f"{SCRIPT}; echo EXIT=$?")
    tmux.keys("Enter")
    tmux.wait_for("Articles", "Bookmarks", "Your work")

    _palette(tmux, "A grand plan for the land", "Machine translation", "Article: A grand plan")
    tmux.wait_for(" suspect)")
    _focus_figure(tmux, 3)
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
    tmux.type("m")
    tmux.wait_for("Marked")

    _palette(tmux, "SCIO press conference", "Machine translation", "Article: SCIO press")
    tmux.wait_for(" suspect)")
    _focus_figure(tmux, 2)
    tmux.type("m")
    tmux.wait_for("M makes the claim")
    tmux.type("M")
    tmux.wait_for("Your claim: these figures")
    time.sleep(0.3)
    tmux.keys("Tab")
    time.sleep(0.5)
    tmux.type("checked by hand")
    tmux.wait_for("checked by hand")  # typed into the dialog's note box
    tmux.keys("Enter")
    tmux.wait_for("Your claim claim-1", "YOURS", "checked by hand")

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

    tmux.type("q")
    screen = tmux.wait_for("EXIT=0", "READY$")
    assert "Traceback" not in screen
    listed = subprocess.run([str(SCRIPT), "claims", "--json"], capture_output=True, text=True, env=env, timeout=60)
    (claim,) = json.loads(listed.stdout)
    assert claim["verdict"] == "consistent" and claim["text"] == "checked by hand"
