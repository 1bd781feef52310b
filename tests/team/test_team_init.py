"""``jjj-brief team init`` creates the schema and loads the shipped corpus, once."""

from __future__ import annotations

import json

import pytest

from jjj_brief.cli import main
from jjj_brief.commands.libraries import default_library
from jjj_brief.corpus import load_corpus
from jjj_brief.team.connection import connect
from jjj_brief.team.corpus import load_articles
from jjj_brief.team.migrations import latest_version

pytestmark = pytest.mark.pg


def test_team_init_loads_the_shipped_seeds_and_briefings_once(team_db, capsys):
    assert main(["team", "init", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    seeds = [a for a in load_corpus(library=default_library()).articles if a.source == "seed"]
    assert report["schema_version"] == latest_version()
    assert report["articles"] == len(seeds) and report["imports"] == 0
    assert report["shipped_loaded"] is True and report["applied"]
    with connect(team_db) as conn:
        kinds = dict(conn.execute("SELECT kind, count(*) FROM passages GROUP BY kind").fetchall())
        stored = {a.id: a for a in load_articles(conn)}
        figures = conn.execute("SELECT count(*) FROM figures").fetchone()[0]
    assert kinds["passage"] == sum(len([p for p in a.paragraphs if not p.is_repeat]) for a in seeds)
    assert kinds.get("topic") and kinds.get("fact") and kinds.get("glossary")
    assert figures > 0
    for article in seeds:  # every offset means the same thing on the server
        assert stored[article.id].text == article.text
        assert stored[article.id].paragraphs == article.paragraphs
        assert (stored[article.id].title, stored[article.id].date) == (article.title, article.date)

    assert main(["team", "init", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["applied"] == [] and again["shipped_loaded"] is False
    assert again["passages"] == report["passages"]


def test_team_status_says_what_the_server_holds(team_db, capsys):
    assert main(["team", "status"]) == 0
    out = capsys.readouterr().out
    assert f"schema: version 0 of {latest_version()} (run: jjj-brief team init)" in out
    assert "postgres:***@" in out and "jjj-test-superuser" not in out
    main(["team", "init"])
    capsys.readouterr()
    assert main(["team", "status"]) == 0
    out = capsys.readouterr().out
    assert f"schema: version {latest_version()} of {latest_version()}\n" in out
    assert "search index: rum" in out or "search index: gin" in out
