"""``work.db`` upgrades forward from every earlier schema version, keeping every row."""

from __future__ import annotations

import sqlite3

import pytest

from jjj_brief.paths import StorageWarnings
from jjj_brief.store import StoreError, open_store
from jjj_brief.store.migrations import MIGRATIONS, SCHEMA_VERSION

ANCHOR_ROW = ("xinhua-2023-02-25", 10, 17, "Beijing", "pre ", " post", "sha", "ok")
ANCHOR_COLS = "article, span_start, span_end, exact, prefix, suffix, text_sha, status"


def _database_at(path, version: int) -> None:
    """A database as jjj-brief at schema ``version`` left it, with a row in every table it had."""
    conn = sqlite3.connect(path)
    for step in MIGRATIONS[:version]:
        conn.executescript(step)
    conn.execute(f"PRAGMA user_version = {version}")
    if version >= 1:
        conn.execute(
            f"INSERT INTO bookmarks ({ANCHOR_COLS}, note, created) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (*ANCHOR_ROW, "old bookmark", "2025-01-01T00:00:00+00:00"),
        )
        conn.execute(
            f"INSERT INTO notes ({ANCHOR_COLS}, text, color, created, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (*ANCHOR_ROW, "old note about relocation", "blue", "2025-01-01", "2025-01-01"),
        )
    if version >= 2:
        conn.execute(
            "INSERT INTO claims (id, verdict, text, created, updated) VALUES (7, 'conflict', 'old claim', 'd', 'd')"
        )
        for position, article in enumerate(("xinhua-2023-02-25", "liaowang-2024")):
            conn.execute(
                f"INSERT INTO claim_members (claim_id, position, {ANCHOR_COLS}) VALUES (7,?,?,?,?,?,?,?,?,?)",
                (position, article, *ANCHOR_ROW[1:]),
            )
    if version >= 3:
        conn.execute("INSERT INTO saved_searches (name, query, watch, created) VALUES ('old', 'xiongan', 1, 'd')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
def test_every_earlier_version_migrates_forward_keeping_its_rows(tmp_path, version):
    _database_at(tmp_path / "work.db", version)
    with open_store(tmp_path, warnings=StorageWarnings()) as store:
        assert store.schema_version() == SCHEMA_VERSION
        if version >= 1:
            (note,) = store.notes()
            assert (note.text, note.color, note.anchor.exact, note.revision) == (
                "old note about relocation",
                "blue",
                "Beijing",
                1,
            )
            assert [b.note for b in store.bookmarks()] == ["old bookmark"]
            from jjj_brief.search.analyzer import terms

            assert store.search_text(terms("relocation")) == [("note", note.id)], "terms back-filled"
        if version >= 2:
            (claim,) = store.claims()
            assert claim.id == 7 and len(claim.members) == 2
        if version >= 3:
            assert store.saved_search("old").watch
        # and the upgraded database takes new work
        store.save_search("new", "tianjin port")
    with open_store(tmp_path, warnings=StorageWarnings()) as again:
        assert again.schema_version() == SCHEMA_VERSION and again.saved_search("new").query == "tianjin port"


def test_a_database_from_a_newer_jjj_brief_is_refused_with_one_line(tmp_path):
    _database_at(tmp_path / "work.db", SCHEMA_VERSION)
    conn = sqlite3.connect(tmp_path / "work.db")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer jjj-brief"):
        open_store(tmp_path, warnings=StorageWarnings())


def test_every_migration_step_is_additive():
    """Steps only add: an upgrade never throws away a user's rows."""
    for step in MIGRATIONS:
        assert "DROP TABLE" not in step.upper() and "DROP COLUMN" not in step.upper()
