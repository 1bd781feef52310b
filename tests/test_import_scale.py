"""Large import batches: stored per chunk, durable and atomic per file; duplicates found
without opening every stored import."""

from __future__ import annotations

import errno
import os

import pytest

from jjj_brief import import_batch, import_store, imports
from jjj_brief.paths import StorageWarnings


@pytest.fixture(autouse=True)
def fresh_corpus():
    yield
    from jjj_brief import corpus

    corpus._CORPUS = None


def make_files(folder, count: int, first: int = 0) -> list[str]:
    folder.mkdir(exist_ok=True)
    names = []
    for i in range(first, first + count):
        path = folder / f"memo-{i:03d}.txt"
        path.write_text(f"Memo {i} on the Qinhuangdao ferry.\n\nIt carried {100 + i} cars.\n", encoding="utf-8")
        names.append(str(path))
    return names


def leftovers() -> list[str]:
    folder = imports.imports_dir()
    return [p.name for p in folder.rglob("*") if p.name.endswith(".tmp")]


def test_a_large_batch_is_stored_whole_in_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(import_batch, "CHUNK_IMPORTS", 8)
    names = make_files(tmp_path / "docs", 40)
    outcomes = imports.add_files(names)
    assert [o.status for o in outcomes] == ["imported"] * 40
    stored = imports.load_imported_articles(warnings=StorageWarnings())
    assert sorted(a.text.split(".")[0] for a in stored) == sorted(
        f"Memo {i} on the Qinhuangdao ferry" for i in range(40)
    )
    kept = list((imports.imports_dir() / imports.ORIGINALS).iterdir())
    assert len(kept) == 40
    assert leftovers() == []


def test_a_chunk_that_cannot_be_made_durable_is_refused_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(import_batch, "CHUNK_IMPORTS", 10)
    names = make_files(tmp_path / "docs", 40)
    real = os.replace
    moved: list[str] = []

    def fails_in_the_second_chunk(src, dst, *args, **kwargs):
        if str(dst).endswith(".txt") and os.path.dirname(str(dst)) == str(imports.imports_dir()):
            moved.append(str(dst))
            if len(moved) == 13:
                raise OSError(errno.EIO, "Input/output error")
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(import_batch.os, "replace", fails_in_the_second_chunk)
    outcomes = imports.add_files(names)
    monkeypatch.setattr(import_batch.os, "replace", real)
    statuses = [o.status for o in outcomes]
    assert statuses[:10] == ["imported"] * 10 and statuses[20:] == ["imported"] * 20
    assert all(o.status == "refused" for o in outcomes[12:20])
    assert all("Input/output error" in o.message for o in outcomes[12:20])
    # what is refused is not stored, and what is stored is whole
    stored = {a.id for a in imports.load_imported_articles(warnings=StorageWarnings())}
    for outcome in outcomes:
        assert (outcome.id in stored) == (outcome.status == "imported")
    assert leftovers() == []


