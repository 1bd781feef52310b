"""Bring-your-own documents: imported files become searchable, readable articles."""

from __future__ import annotations

import json
import os

import pytest

from jjj_brief import imports
from jjj_brief.cli import main
from jjj_brief.commands.libraries import default_library
from jjj_brief.corpus import load_corpus
from jjj_brief.search import ensure_index, search


@pytest.fixture(autouse=True)
def fresh_corpus():
    """Imports made here must not leak into later tests through the per-process corpus."""
    yield
    from jjj_brief import corpus

    corpus._CORPUS = None  # reloaded on next use, from the next test's home


@pytest.fixture
def docs(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "note.md").write_text(
        "---\ntitle: Field note on Xiongan\noutlet: Our desk\ndate: 2024-03-01\n---\n"
        "The Xiong’an hospital moved in March.\n\nQuarterly figures: 12,345 workers relocated.\n",
        encoding="utf-8",
    )
    (folder / "plain.txt").write_text("Zanzibarian ferries and the Babcock plant.\n", encoding="utf-8")
    return folder


def run_json(capsys, *argv) -> tuple[int, dict]:
    code = main([*argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_imported_files_are_searchable_and_readable(docs, capsys):
    ensure_index(library=default_library())
    code, report = run_json(capsys, "import", str(docs / "note.md"), str(docs / "plain.txt"))
    assert code == 0
    assert [r["status"] for r in report["results"]] == ["imported", "imported"]
    assert report["index"]["action"] == "updated"  # incremental, not a rebuild
    assert report["index"]["imports_added"] == 2

    result = search('"12,345"', library=default_library())
    assert result.total == 1
    hit = result.hits[0]
    article = load_corpus(refresh=True, library=default_library()).get(hit.article)
    assert article.source == "import"
    assert (article.title, article.outlet, article.date) == ("Field note on Xiongan", "Our desk", "2024-03-01")
    assert article.text.startswith("The Xiong’an hospital")  # front matter is not text
    assert article.text[hit.start : hit.end] == "Quarterly figures: 12,345 workers relocated."
    assert (
        search("zanzibarian", library=default_library()).hits[0].title == "Zanzibarian ferries and the Babcock plant."
    )


def test_reimporting_the_same_content_changes_nothing(docs, capsys):
    main(["import", str(docs), "--json"])
    capsys.readouterr()
    stored = sorted(p.name for p in imports.imports_dir().iterdir())
    code, report = run_json(capsys, "import", str(docs))
    assert code == 0
    assert {r["status"] for r in report["results"]} == {"unchanged"}
    assert report["index"]["imports_added"] == 0
    assert sorted(p.name for p in imports.imports_dir().iterdir()) == stored


def test_unreadable_files_are_refused_by_name_and_the_rest_lands(docs, capsys):
    (docs / "latin1.txt").write_bytes("caf\xe9 Zanzibarian".encode("latin-1"))
    (docs / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (docs / "slides.pdf").write_bytes(b"%PDF-1.4")
    code = main(
        [
            "import",
            str(docs / "latin1.txt"),
            str(docs / "binary.txt"),
            str(docs / "slides.pdf"),
            str(docs / "plain.txt"),
        ]
    )
    captured = capsys.readouterr()
    assert code == 1
    for name in ("latin1.txt", "binary.txt", "slides.pdf"):
        assert name in captured.err
    assert "imported" in captured.out
    assert search("zanzibarian", library=default_library()).total == 1  # plain.txt landed, latin1.txt did not


def test_remove_takes_an_import_out_of_corpus_and_index(docs, capsys):
    main(["import", str(docs / "plain.txt")])
    capsys.readouterr()
    [imported] = [a for a in load_corpus(refresh=True, library=default_library()) if a.source == "import"]
    assert search("zanzibarian", library=default_library()).total == 1
    assert main(["import", "--remove", imported.id]) == 0
    assert search("zanzibarian", library=default_library()).total == 0
    assert all(a.source == "seed" for a in load_corpus(refresh=True, library=default_library()))
    assert main(["import", "--remove", imported.id]) == 1
    assert "no import" in capsys.readouterr().err


def test_an_import_written_but_not_yet_indexed_is_found_on_next_search(docs):
    ensure_index(library=default_library())
    imports.add_files([str(docs / "plain.txt")])  # as if killed before indexing
    assert search("zanzibarian", library=default_library()).total == 1


def test_interrupted_write_leaves_nothing_behind_visible(docs):
    folder = imports.imports_dir()
    folder.mkdir(parents=True)
    (folder / ".plain.txt.abc.tmp").write_text('jjj-import {"id": "half', encoding="utf-8")
    assert [a for a in load_corpus(refresh=True, library=default_library()) if a.source == "import"] == []
    assert search("zanzibarian", library=default_library()).total == 0


def test_imported_control_characters_never_reach_the_terminal(tmp_path, capsys):
    evil = tmp_path / "evil.txt"
    evil.write_text("Zanzibarian \x1b]0;pwned\x07 text \x1b[31mred\x1b[0m [bold]x[/bold]\n", encoding="utf-8")
    main(["import", str(evil)])
    capsys.readouterr()
    assert main(["search", "zanzibarian"]) == 0
    out = capsys.readouterr().out
    assert "\x1b]" not in out and "\x07" not in out and "[bold]x[/bold]" in out


def test_front_matter_variants():
    found, text, note = imports.split_front_matter("---\ntitle: [1, 2\n---\nbody\n")
    assert found == {} and note and text.startswith("---")
    found, text, note = imports.split_front_matter("---\ndate: 2024-02-30x\ntitle: T\n---\nbody")
    assert found == {"title": "T"} and text == "body" and "date" in note
    found, text, _ = imports.split_front_matter("no front matter\n---\n")
    assert found == {} and text == "no front matter\n---\n"


def test_import_needs_a_writable_data_folder(isolated_home, docs, capsys):
    os.makedirs(isolated_home, exist_ok=True)
    (isolated_home / "data").write_text("a file where the folder should be", encoding="utf-8")
    assert main(["import", str(docs / "plain.txt")]) == 1
    assert "cannot write" in capsys.readouterr().err


def test_a_date_that_is_not_a_real_date_is_one_line_and_the_rest_of_the_batch_lands(tmp_path, capsys):
    """Issue 17: ``date: 2024-13-45`` ended the import with a traceback; later files never landed."""
    for name, date in (("a-month-13.md", "2024-13-45"), ("b-feb-30.md", "2024-02-30")):
        (tmp_path / name).write_text(f"---\ntitle: Bad {name}\ndate: {date}\n---\nBody of {name}.\n", encoding="utf-8")
    (tmp_path / "c-last.md").write_text("---\ndate: 2024-02-29\n---\nThe last file lands.\n", encoding="utf-8")
    code = main(["import", str(tmp_path), "--json"])
    captured = capsys.readouterr()
    assert code == 0 and "Traceback" not in captured.err
    results = {r["path"].rsplit("/", 1)[-1]: r for r in json.loads(captured.out)["results"]}
    assert [r["status"] for r in results.values()] == ["imported"] * 3
    assert results["a-month-13.md"]["message"].endswith("date '2024-13-45' is not a real date; ignored")
    assert results["b-feb-30.md"]["date"] == "" and results["c-last.md"]["date"] == "2024-02-29"
    assert load_corpus(refresh=True, library=default_library()).get("c-last").date == "2024-02-29"


def test_an_import_reports_watched_searches_without_reading_every_article(capsys, tmp_path, monkeypatch):
    """A watched search holds no anchor: reporting it after an import opens the store without
    re-anchoring the notes against the whole corpus (~0.6 s at 10,000 imports); the next
    command that reads the notes re-anchors them."""
    from jjj_brief.store.session import WorkSession, close_work

    assert main(["save", "ferry", "qinhuangdao ferry", "--watch", "--json"]) == 0
    close_work(library=default_library())
    anchored: list[object] = []
    real = WorkSession.reanchor_if_changed
    monkeypatch.setattr(
        WorkSession,
        "reanchor_if_changed",
        lambda self, store, corpus: anchored.append(corpus) or real(self, store, corpus),
    )
    capsys.readouterr()
    memo = tmp_path / "ferry.txt"
    memo.write_text("Qinhuangdao ferry\n\nThe Qinhuangdao ferry carried 300 cars.\n", encoding="utf-8")
    assert main(["import", str(memo), "--json"]) == 0
    reported = json.loads(capsys.readouterr().out)
    assert reported["watched"] == [{"name": "ferry", "query": "qinhuangdao ferry", "new": 2}]
    assert anchored == []
    assert main(["notes", "--json"]) == 0  # reading the notes re-anchors them
    assert len(anchored) == 1
