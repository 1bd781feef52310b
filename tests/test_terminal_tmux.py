"""The installed ``jjj-brief`` in a real terminal (tmux): search, read, compare, quit cleanly.

Drives the venv's console script inside a tmux server of our own (its own socket), at a
fixed size, with JJJ_BRIEF_HOME pointing at this test's home (tests/conftest.py:
``isolated_home``). Checks what the screen shows at each step, then that ``q`` exits with
status 0, leaves the alternate screen and gives the shell back.

The homes start with the shipped corpus's search index already built (the conftest copies
it), and the ``tmux`` fixture checks at the end that the app used it and did not build
another. Only the first test here (``fresh_index``) starts from an empty home: the first
run, which builds the index, stays covered in a real terminal.

The tests wait for what the screen shows, never a fixed time: a key that must reach a widget
that has just been given the focus waits until the screen says it has it (:meth:`Tmux.open_search`,
:meth:`Tmux.wait_for_cursor`).
"""

from __future__ import annotations

import os
import re
import select
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from rich.cells import get_character_cell_size

pytestmark = pytest.mark.slow

SCRIPT = Path(sys.executable).with_name("jjj-brief")
WIDTH, HEIGHT = 140, 45
#: Seconds between two looks at the screen while waiting: 0.1 s made each wait up to 0.1 s
#: late, and a test waits a few dozen times. Each look is a tmux client process: the three
#: tmux modules, -n 0, in turns, idle (load ~1): 39.2 / 41.8 s wall and 9.0 / 9.3 s CPU at
#: 0.03, 39.2 / 38.3 s and 7.5 / 7.0 s at 0.05; under load ~9, 68 / 69 s at 0.03, 57 / 61 s at 0.05.
POLL = 0.05


