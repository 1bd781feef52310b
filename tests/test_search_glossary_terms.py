"""Glossary phrases are indexed as single terms: the same matches, without phrase checks."""

from __future__ import annotations

import pytest

from jjj_brief.commands.libraries import default_library
from jjj_brief.search import api, ensure_index, search
from jjj_brief.search import query as q
from jjj_brief.search.analyzer import glossary_term
from relevance.judged import load_queries

QUERIES = [entry["query"] for entry in load_queries()] + ['"non-capital functions"', "Xiong'an New Area -hospital"]


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
def test_glossary_phrases_find_exactly_what_the_phrases_find(monkeypatch, engine):
    monkeypatch.setenv("JJJ_BRIEF_SEARCH_ENGINE", engine)
    ensure_index(library=default_library())
    searcher = api.service(library=default_library()).engine()
    assert searcher.glossary_phrases, "the glossary's multi-word spellings should be indexed as terms"
    as_terms = {query: search(query, limit=1000, library=default_library()) for query in QUERIES}
    monkeypatch.setattr(searcher, "glossary_phrases", frozenset())
    for query in QUERIES:
        as_phrases = search(query, limit=1000, library=default_library())
        got = as_terms[query]
        assert got.total == as_phrases.total, query
        assert sorted((h.kind, h.article, h.start) for h in got.hits) == sorted(
            (h.kind, h.article, h.start) for h in as_phrases.hits
        ), query


def test_a_glossary_phrase_is_one_term_lookup(monkeypatch):
    ensure_index(library=default_library())
    searcher = api.service(library=default_library()).engine()
    seen = []
    real = searcher._searcher.top
    monkeypatch.setattr(searcher._searcher, "top", lambda node, *a: seen.append(node) or real(node, *a))
    search('"non-capital functions"', library=default_library())
    leaves = [n for n in q.walk(seen[0])]
    assert not any(isinstance(n, q.Phrase) for n in leaves)
    assert q.Term("body", glossary_term(("non", "capit", "function"))) in leaves
