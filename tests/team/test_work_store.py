"""The team store (PgStore) on a real server: the same WorkStore as the local SQLite store,
every row with its author, roles and row-level security deciding who writes, edit
conflicts shown to the second writer."""

from __future__ import annotations

import threading

import psycopg
import pytest

from jjj_brief.search.analyzer import terms
from jjj_brief.store import ClaimMember, ConflictError, SQLiteStore, StoreError, WorkStore, make_anchor
from jjj_brief.team.store import PgStore
from team.work_support import stores, work_db  # noqa: F401  (fixtures)

pytestmark = pytest.mark.pg

TEXT_A = "Beijing moved 1,200 firms to Hebei in 2023. Tianjin port grew 4.5 percent."
TEXT_B = "Hebei took in 1,200 companies from Beijing last year; the port of Tianjin grew 4.5%."


def _anchor(article: str, text: str, word: str):
    start = text.index(word)
    return make_anchor(article, text, start, start + len(word))


def _claim_members():
    return [
        ClaimMember(_anchor("art-a", TEXT_A, "1,200"), 1200.0, ""),
        ClaimMember(_anchor("art-b", TEXT_B, "1,200"), 1200.0, ""),
    ]


def _session(store) -> dict:
    """The same work done in any store; what a user would see of it (no ids, no times)."""
    bookmark = store.add_bookmark(_anchor("art-a", TEXT_A, "Tianjin port"), "check the port figure")
    note = store.add_note(_anchor("art-a", TEXT_A, "1,200 firms"), "moved or registered?", "green")
    note = store.update_note(note.id, "moved, per the ministry", expected_revision=note.revision)
    claim = store.add_claim(_claim_members(), "consistent", "same relocation count")
    saved = store.save_search("relocations", "firms hebei", watch=True, seen=["a:1", "a:2"])
    saved = store.mark_seen(saved.id, ["a:3"])

    def plain(record) -> dict:
        data = record.to_dict()
        for key in ("id", "created", "updated", "last_seen", "author"):
            data.pop(key, None)
        return data

    return {
        "bookmarks": [plain(b) for b in store.bookmarks("art-a")],
        "notes": [plain(n) for n in store.notes()],
        "claims": [plain(c) for c in store.claims("art-b")],
        "saved": [plain(s) for s in store.saved_searches()] + [sorted(saved.seen)],
        "found": [kind for kind, _ in store.search_text(terms("per the ministry"))],
        "claim_articles": claim.articles,
        "bookmark_note": bookmark.note,
    }


def test_team_store_is_a_work_store_and_does_what_the_local_one_does(stores, tmp_path):
    alice = stores["alice"]
    assert isinstance(alice, WorkStore)
    local = SQLiteStore(tmp_path / "work.db", author="alice")
    try:
        expected = _session(local)
    finally:
        local.close()
    assert _session(alice) == expected
    assert expected["notes"][0]["revision"] == 2 and expected["found"] == ["note"]


def test_every_row_carries_its_author_set_by_the_server(stores, work_db):
    note = stores["alice"].add_note(_anchor("art-a", TEXT_A, "Tianjin"), "port")
    claim = stores["bob"].add_claim(_claim_members(), "rounding")
    seen_by_carol = {n.id: n.author for n in stores["carol"].notes()}
    assert seen_by_carol == {note.id: "alice"}
    assert stores["carol"].claim(claim.id).author == "bob"
    # Nobody can write in someone else's name, even with plain SQL.
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        work_db.as_user(
            "bob",
            "INSERT INTO work.notes (article, span_start, span_end, exact, author) VALUES ('x', 0, 1, 'x', 'alice')",
        )


def test_a_reader_cannot_write_one_clear_line(stores, work_db):
    carol = stores["carol"]
    with pytest.raises(StoreError) as raised:
        carol.add_note(_anchor("art-a", TEXT_A, "Tianjin"), "mine")
    message = str(raised.value)
    assert "\n" not in message
    assert "carol may not write" in message and "jjj_analyst" in message
    with pytest.raises(StoreError):
        carol.add_bookmark(_anchor("art-a", TEXT_A, "Beijing"))
    with pytest.raises(StoreError):
        carol.save_search("mine", "port")
    assert work_db.sql("SELECT count(*) FROM work.notes")[0][0] == 0
    assert work_db.sql("SELECT count(*) FROM work.bookmarks")[0][0] == 0
    assert carol.may_write() is False and stores["alice"].may_write() is True
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        work_db.as_user("carol", "INSERT INTO work.notes (article, span_start, span_end, exact) VALUES ('x',0,1,'x')")


