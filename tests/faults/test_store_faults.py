"""The analyst's store under faults: kill -9 during note writes, a full disk during a write,
a corrupted database file — a clear message and the last good state, never a crash at
start, never a note lost that was reported saved."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from fault_tools import SCALE, assert_clean_failure, cli_argv, cli_env, record, run_cli
from test_environment import CAN_MOUNT, in_mount_namespace

from jjj_brief.commands.libraries import default_library
from jjj_brief.paths import StorageWarnings
from jjj_brief.store import StoreError, make_anchor, open_store

TEXT = "The coordinated development of Beijing, Tianjin and Hebei has been developed for 9 years."

# A writer that saves notes one by one and says so on stdout only after each commit.
WRITER = textwrap.dedent("""
    import sys
    from jjj_brief.paths import StorageWarnings
    from jjj_brief.store import make_anchor, open_store
    store = open_store(warnings=StorageWarnings())
    text = sys.argv[1]
    i = 0
    while True:
        note = store.add_note(make_anchor("xinhua-2023-02-25", text, 4, 15), f"kill note {i} " + "words " * 50)
        print(note.id, flush=True)
        i += 1
""")


def _first_line(fd: int) -> str:
    """One line from a pipe, read byte by byte so nothing after it is taken from the pipe:
    ``communicate`` then reads the rest straight from the file descriptor (a buffered
    ``readline`` would keep, and lose, the lines it read ahead)."""
    line = b""
    while not line.endswith(b"\n"):
        byte = os.read(fd, 1)
        if not byte:
            break
        line += byte
    return line.decode()


def _kill_during_writes(home: Path, delay: float) -> list[int]:
    """Start the writer, wait for its first saved note (it is then writing, one transaction
    after another), then kill it ``delay`` seconds later: at a random point of its cycle."""
    env = cli_env(JJJ_BRIEF_HOME=str(home))
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, TEXT], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    first = _first_line(proc.stdout.fileno())  # "" if the writer died before saving anything
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    out, err = proc.communicate(timeout=30)
    assert "Traceback" not in err, err
    assert first.strip(), "the writer saved no note before it was killed"
    return [int(line) for line in (first + out).split()]


@pytest.mark.slow
def test_kill_9_during_note_writes_loses_no_saved_note(tmp_path):
    rounds = 4 * SCALE
    rng = random.Random(16)
    saved_total = 0
    home = tmp_path / "home"
    for round_no in range(rounds):
        reported = _kill_during_writes(home, rng.uniform(0.0, 0.4))
        saved_total += len(reported)
        with open_store(home / "data", warnings=StorageWarnings()) as store:  # opens without complaint after every kill
            present = {note.id for note in store.notes()}
            assert set(reported) <= present, f"round {round_no}: notes reported saved are missing"
            assert len(present) <= saved_total + round_no + 1, "at most the one in flight per kill is extra"
            assert store._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert all(note.text.startswith("kill note") for note in store.notes()), "no half-written note"
    listed = run_cli("notes", "--json", env=cli_env(JJJ_BRIEF_HOME=str(home)))
    assert listed.returncode == 0 and len(json.loads(listed.stdout)) >= saved_total
    record(
        "store faults",
        attacks=rounds,
        faults=rounds,
        lost=0,
        note=f"kill -9 during note writes: {saved_total} notes reported saved, all present",
    )


def test_full_disk_during_a_write_refuses_and_keeps_what_was_saved(tmp_path):
    """SQLite's own page limit stands in for a full disk (SQLITE_FULL), on any machine."""
    with open_store(tmp_path, warnings=StorageWarnings()) as store:
        kept = store.add_note(make_anchor("a", TEXT, 0, 3), "saved before the disk filled")
        pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
        store._conn.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(StoreError, match="disk is full; nothing was changed"):
            store.add_note(make_anchor("a", TEXT, 0, 3), "x" * 50_000)
        assert [n.text for n in store.notes()] == [kept.text]
        store._conn.execute("PRAGMA max_page_count = 1073741823")
        store.add_note(make_anchor("a", TEXT, 0, 3), "fits again")  # the store is still usable
    with open_store(tmp_path, warnings=StorageWarnings()) as again:
        assert [n.text for n in again.notes()] == [kept.text, "fits again"]
    record("store faults", faults=1, note="full disk (SQLITE_FULL) during a note write")