class Tmux:
    def __init__(self, home: Path) -> None:
        self.socket = f"jjj-test-{uuid.uuid4().hex[:8]}"
        self.home = home
        self.start_generation = self.index_generation()  # None: an empty home (the first run)
        self.control: subprocess.Popen[bytes] | None = None
        self.pending = b""

    def run(self, *args: str) -> str:
        result = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=20)
        if result.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {result.stderr.strip()}")
        return result.stdout

    def look(self, *args: str) -> str:
        """What ``run(*args)`` prints, for the read-only commands a wait repeats (capture-pane,
        display-message), asked through one control-mode client (``tmux -C``) kept open, instead
        of a new tmux client process each time (~3 ms of CPU a look, and a wait looks every
        :data:`POLL`). The client sits in a session of its own ("look", running ``cat``): it
        never attaches to the app's session, so the app's window keeps its size. The answer is
        the lines between ``%begin T N 1`` and the ``%end T N 1`` of the same T N (a line of the
        screen that reads ``%end`` cannot end it early)."""
        if self.control is None:
            self.control = subprocess.Popen(
                ["tmux", "-L", self.socket, "-C", "new-session", "-s", "look", "-x", "20", "-y", "5", "exec cat"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        assert self.control.stdin is not None and self.control.stdout is not None
        self.control.stdin.write(shlex.join(args).encode() + b"\n")
        self.control.stdin.flush()
        deadline = time.monotonic() + 20
        closing, answer = None, []
        while True:
            while b"\n" not in self.pending:
                left = deadline - time.monotonic()
                ready, _, _ = select.select([self.control.stdout], [], [], max(0.0, left))
                chunk = os.read(self.control.stdout.fileno(), 65536) if ready else b""
                if not chunk:
                    raise RuntimeError(f"tmux {' '.join(args)}: no answer from the control client")
                self.pending += chunk
            line, self.pending = self.pending.split(b"\n", 1)
            if closing is None:
                if line.startswith(b"%begin ") and line.endswith(b" 1"):  # flags 1: a command of ours
                    closing = line[len(b"%begin ") :]
                    answer = []
                continue  # notifications (%session-changed ...), the answer to new-session (flags 0)
            if line in (b"%end " + closing, b"%error " + closing):
                text = b"".join(part + b"\n" for part in answer).decode()
                if line.startswith(b"%error"):
                    raise RuntimeError(f"tmux {' '.join(args)}: {text.strip()}")
                return text
            answer.append(line)

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
        return self.look("capture-pane", "-t", "app", "-p")

    def alternate_screen_on(self) -> bool:
        return self.look("display-message", "-t", "app", "-p", "#{alternate_on}").strip() == "1"

    def cursor(self) -> tuple[int, int]:
        """The terminal's cursor (column, row). Textual keeps it hidden but puts it on the focused
        text box's cursor (for input methods); it stays there when the focus goes elsewhere."""
        column, row = self.look("display-message", "-t", "app", "-p", "#{cursor_x} #{cursor_y}").split()
        return int(column), int(row)

    def wait_for(self, *needles: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if all(needle in screen for needle in needles):
                return screen
            time.sleep(POLL)
        raise AssertionError(f"screen never showed {needles!r}; it shows:\n{screen}")

    def wait_until(self, check, what: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if check(screen):
                return screen
            time.sleep(POLL)
        raise AssertionError(f"screen never showed {what}; it shows:\n{screen}")

    def wait_for_cursor(self, before: str = "", after: str = "", timeout: float = 30.0) -> None:
        """Until a text box whose cursor is at the end of its text, with ``before`` then ``after``
        around it, has had the focus (Textual's Input sets the terminal's cursor when it gets the
        focus: see :meth:`cursor`). ``after`` may be the start of a placeholder. Typed keys reach
        that box from then on, unless the focus moved again (the caller waits for the screen
        that follows)."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            column, row = self.cursor()
            column -= 1  # at the end of its text, Input puts the terminal's one cell right (_cursor_offset)
            screen = self.screen()
            lines = screen.splitlines()
            if row < len(lines):
                line, cells, at = lines[row], 0, 0
                while at < len(line) and cells < column:  # the cell column to an index in the line
                    cells += get_character_cell_size(line[at])
                    at += 1
                if cells == column and line[:at].endswith(before) and line[at:].startswith(after):
                    return
            time.sleep(POLL)
        raise AssertionError(f"no text box with the cursor at {before!r}|{after!r}; it shows:\n{screen}")

    def open_search(self) -> None:
        """``/``, then wait until the search box has the keys. A user's keys right after ``/``
        can arrive before the focus moves (where the search takes the screen it is shown
        first, then focused) and go to the view: the footer says when the box has them (where
        ``?`` and ``q`` are typed it offers ``F1 Help`` and ``^q Quit``: app/footer.py)."""
        self.type("/")
        self.wait_until(lambda s: "F1 Help" in s.rstrip("\n").splitlines()[-1], "the search box with the keys")

    def index_generation(self) -> str | None:
        """The search index generation the home's cache names as live (a rebuild names a new one)."""
        current = self.home / "cache" / "search" / "CURRENT"
        return current.read_text(encoding="utf-8").strip() if current.exists() else None

    def assert_index_reused(self) -> None:
        """The app used the index the home started with: the same generation is live (call it
        once the app has searched, or has quit)."""
        assert self.start_generation is not None, "the home had no search index to start from"
        assert self.index_generation() == self.start_generation, "the app built the search index again"

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=20)
        if self.control is not None:  # it exits with its server
            assert self.control.stdin is not None
            self.control.stdin.close()
            self.control.wait(timeout=20)


@pytest.fixture
def tmux(isolated_home):
    """A tmux server of the test's own, its shell at the prompt, in the test's home (with the
    search index built, unless the test is marked ``fresh_index``)."""
    if shutil.which("tmux") is None:
        pytest.fail("tmux is not installed (CI installs it; apt-get install tmux)")
    assert SCRIPT.exists(), f"the console script is not installed at {SCRIPT}"
    session = Tmux(isolated_home)
    session.start()
    yield session
    session.kill()


# The first run: the app builds the index (the only real-terminal test that does).
@pytest.mark.fresh_index
def test_search_read_compare_and_quit_in_a_real_terminal(tmux):
    tmux.type(f"{SCRIPT}; echo EXIT=$?")
    tmux.keys("Enter")
    tmux.wait_for("Articles", "Timeline", "Search")
    assert tmux.alternate_screen_on()

    tmux.open_search()
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
    tmux.wait_until(lambda s: re.search("Comparison|Alignment", s.splitlines()[0]), "the comparison's header")
    screen = tmux.wait_for("value", "as of")
    assert "Verdict" in screen or "Automatic alignment" in screen

    tmux.type("q")
    screen = tmux.wait_for("EXIT=0", "READY$")
    assert not tmux.alternate_screen_on()
    assert "Traceback" not in screen
    assert tmux.start_generation is None and tmux.index_generation() is not None, "the first run keeps its index"


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
    tmux.open_search()
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
    tmux.assert_index_reused()  # the import before the app updated it: the app had nothing to build
