"""Issue 13 in a real terminal (tmux): 80x24 reading from search, the footer following the
visible view, and a live import that appears, opens and goes away without a restart.

Uses the harness of ``test_terminal_tmux`` (its own tmux socket, a private
``JJJ_BRIEF_HOME``); each test waits for what the screen shows, never a fixed time, except a
human's pause after ``/`` (keys in one burst can arrive before the focus moves).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time

import pytest

from jjj_brief.commands.libraries import default_library
from test_terminal_tmux import SCRIPT, Tmux

pytestmark = pytest.mark.slow

BOX = re.compile(r"[│▕▏┃▎▊▍▌▐▔▁━─╭╮╰╯┌┐└┘├┤▄▆▇▅▃▂█]+")


class Terminal(Tmux):
    """The harness at a chosen size, with extra environment (``NO_COLOR``)."""

    def start_at(self, width: int, height: int, **env: str) -> None:
        values = {"JJJ_BRIEF_HOME": str(self.home), "TERM": "xterm-256color", **env}
        flags = [item for key, value in values.items() for item in ("-e", f"{key}={value}")]
        self.run(
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "app",
            "-x",
            str(width),
            "-y",
            str(height),
            *flags,
            "bash --norc --noprofile",
        )
        self.type("PS1='REA''DY$ '")
        self.keys("Enter")
        self.wait_for("READY$")

    def launch(self) -> str:
        self.type(f"{SCRIPT}; echo EXIT=$?")
        self.keys("Enter")
        # Ready: the corpus is read (Home counts it) and the search index is built.
        return self.wait_until(lambda s: "5 articles" in s and "Preparing" not in s and "Search" in s, "the app ready")

    def search(self, query: str) -> None:
        self.type("/")
        time.sleep(0.3)  # a human's pause: keys sent in one burst arrive before the focus moves
        self.type(query)

    def footer(self) -> str:
        return self.screen().rstrip("\n").splitlines()[-1]

    def wait_until(self, check, what: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if check(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"screen never showed {what}; it shows:\n{screen}")

    def quit(self) -> None:
        self.keys("C-q")
        screen = self.wait_for("EXIT=0", "READY$")
        assert "Traceback" not in screen


def body_on_screen(screen: str, text: str, least: int = 30) -> list[str]:
    """Pieces of ``text`` (whitespace-normalized) the screen shows, each ``least`` chars or more."""
    flat = " ".join(text.split())
    found = []
    for line in screen.splitlines():
        for piece in BOX.split(line):
            piece = " ".join(piece.split())
            if len(piece) >= least and piece in flat:
                found.append(piece)
    return found


@pytest.fixture
def terminal(tmp_path):
    if shutil.which("tmux") is None:
        pytest.fail("tmux is not installed (CI installs it; apt-get install tmux)")
    assert SCRIPT.exists(), f"the console script is not installed at {SCRIPT}"
    session = Terminal(tmp_path / "home")
    yield session
    session.kill()


def cli(home, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JJJ_BRIEF_HOME": str(home)}
    result = subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    return result


READER_KEYS = ("Next figure", "Next match", "Compare")


def test_at_80x24_an_article_opened_from_search_shows_its_text_and_the_footer_follows(terminal):
    from jjj_brief.corpus import load_corpus

    text = load_corpus(library=default_library()).get("chinanews-2024-02-27").text
    terminal.start_at(80, 24)
    terminal.launch()
    terminal.search('article:chinanews-2024-02-27 "container throughput"')
    terminal.wait_for("1 result")
    terminal.keys("Enter")
    screen = terminal.wait_until(
        lambda s: (
            "Article" in s.splitlines()[0]
            and len(body_on_screen(s, text)) >= 3
            and "container" in " ".join(body_on_screen(s, text, 10))
        ),
        "the article's body at the passage found",
    )
    assert "Article" in screen.splitlines()[0]
    footer = terminal.wait_until(lambda s: "Next figure" in s.splitlines()[-1], "the reader's keys in the footer")
    footer = footer.splitlines()[-1]
    assert "?" in footer and "Quit" in footer, footer  # kept at 80 columns

    terminal.keys("M-Left")  # back: Home
    terminal.wait_until(lambda s: "Home" in s.splitlines()[0], "Home in the header")
    footer = terminal.wait_until(lambda s: not any(k in s.splitlines()[-1] for k in READER_KEYS), "Home's footer")
    assert not any(key in footer.splitlines()[-1] for key in READER_KEYS), footer.splitlines()[-1]

    terminal.keys("M-Right")  # forward: the article again, with its keys
    screen = terminal.wait_until(
        lambda s: "Article" in s.splitlines()[0] and "Next figure" in s.splitlines()[-1], "the article and its keys"
    )
    assert len(body_on_screen(screen, text)) >= 3
    terminal.quit()


MEMO = (
    "---\ntitle: Quillfeather port memo\noutlet: Our desk\ndate: 2024-05-01\n---\n"
    "The Quillfeather terminal in Tianjin handled forty ships in April, the desk's survey says.\n\n"
    "A second paragraph, so that the memo has a body to read in the reader view.\n"
)


def test_a_live_import_appears_opens_and_goes_away(terminal, tmp_path):
    terminal.start_at(160, 48)
    terminal.launch()
    terminal.wait_for("5 articles")  # Home, with the corpus read

    memo = tmp_path / "memo.md"
    memo.write_text(MEMO, encoding="utf-8")
    imported = cli(terminal.home, "import", str(memo), "--json").stdout
    article_id = re.search(r'"id": "([a-z0-9-]+)"', imported).group(1)

    terminal.wait_for("Quillfeather port memo", timeout=20)  # the tree lists it, no restart
    terminal.search("Quillfeather")
    terminal.wait_for("1 result")
    terminal.keys("Enter")
    screen = terminal.wait_until(
        lambda s: "Quillfeather port memo" in s.splitlines()[0] or "not found" in s, "the memo opened"
    )
    assert "not found" not in screen
    assert len(body_on_screen(screen, MEMO, 40)) >= 1, screen

    cli(terminal.home, "import", "--remove", article_id)
    # The reader leaves it, the tree drops it and the results are searched again: none.
    terminal.wait_until(
        lambda s: "handled forty ships" not in s and "Quillfeather port memo" not in s and "0 results" in s,
        "the memo gone from the reader, the tree and the results",
        timeout=20,
    )
    terminal.quit()
