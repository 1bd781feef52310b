"""The installed ``jjj-brief`` in a real terminal (tmux): search, read, compare, quit cleanly.

Drives the venv's console script inside a tmux server of our own (its own socket), at a
fixed size, with JJJ_BRIEF_HOME pointing at a temp dir (so the first run builds the index
there). Checks what the screen shows at each step, then that ``q`` exits with status 0,
leaves the alternate screen and gives the shell back.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SCRIPT = Path(sys.executable).with_name("jjj-brief")
WIDTH, HEIGHT = 140, 45


class Tmux:
    def __init__(self, home: Path) -> None:
        self.socket = f"jjj-test-{uuid.uuid4().hex[:8]}"
        self.home = home

    def run(self, *args: str) -> str:
        result = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=20)
        if result.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {result.stderr.strip()}")
        return result.stdout

    def start(self) -> None:
        env = {"JJJ_BRIEF_HOME": str(self.home), "TERM": "xterm-256color"}
        flags = [item for key, value in env.items() for item in ("-e", f"{key}={value}")]
        self.run(
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "app",
            "-x",
            str(WIDTH),
            "-y",
            str(HEIGHT),
            *flags,
            "bash --norc --noprofile",
        )
        # Split so that the typed command itself does not show the prompt we wait for.
        self.type("PS1='REA''DY$ '")
        self.keys("Enter")
        self.wait_for("READY$")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "app", *keys)

    def type(self, text: str) -> None:
        self.run("send-keys", "-t", "app", "-l", text)

    def screen(self) -> str:
        return self.run("capture-pane", "-t", "app", "-p")

    def alternate_screen_on(self) -> bool:
        return self.run("display-message", "-t", "app", "-p", "#{alternate_on}").strip() == "1"

    def wait_for(self, *needles: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if all(needle in screen for needle in needles):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"screen never showed {needles!r}; it shows:\n{screen}")

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=20)


@pytest.fixture
def tmux(tmp_path):
    if shutil.which("tmux") is None:
        pytest.fail("tmux is not installed (CI installs it; apt-get install tmux)")
    assert SCRIPT.exists(), f"the console script is not installed at {SCRIPT}"
    session = Tmux(tmp_path / "home")
    session.start()
    yield session
    session.kill()


def test_search_read_compare_and_quit_in_a_real_terminal(tmux):
    tmux.type(f"{SCRIPT}; echo EXIT=$?")
    tmux.keys("Enter")
    tmux.wait_for("Articles", "Timeline", "Search")
    assert tmux.alternate_screen_on()

    tmux.type("/")
    time.sleep(0.3)  # a human's pause: keys sent in one burst arrive before the focus moves
    tmux.type("kind:passage Xiongan")
    screen = tmux.wait_for("results", "PASSAGE")
    assert "Xiong" in screen and "GLOSSARY" not in screen
    tmux.keys("Enter")
    screen = tmux.wait_for("Machine translation", " suspect)")  # the status line: the article is laid out
    assert "Article" in screen.splitlines()[0]

    tmux.type("]")
    screen = tmux.wait_for("Figure ", "kind", "qualifier")
    tmux.type("c")
    # The figure panel already shows "value": wait for the header to change instead
    # (the first comparison loads the briefings and builds the figure index).
    deadline = time.monotonic() + 30
    head = ""
    while time.monotonic() < deadline:
        head = tmux.screen().splitlines()[0]
        if "Comparison" in head or "Alignment" in head:
            break
        time.sleep(0.1)
    assert "Comparison" in head or "Alignment" in head, head
    screen = tmux.wait_for("value", "as of")
    assert "Verdict" in screen or "Automatic alignment" in screen

    tmux.type("q")
    screen = tmux.wait_for("EXIT=0", "READY$")
    assert not tmux.alternate_screen_on()
    assert "Traceback" not in screen


HOSTILE_DOC = (
    '---\ntitle: "Hostile [@click=app.quit]Q[/] title"\noutlet: "[link=https://evil.example]Evil[/link]"\n'
    "date: '2024'\n---\n"
    "Zyxquorble \x1b]2;PWNED-TITLE\x07 [@click=app.quit]QUIT[/] [$accent @click=app.bell]B[/] \x1b[31mred\x1b[0m"
    " \x07 bell \r carriage \x1b[2J clear\n\nSecond paragraph [/] with 386 micrograms.\n"
)


def test_hostile_import_in_a_real_terminal_runs_nothing_and_leaves_the_terminal_alone(tmux, tmp_path):
    """An imported document full of markup and escapes, searched and opened for real."""
    doc = tmp_path / "hostile.txt"
    doc.write_bytes(HOSTILE_DOC.encode("utf-8"))
    env = {**os.environ, "JJJ_BRIEF_HOME": str(tmux.home)}
    result = subprocess.run([str(SCRIPT), "import", str(doc)], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    title_before = tmux.run("display-message", "-t", "app", "-p", "#{pane_title}")

    tmux.type(f"{SCRIPT}; echo EXIT=$?")
    tmux.keys("Enter")
    tmux.wait_for("Articles", "Timeline", "Search")
    time.sleep(0.5)
    tmux.type("/")
    time.sleep(0.3)
    tmux.type("Zyxquorble")
    screen = tmux.wait_for("1 result", "[@click=app.quit]QUIT[/]")
    tmux.keys("Enter")
    # "(year only)" is the reader's own line (the results show the title and the text too)
    screen = tmux.wait_for("(year only)", "Hostile [@click=app.quit]Q[/] title", "[$accent @click=app.bell]B[/]")
    assert "PWNED" not in screen
    assert tmux.run("display-message", "-t", "app", "-p", "#{pane_title}") == title_before
    assert "Articles" in screen  # "\x1b[2J" did not clear the screen: the tree is still there

    tmux.type("q")
    tmux.wait_for("EXIT=0", "READY$")
    assert not tmux.alternate_screen_on()
    assert tmux.run("display-message", "-t", "app", "-p", "#{pane_title}") == title_before
