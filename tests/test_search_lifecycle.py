"""The index lifecycle: built on first use, reused, rebuilt when stale or damaged,
safe under concurrent use, and in memory when the cache cannot be written."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from jjj_brief import paths
from jjj_brief.commands.libraries import default_library
from jjj_brief.search import api, ensure_index, generation, index, search, sources

QUERY = "Caofeidian"


def live_generation() -> Path:
    root = paths.cache_dir() / "search"
    return root / (root / "CURRENT").read_text(encoding="utf-8").strip()


def expected_total() -> int:
    return search(QUERY, limit=100, library=default_library()).total


def index_files(folder: Path) -> list[Path]:
    return [
        p for p in sorted(folder.iterdir()) if p.suffix in (".seg", ".toc") or "_" in p.name and p.suffix != ".json"
    ]


@pytest.mark.fresh_index
def test_first_use_builds_then_reuses():
    first = ensure_index(library=default_library())
    assert first.action == "built" and first.documents > 100 and first.location
    again = ensure_index(library=default_library())
    assert again.action == "reused" and again.location == first.location


@pytest.mark.fresh_index
def test_progress_is_reported_while_building():
    calls = []
    ensure_index(lambda done, total: calls.append((done, total)), library=default_library())
    assert calls and calls[-1][0] == calls[-1][1] and calls[-1][0] > 100


@pytest.mark.parametrize("damage", ["truncate", "garble", "delete", "empty-toc", "manifest", "current"])
def test_damaged_index_is_detected_and_rebuilt(damage):
    ensure_index(library=default_library())
    want = expected_total()
    folder = live_generation()
    files = [p for p in folder.iterdir() if p.name not in ("manifest.json", "vocab.json") and p.is_file()]
    biggest = max(files, key=lambda p: p.stat().st_size)
    if damage == "truncate":
        with biggest.open("r+b") as handle:
            handle.truncate(biggest.stat().st_size // 2)
    elif damage == "garble":
        data = bytearray(biggest.read_bytes())
        middle = len(data) // 2
        data[middle : middle + 64] = os.urandom(64)
        biggest.write_bytes(bytes(data))
    elif damage == "delete":
        biggest.unlink()
    elif damage == "empty-toc":
        next(p for p in files if p.suffix == ".toc").write_bytes(b"")
    elif damage == "manifest":
        (folder / "manifest.json").write_text("{not json", encoding="utf-8")
    elif damage == "current":
        (folder.parent / "CURRENT").write_text("gen-does-not-exist\n", encoding="utf-8")
    api.service(library=default_library()).discard()
    status = ensure_index(library=default_library())
    assert status.action in ("rebuilt", "built"), status
    assert expected_total() == want


def test_a_failure_while_searching_rebuilds_and_retries(monkeypatch):
    """Second line of defence: damage the cheap checks miss still ends in a rebuild."""
    ensure_index(library=default_library())
    want = expected_total()
    folder = live_generation()
    monkeypatch.setattr(
        generation, "verify_generation", lambda f: (json.loads((f / "manifest.json").read_text()), None)
    )
    for path in folder.iterdir():
        if path.suffix not in (".json",) and path.is_file():
            path.write_bytes(os.urandom(path.stat().st_size))
    api.service(library=default_library()).discard()
    result = search(QUERY, limit=100, library=default_library())
    assert result.total == want and result.message is None


def test_stale_fingerprint_triggers_rebuild(monkeypatch):
    first = ensure_index(library=default_library())
    monkeypatch.setattr(sources, "ANALYZER_VERSION", "jjj-analyzer-test-bump")  # the fingerprint
    monkeypatch.setattr(generation, "ANALYZER_VERSION", "jjj-analyzer-test-bump")  # the manifest
    second = ensure_index(library=default_library())
    assert second.action == "rebuilt" and "stale" in second.reason
    assert second.location != first.location


def test_kill_mid_build_leaves_the_previous_index_live(monkeypatch):
    first = ensure_index(library=default_library())
    want = expected_total()

    def die(done, total):
        raise KeyboardInterrupt  # stands in for the process dying mid-build

    with pytest.raises(KeyboardInterrupt):
        ensure_index(die, rebuild=True, library=default_library())
    assert live_generation() == Path(first.location)
    assert not [p for p in live_generation().parent.iterdir() if p.name.startswith(".tmp-")]
    api.service(library=default_library()).discard()
    assert ensure_index(library=default_library()).action == "reused"
    assert expected_total() == want


def test_abandoned_temporary_build_is_cleaned_up():
    ensure_index(library=default_library())
    root = live_generation().parent
    stray = root / ".tmp-abandoned"
    stray.mkdir()
    (stray / "_MAIN_1.toc").write_bytes(b"half")
    ensure_index(rebuild=True, library=default_library())
    assert not stray.exists()


@pytest.mark.fresh_index
def test_read_only_cache_falls_back_to_memory(isolated_home):
    (isolated_home / "cache").write_text("not a folder", encoding="utf-8")
    status = ensure_index(library=default_library())
    assert status.action == "memory" and status.location is None
    assert search(QUERY, library=default_library()).total > 0
    assert any("working in memory" in w for w in default_library().warnings.drain())


@pytest.mark.fresh_index
def test_another_builder_holding_the_lock_does_not_block_us(monkeypatch):
    root = paths.cache_dir() / "search"
    root.mkdir(parents=True)
    monkeypatch.setattr(index, "BUILD_LOCK_TIMEOUT", 0.2)
    fd = os.open(root / "build.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        status = ensure_index(library=default_library())
    finally:
        os.close(fd)
    assert status.action == "memory"
    assert any("another jjj-brief" in m for m in status.messages)
    assert search(QUERY, library=default_library()).total > 0


def test_two_readers_and_a_cli_search_at_once():
    ensure_index(library=default_library())
    want = expected_total()
    env = dict(os.environ)
    cli = [sys.executable, "-m", "jjj_brief", "search", QUERY, "--json", "--limit", "100"]
    procs = [subprocess.Popen(cli, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for _ in range(2)]
    with ThreadPoolExecutor(4) as pool:
        totals = list(pool.map(lambda _: search(QUERY, limit=100, library=default_library()).total, range(8)))
    outputs = [p.communicate(timeout=60) for p in procs]
    assert totals == [want] * 8
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
        assert json.loads(out)["total"] == want


@pytest.mark.fresh_index
def test_concurrent_first_builds_agree(tmp_path):
    """Two processes starting on an empty cache: one builds, the other waits or reuses."""
    env = dict(os.environ)
    cli = [sys.executable, "-m", "jjj_brief", "index", "--json"]
    procs = [subprocess.Popen(cli, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for _ in range(2)]
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        reports.append(json.loads(out))
    assert sorted(r["action"] for r in reports) == ["built", "reused"]
    assert ensure_index(library=default_library()).action == "reused"
