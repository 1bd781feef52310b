"""Two engines behind one search API: Whoosh for small collections, tantivy for large.

Both index our analyzer's terms, so they find the same passages; ranking may differ.
The judged relevance set runs against both with the same recall@10 per query."""

from __future__ import annotations

import json

import pytest

from jjj_brief import imports
from jjj_brief.cli import main
from jjj_brief.commands.libraries import default_library
from jjj_brief.paths import StorageWarnings
from jjj_brief.search import api, engine_choice, ensure_index, index, search
from relevance.judged import K, judge, load_queries

QUERIES = load_queries()


def use_engine(monkeypatch, engine: str) -> None:
    monkeypatch.setenv("JJJ_BRIEF_SEARCH_ENGINE", engine)


@pytest.fixture(scope="module")
def both_engines(home_with_seed_index):
    """A seed index per engine, in homes of their own: {engine: home}."""
    homes = {}
    mp = pytest.MonkeyPatch()
    try:
        for engine in ("whoosh", "tantivy"):
            home = home_with_seed_index(f"home-{engine}", engine)
            mp.setenv("JJJ_BRIEF_HOME", str(home))
            mp.setenv("JJJ_BRIEF_SEARCH_ENGINE", engine)
            assert ensure_index(library=default_library()).engine == engine
            homes[engine] = home
    finally:
        mp.undo()
    return homes


def judged_on(engine: str, home, monkeypatch):
    monkeypatch.setenv("JJJ_BRIEF_HOME", str(home))
    use_engine(monkeypatch, engine)
    out = {}
    for entry in QUERIES:
        result = judge(entry)
        top = search(f"{entry['query']} kind:passage", limit=3, group_by_article=True, library=default_library())
        out[entry["query"]] = (result, [hit.article for hit in top.hits])
    return out


def test_the_judged_set_has_the_same_recall_on_both_engines(both_engines, monkeypatch, capsys):
    whoosh = judged_on("whoosh", both_engines["whoosh"], monkeypatch)
    tantivy = judged_on("tantivy", both_engines["tantivy"], monkeypatch)
    differ = [
        f"{query!r}: recall@{K} whoosh {whoosh[query][0].recall:.2f} vs tantivy {tantivy[query][0].recall:.2f}"
        for query in whoosh
        if whoosh[query][0].recall != tantivy[query][0].recall
    ]
    top3 = [
        f"{query!r}: whoosh {whoosh[query][1]} / tantivy {tantivy[query][1]}"
        for query in whoosh
        if whoosh[query][1] != tantivy[query][1]
    ]
    with capsys.disabled():
        print(f"\n{len(top3)} of {len(whoosh)} judged queries rank a different top 3 (by article):")
        for line in top3:
            print("  " + line)
    assert not differ, "recall differs between engines:\n" + "\n".join(differ + ["top 3 differ:"] + top3)


@pytest.mark.parametrize(
    "query",
    [
        "Caofeidian",
        '"non-capital functions"',
        "relie* hospital",
        "Tianjin -port",
        "sub-center OR subcenter",
        "outlet:xinhua year:2023..2024",
        "kind:glossary Xiongan",
        "-kind:passage hydrogen",
        "zzzunknown*",
    ],
)
def test_both_engines_match_the_same_documents(both_engines, monkeypatch, query):
    found = {}
    for engine, home in both_engines.items():
        monkeypatch.setenv("JJJ_BRIEF_HOME", str(home))
        use_engine(monkeypatch, engine)
        result = search(query, limit=1000, library=default_library())
        found[engine] = (result.total, sorted((h.kind, h.article, h.start) for h in result.hits))
        assert all(h.snippet for h in result.hits)
    assert found["whoosh"] == found["tantivy"]


def test_tantivy_snippets_light_the_query_words(both_engines, monkeypatch):
    monkeypatch.setenv("JJJ_BRIEF_HOME", str(both_engines["tantivy"]))
    use_engine(monkeypatch, "tantivy")
    result = search("Xiong'an hospitals", library=default_library())
    assert result.hits
    for hit in result.hits:
        lit = [hit.snippet[s:e].casefold() for s, e in hit.highlights]
        assert any(word.startswith(("xiong", "hospital")) for word in lit), (hit.snippet, lit)