def test_a_full_disk_in_a_large_batch_refuses_that_file_only(tmp_path, monkeypatch):
    names = make_files(tmp_path / "docs", 40)
    real = import_batch.tempfile.mkstemp
    calls: list[str] = []

    def fills_up(*args, **kwargs):
        calls.append(kwargs.get("prefix", ""))
        if kwargs.get("prefix", "").startswith(".memo-003") or kwargs.get("prefix", "").startswith(".memo-3"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(import_batch.tempfile, "mkstemp", fills_up)
    outcomes = imports.add_files(names)
    monkeypatch.setattr(import_batch.tempfile, "mkstemp", real)
    refused = [o for o in outcomes if o.status == "refused"]
    assert [o.path for o in refused] == [names[3]]
    assert "No space left" in refused[0].message
    assert len(list((imports.imports_dir() / imports.ORIGINALS).iterdir())) == 39  # no orphan original
    assert leftovers() == []


def test_duplicates_are_found_without_reading_every_stored_import(tmp_path, monkeypatch):
    names = make_files(tmp_path / "docs", 40)
    imports.add_files(names)
    read: list[str] = []
    real = import_store._read_header

    def counting(path):
        read.append(path.name)
        return real(path)

    monkeypatch.setattr(import_store, "_read_header", counting)
    again = imports.add_files([names[5], *make_files(tmp_path / "more", 1, first=900)])
    assert [o.status for o in again] == ["unchanged", "imported"]
    assert again[0].id == "memo-005"
    assert read == []  # the stored imports' headers came from the catalog
    imports.remove("memo-006")
    assert "memo-006" not in imports.stored_hashes().values()


def test_indexing_progress_shows_passages_rate_and_time_left():
    import io

    from jjj_brief.commands.import_cmd import ProgressLine, render_progress

    assert (
        render_progress(2_000, 10_000, 2.0, verb="indexing", unit="passages")
        == "indexing 2,000/10,000 · 1,000.0 passages/s · about 8 s left"
    )
    stream = io.StringIO()
    meter = ProgressLine(stream, delay=0.0, interval=0.0)
    meter.passages(200, 1_000)
    meter.passages(1_000, 1_000)
    meter.close()
    assert "indexing 200/1,000" in stream.getvalue() and "indexing 1,000/1,000" in stream.getvalue()


def test_seed_ids_are_read_once_while_the_seeds_are_unchanged(tmp_path, monkeypatch):
    from jjj_brief import corpus

    seeds = {a.id for a in corpus.load_seed_articles()}
    make_files(tmp_path / "docs", 2)
    imports.add_files([str(tmp_path / "docs" / "memo-000.txt")])
    calls: list[int] = []
    real = corpus.load_seed_articles
    monkeypatch.setattr(corpus, "load_seed_articles", lambda *a, **k: calls.append(1) or real(*a, **k))
    imports.add_files([str(tmp_path / "docs" / "memo-001.txt")])
    assert calls == []
    assert imports._taken_ids() >= seeds | {"memo-000", "memo-001"}
    # a seed named like a new import's title still wins its id
    first = sorted(seeds)[0]
    (tmp_path / "clash.txt").write_text(f"---\ntitle: {first}\n---\nA clash of names.\n", encoding="utf-8")
    (outcome,) = imports.add_files([str(tmp_path / "clash.txt")])
    assert outcome.status == "imported" and outcome.id != first


def listings(monkeypatch) -> list[str]:
    """The folders listed with a stat per file from now on (the header catalog's and the index's)."""
    listed: list[str] = []
    real = import_store.stamped_import_files

    def counting(folder, cached, read):
        listed.append(str(folder))
        return real(folder, cached, read)

    monkeypatch.setattr(import_store, "stamped_import_files", counting)
    return listed


def test_one_more_import_lists_no_folder_and_still_finds_duplicates(tmp_path, monkeypatch):
    """After a batch, the catalog is whole at the folder's new stamp: the next import checks
    its file against every stored one without listing the folder (10,000 stats)."""
    names = make_files(tmp_path / "docs", 6)
    imports.add_files(names[:4])
    imports.add_files(names[4:5])  # the catalog made whole at the stamp after this batch
    listed = listings(monkeypatch)
    again = imports.add_files([names[0], names[5]])
    assert [o.status for o in again] == ["unchanged", "imported"] and again[0].id == "memo-000"
    assert listed == []
    assert import_store.read_header_catalog().files == import_store.stamped_import_files(
        imports.imports_dir(), {}, import_store._id_and_hash
    )


def test_a_removal_or_a_file_dropped_in_by_hand_makes_the_next_import_list_the_folder(tmp_path, monkeypatch):
    names = make_files(tmp_path / "docs", 3)
    imports.add_files(names[:2])
    imports.add_files(names[2:])
    imports.remove("memo-001")  # bumps the number: the catalog no longer vouches
    listed = listings(monkeypatch)
    (outcome,) = imports.add_files([names[1]])
    assert outcome.status == "imported"  # not "already imported as memo-001"
    assert listed == [str(imports.imports_dir())]
    # a stored import copied in by hand (no number bumped) moves the folder's time: listed too
    stored = imports.imports_dir() / "memo-000.txt"
    (imports.imports_dir() / "by-hand.txt").write_bytes(stored.read_bytes().replace(b'"memo-000"', b'"by-hand"'))
    listed.clear()
    assert [o.status for o in imports.add_files([names[0]])] == ["unchanged"]
    assert listed == [str(imports.imports_dir())]
    assert "by-hand.txt" in import_store.read_header_catalog().files


def test_the_index_adds_one_more_import_from_the_batchs_journal_without_listing(tmp_path, monkeypatch, library):
    """The index knows the folder at the stamp it recorded; the batch's journal says what
    it added since: the index adds it with no listing, and holds what a listing would."""
    from jjj_brief.search import ensure_index, search

    names = make_files(tmp_path / "docs", 3)
    imports.add_files(names[:2])
    ensure_index(library=library)
    listed = listings(monkeypatch)
    (outcome,) = imports.add_files(names[2:])
    status = ensure_index(library=library)
    assert status.added == 1 and listed == []
    assert [hit.article for hit in search("Memo 2 Qinhuangdao ferry", library=library).hits][:1] == [outcome.id]
    from jjj_brief.search.sources import _key_and_lines

    generation = library.search.manager.generation
    assert generation.import_files == import_store.stamped_import_files(imports.imports_dir(), {}, _key_and_lines)
    # a removal is not in any journal: the index lists the folder and drops it
    imports.remove(outcome.id)
    listed.clear()
    status = ensure_index(library=library)
    assert status.removed == 1 and listed == [str(imports.imports_dir())]
