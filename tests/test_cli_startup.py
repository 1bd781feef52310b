"""Start-up cost: `--version` and `--help` import no search, pydantic, figure or compare code,
and a sub-command imports its own module only (the time itself is measured in
bench/bench_app.py, not here)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("pydantic", "yaml", "whoosh", "tantivy", "textual", "rich")
HEAVY_OURS = ("jjj_brief.search", "jjj_brief.figures", "jjj_brief.compare", "jjj_brief.corpus", "jjj_brief.briefings")

PROBE = """
import json, sys
from jjj_brief.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
sys.__stderr__.write("MODULES " + json.dumps(sorted(sys.modules)) + "\\n")
"""


def modules_after(*arguments: str) -> tuple[set[str], str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *arguments], capture_output=True, text=True, timeout=60)
    line = next(line for line in done.stderr.splitlines() if line.startswith("MODULES "))
    return set(json.loads(line[len("MODULES ") :])), done.stdout


def heavy_in(modules: set[str]) -> list[str]:
    return sorted(
        m for m in modules if m.split(".")[0] in HEAVY or any(m == h or m.startswith(h + ".") for h in HEAVY_OURS)
    )


@pytest.mark.parametrize("arguments", [["--version"], ["--help"]])
def test_version_and_help_import_nothing_heavy(arguments):
    modules, out = modules_after(*arguments)
    assert heavy_in(modules) == []
    assert "jjj-brief" in out
    assert sorted(m for m in modules if m in ("dataclasses", "inspect")) == []  # ~8 ms (cli.CommandEntry)


def test_help_still_lists_every_command_without_importing_them():
    modules, out = modules_after("--help")
    from jjj_brief.cli import build_parser

    full = build_parser().format_help()  # every command module imported: the old way
    assert out == full
    assert not [m for m in modules if m.startswith("jjj_brief.commands.")]


def test_a_sub_command_imports_its_own_module_only():
    modules, _ = modules_after("search", "--help")
    ours = sorted(m for m in modules if m.startswith("jjj_brief.commands."))
    assert ours == ["jjj_brief.commands.search"]
    assert heavy_in(modules) == []


# What a search of the seeds on an index already built needs: the query parser, the engine
# (Whoosh for a small collection), the corpus and JSON. Not the briefings (their glossary
# spellings are kept beside the index), pydantic, YAML, figures, compare, the work store or
# any terminal library; nor what only a build or a rare query needs: the figure cache's
# SQLite, uuid (names a new generation's folder; imports platform), difflib ("did you
# mean", for few hits), platformdirs (no home set); nor ast (a command named after its
# module is not read from source) beyond what dataclasses' inspect brings.
NOT_FOR_SEARCH = ("pydantic", "yaml", "tantivy", "textual", "rich", "sqlite3", "uuid", "platform", "difflib")
NOT_FOR_SEARCH_OURS = (
    "jjj_brief.briefings",
    "jjj_brief.figures",
    "jjj_brief.compare",
    "jjj_brief.store",
    "jjj_brief.imports",
    "jjj_brief.formats",
    "jjj_brief.search.figure_cache",
)


@pytest.mark.fresh_index
def test_search_json_on_a_built_index_imports_only_what_it_needs():
    first, _ = modules_after("search", "Caofeidian", "--json")  # builds the index: briefings needed
    assert "jjj_brief.briefings.load" in first  # the probe sees what a run imports
    modules, out = modules_after("search", "Caofeidian", "--json")
    assert json.loads(out)["hits"], "the search found nothing: the probe ran no search"
    unneeded = sorted(
        m
        for m in modules
        if m.split(".")[0] in NOT_FOR_SEARCH or any(m == h or m.startswith(h + ".") for h in NOT_FOR_SEARCH_OURS)
    )
    assert unneeded == []
    # whoosh.compat's urllib.request and cached_property's asyncio (search.whoosh_loading)
    assert sorted(m for m in modules if m.split(".")[0] in ("asyncio", "ssl", "http") or m == "urllib.request") == []
    assert "platformdirs" not in modules  # the tests' JJJ_BRIEF_HOME names the folders
    assert "whoosh.lang.morph_en" not in modules  # whoosh.query's Variations only (search.whoosh_loading)


def test_a_misspelt_search_still_suggests_a_word():
    """difflib is imported when a query with few hits looks for a spelling, not before."""
    modules, out = modules_after("search", "Xiongna", "--json")
    assert json.loads(out)["suggestion"] and "difflib" in modules


def test_one_more_import_after_a_build_loads_no_briefings_or_settings_model(tmp_path):
    """The first import after a build: the briefings' linked articles were kept by the build
    (linked.json), and settings.json names no keep_import_originals, so neither the briefing
    YAML nor the settings model is loaded. (pydantic itself still comes with the seed
    catalog in a collection this small: its cross-article figure flags need the seeds.)"""
    first, one = tmp_path / "first.txt", tmp_path / "one.txt"
    first.write_text("---\ntitle: First\noutlet: Test Daily\ndate: 2024-05-01\n---\nTianjin port news.\n")
    one.write_text("---\ntitle: One more\noutlet: Test Daily\ndate: 2024-05-02\n---\nXiongan hired 37 pilots.\n")
    modules_after("import", str(first), "--json")  # the home's first import (it caches the seed ids)
    modules_after("index", "--rebuild", "--json")  # a fresh build
    modules, out = modules_after("import", str(one), "--json")
    assert json.loads(out)["results"][0]["status"] == "imported"
    assert "jjj_brief.search.reconcile" in modules  # the index was updated in this process
    assert sorted(m for m in modules if m == "jjj_brief.settings" or m.startswith("jjj_brief.briefings")) == []


def test_search_on_a_tantivy_index_imports_no_whoosh_index_code(monkeypatch, home_with_seed_index):
    """A large collection is searched with tantivy: Whoosh's index, query and storage code
    (with its urllib/email imports) is not loaded; only its Porter stemmer, a text rule."""
    monkeypatch.setenv("JJJ_BRIEF_SEARCH_ENGINE", "tantivy")
    # A copy of the run's one tantivy build of the seeds (a first search here built its own)
    monkeypatch.setenv("JJJ_BRIEF_HOME", str(home_with_seed_index("startup-tantivy", "tantivy")))
    modules, out = modules_after("search", "Caofeidian", "--json")
    assert json.loads(out)["hits"] and "tantivy" in modules
    assert sorted(m for m in modules if m.startswith("whoosh.") and not m.startswith("whoosh.lang")) == []


def test_an_unknown_command_is_one_line_naming_the_known_ones(capsys):
    from jjj_brief.cli import main

    assert main(["serch", "x"]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "invalid choice: 'serch'" in error and "'search'" in error


def test_search_with_the_settings_the_app_saves_loads_no_settings_model(isolated_home):
    """The app saves every setting (search_engine included): a search reads the engine from
    that file without the settings model and pydantic."""
    from jjj_brief.settings import Settings, save_settings

    save_settings(Settings(query_history=["Xiongan"], search_engine="whoosh"), isolated_home / "data")
    modules, out = modules_after("search", "Caofeidian", "--json")
    assert json.loads(out)["hits"]
    assert sorted(m for m in modules if m == "jjj_brief.settings" or m.split(".")[0] == "pydantic") == []