@pytest.mark.skipif(not CAN_MOUNT, reason="unshare -m / mount not permitted here")
@pytest.mark.slow
def test_full_disk_on_a_real_tiny_filesystem(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = cli_env(JJJ_BRIEF_HOME=str(home), FAULT_OUT=str(tmp_path / "out"))
    filler = f"dd if=/dev/zero of={home}/filler bs=1k count=4000 2>/dev/null || true"
    results = in_mount_namespace(
        f"mount -t tmpfs -o size=600k tmpfs {home}",
        cli_argv("note", "xinhua-2023-02-25", "1237", "1325", "--text", "saved first"),
        ["sh", "-c", filler],
        cli_argv("note", "xinhua-2023-02-25", "1237", "1325", "--text", "big " * 5_000),
        ["rm", "-f", f"{home}/filler"],
        cli_argv("notes", "--json"),
        env=env,
    )
    first, _, full, _, listed = results
    assert first["returncode"] == 0, first["stderr"]
    assert full["returncode"] == 1 and "Traceback" not in full["stderr"]
    assert "disk is full" in full["stderr"] or "No space" in full["stderr"], full["stderr"]
    assert len(full["stderr"].strip().splitlines()) <= 2
    assert listed["returncode"] == 0, listed["stderr"]
    assert [n["text"] for n in json.loads(listed["stdout"])] == ["saved first"]
    record("store faults", attacks=3, faults=1, note="full disk: 600 KB tmpfs data dir during a note write")


@pytest.mark.skipif(not CAN_MOUNT, reason="unshare -m / mount not permitted here")
def test_an_export_on_a_full_disk_keeps_the_brief_already_there(tmp_path):
    """Exports are written atomically: over an existing brief on a full disk the old brief stays
    whole and the user gets one line (a plain overwrite would empty it first, then fail)."""
    home, briefs = tmp_path / "home", tmp_path / "briefs"
    home.mkdir()
    briefs.mkdir()
    target = briefs / "brief.html"
    filler = f"dd if=/dev/zero of={briefs}/filler bs=1k count=4000 2>/dev/null || true"
    first, _, full, listed = in_mount_namespace(
        f"mount -t tmpfs -o size=256k tmpfs {briefs}",
        cli_argv("export", "strategy-age", "--format", "html", "-o", str(target)),
        ["sh", "-c", filler],
        cli_argv("export", "xiongan", "--format", "html", "-o", str(target)),  # ~36 KB: does not fit
        ["sh", "-c", f"cat {target}; ls -a {briefs}"],
        env=cli_env(JJJ_BRIEF_HOME=str(home), FAULT_OUT=str(tmp_path / "out")),
    )
    assert first["returncode"] == 0, first["stderr"]
    assert full["returncode"] == 1 and "Traceback" not in full["stderr"], full["stderr"]
    assert len(full["stderr"].strip().splitlines()) == 1 and "No space left" in full["stderr"], full["stderr"]
    page, _, names = listed["stdout"].rpartition("</html>\n")
    assert page.startswith("<!DOCTYPE html>") and "How long the coordinated development" in page, "the old brief, whole"
    assert sorted(names.split()) == [".", "..", "brief.html", "filler"], "no temporary file left behind"
    record("store faults", attacks=2, faults=1, lost=0, note="full disk during an export over an existing brief")


def _corrupt(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "header":
        data[:100] = os.urandom(100)
    elif how == "pages":
        for at in range(4096, len(data), 4096):  # every page after the first: b-tree pages garbled
            data[at + 8 : at + 200] = os.urandom(192)
    elif how == "truncated":
        data = data[: len(data) // 3 + 17]
    elif how == "text":
        data = bytearray(b"this is not a database\n" * 50)
    path.write_bytes(bytes(data))


@pytest.fixture(scope="module")
def thirty_notes(tmp_path_factory) -> Path:
    """A home whose store holds 30 good notes (two from the CLI, 28 in between: enough rows for
    several pages), its WAL checkpointed into work.db. Built once per module (per worker): each
    of the four corruptions below made the same home (2 CLI runs) before damaging its copy."""
    home = tmp_path_factory.mktemp("thirty-notes") / "home"
    env = cli_env(JJJ_BRIEF_HOME=str(home))
    assert run_cli("note", "xinhua-2023-02-25", "1237", "1325", "--text", "good note 0", env=env).returncode == 0
    with open_store(home / "data", warnings=StorageWarnings()) as store:  # enough rows for several pages
        for i in range(1, 29):
            store.add_note(make_anchor("xinhua-2023-02-25", TEXT, 4, 15), f"good note {i} " + "w " * 100)
    assert run_cli("note", "xinhua-2023-02-25", "1237", "1325", "--text", "good note 29", env=env).returncode == 0
    with sqlite3.connect(home / "data" / "work.db") as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return home


@pytest.mark.parametrize("how", ["header", "pages", "truncated", "text"])
def test_corrupted_database_restores_the_last_good_state_with_a_clear_message(tmp_path, how, thirty_notes):
    home = tmp_path / "home"
    shutil.copytree(thirty_notes, home)  # this test's own copy (work.db, its WAL files, work.db.bak)
    env = cli_env(JJJ_BRIEF_HOME=str(home))
    db = home / "data" / "work.db"
    _corrupt(db, how)
    listed = run_cli("notes", "--json", env=env)
    assert_clean_failure(listed)
    assert listed.returncode == 0, listed.stderr
    assert "was damaged" in listed.stderr and "restored the last good copy" in listed.stderr
    assert len(listed.stderr.strip().splitlines()) == 1
    texts = [n["text"].split(" w")[0] for n in json.loads(listed.stdout)]
    assert sorted(texts) == sorted(f"good note {i}" for i in range(30)), "every note of the last good copy is back"
    assert list((home / "data").glob("work.db.damaged-*")), "the damaged file is kept for inspection"
    again = run_cli("notes", "--json", env=env)
    assert again.returncode == 0 and again.stderr == "" and len(json.loads(again.stdout)) == 30
    record("store faults", faults=1, lost=0, note=f"corrupted work.db ({how}): last good copy restored")


def test_corrupted_database_and_backup_start_empty_and_say_so(tmp_path):
    home = tmp_path / "home"
    env = cli_env(JJJ_BRIEF_HOME=str(home))
    assert run_cli("note", "xinhua-2023-02-25", "1237", "1325", "--text", "x", env=env).returncode == 0
    _corrupt(home / "data" / "work.db", "text")
    _corrupt(home / "data" / "work.db.bak", "text")
    listed = run_cli("notes", "--json", env=env)
    assert listed.returncode == 0 and "Traceback" not in listed.stderr
    assert "damaged too; starting empty" in listed.stderr and json.loads(listed.stdout) == []
    record("store faults", faults=2, note="work.db and its copy both corrupted: empty store, message")


def test_the_app_starts_on_a_corrupted_database(tmp_path, home_with_seed_index):
    """Never a crash at start: the app opens, says what happened, and shows the restored notes.

    The home holds a copy of the run's one build of the shipped corpus's index, as a user's
    does: the app's start-up index check finds it instead of building one from scratch."""
    import asyncio

    home = home_with_seed_index("corrupt-db-home")
    env = cli_env(JJJ_BRIEF_HOME=str(home))
    assert run_cli("note", "xinhua-2023-02-25", "1237", "1325", "--text", "restored note", env=env).returncode == 0
    _corrupt(home / "data" / "work.db", "header")
    os.environ["JJJ_BRIEF_HOME"] = str(home)  # the suite's autouse fixture restores it
    from jjj_brief.app.main import BriefApp as JJJBriefApp
    from jjj_brief.store.session import close_work, work

    async def run() -> list[str]:
        app = JJJBriefApp()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            return [n.text for n in work(library=default_library()).notes()]

    try:
        assert asyncio.run(run()) == ["restored note"]
    finally:
        close_work(library=default_library())
    record("store faults", faults=1, note="app start on a corrupted work.db")
