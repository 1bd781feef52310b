"""The analyst's store: records, validation, transactions, revisions, anchors, search terms."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jjj_brief.paths import StorageWarnings
from jjj_brief.store import (
    ClaimMember,
    ConflictError,
    StoreError,
    WorkStore,
    bookmark_anchor,
    make_anchor,
    open_store,
    refind,
)
from jjj_brief.store.anchors import text_hash

TEXT = "Beijing said 22 million people. Tianjin said 22 million too. Hebei, at last, said 38.6 micrograms."


@pytest.fixture
def store(tmp_path):
    opened = open_store(tmp_path, warnings=StorageWarnings())
    yield opened
    opened.close()


def test_the_local_store_implements_the_interface_a_team_store_will(store):
    assert isinstance(store, WorkStore)
    assert store.persistent and store.location.endswith("work.db")


def test_database_is_wal_with_foreign_keys_and_the_current_schema(store, tmp_path):
    from jjj_brief.store.migrations import SCHEMA_VERSION

    conn = sqlite3.connect(tmp_path / "work.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_notes_bookmarks_and_claims_persist_across_opens(tmp_path):
    with open_store(tmp_path, warnings=StorageWarnings()) as first:
        note = first.add_note(make_anchor("a", TEXT, 13, 23), "my note", "green")
        first.add_bookmark(bookmark_anchor("a", TEXT, 32), "Tianjin line")
        first.add_claim(
            [
                ClaimMember(make_anchor("a", TEXT, 13, 23), 22e6, "people"),
                ClaimMember(make_anchor("b", TEXT, 45, 55), 22e6, "people"),
            ],
            "consistent",
            "same",
        )
    with open_store(tmp_path, warnings=StorageWarnings()) as second:
        assert second.note(note.id).text == "my note" and second.note(note.id).color == "green"
        assert second.note(note.id).anchor.exact == "22 million"
        assert [b.note for b in second.bookmarks()] == ["Tianjin line"]
        (claim,) = second.claims()
        assert [m.anchor.article for m in claim.members] == ["a", "b"] and claim.verdict == "consistent"
        assert second.claims("b") == [claim] and second.claims("zzz") == []


def test_validation_refuses_with_one_line_and_writes_nothing(store):
    anchor = make_anchor("a", TEXT, 0, 7)
    with pytest.raises(StoreError, match="colour"):
        store.add_note(anchor, "x", "mauve")
    with pytest.raises(StoreError, match="verdict"):
        store.add_claim([ClaimMember(anchor), ClaimMember(make_anchor("b", TEXT, 0, 7))], "maybe")
    with pytest.raises(StoreError, match="different articles"):
        store.add_claim([ClaimMember(anchor), ClaimMember(make_anchor("a", TEXT, 8, 12))], "conflict")
    assert store.notes() == [] and store.claims() == []


def test_a_failing_write_rolls_back_the_whole_transaction(store):
    anchor = make_anchor("a", TEXT, 0, 7)
    bad = ClaimMember(make_anchor("b", TEXT, 0, 7).__class__("b", 5, 2, "x"))  # end < start: CHECK fails
    with pytest.raises(StoreError):
        store.add_claim([ClaimMember(anchor), bad], "conflict")
    assert store.claims() == []
    assert store._conn.execute("SELECT count(*) FROM claim_members").fetchone()[0] == 0


def test_removing_a_claim_removes_its_members_by_foreign_key(store):
    claim = store.add_claim(
        [ClaimMember(make_anchor("a", TEXT, 13, 23)), ClaimMember(make_anchor("b", TEXT, 45, 55))], "rounding"
    )
    store.remove_claim(claim.id)
    assert store._conn.execute("SELECT count(*) FROM claim_members").fetchone()[0] == 0
    with pytest.raises(StoreError, match="no claim-"):
        store.remove_claim(claim.id)


def test_an_edit_from_a_stale_revision_is_a_conflict_not_an_overwrite(tmp_path):
    with (
        open_store(tmp_path, warnings=StorageWarnings()) as mine,
        open_store(tmp_path, warnings=StorageWarnings()) as theirs,
    ):
        note = mine.add_note(make_anchor("a", TEXT, 0, 7), "first")
        theirs.update_note(note.id, "their edit", expected_revision=note.revision)
        with pytest.raises(ConflictError, match="changed elsewhere"):
            mine.update_note(note.id, "my edit", expected_revision=note.revision)
        assert mine.note(note.id).text == "their edit" and mine.note(note.id).revision == 2


def test_notes_and_claims_are_found_by_analyzer_terms(store):
    note = store.add_note(make_anchor("a", TEXT, 0, 7), "Relieving the sub-centre of functions")
    claim = store.add_claim(
        [ClaimMember(make_anchor("a", TEXT, 13, 23)), ClaimMember(make_anchor("b", TEXT, 45, 55))],
        "consistent",
        "Both count residents",
    )
    from jjj_brief.search.analyzer import terms

    assert store.search_text(terms("relieved subcenter")) == [("note", note.id)]
    assert store.search_text(terms("resident")) == [("claim", claim.id)]
    assert store.search_text(terms("million")) == [("claim", claim.id)]  # the claimed figures' words count
    assert store.search_text(["reli*"]) == [("note", note.id)]
    assert store.search_text(terms("resident"), kinds=("note",)) == []
    store.remove_note(note.id)
    assert store.search_text(terms("relieved")) == []


def test_saved_search_keeps_seen_keys_and_a_rename_free_update(store):
    saved = store.save_search("hospitals", "xiongan hospital", watch=True, seen=["passage:a:1"])
    assert saved.seen == {"passage:a:1"} and saved.watch
    again = store.mark_seen(saved.id, ["passage:b:2"])
    assert again.seen == {"passage:a:1", "passage:b:2"}
    assert store.saved_search("hospitals").id == store.saved_search(saved.ref).id
    with pytest.raises(StoreError, match="no saved search"):
        store.saved_search("nope")


def test_unwritable_data_dir_keeps_work_in_memory(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with open_store(blocker, warnings=StorageWarnings()) as memory:
        assert not memory.persistent
        memory.add_note(make_anchor("a", TEXT, 0, 7), "kept for the run")
        assert len(memory.notes()) == 1


# ---------------------------------------------------------------------- anchors


def test_anchor_is_refound_after_an_edit_and_orphaned_when_its_quote_is_gone():
    anchor = make_anchor("a", TEXT, TEXT.index("22 million too"), TEXT.index("22 million too") + 10)
    edited = "NEW LEAD PARAGRAPH.\n" + TEXT
    moved = refind(anchor, edited)
    assert moved.status == "moved" and edited[moved.start : moved.end] == "22 million"
    assert edited[moved.end :].startswith(" too"), "the second '22 million' (by its context), not the first"
    gone = refind(anchor, TEXT.replace("22 million", "twenty-two million"))
    assert gone.orphaned and gone.exact == "22 million" and (gone.start, gone.end) == (anchor.start, anchor.end)
    assert refind(anchor, TEXT) == anchor


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=st.text(max_size=200), after=st.text(max_size=200), which=st.integers(0, 2))
def test_any_insertion_around_an_anchor_refinds_the_same_words(before, after, which):
    starts = [TEXT.index("22 million"), TEXT.index("22 million too"), TEXT.index("38.6")]
    start = starts[which]
    end = start + (4 if which == 2 else 10)
    anchor = make_anchor("a", TEXT, start, end)
    edited = before + TEXT + after
    found = refind(anchor, edited)
    assert not found.orphaned
    assert edited[found.start : found.end] == anchor.exact
    assert found.start == len(before) + start  # the same occurrence, not another one
    assert found.text_sha == text_hash(edited)


def test_the_readme_backup_line_copies_a_store_in_use(tmp_path):
    """The README's backup command, run while a store is open (WAL, uncheckpointed), keeps every note."""
    import re
    import subprocess
    import sys
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    line = re.search(r'^python3 -c "(import sqlite3;.*)"$', readme, re.M)
    assert line, "the README shows how to back up work.db"
    with open_store(tmp_path, warnings=StorageWarnings()) as store:
        for i in range(5):
            store.add_note(make_anchor("a", TEXT, 0, 7), f"note {i}")
        subprocess.run([sys.executable, "-c", line.group(1)], cwd=tmp_path, check=True, timeout=60)
    (tmp_path / "restored").mkdir()
    (tmp_path / "work-backup.db").rename(tmp_path / "restored" / "work.db")
    with open_store(tmp_path / "restored", warnings=StorageWarnings()) as restored:
        assert [n.text for n in restored.notes()] == [f"note {i}" for i in range(5)]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(
            st.sampled_from(
                [
                    "type",
                    "motivation",
                    "target",
                    "body",
                    "selector",
                    "source",
                    "exact",
                    "prefix",
                    "suffix",
                    "start",
                    "value",
                    "purpose",
                    "items",
                    "first",
                    "jjj:value",
                    "jjj:unit",
                    "@context",
                ]
            ),
            inner,
            max_size=6,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=_JSON)
