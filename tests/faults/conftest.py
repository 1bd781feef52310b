"""Fixtures for the fault suite.

``hostile_home``: one JJJ_BRIEF_HOME, built once per session, into which the whole hostile
batch (markup, escapes, controls, a 10 MB line, 100,000 lines, invalid encodings, binary,
option-like names...) was imported by the real CLI in a subprocess. Several test modules
attack what is in it (search, the terminal, the app), so the expensive import runs once.
"""

from __future__ import annotations

import json
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
    home = tmp_path_factory.mktemp("hostile-home")
    folder = tmp_path_factory.mktemp("hostile-files")
    files = write_hostile_batch(folder)
    env = cli_env(JJJ_BRIEF_HOME=str(home))
    # Relative names, after "--": "--help.txt" reaches the command as a file name.
    names = [f.name for f in files]
    started = time.monotonic()
    import subprocess
    import sys

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