def test_analyst_cannot_edit_or_remove_a_colleagues_note(stores, work_db):
    note = stores["alice"].add_note(_anchor("art-a", TEXT_A, "Tianjin"), "alice's words")
    with pytest.raises(StoreError) as raised:
        stores["bob"].update_note(note.id, "bob's words")
    assert "is alice's" in str(raised.value) and "\n" not in str(raised.value)
    with pytest.raises(StoreError):
        stores["bob"].remove_note(note.id)
    # The server itself refuses (row-level security), not only the client.
    assert work_db.as_user("bob", "UPDATE work.notes SET text = 'bob' WHERE id = %s RETURNING id", (note.id,)) == []
    assert work_db.as_user("bob", "DELETE FROM work.notes WHERE id = %s RETURNING id", (note.id,)) == []
    assert stores["carol"].note(note.id).text == "alice's words"
    stores["alice"].remove_note(note.id)
    assert stores["bob"].notes() == []


def test_an_editor_publishes_a_claim_as_the_desks_and_an_analyst_cannot(stores):
    claim = stores["alice"].add_claim(_claim_members(), "consistent", "same count")
    with pytest.raises(StoreError) as raised:
        stores["bob"].publish_claim(claim.id)
    assert "bob may not write" in str(raised.value) and "jjj_editor" in str(raised.value)
    assert stores["carol"].desk_claims() == {}
    stores["ed"].publish_claim(claim.id)
    assert stores["carol"].desk_claims() == {claim.id: "ed"}
    assert stores["ed"].may_publish() and not stores["alice"].may_publish()
    # Publishing leaves the claim its author's: the editor cannot change its text.
    with pytest.raises(StoreError):
        stores["ed"].remove_claim(claim.id)
    assert stores["carol"].claim(claim.id).author == "alice"


def test_an_edit_made_on_an_old_revision_is_refused_not_overwritten(work_db):
    first, second = PgStore(work_db.url("alice")), PgStore(work_db.url("alice"))
    try:
        note = first.add_note(_anchor("art-a", TEXT_A, "Tianjin"), "draft")
        seen_by_second = second.note(note.id)
        first.update_note(note.id, "from the first window", expected_revision=note.revision)
        with pytest.raises(ConflictError) as raised:
            second.update_note(note.id, "from the second window", expected_revision=seen_by_second.revision)
        message = str(raised.value)
        assert "changed by alice" in message and "not saved" in message and "\n" not in message
        kept = second.note(note.id)
        assert kept.text == "from the first window" and kept.revision == 2
    finally:
        first.close()
        second.close()


def test_two_writers_at_the_same_moment_one_wins_the_other_is_told(work_db):
    """Both read revision 1 and save at once: exactly one save lands, the other gets the conflict."""
    writers = [PgStore(work_db.url("alice")) for _ in range(2)]
    try:
        note = writers[0].add_note(_anchor("art-a", TEXT_A, "Tianjin"), "draft")
        start = threading.Barrier(2)
        outcome: dict[int, str] = {}

        def save(index: int) -> None:
            start.wait()
            try:
                writers[index].update_note(note.id, f"writer {index}", expected_revision=1)
                outcome[index] = "saved"
            except ConflictError:
                outcome[index] = "conflict"

        threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sorted(outcome.values()) == ["conflict", "saved"]
        winner = next(i for i, result in outcome.items() if result == "saved")
        final = writers[0].note(note.id)
        assert final.text == f"writer {winner}" and final.revision == 2
    finally:
        for store in writers:
            store.close()


def test_anchors_follow_an_edited_article_for_everyones_rows(stores):
    note = stores["bob"].add_note(_anchor("art-a", TEXT_A, "Tianjin port"), "port")
    edited = "Correction. " + TEXT_A
    moved = stores["alice"].reanchor(lambda article: edited if article == "art-a" else None)
    assert moved == 1
    after = stores["carol"].note(note.id).anchor
    assert edited[after.start : after.end] == "Tianjin port" and after.status == "moved"
    assert stores["carol"].reanchor(lambda article: None) == 0  # a reader changes nothing


def test_saved_searches_are_each_analysts_own(stores):
    stores["alice"].save_search("port", "tianjin port")
    stores["bob"].save_search("port", "port growth", watch=True)
    assert [s.query for s in stores["alice"].saved_searches()] == ["tianjin port"]
    assert stores["bob"].saved_search("port").query == "port growth"
    assert stores["bob"].saved_search("port").author == "bob"
