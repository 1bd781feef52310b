"""``jjj-brief check``: clean on the shipped briefings, and on each broken fixture it names
the file, the field and the line of the defect."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from jjj_brief.briefings.check import check, figures_available
from jjj_brief.cli import main
from jjj_brief.commands.libraries import default_library

FIXTURES = Path(__file__).parent / "fixtures" / "briefings"
BROKEN = sorted((FIXTURES / "broken").glob("*.yaml"))
EXPECT = re.compile(r"^# expect: line=(?P<line>\d*) path=(?P<path>\S*) message=(?P<message>.+)$", re.M)


def _expectation(fixture: Path) -> dict[str, str]:
    match = EXPECT.search(fixture.read_text(encoding="utf-8"))
    assert match, f"{fixture.name} lacks an '# expect:' line"
    return match.groupdict()


def _set_with(tmp_path: Path, fixture: Path | None) -> Path:
    folder = tmp_path / "briefings"
    shutil.copytree(FIXTURES / "base", folder)
    if fixture is not None:
        shutil.copy(fixture, folder / fixture.name)
    return folder


def test_shipped_briefings_pass_check():
    briefings, problems = check(library=default_library())
    assert [str(p) for p in problems] == []
    assert len([t for t in briefings.topics if t.parent]) >= 12
    assert 3 <= len(briefings.groups) <= 6


def test_fixture_base_passes_alone(tmp_path):
    _, problems = check(_set_with(tmp_path, None), library=default_library())
    assert [str(p) for p in problems] == []


def test_there_are_a_dozen_broken_fixtures():
    assert len(BROKEN) >= 12


@pytest.mark.parametrize("fixture", BROKEN, ids=[f.stem for f in BROKEN])
def test_broken_fixture_is_reported_with_file_field_and_line(tmp_path, fixture):
    if "# needs: figures" in fixture.read_text(encoding="utf-8") and not figures_available():
        pytest.skip("needs the figure layer")
    expected = _expectation(fixture)
    _, problems = check(_set_with(tmp_path, fixture), library=default_library())
    ours = [p for p in problems if p.file.endswith(fixture.name)]
    matching = [
        p
        for p in ours
        if p.path == expected["path"]
        and expected["message"] in p.message
        and (not expected["line"] or p.line == int(expected["line"]))
    ]
    assert matching, f"expected {expected}, got: {[str(p) for p in problems]}"
    assert all(p.file.endswith(fixture.name) for p in problems), "the valid base must stay clean"


def test_check_command_exit_codes_and_one_line_problems(tmp_path, capsys):
    assert main(["check", "--dir", str(_set_with(tmp_path, None))]) == 0
    assert "briefings OK" in capsys.readouterr().out

    broken = _set_with(tmp_path / "b", FIXTURES / "broken" / "cycle.yaml")
    assert main(["check", "--dir", str(broken)]) == 1
    out = capsys.readouterr().out
    assert "cycle.yaml:5: topics[0].parent: cycle in the topic tree" in out
    assert "problem(s)" in out


def test_check_json_lists_problems(tmp_path, capsys):
    import json

    broken = _set_with(tmp_path, FIXTURES / "broken" / "unknown_article.yaml")
    assert main(["check", "--dir", str(broken), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    (problem,) = [p for p in report["problems"] if p["path"].endswith("article")]
    assert problem["line"] == 8 and "xinhua-2099" in problem["message"]


def test_claim_naming_a_file_instead_of_the_id_is_told_the_id(tmp_path):
    folder = _set_with(tmp_path, None)
    text = (folder / "00-base.yaml").read_text(encoding="utf-8")
    (folder / "00-base.yaml").write_text(text.replace("article: cctv-2023-02-27", "article: 000_b6b205740f0a0821.txt"))
    _, problems = check(folder, library=default_library())
    assert any("use its id 'cctv-2023-02-27'" in p.message for p in problems)


def test_every_article_must_be_used_by_a_topic(tmp_path):
    folder = _set_with(tmp_path, None)
    text = (folder / "00-base.yaml").read_text(encoding="utf-8")
    text = text.replace(
        '      - article: cctv-2023-02-27\n        quote: "Public services benefit people’s livelihood."\n', ""
    )
    (folder / "00-base.yaml").write_text(text, encoding="utf-8")
    _, problems = check(folder, library=default_library())
    assert [p.message for p in problems] == ["article 'cctv-2023-02-27' is not used by any topic"]


@pytest.mark.skipif(not figures_available(), reason="needs the figure layer")
def test_transcription_errors_are_claimed_as_printed():
    """Liaowang's '386 micrograms' is claimed as 386 (what the figure layer reads), and the
    verdict carries the reading — check accepts it, and rejects the 'corrected' 38.6."""
    from jjj_brief.briefings import load_briefings

    fact = load_briefings().fact("pm25-hebei-2023")
    assert fact.verdict == "transcription-error"
    printed = {c.article: c.value for c in fact.claims}
    assert printed == {"peoples-daily-2024-02-26": 38.6, "liaowang-2024": 386}
