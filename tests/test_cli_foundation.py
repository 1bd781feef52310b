"""The CLI contract: --version, articles --json, one-line user errors, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

from jjj_brief import __version__
from jjj_brief.cli import main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "jjj_brief", *args], capture_output=True, text=True, timeout=60)


def test_version_and_help():
    assert run("--version").stdout.strip() == f"jjj-brief {__version__}"
    help_text = run("--help").stdout
    assert "articles" in help_text


def test_articles_json_lists_five_with_counts(capsys):
    assert main(["articles", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    rows = {row["id"]: row for row in data["articles"]}
    assert len(rows) == 5
    liaowang = rows["liaowang-2024"]
    assert liaowang["repeated_paragraphs"] == 2 and liaowang["paragraphs"] == 76
    for row in rows.values():
        assert {"id", "file", "title", "outlet", "date", "date_precision", "words", "paragraphs"} <= set(row)
        assert row["words"] > 100


def test_articles_table_prints(capsys):
    assert main(["articles"]) == 0
    out = capsys.readouterr().out
    assert "peoples-daily" in out and "People" in out


def test_user_errors_are_one_line_with_exit_1():
    result = run("no-such-command")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
