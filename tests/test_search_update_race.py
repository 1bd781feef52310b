"""A process that opens the index while another is updating it waits for the update; it
does not take the half-written generation for a damaged one and rebuild it.

An incremental update (an import or its removal) commits whoosh's files, which replaces
the table of contents, and only then rewrites the manifest that names the files. A reader
whose check fell between the two found the old table of contents missing and rebuilt the
whole index (seen beside a running app: about one import in eight under load)."""

from __future__ import annotations

import threading
from contextlib import closing
from pathlib import Path

from jjj_brief import imports, paths
from jjj_brief.library import Library
from jjj_brief.search import ensure_index, index, reconcile

EVENT_WAIT = 60.0  # generous: only a broken run waits this long


def live_generation_name() -> str:
    return (paths.cache_dir() / "search" / "CURRENT").read_text(encoding="utf-8").strip()


def test_a_reader_between_an_updates_commit_and_its_manifest_waits_and_reuses_the_index(monkeypatch, tmp_path: Path):
    with closing(Library()) as first:
        ensure_index(library=first)
    started_with = live_generation_name()
    memo = tmp_path / "memo.txt"
    memo.write_text("Title: A memo\n\nCaofeidian handled 12 percent more ore in 2023.", encoding="utf-8")
    imports.add_files([str(memo)])

    committed, finish, reader_stopped = threading.Event(), threading.Event(), threading.Event()
    write_manifest = reconcile.write_manifest

    def held_between_commit_and_manifest(*args, **kwargs):
        committed.set()  # whoosh has committed: its new table of contents replaced the old one
        assert finish.wait(EVENT_WAIT), "the test never let the update finish"
        return write_manifest(*args, **kwargs)

    monkeypatch.setattr(reconcile, "write_manifest", held_between_commit_and_manifest)
    real_file_lock = index.file_lock

    def noting_a_wait_for_the_update(path, timeout):
        if path.name == reconcile.UPDATE_LOCK:
            reader_stopped.set()  # the reader is about to wait for the update's lock
        return real_file_lock(path, timeout)

    monkeypatch.setattr(index, "file_lock", noting_a_wait_for_the_update)

    results: dict[str, object] = {}

    def run(name: str, then: threading.Event | None = None) -> None:
        try:
            with closing(Library()) as own:
                results[name] = ensure_index(library=own)
        except BaseException as exc:  # reported by the asserts below
            results[name] = exc
        finally:
            if then is not None:
                then.set()

    writer = threading.Thread(target=run, args=("writer",))
    writer.start()
    assert committed.wait(EVENT_WAIT), f"the update never committed: {results}"
    reader = threading.Thread(target=run, args=("reader", reader_stopped))
    reader.start()
    assert reader_stopped.wait(EVENT_WAIT)
    finish.set()
    writer.join(EVENT_WAIT)
    reader.join(EVENT_WAIT)

    assert getattr(results["writer"], "action", results["writer"]) == "updated"
    read = results["reader"]
    assert getattr(read, "action", read) in ("reused", "updated"), getattr(read, "reason", read)
    assert live_generation_name() == started_with  # no rebuild: the same generation serves
    with closing(Library()) as after:
        assert ensure_index(library=after).action == "reused"
        assert after.search.search("Caofeidian ore 2023").total >= 1
