"""``jjj-brief compare``, ``related`` and ``export`` from the command line."""

from __future__ import annotations

import json
import os

import pytest

from jjj_brief.cli import main
from jjj_brief.commands.libraries import default_library
from jjj_brief.corpus import load_corpus


def offset_of(article_id: str, text: str) -> int:
    return load_corpus(library=default_library()).get(article_id).text.index(text)


def test_compare_json(capsys):
    assert main(["compare", "pm25-hebei-2023", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["id"] == "pm25-hebei-2023" and data["verdict"] == "transcription-error"
    assert data["assessment"]["code"] == "transcription-error"
    assert {c["article"] for c in data["claims"]} == {"peoples-daily-2024-02-26", "liaowang-2024"}
    for claim in data["claims"]:
        assert claim["figure"]["start"] >= claim["start"] and claim["context"]["text"]


def test_compare_table_has_one_column_per_source(capsys):
    assert main(["compare", "zhongguancun-branches"]) == 0
    out = capsys.readouterr().out
    for outlet in ("CCTV", "Liaowang", "People", "China News"):
        assert outlet in out
    assert "different-date-or-scope" in out and "computed" in out


def test_compare_unknown_fact_is_one_line_exit_1(capsys):
    assert main(["compare", "[bold]nope[/]"]) == 1
    err = capsys.readouterr().err
    assert "unknown fact" in err and len(err.strip().splitlines()) == 1


def test_related_json_matches_the_issue(capsys):
    offset = offset_of("cctv-2023-02-27", "9,500 branches") + 2
    assert main(["related", "cctv-2023-02-27", str(offset), "--limit", "3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["article"] == "cctv-2023-02-27" and data["offset"] == offset
    assert data["figure"]["text"].endswith("9,500 branches")
    assert len(data["related"]) == 3 and all(r["same_fact"] for r in data["related"])


def test_related_table_and_errors(capsys):
    offset = offset_of("liaowang-2024", "386 micrograms")
    assert main(["related", "001_0a0484aff5f38808.txt", str(offset)]) == 0
    out = capsys.readouterr().out
    assert "38.6" in out and "same fact" in out
    for argv in (
        ["related", "liaowang-2024", "abc"],
        ["related", "liaowang-2024", "0", "--limit", "0"],
        ["related", "liaowang-2024", "1"],
    ):
        assert main(argv) == 1
        assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_export_to_stdout_and_to_a_file(capsys, tmp_path):
    assert main(["export", "pm25-hebei-2023"]) == 0
    stdout = capsys.readouterr().out
    assert stdout.startswith("# ") and "386 micrograms" in stdout
    target = tmp_path / "brief.md"
    target.write_text("old")
    assert main(["export", "pm25-hebei-2023", "--format", "md", "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == stdout
    assert not [p for p in os.listdir(tmp_path) if p != "brief.md"], "no temporary file left behind"


def test_export_errors(capsys, tmp_path):
    assert main(["export", "nope"]) == 1
    assert main(["export", "pm25-hebei-2023", "-o", str(tmp_path)]) == 1
    assert main(["export", "pm25-hebei-2023", "--format", "pdf"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err


@pytest.mark.parametrize("command", ["compare", "related", "export"])
def test_help_mentions_the_command(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert command in capsys.readouterr().out


def test_export_dash_means_stdout_not_a_file_named_dash(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["export", "zhongguancun-branches", "-o", "-"]) == 0
    assert "9,500" in capsys.readouterr().out
    assert not (tmp_path / "-").exists()


def test_compare_shows_uncountable_counted_nouns_unchanged(capsys):
    """'nearly 30,000 staff' is shown as 30,000 staff, not 'staffs'."""
    assert main(["compare", "subcenter-staff-moved"]) == 0
    out = capsys.readouterr().out
    assert "30,000 staff" in out and "staffs" not in out
