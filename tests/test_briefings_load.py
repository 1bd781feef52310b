"""Loading briefings: the shipped set loads cleanly; broken YAML never raises and is located."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from jjj_brief.briefings import load_briefings
from jjj_brief.briefings.check import check_briefings
from jjj_brief.commands.libraries import default_library
from jjj_brief.corpus import load_corpus


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_shipped_briefings_load_without_problems():
    briefings = load_briefings()
    assert briefings.problems == []
    assert briefings.glossary, "the glossary ships with terms"


def test_glossary_ids_are_unique_and_mistranslations_are_printed_somewhere():
    briefings = load_briefings()
    ids = [term.id for term in briefings.glossary]
    assert len(ids) == len(set(ids))
    texts = [article.text for article in load_corpus(library=default_library())]
    for term in briefings.glossary:
        for wrong in term.mistranslations:
            assert any(wrong in text for text in texts), (term.id, wrong)


def test_glossary_links_the_renderings_of_the_key_link():
    terms = {term.id: term for term in load_briefings().glossary}
    renderings = set(terms["key-link"].aliases)
    assert {"nibble", "niubi", "bull's nose", "narrow tip", "native"} <= renderings
    assert {"Xiong’an", "Xiong'an", "Xiongan"} <= set(terms["xiongan"].aliases)


def test_schema_error_names_file_field_path_and_line(tmp_path):
    _write(
        tmp_path,
        "g.yaml",
        """\
        glossary:
          - id: ok
            term: Fine
            kind: place
            gloss: fine
          - id: bad
            term: Broken
            kind: planet
            gloss: has a bad kind
        """,
    )
    briefings = load_briefings(tmp_path)
    assert [t.id for t in briefings.glossary] == ["ok"]
    (problem,) = briefings.problems
    assert problem.path == "glossary[1].kind"
    assert problem.line == 8
    assert str(problem).startswith(f"{tmp_path.name}/g.yaml:8: glossary[1].kind: ")


@pytest.mark.parametrize("unusual", ["\x85", "\u2028", "\u2029", "\r"])
def test_lines_are_an_editors_when_yaml_breaks_lines_elsewhere_too(tmp_path, unusual):
    """Found by test_mutated_yaml_never_raises under load: YAML also ends a line at NEL, LS,
    PS and a lone CR, so a problem after one was reported a line below where an editor shows
    it (and past the end of the file)."""
    text = (
        "glossary:\n"
        "  - id: bad\n"
        f'    term: "Broken{unusual}twice"\n'
        "    kind: planet\n"
        "    gloss: has a bad kind\n"
        f'bogus: "a{unusual}b"\n'
        "facts: [\n"
    )
    (tmp_path / "g.yaml").write_text(text, encoding="utf-8", newline="")
    problems = load_briefings(tmp_path).problems
    assert [(p.path, p.line) for p in problems] == [("", 8)], problems  # the YAML error: after the last line
    text = text.rsplit("facts", 1)[0]
    (tmp_path / "g.yaml").write_text(text, encoding="utf-8", newline="")
    problems = load_briefings(tmp_path).problems
    assert [(p.path, p.line) for p in problems] == [("bogus", 6), ("glossary[0].kind", 4)], problems


def test_alias_bomb_is_refused_quickly(tmp_path):
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 30):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    lines.append("glossary: *a29")
    _write(tmp_path, "bomb.yaml", "\n".join(lines) + "\n")
    started = time.perf_counter()
    briefings = load_briefings(tmp_path)
    assert time.perf_counter() - started < 2
    problem = briefings.problems[0]  # then the unknown sections a0..a29 and "glossary: *a29"
    assert "aliases" in problem.message and problem.line == 2


_SHIPPED_SAMPLE = (Path(__file__).parent / "fixtures" / "briefings" / "base" / "00-base.yaml").read_text(
    encoding="utf-8"
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(edits=[(2188, 1, "\x850")])  # a NEL: YAML's line 60 was the file's 58th and last
@given(
    st.lists(
        st.tuples(st.integers(0, len(_SHIPPED_SAMPLE)), st.integers(0, 6), st.text(max_size=6)),
        min_size=1,
        max_size=6,
    )
)
def test_mutated_yaml_never_raises(tmp_path_factory, edits):
    """Random cuts and insertions into a valid file: loading reports, never raises."""
    text = _SHIPPED_SAMPLE
    for position, cut, insert in edits:
        position = min(position, len(text))
        text = text[:position] + insert + text[position + cut :]
    folder = tmp_path_factory.mktemp("mutated")
    (folder / "m.yaml").write_text(text, encoding="utf-8")
    briefings = load_briefings(folder)
    for problem in briefings.problems:
        assert problem.file.endswith("m.yaml")
        assert problem.line is None or 1 <= problem.line <= text.count("\n") + 2


_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10)
_trees = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["id", "topic", "claims", "value", "quote", "article", "x", "parent"]), inner, max_size=5
        )
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["topics", "facts", "glossary", "timeline", "other"]), _trees, max_size=4))
def test_any_yaml_shape_never_raises(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("shapes")
    (folder / "s.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    check_briefings(load_briefings(folder), library=default_library())  # the checker copes with whatever loaded


def test_quote_lookup_returns_offsets_and_a_closest_match():
    from jjj_brief.briefings import closest_match, locate_quote

    article = load_corpus(library=default_library()).get("liaowang-2024")
    start, end = locate_quote(article, "dropped to 386 micrograms")
    assert article.text[start:end] == "dropped to 386 micrograms"
    assert locate_quote(article, "dropped to 38.6 micrograms") is None
    m_start, m_end, snippet, ratio = closest_match(article, "The average concentration dropped to 38.6 micrograms")
    assert "386 micrograms" in snippet and ratio > 0.9
    assert article.text[m_start:m_end] == snippet


def test_alias_groups_expand_aliases_but_never_see_also():
    """Search expands a query with a term's aliases (the same thing), not its see_also
    (related things): "one core" is part of the pattern, not another name for the two wings."""
    from jjj_brief.briefings import shipped_briefings
    from jjj_brief.search.index import glossary_spellings

    briefings = shipped_briefings(library=default_library())
    groups = glossary_spellings(briefings)
    assert groups == briefings.alias_groups()
    two_wings = next(g for g in groups if "two wings" in g)
    assert "one core" not in two_wings and "twin cities" not in two_wings
    assert not any("Daxing International Airport" in g and "dual hub" in g for g in groups)
    assert not any("Chongli" in g for g in groups)
    assert any("Beisan County" in g and "three northern counties" in g for g in groups)


def test_libyaml_and_pure_python_loaders_give_the_same_nodes_and_lines():
    """The loader parses with libyaml when PyYAML has it (perf12: ~8x faster); the
    pure-Python one is the fallback. Both must give the same items, lines and problems, on
    the shipped files and on broken ones (an alias, a duplicate key, bad YAML)."""
    import yaml

    from jjj_brief import paths
    from jjj_brief.briefings import yaml_items

    class PurePython(yaml_items._NoAliasComposer, yaml.SafeLoader):
        def __init__(self, stream):
            super().__init__(stream)
            self.alias_lines = []

    texts = [p.read_text(encoding="utf-8") for p in sorted(paths.briefings_dir().rglob("*.yaml"))]
    texts += [
        "facts:\n  - &a {id: x}\n  - *a\n",
        "facts:\n  - id: x\n    id: y\n",
        "facts: [\n  - id: x\n",
        "topics:\n  - id: t\n    title: 'unterminated\n",
    ]
    assert yaml_items._NoAliasLoader is not PurePython
    for text in texts:
        results = []
        for loader in (yaml_items._NoAliasLoader, PurePython):
            original = yaml_items._NoAliasLoader
            yaml_items._NoAliasLoader = loader
            try:
                problems: list = []
                items = yaml_items.parse_sections(text, "f.yaml", problems)
            finally:
                yaml_items._NoAliasLoader = original
            results.append((items, [(p.path, p.line, p.message.split(":")[0]) for p in problems]))
        assert results[0] == results[1]
