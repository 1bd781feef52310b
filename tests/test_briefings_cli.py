"""``topics``, ``facts`` and ``timeline``: what the analyst sees, and that a broken set
still shows its valid part with the rest reported on stderr."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from jjj_brief import paths
from jjj_brief.cli import main
from jjj_brief.commands.libraries import default_library
from jjj_brief.corpus import load_corpus

FIXTURES = Path(__file__).parent / "fixtures" / "briefings"


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_facts_json_claims_point_at_the_quoted_characters(capsys):
    facts = _json(capsys, ["facts", "--json"])["facts"]
    corpus = load_corpus(library=default_library())
    assert facts
    for fact in facts:
        assert {"id", "topic", "subject", "verdict", "explanation", "claims"} <= set(fact)
        for claim in fact["claims"]:
            article = corpus.get(claim["article"])
            assert claim["file"] == article.file
            assert article.text[claim["start"] : claim["end"]] == claim["quote"]
            assert {"value", "unit", "as_of", "qualifier"} <= set(claim)


def test_one_fact_by_id_and_an_unknown_id(capsys):
    (fact,) = _json(capsys, ["facts", "pm25-hebei-2023", "--json"])["facts"]
    assert fact["verdict"] == "transcription-error"
    assert sorted(c["value"] for c in fact["claims"]) == [38.6, 386]
    assert main(["facts", "no-such-fact"]) == 1
    assert "unknown fact 'no-such-fact'" in capsys.readouterr().err


def test_facts_text_shows_verdict_and_readable_money(capsys):
    assert main(["facts", "hebei-gdp-2023"]) == 0
    out = capsys.readouterr().out
    assert "transcription-error" in out
    assert "4.39441 trillion yuan" in out and "439 trillion yuan" in out


def test_topics_json_is_a_tree_with_articles_and_facts(capsys):
    topics = _json(capsys, ["topics", "--json"])["topics"]
    by_id = {t["id"]: t for t in topics}
    groups = [t for t in topics if t["parent"] is None]
    assert 3 <= len(groups) <= 6
    for topic in topics:
        assert topic["parent"] is None or topic["parent"] in by_id
        assert all(child in by_id and by_id[child]["parent"] == topic["id"] for child in topic["children"])
    assert "pm25-hebei-2023" in by_id["ecology-air"]["facts"]
    covered = {a for t in topics for a in t["articles"]}
    assert covered == set(load_corpus(library=default_library()).ids())


def test_timeline_json_is_in_date_order_with_resolved_quotes(capsys):
    events = _json(capsys, ["timeline", "--json"])["events"]
    dates = [e["date"] for e in events]
    assert dates == sorted(dates)
    symposium = next(e for e in events if e["date"] == "2014-02-26")
    assert len({q["article"] for q in symposium["quotes"]}) >= 3
    assert all(q["start"] is not None for e in events for q in e["quotes"])


@pytest.mark.parametrize("command", ["topics", "facts", "timeline"])
def test_commands_show_the_valid_part_of_a_broken_set(tmp_path, monkeypatch, capsys, command):
    folder = tmp_path / "briefings"
    shutil.copytree(FIXTURES / "base", folder)
    shutil.copy(FIXTURES / "broken" / "bad_yaml.yaml", folder)
    shutil.copy(FIXTURES / "broken" / "unknown_verdict.yaml", folder)
    monkeypatch.setattr(paths, "briefings_dir", lambda: folder)
    assert main([command, "--json"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert any(data.values()), "the valid base is still listed"
    assert "bad_yaml.yaml:7" in captured.err and "unknown_verdict.yaml:6" in captured.err


def test_text_output_is_never_markup(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "briefings"
    shutil.copytree(FIXTURES / "base", folder)
    base = folder / "00-base.yaml"
    base.write_text(
        base.read_text(encoding="utf-8").replace("title: Fixture group", 'title: "[bold]x[/] [@click=app.quit]"')
    )
    monkeypatch.setattr(paths, "briefings_dir", lambda: folder)
    assert main(["topics"]) == 0
    assert "[bold]x[/] [@click=app.quit]" in capsys.readouterr().out
