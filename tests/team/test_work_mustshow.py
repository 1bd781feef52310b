"""Must show (#19): with a connection string set, store clients and the CLI, as different
people, see each other's import, note and claim live; a reader cannot write."""

from __future__ import annotations

import dataclasses
import json
import os
import queue
import subprocess
import sys
import time

import psycopg
import pytest

from jjj_brief.commands.libraries import default_library
from jjj_brief.corpus import load_corpus
from jjj_brief.figures import article_figures
from jjj_brief.store import ClaimMember, make_anchor
from jjj_brief.team.live import Change, Listener
from jjj_brief.team.store import PgStore
from team.work_support import work_db  # noqa: F401  (fixtures)

pytestmark = pytest.mark.pg
WAIT = 30.0


def _cli(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "JJJ_BRIEF_DATABASE_URL": url, "NO_COLOR": "1"}
    env.pop("JJJ_BRIEF_DATABASE_REPLICA_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "jjj_brief", *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _listen(url: str) -> tuple[Listener, queue.Queue]:
    inbox: queue.Queue[Change] = queue.Queue()
    listener = Listener(url, inbox.put).start()
    assert listener.wait_live(WAIT), listener.reason
    return listener, inbox


def _next(inbox: queue.Queue, kind: str, author: str) -> Change:
    """The next change of ``kind`` made by ``author`` (one's own changes are heard too)."""
    deadline = time.monotonic() + WAIT
    while True:
        change = inbox.get(timeout=max(0.01, deadline - time.monotonic()))
        if change.kind == kind and change.author == author:
            return change


def _valued_figures(count: int):
    """(article, figure) pairs with a value, from different seed articles."""
    found = []
    corpus = load_corpus(library=default_library())
    for article in corpus.articles:
        figure = next((f for f in article_figures(article, corpus) if f.value is not None), None)
        if figure is not None:
            found.append((article, figure))
        if len(found) == count:
            return found
    raise AssertionError("the seeds have too few valued figures")


def test_two_clients_and_the_cli_see_each_others_import_note_and_claim(work_db, tmp_path):
    alice, bob = PgStore(work_db.url("alice")), PgStore(work_db.url("bob"))
    alice_hears, alice_inbox = _listen(work_db.url("alice"))
    bob_hears, bob_inbox = _listen(work_db.url("bob"))
    try:
        # bob imports a document with the CLI: alice hears of it at commit; alice imports through
        # the store layer's connection and bob hears of that too.
        document = tmp_path / "hebei-port.md"
        document.write_text("# Hebei port report\n\nThe port of Huanghua handled 310 million tonnes.\n", "utf-8")
        imported_by_cli = _cli(work_db.url("bob"), "import", str(document), "--json")
        assert imported_by_cli.returncode == 0, imported_by_cli.stderr
        _next(alice_inbox, "import", "bob")
        rows = work_db.as_user("alice", "SELECT imported_by FROM articles WHERE source = 'import'")
        assert rows == [("bob",)]
        from jjj_brief.team.corpus import store_articles

        seed = load_corpus(library=default_library()).articles[0]
        imported = dataclasses.replace(seed, id="alice-import-1", source="import")
        with psycopg.connect(work_db.url("alice")) as conn:
            store_articles(conn, [imported])
        _next(bob_inbox, "import", "alice")

        # alice's note: bob hears of it, and the CLI run as bob lists it with its author.
        (art_a, fig_a), (art_b, fig_b) = _valued_figures(2)
        note = alice.add_note(make_anchor(art_a.id, art_a.text, fig_a.start, fig_a.end), "alice checks this")
        change = _next(bob_inbox, "note", "alice")
        assert (change.author, change.id) == ("alice", str(note.id))
        listed = _cli(work_db.url("bob"), "notes", "--json")
        assert listed.returncode == 0, listed.stderr
        rows = json.loads(listed.stdout)
        assert [(r["id"], r["author"], r["text"]) for r in rows] == [(note.ref, "alice", "alice checks this")]

        # The CLI, as bob, makes a claim: alice hears of it and reads it from the server.
        made = _cli(
            work_db.url("bob"),
            "claim",
            f"{art_a.id}:{fig_a.start}",
            f"{art_b.id}:{fig_b.start}",
            "--verdict",
            "conflict",
            "--text",
            "bob disagrees",
            "--json",
        )
        assert made.returncode == 0, made.stderr
        claim_id = int(json.loads(made.stdout)["id"].split("-")[1])
        change = _next(alice_inbox, "claim", "bob")
        assert (change.author, change.id) == ("bob", str(claim_id))
        claim = alice.claim(claim_id)
        assert (claim.author, claim.text, claim.articles) == ("bob", "bob disagrees", sorted([art_a.id, art_b.id]))

        # bob's own note, seen by alice.
        bob_note = bob.add_note(make_anchor(art_b.id, art_b.text, fig_b.start, fig_b.end), "bob's")
        _next(alice_inbox, "note", "bob")
        assert {n.id: n.author for n in alice.notes()} == {note.id: "alice", bob_note.id: "bob"}
    finally:
        alice_hears.stop()
        bob_hears.stop()
        alice.close()
        bob.close()


def test_a_reader_cannot_write_from_the_cli_either(work_db):
    (article, figure), *_ = _valued_figures(1)
    refused = _cli(work_db.url("carol"), "note", article.id, str(figure.start), str(figure.end), "--text", "mine")
    assert refused.returncode == 1
    lines = [line for line in refused.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "carol may not write" in lines[0], refused.stderr
    assert work_db.sql("SELECT count(*) FROM work.notes") == [(0,)]
    wrong = _cli(work_db.url("carol", "wrong"), "notes")
    wrong_lines = [line for line in wrong.stderr.splitlines() if line.strip()]
    assert wrong.returncode == 1 and len(wrong_lines) == 1 and "wrong password" in wrong_lines[0], wrong.stderr


def test_an_editor_publishes_a_claim_as_the_desks_from_the_cli(work_db):
    (art_a, fig_a), (art_b, fig_b) = _valued_figures(2)
    bob = PgStore(work_db.url("bob"))
    try:
        members = [
            ClaimMember(make_anchor(art_a.id, art_a.text, fig_a.start, fig_a.end), fig_a.value),
            ClaimMember(make_anchor(art_b.id, art_b.text, fig_b.start, fig_b.end), fig_b.value),
        ]
        claim = bob.add_claim(members, "consistent", "bob's finding")
        refused = _cli(work_db.url("bob"), "claim", "--publish", claim.ref)
        lines = [line for line in refused.stderr.splitlines() if line.strip()]
        assert refused.returncode == 1 and len(lines) == 1 and "jjj_editor" in lines[0], refused.stderr
        published = _cli(work_db.url("ed"), "claim", "--publish", claim.ref)
        assert published.returncode == 0, published.stderr
        assert bob.desk_claims() == {claim.id: "ed"}
    finally:
        bob.close()
    local = subprocess.run(
        [sys.executable, "-m", "jjj_brief", "claim", "--publish", "claim-1"],
        env={k: v for k, v in os.environ.items() if k != "JJJ_BRIEF_DATABASE_URL"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert local.returncode == 1 and "needs team mode" in local.stderr