def test_imports_are_added_and_removed_incrementally_on_tantivy(monkeypatch, tmp_path, capsys):
    use_engine(monkeypatch, "tantivy")
    assert ensure_index(library=default_library()).engine == "tantivy"
    note = tmp_path / "note.txt"
    note.write_text("The Zanzibarian ferry reached Caofeidian.\n", encoding="utf-8")
    assert main(["import", str(note), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["index"]["action"] == "updated" and report["index"]["imports_added"] == 1
    assert search("zanzibarian", library=default_library()).total == 1
    imports.remove(report["results"][0]["id"])
    assert ensure_index(library=default_library()).removed == 1
    assert search("zanzibarian", library=default_library()).total == 0


def test_changing_the_engine_setting_rebuilds_without_losing_imports(monkeypatch, tmp_path, capsys):
    note = tmp_path / "note.txt"
    note.write_text("Zanzibarian ferries.\n", encoding="utf-8")
    main(["import", str(note), "--json"])
    capsys.readouterr()
    assert main(["index", "--engine", "tantivy", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["engine"] == "tantivy" and status["action"] == "rebuilt" and status["engine_setting"] == "tantivy"
    assert search("zanzibarian", library=default_library()).total == 1
    assert main(["index", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["action"] == "reused"
    assert main(["index", "--engine", "auto", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["engine"] == "whoosh" and search("zanzibarian", library=default_library()).total == 1


def test_a_collection_growing_past_the_threshold_moves_to_tantivy(monkeypatch, tmp_path):
    first = ensure_index(library=default_library())
    assert first.engine == "whoosh"
    monkeypatch.setattr(
        engine_choice, "TANTIVY_PASSAGES", api.service(library=default_library()).generation.passages() + 1
    )
    note = tmp_path / "note.txt"
    note.write_text("Zanzibarian ferries.\n\nA second paragraph.\n\nA third one.\n", encoding="utf-8")
    imports.add_files([str(note)])
    api.service(library=default_library()).reset_engine()
    status = ensure_index(lambda done, total: None, library=default_library())
    assert status.engine == "tantivy" and status.action == "rebuilt" and "switching to tantivy" in status.reason
    assert status.added == 0  # not added to Whoosh first, then rebuilt
    assert search("zanzibarian", library=default_library()).total == 1


def test_the_start_up_check_reads_no_import_when_nothing_changed(monkeypatch, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("Zanzibarian ferries.\n", encoding="utf-8")
    imports.add_files([str(note)])
    ensure_index(library=default_library())

    def no_reading(path):
        raise AssertionError(f"read {path} although nothing changed")

    monkeypatch.setattr(imports, "stored_key", no_reading)
    monkeypatch.setattr(imports, "load_import", no_reading)
    api.service(library=default_library()).discard()
    assert ensure_index(library=default_library()).action == "reused"
    assert search("zanzibarian", library=default_library()).total == 1


def test_the_index_reads_the_imports_stamp_where_imports_writes_it(tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("Zanzibarian ferries.\n", encoding="utf-8")
    before = index.imports_stamp()
    imports.add_files([str(note)])
    assert index.IndexManager(warnings=StorageWarnings()).where().imports == imports.imports_dir()
    after = index.imports_stamp()
    assert after[0] == imports.imports_generation() == before[0] + 1


def test_whoosh_imported_with_stand_ins_keeps_its_forwarding_and_leaves_none_behind():
    """search.whoosh_loading imports Whoosh without urllib.request, asyncio and
    whoosh.lang.morph_en, in a fresh single-threaded process; the stand-ins are gone
    afterwards and the names Whoosh kept still work."""
    import subprocess
    import sys

    probe = (
        "import sys, jjj_brief.search.whoosh_engine, whoosh.compat, cached_property\n"
        "assert 'asyncio' not in sys.modules and 'urllib.request' not in sys.modules\n"
        "assert 'whoosh.lang.morph_en' not in sys.modules\n"
        "import whoosh.query.terms; assert 'ran' in whoosh.query.terms.variations('running')\n"
        "assert cached_property.asyncio.iscoroutinefunction(lambda: 0) is False\n"
        "async def c(): pass\n"
        "assert cached_property.asyncio.iscoroutinefunction(c) is True\n"
        "import urllib.request, asyncio\n"
        "assert urllib.request.urlopen and asyncio.run and hasattr(urllib.request, 'Request')\n"
        "import inspect; assert inspect.signature(whoosh.compat.urlretrieve)\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "ok", done.stderr[-2000:]
