"""``jjj-brief import`` in team mode: stored on the server for everyone, whole or absent."""

from __future__ import annotations

import json

import pytest

from jjj_brief.cli import main
from jjj_brief.team.connection import connect

pytestmark = pytest.mark.pg

REPORT = (
    "Caofeidian harbour dredging report\n\n"
    "The Caofeidian quayside zyxwharf project moved 3.7 million tonnes of silt in 2024.\n\n"
    "Officials in Tangshan said the zyxwharf works would finish next spring.\n"
)


def as_user(monkeypatch, tmp_path, name: str) -> None:
    """A different analyst: a home of their own, the same team server."""
    home = tmp_path / name
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("JJJ_BRIEF_HOME", str(home))
    from jjj_brief.commands.libraries import default_library

    library = default_library()  # this home's library: read the corpus (and the server's imports) anew
    library.forget_corpus()
    library.search.reset_engine()


def search_json(capsys, query: str) -> dict:
    capsys.readouterr()
    assert main(["search", query, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_an_import_is_on_the_server_for_a_colleague_and_its_removal_too(team_db, tmp_path, monkeypatch, capsys):
    assert main(["team", "init"]) == 0
    capsys.readouterr()
    source = tmp_path / "dredging.txt"
    source.write_text(REPORT, encoding="utf-8")
    as_user(monkeypatch, tmp_path, "ann")
    assert main(["import", str(source), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)["results"][0]
    assert result["status"] == "imported" and result["team"] == "shared"
    article_id = result["id"]

    as_user(monkeypatch, tmp_path, "bob")  # nothing imported on Bob's machine
    found = search_json(capsys, "zyxwharf")
    assert {hit["article"] for hit in found["hits"]} == {article_id}
    hit = found["hits"][0]
    assert "zyxwharf" in hit["snippet"] and hit["highlights"]
    assert main(["articles", "--json"]) == 0
    listed = {a["id"]: a for a in json.loads(capsys.readouterr().out)["articles"]}
    assert article_id in listed
    from jjj_brief.commands.libraries import default_library
    from jjj_brief.corpus import load_corpus

    text = load_corpus(library=default_library()).get(article_id).text
    assert text[hit["start"] : hit["end"]].startswith("The Caofeidian quayside zyxwharf")
    assert search_json(capsys, "value:3.7e6 zyxwharf")["total"] == 1  # numbers by value, from the figures table

    assert main(["import", "--remove", article_id]) == 0  # Bob removes Ann's import from the server
    assert search_json(capsys, "zyxwharf")["total"] == 0
    with connect(team_db) as conn:
        assert conn.execute("SELECT count(*) FROM passages WHERE article = %s", (article_id,)).fetchone()[0] == 0
        words = conn.execute("SELECT count(*) FROM search_vocab WHERE word = 'zyxwharf'").fetchone()[0]
    assert words == 0  # the vocabulary forgets it too ("did you mean" never offers a removed word)


def test_an_import_that_fails_midway_leaves_nothing_on_the_server(team_db, tmp_path, monkeypatch, capsys):
    from jjj_brief.team import corpus

    assert main(["team", "init"]) == 0
    capsys.readouterr()
    as_user(monkeypatch, tmp_path, "ann")
    for n in range(3):
        (tmp_path / f"doc{n}.txt").write_text(f"Report {n}\n\nqqvfleet number {n} docked at Tianjin.\n", "utf-8")
    real = corpus.copy_documents
    calls = []

    def dies_on_the_second(conn, docs, counts=None):
        calls.append(1)
        if len(calls) == 2:
            conn.execute("SELECT pg_terminate_backend(pg_backend_pid())")  # the connection is killed
        return real(conn, docs, counts)

    monkeypatch.setattr(corpus, "copy_documents", dies_on_the_second)
    assert main(["import", *(str(tmp_path / f"doc{n}.txt") for n in range(3))]) == 1
    err = capsys.readouterr().err
    assert "not on the team server" in err and len(err.strip().splitlines()) == 1
    with connect(team_db) as conn:
        assert conn.execute("SELECT count(*) FROM articles WHERE source = 'import'").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM passages WHERE body LIKE '%%qqvfleet%%'").fetchone()[0] == 0
    monkeypatch.setattr(corpus, "copy_documents", real)
    assert main(["import", *(str(tmp_path / f"doc{n}.txt") for n in range(3))]) == 0  # again: now whole
    with connect(team_db) as conn:
        assert conn.execute("SELECT count(*) FROM articles WHERE source = 'import'").fetchone()[0] == 3


def test_a_server_down_still_opens_the_local_corpus_but_a_wrong_password_is_one_line(
    pg_cluster, tmp_path, monkeypatch, capsys
):
    as_user(monkeypatch, tmp_path, "ann")
    monkeypatch.setenv("JJJ_BRIEF_DATABASE_URL", pg_cluster.admin_url().replace(f"port={pg_cluster.port}", "port=1"))
    assert main(["articles", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["articles"]  # the shipped seeds, from this machine
    assert "the team server's imports are not shown" in captured.err and "is unreachable" in captured.err
    as_user(monkeypatch, tmp_path, "ann")
    monkeypatch.setenv("JJJ_BRIEF_DATABASE_URL", pg_cluster.url("postgres", "wrong", "postgres"))
    assert main(["articles"]) == 1
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1 and "wrong password for user 'postgres'" in lines[0]
