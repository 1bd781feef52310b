"""A briefing file's node tree comes from libyaml's composer where that is the tree the
Python composer (aliases refused) makes: on the shipped files and on wild YAML (aliases,
anchors, deep nesting, broken syntax) the items, their lines and the problems are the same
either way (``_parse_sections(..., c_composer=False)`` is the Python composer alone)."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from jjj_brief import paths
from jjj_brief.briefings import yaml_items


def _both(text: str) -> tuple[tuple[str, list], tuple[str, list]]:
    by_c: list = []
    by_python: list = []
    items_c = yaml_items._parse_sections(text, "f.yaml", by_c)
    items_python = yaml_items._parse_sections(text, "f.yaml", by_python, c_composer=False)
    return (repr(items_c), by_c), (repr(items_python), by_python)


@pytest.mark.parametrize("depth", [150, 350, 600, 999])
def test_deep_nesting_reads_the_same_by_either_composer(depth):
    """Outside hypothesis, which raises the recursion limit while it runs: the Python
    composer gives up somewhere past ~300 levels ("invalid YAML"), libyaml's goes to 1,000."""
    by_c, by_python = _both("facts:\n  - " + "[" * depth + "]" * depth + "\n")
    assert by_c == by_python


def test_the_shipped_briefings_are_read_by_libyaml_and_as_before():
    files = sorted(paths.briefings_dir().rglob("*.yaml"))
    assert len(files) >= 8
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert yaml_items._compose_in_c(text)[0], path  # the fast path is the one taken
        by_c, by_python = _both(text)
        assert by_c == by_python, path


_PIECES = st.sampled_from(
    ["facts:", "topics:", "glossary:", "\n", "\n  ", "\n    ", "- ", "id: ", "x", "y z", ": ", "[", "]", "{", "}", ","]
    + ["&a ", "*a", "&b ", "*b", "!!str ", "? ", "'q'", '"d"', "#c", "|", ">", "---", "...", "1", "2024-02-26", "~"]
    + ["\t", "\r", "\u2028", "\x85", "é", "京"]
)


@settings(max_examples=300, deadline=None)
@given(text=st.lists(_PIECES, max_size=24).map("".join))
@example(text="facts:\n  - &a {id: x}\n  - *a\n")  # an alias: refused, the rest loads
@example(text="facts:\n  - id: x\n    y: *nowhere\n")  # an undefined alias
@example(text="facts:\n  - &a [*a]\n")  # an alias inside itself
@example(text="facts:\n  - &a {id: x}\n  - &a {id: y}\n")  # an anchor used twice
@example(text="facts:\n  - id: x\n    id: y\n")  # a duplicate key
@example(text="facts: [\n  - id: x\n")  # broken
def test_wild_yaml_reads_the_same_by_either_composer(text):
    by_c, by_python = _both(text)
    assert by_c == by_python


def test_a_file_parsed_again_gives_the_same_items_and_problems_to_each_caller():
    text = "facts:\n  - &a {id: x}\n  - *a\ntopics:\n  - id: t\n    title: T\n"
    first_problems: list = []
    first = yaml_items.parse_sections(text, "f.yaml", first_problems)
    first.clear()  # what one caller does to its list never reaches another's
    again_problems: list = []
    again = yaml_items.parse_sections(text, "f.yaml", again_problems)
    assert again == yaml_items._parse_with_lines(text, "f.yaml", [])
    assert len(again) == 2 and again_problems == first_problems and len(first_problems) == 2
    # the loader is part of what is remembered (tests/test_briefings_load.py swaps in PyYAML's parser)
    assert yaml_items._remembered(text, "f.yaml", object) is not yaml_items._remembered(
        text, "f.yaml", yaml_items._NoAliasLoader
    )


def test_the_remembered_parses_are_bounded():
    yaml_items._remembered.cache_clear()
    big = "topics:\n" + "  - id: t\n    title: T\n" * (yaml_items.REMEMBERED_MAX_CHARS // 20)
    assert len(big) > yaml_items.REMEMBERED_MAX_CHARS
    assert yaml_items.parse_sections(big, "big.yaml", [])  # parsed, not kept
    assert yaml_items._remembered.cache_info().currsize == 0
    for i in range(yaml_items.REMEMBERED_FILES + 5):
        yaml_items.parse_sections(f"topics:\n  - id: t{i}\n", "f.yaml", [])
    assert yaml_items._remembered.cache_info().currsize == yaml_items.REMEMBERED_FILES
