"""Must show (#19), in the app: two app instances, as two people, see each other's note
and claim live, and the CLI's (a third process) too; a lost server is one message and
the app carries on with what it shows."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time

import pytest

from jjj_brief.app.state import Location
from jjj_brief.app.work_dialogs import NoteDialog
from jjj_brief.commands.libraries import default_library
from jjj_brief.team.store import PgStore
from team.work_support import quick_reconnect, shipped_work_db  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.pg, pytest.mark.slow]
XINHUA, CHINANEWS = "xinhua-2023-02-25", "chinanews-2024-02-27"
NINE_YEARS, TEN_YEARS = 1320, 430  # inside "9 years" and "ten years" (seed figures)
SIZE = (160, 48)
WAIT = 30.0


async def wait_for(pilot, condition, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the app")
        await pilot.pause(0.05)


def _tree_labels(app) -> str:
    out = []

    def walk(node):
        out.append(node.label.plain)
        for child in node.children:
            walk(child)

    for branch in app.query_one("#tree").work_branches:
        walk(branch)
    return "\n".join(out)


@pytest.fixture
def team_ready(shipped_work_db, monkeypatch):
    """The shipped corpus on the server (a copy of a database where jjj-brief team init ran),
    then each app opens as its person."""
    from jjj_brief.commands.libraries import forget_libraries

    monkeypatch.setenv("JJJ_BRIEF_DATABASE_URL", shipped_work_db.admin)
    yield shipped_work_db
    forget_libraries()  # closes the libraries and their team pools


def test_two_app_instances_and_the_cli_see_each_others_note_and_claim(team_ready, monkeypatch, tmp_path):
    from jjj_brief.app.main import BriefApp

    db = team_ready

    async def scenario() -> None:
        monkeypatch.setenv("JJJ_BRIEF_DATABASE_URL", db.url("alice"))
        first = BriefApp(data_dir=tmp_path / "alice", resume=False, build_index=False)
        async with first.run_test(size=SIZE) as one:
            await wait_for(one, lambda: isinstance(first.work_store, PgStore) and first._team_listener.status == "live")
            monkeypatch.setenv("JJJ_BRIEF_DATABASE_URL", db.url("bob"))
            second = BriefApp(data_dir=tmp_path / "bob", resume=False, build_index=False)
            async with second.run_test(size=SIZE) as two:
                await wait_for(
                    two, lambda: second._team_listener is not None and second._team_listener.status == "live"
                )
                assert (first.work_store.author, second.work_store.author) == ("alice", "bob")

                # bob imports a document with the CLI: alice's running app lists it by itself.
                document = tmp_path / "hebei-port.md"
                document.write_text("# Hebei port report\n\nHuanghua port handled 310 million tonnes.\n", "utf-8")
                env = {
                    **os.environ,
                    "JJJ_BRIEF_DATABASE_URL": db.url("bob"),
                    "JJJ_BRIEF_HOME": str(tmp_path / "bob-home"),
                }
                imported = subprocess.Popen(
                    [sys.executable, "-m", "jjj_brief", "import", str(document)],
                    env=env,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                await wait_for(one, lambda: imported.poll() is not None, timeout=120)
                assert imported.returncode == 0, imported.stderr.read()
                await wait_for(
                    one, lambda: any("Hebei port report" in a.title for a in first.core.corpus.articles), timeout=60
                )

                # bob highlights with a note in his window; alice's window shows it by itself.
                second.open_location(Location("article", XINHUA, offset=NINE_YEARS))
                await wait_for(two, lambda: second.reader.figure is not None)
                await two.press("h")
                await wait_for(two, lambda: isinstance(second.screen, NoteDialog))
                await two.press(*"bob checks this", "enter")
                await wait_for(one, lambda: "Notes (1)" in _tree_labels(first))
                assert [(n.author, n.text) for n in first.work_store.notes()] == [("bob", "bob checks this")]

                # alice's note from her window reaches bob's.
                first.open_location(Location("article", CHINANEWS, offset=TEN_YEARS))
                await wait_for(one, lambda: first.reader.figure is not None)
                await one.press("h")
                await wait_for(one, lambda: isinstance(first.screen, NoteDialog))
                await one.press(*"alice agrees", "enter")
                await wait_for(two, lambda: "Notes (2)" in _tree_labels(second))

                # carol is a reader: her CLI write is refused; ed's CLI claim reaches both windows.
                env = {**os.environ, "JJJ_BRIEF_DATABASE_URL": db.url("carol")}
                refused = subprocess.run(
                    [sys.executable, "-m", "jjj_brief", "note", XINHUA, "1237", "1325", "--text", "carol"],
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=120,
                )
                assert refused.returncode == 1 and "carol may not write" in refused.stderr
                env["JJJ_BRIEF_DATABASE_URL"] = db.url("ed")
                claim = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "jjj_brief",
                        "claim",
                        f"{XINHUA}:{NINE_YEARS}",
                        f"{CHINANEWS}:{TEN_YEARS}",
                        "--verdict",
                        "rounding",
                    ],
                    env=env,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                await wait_for(two, lambda: claim.poll() is not None, timeout=120)
                assert claim.returncode == 0, claim.stderr.read()
                for app, pilot in ((first, one), (second, two)):
                    # ed's claim is labelled his, not "yours"
                    await wait_for(pilot, lambda app=app: "Claims (1: 0 yours)" in _tree_labels(app))
                    assert "ED'S" in _tree_labels(app) and "YOURS" not in _tree_labels(app)
                    assert [c.author for c in app.work_store.claims()] == ["ed"]

    asyncio.run(scenario())


def _messages(app) -> str:
    return "\n".join(str(notification.message) for notification in app._notifications)


def test_a_lost_server_is_one_message_the_app_keeps_what_it_shows_and_heals(
    team_ready, pg_cluster, quick_reconnect, monkeypatch, tmp_path
):
    from jjj_brief.app.main import BriefApp
    from jjj_brief.store import make_anchor

    db = team_ready
    monkeypatch.setenv("JJJ_BRIEF_DATABASE_URL", db.url("alice"))
    bob = PgStore(db.url("bob"))

    async def scenario() -> None:
        app = BriefApp(data_dir=tmp_path / "alice", resume=False, build_index=False)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app._team_listener is not None and app._team_listener.status == "live")
            bob.add_note(make_anchor(XINHUA, "x" * 20, 0, 5), "before the outage")
            await wait_for(pilot, lambda: "Notes (1)" in _tree_labels(app))
            app.open_location(Location("article", XINHUA, offset=NINE_YEARS))
            await wait_for(pilot, lambda: app.reader.figure is not None)
            pg_cluster.stop()
            try:
                await wait_for(pilot, lambda: "team server unreachable" in _messages(app))
                app.refresh_work()  # what it shows stays: the last read, without the server
                assert "Notes (1)" in _tree_labels(app)
                await pilot.press("h")
                await wait_for(pilot, lambda: isinstance(app.screen, NoteDialog))
                await pilot.press(*"during the outage", "enter")
                await wait_for(pilot, lambda: "not saved" in _messages(app))
                app.open_location(Location("article", CHINANEWS, offset=TEN_YEARS))  # never read: no crash
                await wait_for(pilot, lambda: app.reader.article is not None and app.reader.article.id == CHINANEWS)
            finally:
                pg_cluster.start()
            await wait_for(pilot, lambda: app._team_listener.status == "live")
            bob.add_note(make_anchor(XINHUA, "x" * 20, 0, 5), "after the outage")
            await wait_for(pilot, lambda: "Notes (2)" in _tree_labels(app))

    try:
        asyncio.run(scenario())
    finally:
        bob.close()


def test_an_editor_publishes_a_claim_from_the_app_and_an_analyst_is_told_why_not(team_ready, monkeypatch, tmp_path):
    """In "Your work", P on a claim makes it the desk's (ed, an editor): the server records
    him as publisher and the list badges it DESK. alice, an analyst, gets one line naming
    the role it takes, and nothing changes."""
    from jjj_brief.app.main import BriefApp
    from jjj_brief.app.work import WorkView
    from jjj_brief.corpus import load_corpus
    from jjj_brief.store import ClaimMember, make_anchor

    db = team_ready
    text, other = (
        load_corpus(library=default_library()).get(XINHUA).text,
        load_corpus(library=default_library()).get(CHINANEWS).text,
    )
    bob = PgStore(db.url("bob"))
    try:
        members = [
            ClaimMember(make_anchor(XINHUA, text, 1318, 1325)),
            ClaimMember(make_anchor(CHINANEWS, other, 424, 433)),
        ]
        claim = bob.add_claim(members, "rounding", "bob's finding")
    finally:
        bob.close()

    async def publish_as(user: str) -> BriefApp:
        monkeypatch.setenv("JJJ_BRIEF_DATABASE_URL", db.url(user))
        app = BriefApp(data_dir=tmp_path / user, resume=False, build_index=False)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: isinstance(app.work_store, PgStore))
            app.open_location(Location("work", "claims"))
            await wait_for(
                pilot, lambda: any(type(e.item).__name__ == "Claim" for v in app.query(WorkView) for e in v.entries)
            )
            view = app.query_one(WorkView)
            options = view.query_one("#work-list")
            options.focus()
            options.highlighted = next(i for i, e in enumerate(view.entries) if type(e.item).__name__ == "Claim")
            await pilot.press("P")
            await wait_for(pilot, lambda: "desk's claim" in _messages(app) or "not saved" in _messages(app))
            if user == "ed":
                await wait_for(pilot, lambda: "DESK" in _tree_labels(app))
            return app

    alice = asyncio.run(publish_as("alice"))
    assert "not saved" in _messages(alice) and "jjj_editor" in _messages(alice)
    assert db.sql("SELECT claim_id FROM work.desk_claims") == []
    ed = asyncio.run(publish_as("ed"))
    assert f"{claim.ref} is now the desk's claim" in _messages(ed)
    assert db.sql("SELECT claim_id, published_by FROM work.desk_claims") == [(claim.id, "ed")]
