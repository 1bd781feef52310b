"""Where data lives, the read-only fallback, and atomic writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jjj_brief import paths


def test_home_override_sets_both_places(isolated_home):
    assert paths.cache_dir() == isolated_home / "cache"
    assert paths.data_dir() == isolated_home / "data"


def test_writable_dir_creates_and_returns_it(isolated_home):
    target = isolated_home / "data" / "imports"
    assert paths.writable_dir(target, "imports") == target
    assert target.is_dir()


def test_read_only_place_falls_back_to_memory_and_says_so_once(tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    if os.geteuid() == 0:  # root ignores permission bits: make the write fail as it would

        def refuse(*_args, **_kwargs):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(paths.tempfile, "NamedTemporaryFile", refuse)
        (locked / "cache").mkdir()
    try:
        paths.STORAGE_WARNINGS.drain()
        assert paths.writable_dir(locked / "cache", "the search index") is None
        assert paths.writable_dir(locked / "cache", "the search index") is None
        warnings = paths.STORAGE_WARNINGS.drain()
        assert len(warnings) == 1 and "search index" in warnings[0] and "in memory" in warnings[0]
        assert "Permission denied" in warnings[0]
    finally:
        locked.chmod(0o700)


def test_home_pointing_at_a_file_falls_back_with_a_message(tmp_path, monkeypatch):
    afile = tmp_path / "not-a-dir"
    afile.write_text("x")
    monkeypatch.setenv("JJJ_BRIEF_HOME", str(afile))
    paths.STORAGE_WARNINGS.drain()
    assert paths.writable_dir(paths.cache_dir(), "the search index") is None
    (warning,) = paths.STORAGE_WARNINGS.drain()
    assert str(afile) in warning


def test_atomic_write_replaces_whole_and_leaves_no_temp_files(tmp_path):
    target = tmp_path / "settings.json"
    paths.atomic_write(target, "old")
    paths.atomic_write(target, "new ✓")
    assert target.read_text(encoding="utf-8") == "new ✓"
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_atomic_write_failure_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "bookmarks.json"
    paths.atomic_write(target, "precious")

    def boom(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        paths.atomic_write(target, "half")
    assert target.read_text() == "precious"
    assert [p.name for p in tmp_path.iterdir()] == ["bookmarks.json"]


def test_shipped_data_is_found():
    assert (paths.seeds_dir() / "catalog.yaml").is_file()
    assert isinstance(paths.briefings_dir(), Path)
