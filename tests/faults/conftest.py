"""Fixtures for the fault suite.

``hostile_import``: one JJJ_BRIEF_HOME, built once per run (shared by xdist workers), into which the whole hostile
batch (markup, escapes, controls, a 10 MB line, 100,000 lines, invalid encodings, binary,
option-like names...) was imported by the real CLI in a subprocess. Several test modules
attack what is in it (search, the terminal, the app), so the expensive import runs once.
"""

from __future__ import annotations

import fcntl
import json
import os
import pickle
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from fault_payloads import HostileFile, write_hostile_batch
from fault_tools import cli_env, run_cli


@dataclass
class HostileImport:
    home: Path
    folder: Path
    files: list[HostileFile]
    returncode: int
    report: dict
    stderr: str
    seconds: float

    def outcome(self, name: str) -> dict:
        return next(r for r in self.report["results"] if Path(r["path"]).name == name)


@pytest.fixture(scope="session")
def hostile_import(tmp_path_factory) -> HostileImport:
    """Built once per run, shared by every pytest-xdist worker: the first worker to get
    here imports the batch under a lock and leaves its outcome beside it; the others wait
    for that lock and read it (the import costs a minute of CPU; each worker used to pay it)."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's base folder, common to all workers
    root = shared / "hostile-import"
    root.mkdir(exist_ok=True)
    with open(root / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        outcome = root / "outcome.pickle"
        if not outcome.exists():
            built = _import_hostile_batch(root / "home", root / "files")
            outcome.with_suffix(".tmp").write_bytes(pickle.dumps(built))
            outcome.with_suffix(".tmp").replace(outcome)
        return pickle.loads(outcome.read_bytes())


def _import_hostile_batch(home: Path, folder: Path) -> HostileImport:
    home.mkdir(exist_ok=True)  # a failed attempt by another worker is redone in place
    files = write_hostile_batch(folder)
    env = cli_env(JJJ_BRIEF_HOME=str(home))
    # Relative names, after "--": "--help.txt" reaches the command as a file name.
    names = [f.name for f in files]
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "jjj_brief", "import", "--json", "--", *names],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    seconds = time.monotonic() - started
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    return HostileImport(home, folder, files, proc.returncode, json.loads(proc.stdout), proc.stderr, seconds)


@pytest.fixture
def in_home(monkeypatch):
    """Point this test at a given JJJ_BRIEF_HOME (the suite gives each test its own)."""

    def use(home: Path) -> Path:
        monkeypatch.setenv("JJJ_BRIEF_HOME", str(home))
        return home

    return use


__all__ = ["HostileImport", "run_cli"]
