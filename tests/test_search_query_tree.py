"""The parser's query tree is engine-neutral: plain nodes, compiled per engine."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from jjj_brief.search import query as q
from jjj_brief.search.query import QueryContext, parse


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_parser_imports_no_search_engine():
    assert not {"whoosh", "tantivy"} & _imports(Path(q.__file__))


def test_words_phrases_prefixes_filters_and_exclusions_become_plain_nodes():
    context = QueryContext.build([], ["relief", "relieve", "relieving", "xiongan"])
    parsed = parse('"Xiong\'an New Area" relie* outlet:xinhua year:2023..2024 -kind:fact -hospital', context)
    assert parsed.query == q.And(
        (
            q.Phrase("body", ("xiongan", "new", "area")),
            q.Prefix("body", "relie", ("relief", "reliev")),
            q.Term("outlet_terms", "xinhua"),
            q.Or((q.Keyword("year", "2023"), q.Keyword("year", "2024"))),
            q.Not(q.Term("body", "hospit")),
            q.Not(q.Keyword("kind", "fact")),
        )
    )


def test_a_compound_matches_split_and_closed_forms_and_or_groups():
    parsed = parse("sub-center OR suburb")
    assert parsed.query == q.Or(
        (
            q.Or((q.Phrase("body", ("sub", "center")), q.Term("body", "subcent"))),
            q.Term("body", "suburb"),
        )
    )


def test_exclusions_alone_search_everything_else():
    assert parse("-hospital").query == q.And((q.Every(), q.Not(q.Term("body", "hospit"))))


def test_an_engine_refuses_a_node_it_does_not_know():
    from jjj_brief.search.whoosh_query import to_whoosh

    with pytest.raises(TypeError, match="Unknown"):
        to_whoosh(type("Unknown", (), {})())
