"""Item 1 — hostile files through `jjj-brief import`: what is valid is imported exactly and
is searchable; what is not is refused with a line naming it; nothing is interpreted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fault_payloads import MANY_LINES, TERMINAL_ATTACKS
from fault_tools import QUERY_BOUND_S, WALL_BACKSTOP_S, Cost, assert_clean_failure, cli_env, record, run_cli

from jjj_brief import imports
from jjj_brief.commands.libraries import default_library
from jjj_brief.corpus import load_corpus
from jjj_brief.safety import display_safe
from jjj_brief.search import search

UNSAFE_FOR_DISPLAY = set(map(chr, [*range(10), *range(11, 32), *range(0x7F, 0xA0)])) | set(
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)


def test_batch_imports_every_valid_file_and_refuses_the_rest_by_name(hostile_import):
    assert hostile_import.returncode == 1  # some files were refused
    refused_lines = [line for line in hostile_import.stderr.splitlines() if line.strip()]
    for item in hostile_import.files:
        outcome = hostile_import.outcome(item.name)
        if item.must == "import":
            assert outcome["status"] == "imported", outcome
        else:
            assert outcome["status"] == "refused", outcome
            assert item.name in outcome["message"]
            assert any(item.name in line for line in refused_lines), item.name
    # one line per problem, each naming its file; no traceback, no raw escape on stderr
    assert "Traceback" not in hostile_import.stderr
    assert "\x1b" not in hostile_import.stderr
    imported = sum(f.must == "import" for f in hostile_import.files)
    record(
        "hostile text: import",
        attacks=len(hostile_import.files),
        faults=len(hostile_import.files) - imported,
        note=f"batch import took {hostile_import.seconds:.1f} s",
    )


def test_refusals_say_why_in_words_a_user_understands(hostile_import):
    reasons = {
        item.name: hostile_import.outcome(item.name)["message"]
        for item in hostile_import.files
        if item.must == "refuse"
    }
    assert "not UTF-8" in reasons["invalid-utf8.txt"]
    assert "UTF-16" in reasons["utf16-bom.txt"] and "UTF-16" in reasons["utf16-be.md"]
    assert "no text" in reasons["empty.txt"] and "no text" in reasons["blank.md"]
    assert ".txt and .md" in reasons["picture.png"]
    assert "NUL" in reasons["binary.txt"] or "not a text file" in reasons["binary.txt"]


def test_imported_text_is_stored_exactly_nothing_lost_nothing_added(hostile_import, in_home):
    in_home(hostile_import.home)
    by_file = {a.file: a for a in load_corpus(refresh=True, library=default_library()) if a.source == "import"}
    lost = 0
    for item in hostile_import.files:
        if item.must != "import":
            continue
        raw = (hostile_import.folder / item.name).read_bytes().decode("utf-8")
        _, body, _ = imports.split_front_matter(raw)
        article = by_file.get(item.name)
        if article is None or article.text != body:
            lost += 1
    assert lost == 0
    record("hostile text: import", attacks=len(by_file), lost=lost, note="stored text byte-exact")


def test_every_imported_file_is_found_by_its_marker_within_the_bound(hostile_import, in_home):
    in_home(hostile_import.home)
    worst = 0.0
    missing = []
    for item in hostile_import.files:
        if item.marker is None:
            continue
        with Cost() as cost:
            result = search(item.marker, limit=5, library=default_library())
        assert cost.wall < WALL_BACKSTOP_S, (item.name, cost.wall)
        worst = max(worst, cost.cpu)
        if not any(hit.file == item.name for hit in result.hits):
            missing.append((item.name, result.message))
    assert not missing
    assert worst < QUERY_BOUND_S
    record(
        "hostile text: import",
        attacks=len(hostile_import.files),
        worst_query_s=worst,
        note="each import found by its marker",
    )


def test_hits_on_huge_documents_come_back_fast_with_a_lit_snippet(hostile_import, in_home):
    """Regression: a 10 MB line holds ~1.6 M matches; the snippet window search was
    quadratic in matches and one query hung for more than ten minutes."""
    in_home(hostile_import.home)
    search("warm up the index", library=default_library())
    for query in ("lorem ipsum", "dolor", "manyqx", f"l{MANY_LINES - 1}"):
        with Cost() as cost:
            result = search(query, limit=20, library=default_library())
        took = cost.cpu
        assert cost.within(QUERY_BOUND_S), (query, cost.cpu, cost.wall)
        assert result.hits, query
        hit = result.hits[0]
        assert len(hit.snippet) <= 400 and hit.highlights
        record("wild queries", attacks=1, worst_query_s=took, note=f"huge-document query {query!r}")


def test_display_text_of_every_import_is_inert_and_keeps_offsets(hostile_import, in_home):
    in_home(hostile_import.home)
    for article in load_corpus(refresh=True, library=default_library()):
        if article.source != "import" or len(article.text) > 2_000_000:
            continue
        shown = display_safe(article.text)
        assert len(shown) == len(article.text)
        assert not (set(shown) & UNSAFE_FOR_DISPLAY), article.file
    for key, text in TERMINAL_ATTACKS.items():
        shown = display_safe(text)
        for marker in ("\x1b", "\x9b", "\x9d", "\u202e", "\x07", "\r"):
            assert marker not in shown, key


def test_json_output_escapes_every_control_character(hostile_import):
    proc = run_cli(
        "search",
        "markupqx OR clearqx OR titleqx OR oscqx OR clipqx OR coneqx OR bidiqx",
        "--json",
        "--limit",
        "50",
        env=cli_env(JJJ_BRIEF_HOME=str(hostile_import.home)),
    )
    assert proc.returncode == 0, proc.stderr
    assert not (set(proc.stdout) & (UNSAFE_FOR_DISPLAY - {"\u200b", "\u200c", "\u200d"}))
    data = json.loads(proc.stdout)
    assert any("\x1b]52;" in hit["snippet"] for hit in data["hits"])  # the data is kept, escaped


def test_front_matter_is_data_never_code(hostile_import, in_home):
    in_home(hostile_import.home)
    assert not Path("/tmp/jjj-pwned").exists()
    by_file = {a.file: a for a in load_corpus(refresh=True, library=default_library()) if a.source == "import"}
    front = by_file["front.md"]
    assert front.title.startswith("[@click=app.quit]frontqx")  # stored as text, shown as text
    assert front.date == "2024-01-02"
    tagged = by_file["python-tag.md"]  # unusable front matter: kept as plain text, never run
    assert "!!python/object/apply:os.system" in tagged.text and tagged.outlet == "(imported)"
    assert by_file["laughs.md"].title == "bombqx a billion laughs in front matter"
    note = hostile_import.outcome("python-tag.md")["message"]
    assert note and "python-tag.md" in note  # a note that names its file


def test_a_file_named_like_an_option_gets_a_hint_not_a_mystery(tmp_path):
    (tmp_path / "--help.txt").write_text("optionqx\n", encoding="utf-8")
    proc = run_cli_in(tmp_path, "import", "--help.txt")
    assert_clean_failure(proc)
    assert proc.returncode == 1
    assert "--help.txt" in proc.stderr and "./--help.txt" in proc.stderr
    proc = run_cli_in(tmp_path, "import", "./--help.txt")
    assert proc.returncode == 0, proc.stderr
    record("hostile text: import", attacks=2, faults=1, note="file named like an option")


def test_refusals_never_cost_the_rest_of_the_batch(tmp_path, isolated_home):
    home = isolated_home  # this test's own home, the shipped corpus already indexed
    folder = tmp_path / "batch"
    folder.mkdir()
    good = []
    for i in range(12):
        if i % 3 == 0:
            (folder / f"bad{i}.txt").write_bytes(b"\xff\xfe bad " * 3)
        else:
            (folder / f"good{i}.txt").write_text(f"batchqx{i} fine text\n", encoding="utf-8")
            good.append(i)
    (folder / "unreadable.txt").mkdir()  # a folder named like a file: walked, not read
    proc = run_cli("import", "--json", str(folder), str(folder / "missing.txt"), env=cli_env(JJJ_BRIEF_HOME=str(home)))
    assert_clean_failure(proc)
    report = json.loads(proc.stdout)
    statuses = {Path(r["path"]).name: r["status"] for r in report["results"]}
    assert statuses["missing.txt"] == "refused"
    assert all(statuses[f"good{i}.txt"] == "imported" for i in good)
    for i in good:
        assert search(f"batchqx{i}", library=default_library()).total == 1
    record("hostile text: import", attacks=len(statuses), faults=len(statuses) - len(good))


def run_cli_in(folder: Path, *args: str):
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "jjj_brief", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        env=cli_env(),
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("name", ["markup_action", "osc52_clipboard", "bidi", "c1"])
def test_single_hostile_import_round_trip(name, tmp_path):
    """One payload at a time, in-process: imported, searched, displayed inert (in this test's
    own home, tests/conftest.py's isolated_home: the shipped corpus is already indexed)."""
    source = tmp_path / f"{name}.txt"
    source.write_text(TERMINAL_ATTACKS[name], encoding="utf-8")
    (outcome,) = imports.add_files([str(source)])
    assert outcome.status == "imported"
    marker = TERMINAL_ATTACKS[name].split()[0]
    result = search(marker, library=default_library())
    assert result.total == 1 and result.hits[0].file == source.name
    assert display_safe(result.hits[0].snippet) != result.hits[0].snippet or name == "markup_action"