def test_importing_any_json_as_web_annotations_never_crashes(data):
    from jjj_brief.store.webanno import import_annotations

    with _memory_store() as store:
        try:
            counts = import_annotations(store, data, lambda ref: TEXT if ref == "a" else None)
        except StoreError:
            return  # one line for the user (an unknown colour, a too-long text...)
        assert set(counts) == {"notes", "claims", "unchanged", "skipped", "orphaned"}
        assert len(store.notes()) == counts["notes"] and len(store.claims()) == counts["claims"]


def _memory_store():
    from jjj_brief.store import SQLiteStore

    return SQLiteStore(None)


def test_a_closed_store_answers_with_one_line_never_a_crash(tmp_path):
    """An app timer can still fire between closing the store (quit) and the app's exit."""
    closed = open_store(tmp_path, warnings=StorageWarnings())
    closed.close()
    assert closed.data_version() == -1
    with pytest.raises(StoreError, match="closed"):
        closed.bookmarks()


def test_your_verdicts_are_the_briefings_vocabulary():
    """A claim's verdict comes from the same vocabulary as the curated facts' (one list, kept
    apart only so the store does not load the briefings' schema and pydantic)."""
    from typing import get_args

    from jjj_brief.briefings.schema import Verdict
    from jjj_brief.store import VERDICTS

    assert VERDICTS == get_args(Verdict)
