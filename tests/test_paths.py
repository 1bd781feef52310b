"""Where data lives, the read-only fallback (said once, in the warnings of the library that
hit it), and atomic writes."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from jjj_brief import paths
from jjj_brief.library import Library, LibraryPaths

FIXTURE_LIBRARY = Path(__file__).parent / "fixtures" / "library"


def test_home_override_sets_both_places(isolated_home):
    assert paths.cache_dir() == isolated_home / "cache"
    assert paths.data_dir() == isolated_home / "data"


def test_writable_dir_creates_and_returns_it(isolated_home):
    target = isolated_home / "data" / "imports"
    warnings = paths.StorageWarnings()
    assert paths.writable_dir(target, "imports", warnings) == target
    assert target.is_dir() and warnings.drain() == []


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
        sink = paths.StorageWarnings()
        assert paths.writable_dir(locked / "cache", "the search index", sink) is None
        assert paths.writable_dir(locked / "cache", "the search index", sink) is None
        warnings = sink.drain()
        assert len(warnings) == 1 and "search index" in warnings[0] and "in memory" in warnings[0]
        assert "Permission denied" in warnings[0]
    finally:
        locked.chmod(0o700)


def test_home_pointing_at_a_file_falls_back_with_a_message(tmp_path, monkeypatch):
    afile = tmp_path / "not-a-dir"
    afile.write_text("x")
    monkeypatch.setenv("JJJ_BRIEF_HOME", str(afile))
    sink = paths.StorageWarnings()
    assert paths.writable_dir(paths.cache_dir(), "the search index", sink) is None
    (warning,) = sink.drain()
    assert str(afile) in warning


def test_a_warning_is_said_once_even_after_it_was_shown():
    sink = paths.StorageWarnings()
    sink.add("cannot write x")
    sink.add("skipped damaged import y")
    assert sink.drain() == ["cannot write x", "skipped damaged import y"]
    sink.add("cannot write x")  # the same problem again: already said
    sink.add("the team server's imports are not shown (down)")
    sink.add("cannot write z")
    sink.drop("the team server's")
    assert sink.drain() == ["cannot write z"] and sink.drain() == []


def _fixture_library(home: Path) -> Library:
    """A small library (two articles, one fact) whose data and cache are in ``home``."""
    return Library(
        LibraryPaths(
            seeds=FIXTURE_LIBRARY / "seeds",
            briefings=FIXTURE_LIBRARY / "briefings",
            data=home / "data",
            cache=home / "cache",
        )
    )


def test_two_libraries_in_one_process_do_not_see_each_other_s_warnings(tmp_path):
    """Each library says what it could not store, once, to whoever shows its warnings: a
    library with a usable cache has none, whatever another one in the process hit; two that
    hit the same unusable place each say it (once per library, not once per process)."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "cache").write_text("not a folder", encoding="utf-8")
    broken, healthy, broken_too = (_fixture_library(tmp_path / n) for n in ("a", "b", "a"))
    try:
        assert broken.search.ensure_index().action == "memory"
        assert healthy.search.ensure_index().action == "built"
        assert broken_too.search.ensure_index().action == "memory"
        broken.search.ensure_index(rebuild=True)  # the cache refused again: not said twice
        assert healthy.warnings.drain() == []
        for library in (broken, broken_too):
            (warning,) = library.warnings.drain()
            assert "search index" in warning and str(tmp_path / "a" / "cache") in warning and "in memory" in warning
    finally:
        for library in (broken, healthy, broken_too):
            library.close()


def test_a_full_disk_in_one_home_is_not_printed_by_a_later_command_in_another(tmp_path, monkeypatch, capsys):
    """The CI failure: a fault test's ENOSPC ("cannot write the search index ... No space left
    on device") was still pending when a later test of the same worker ran ``cli.main`` for its
    own home, which printed it as a second line of its one-line error. The warning belongs to
    the library that hit the full disk; a command run for another home prints its own only."""
    from jjj_brief.cli import main
    from jjj_brief.commands.libraries import default_library
    from jjj_brief.search import index

    real = index.build_generation

    def full_disk(storage, *args, **kwargs):
        if storage is not None and type(storage).__name__ != "PrivateRamStorage":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(storage, *args, **kwargs)

    monkeypatch.setattr(index, "build_generation", full_disk)
    full = _fixture_library(tmp_path / "full-home")
    try:
        assert full.search.ensure_index().action == "memory"
        monkeypatch.setattr(index, "build_generation", real)
        monkeypatch.setenv(paths.HOME_ENV, str(tmp_path / "another-home"))
        default_library()  # that home's library, as a command run there builds it (it prints its warnings)
        capsys.readouterr()
        assert main(["serch", "x"]) == 1
        error = capsys.readouterr().err
        assert error.count("\n") == 1 and "invalid choice: 'serch'" in error and "No space left" not in error
        (pending,) = full.warnings.drain()  # still the full home's, where it happened
        assert "No space left on device" in pending and "working in memory" in pending
    finally:
        full.close()


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
