"""Tools for the fault suite: the ledger the report reads, the CLI in a subprocess or a
real pty, and checks on what reached the terminal.

``JJJ_FAULT_SCALE`` (default 1) multiplies the loops (kills, hypothesis examples, bursts);
``bench/fault_report.py`` raises it. ``JJJ_FAULT_LEDGER`` names a JSON-lines file where
each attack appends one record: its category, how many attacks and injected faults, how
many survived, how much data was lost and the slowest query seen.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass
from pathlib import Path

SCALE = max(1, int(os.environ.get("JJJ_FAULT_SCALE", "1") or 1))
QUERY_BOUND_S = 5.0  # a search, whatever was typed, costs at most this much CPU (worst case reported)
# ... and returns within this much wall time: only a hang (a lock never released, a loop
# waiting on nothing) gets near it, however loaded the machine (2 cores, 8 test runs).
WALL_BACKSTOP_S = 120.0
TEXT_WAIT_S = 60.0  # run_in_pty: longest wait for an awaited text before typing anyway (a loaded machine)
REPO = Path(__file__).resolve().parents[2]


def record(
    category: str,
    *,
    attacks: int = 1,
    faults: int = 0,
    survived: int | None = None,
    lost: int = 0,
    worst_query_s: float = 0.0,
    note: str = "",
) -> None:
    """Append one line to the ledger (when the report script asked for one)."""
    target = os.environ.get("JJJ_FAULT_LEDGER")
    if not target:
        return
    entry = {
        "category": category,
        "attacks": attacks,
        "faults": faults,
        "survived": attacks if survived is None else survived,
        "lost": lost,
        "worst_query_s": round(worst_query_s, 4),
        "note": note,
        "test": os.environ.get("PYTEST_CURRENT_TEST", "").split(" ")[0],
    }
    with open(target, "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write(json.dumps(entry) + "\n")


class Cost:
    """``with Cost() as cost: ...`` -> ``cost.cpu`` (this thread's CPU seconds: what the code
    under test spent, whatever else the machine runs) and ``cost.wall``."""

    cpu = wall = 0.0

    def __enter__(self) -> Cost:
        self._cpu, self._wall = time.thread_time(), time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        self.cpu, self.wall = time.thread_time() - self._cpu, time.monotonic() - self._wall

    def within(self, cpu_bound: float) -> bool:
        return self.cpu < cpu_bound and self.wall < WALL_BACKSTOP_S


# ---------------------------------------------------------------- the CLI as a user runs it


def cli_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "jjj_brief", *args]


def cli_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTEST_CURRENT_TEST", None)
    env.update(extra)
    return env


def run_cli(
    *args: str,
    env: dict[str, str] | None = None,
    timeout: float = 120,
    prefix: list[str] | None = None,
    encoding: str = "utf-8",
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """``jjj-brief ARGS`` in a fresh process (stdin closed), text output."""
    return subprocess.run(
        [*(prefix or []), *cli_argv(*args)],
        capture_output=True,
        timeout=timeout,
        cwd=cwd,
        env=env or cli_env(),
        stdin=subprocess.DEVNULL,
        encoding=encoding,
        errors="replace",
    )


def assert_clean_failure(proc: subprocess.CompletedProcess[str]) -> None:
    """Exit 1 and one line saying what is wrong; never a traceback."""
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert proc.returncode in (0, 1), (proc.returncode, proc.stderr[-2000:])


# ---------------------------------------------------------------- a real terminal


@dataclass
class PtyRun:
    output: bytes
    status: int | None  # exit code, or None when we had to kill it
    seconds: float


def run_in_pty(
    argv: list[str],
    *,
    env: dict[str, str],
    cols: int = 100,
    rows: int = 30,
    keys: list[tuple[float | bytes, bytes]] = (),
    timeout: float = 60.0,
    text_wait: float = TEXT_WAIT_S,
) -> PtyRun:
    """Run ``argv`` with a real pty as its terminal; return every byte it wrote there.

    ``keys`` are typed into the terminal in order: ``(seconds, data)`` waits that long
    after the previous key, ``(b"text", data)`` waits until ``text`` has appeared in the
    output since the previous key (or ``text_wait`` seconds). The process is killed (status None) if it
    has not exited after ``timeout`` seconds.
    """
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    started = time.monotonic()
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True, close_fds=True
    )
    os.close(slave)
    chunks: list[bytes] = []
    pending = list(keys)
    since = 0  # output length when the previous key was sent
    last_key = started
    status: int | None = None
    try:
        while True:
            now = time.monotonic()
            if pending:
                when, data = pending[0]
                seen = b"".join(chunks)[since:]
                due = (
                    (now - last_key >= when)
                    if isinstance(when, (int, float))
                    else (when in seen or now - last_key > text_wait)
                )
                if due:
                    pending.pop(0)
                    os.write(master, data)
                    since, last_key = sum(map(len, chunks)), now
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    data = b""
                if data:
                    chunks.append(data)
                    continue
            if proc.poll() is not None:
                status = proc.returncode
                _drain(master, chunks)
                break
            if now - started > timeout:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                break
    finally:
        os.close(master)
    return PtyRun(b"".join(chunks), status, time.monotonic() - started)


def _drain(master: int, chunks: list[bytes]) -> None:
    while True:
        ready, _, _ = select.select([master], [], [], 0.05)
        if not ready:
            return
        try:
            data = os.read(master, 65536)
        except OSError:
            return
        if not data:
            return
        chunks.append(data)


# Bytes a hostile text would make the terminal act on. Our own programs emit SGR colours
# (and the app its screen control), never these: each one here came from a payload.
HOSTILE_MARKERS = {
    "OSC 52 clipboard write": b"\x1b]52;",
    "OSC 8 link to the payload's URL": b"\x1b]8;;http://evil",
    "OSC 0/2 set title": b"\x1b]0;pwned",
    "OSC 2 set title": b"\x1b]2;pwned",
    "clear screen from text": b"clearqx \x1b[2J",
    "8-bit CSI": "\u009b".encode(),
    "8-bit OSC": "\u009d".encode(),
    "raw 8-bit CSI byte": b"\x9b2J",
    "bidi override": "\u202e".encode(),
    "BEL from text": b"pwned\x07",
    "DCS from text": b"\x1bPpwned",
}


def hostile_bytes_in(output: bytes) -> list[str]:
    """Names of the hostile sequences that reached the terminal raw."""
    return [name for name, marker in HOSTILE_MARKERS.items() if marker in output]


def sgr_colours(output: bytes) -> set[int]:
    """Colour parameters (30-49, 90-107) in the SGR sequences of ``output``."""
    import re

    found = set()
    for params in re.findall(rb"\x1b\[([0-9;:]*)m", output):
        for part in params.replace(b":", b";").split(b";"):
            if part.isdigit() and (30 <= int(part) <= 49 or 90 <= int(part) <= 107) and int(part) not in (39, 49):
                found.add(int(part))
    return found


def escape_sequences(output: bytes) -> set[bytes]:
    """The kinds of escape sequence in ``output``: CSI final bytes, OSC numbers, other ESC x."""
    kinds: set[bytes] = set()
    i = 0
    while True:
        i = output.find(b"\x1b", i)
        if i < 0 or i + 1 >= len(output):
            return kinds
        nxt = output[i + 1 : i + 2]
        if nxt == b"[":
            j = i + 2
            while j < len(output) and not (0x40 <= output[j] <= 0x7E):
                j += 1
            kinds.add(b"CSI " + output[j : j + 1])
        elif nxt == b"]":
            number = output[i + 2 : i + 6].split(b";")[0]
            kinds.add(b"OSC " + number)
        else:
            kinds.add(b"ESC " + nxt)
        i += 1
