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
def test_glossary_phrases_find_exactly_what_the_phrases_find(monkeypatch, engine, home_with_seed_index):
    monkeypatch.setenv("JJJ_BRIEF_SEARCH_ENGINE", engine)
    # A copy of the run's one build by this engine (the tantivy case built its own: ~1 s of CPU)
    monkeypatch.setenv("JJJ_BRIEF_HOME", str(home_with_seed_index(f"glossary-{engine}", engine)))
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


def test_the_build_keeps_the_glossary_analysis_and_a_process_reads_it(monkeypatch):
    """The spellings' words keys and phrases are written beside the index by the build and
    read back by the first search, not analyzed again: the same as computing them, and
    ignored (computed) when they were made from other aliases or by another analyzer."""
    import json

    from jjj_brief.search import generation as gen
    from jjj_brief.search import query_tree

    ensure_index(library=default_library())
    generation = api.service(library=default_library()).manager.generation
    assert generation is not None and generation.folder is not None and generation.aliases
    computed = gen.glossary_analysis(generation.aliases)
    assert gen._read_glossary(generation.folder, generation.aliases) == computed
    assert gen._read_glossary(generation.folder, generation.aliases[1:]) is None
    stored = json.loads((generation.folder / gen.GLOSSARY_FILE).read_text(encoding="utf-8"))
    monkeypatch.setattr(gen, "ANALYZER_VERSION", "another analyzer")
    assert gen._read_glossary(generation.folder, generation.aliases) is None
    monkeypatch.undo()
    assert stored["keys"] and stored["phrases"]

    keys = computed[0]
    built = query_tree.QueryContext.build(generation.aliases, [])
    assert query_tree.QueryContext.build(generation.aliases, [], keys=keys).alias_groups == built.alias_groups

    analyzed: list[str] = []
    real = query_tree.words_key
    for module in (query_tree, gen):
        monkeypatch.setattr(module, "words_key", lambda text: analyzed.append(text) or real(text))
    api.service(library=default_library()).reset_engine()
    fresh = gen.open_generation(generation.folder)
    api.service(library=default_library()).manager.generation = fresh
    found = search("Xiong'an New Area", library=default_library())
    assert found.hits and analyzed == []  # no spelling analyzed: the keys came from the file
    assert api.service(library=default_library()).engine().glossary_phrases == computed[1]
