"""Rules shared across layers: one parse of the shipped briefings per process (search,
compare and the app), and the figure grammar's qualifiers known to compare."""

from __future__ import annotations

import shutil

from jjj_brief import paths
from jjj_brief.briefings import load as briefings_load
from jjj_brief.briefings import shipped_briefings
from jjj_brief.commands.libraries import default_library, forget_libraries
from jjj_brief.compare import state as compare_state
from jjj_brief.search import api as search_api


def test_search_and_compare_share_one_parse(monkeypatch):
    calls = []
    real = briefings_load.load_briefings
    monkeypatch.setattr(briefings_load, "load_briefings", lambda *a, **k: calls.append(1) or real(*a, **k))
    forget_libraries()  # a fresh process: no library has parsed the briefings yet
    first = shipped_briefings(library=default_library())
    search_api.alias_groups(library=default_library())
    assert compare_state.briefings(library=default_library()) is first
    assert len(calls) == 1


def test_an_edited_file_is_parsed_again(tmp_path, monkeypatch):
    folder = tmp_path / "briefings"
    shutil.copytree(paths.briefings_dir(), folder)
    monkeypatch.setattr(paths, "briefings_dir", lambda: folder)
    before = shipped_briefings(library=default_library())
    assert shipped_briefings(library=default_library()) is before
    glossary = folder / "glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    after = shipped_briefings(library=default_library())
    assert after is not before and len(after.glossary) == len(before.glossary)


def test_compare_knows_the_direction_of_every_qualifier_the_figure_grammar_emits():
    """The grammar (figures.QUALIFIERS) and the value rules (compare.values) live apart;
    a new hedge in the grammar must get a direction (bound or approximate) in compare."""
    from jjj_brief.compare.values import APPROXIMATE, LOWER_BOUNDS, UPPER_BOUNDS
    from jjj_brief.figures import QUALIFIERS

    assert set(QUALIFIERS) <= set(LOWER_BOUNDS) | set(UPPER_BOUNDS) | set(APPROXIMATE)
