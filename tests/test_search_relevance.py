"""Relevance: the judged queries in tests/relevance/queries.yaml find their articles.

Run ``cd tests && python -m relevance.judged`` for the per-query table."""

from __future__ import annotations

import pytest

from jjj_brief.commands.libraries import default_library
from jjj_brief.corpus import load_corpus
from jjj_brief.figures import article_figures
from jjj_brief.search import ensure_index, search, values
from jjj_brief.search.analyzer import iter_tokens
from jjj_brief.search.api import highlight_parsed
from jjj_brief.search.concepts import term_spans
from relevance.judged import MIN_RECALL, K, judge, load_queries, losses, pooled_recall

QUERIES = load_queries()


@pytest.fixture(scope="module")
def seed_index(home_with_seed_index):
    home = home_with_seed_index("relevance-home")
    mp = pytest.MonkeyPatch()
    mp.setenv("JJJ_BRIEF_HOME", str(home))
    ensure_index(library=default_library())
    yield home
    mp.undo()


@pytest.fixture
def indexed(seed_index, monkeypatch):
    monkeypatch.setenv("JJJ_BRIEF_HOME", str(seed_index))


@pytest.fixture(scope="module")
def judgements(seed_index):
    mp = pytest.MonkeyPatch()
    mp.setenv("JJJ_BRIEF_HOME", str(seed_index))
    results = [judge(entry) for entry in QUERIES]
    mp.undo()
    return results


def test_there_are_enough_judged_queries():
    assert len(QUERIES) >= 25
    assert all(entry["relevant"] and entry.get("why") for entry in QUERIES)
    assert sum(1 for entry in QUERIES if entry.get("natural")) >= 15
    assert sum(1 for entry in QUERIES if entry.get("numeric")) >= 10


def test_recall_at_10_over_the_judged_set(judgements):
    recall = pooled_recall(judgements)
    assert recall >= MIN_RECALL, f"recall@{K} {recall:.3f} < {MIN_RECALL}; " + "; ".join(losses(judgements))


def test_every_found_article_has_a_lit_snippet(judgements):
    unlit = [f"{r.query!r}: {r.unlit}" for r in judgements if r.unlit]
    assert not unlit, "snippets light no matched term for " + "; ".join(unlit)


def test_every_concept_a_hit_holds_is_lit_in_its_snippet(indexed):
    """Over the judged queries: each concept found in a hit's passage is lit in its
    snippet (the window covers the most concepts; two windows when they do not fit).

    Held is worked out here, not taken from the search: a word's terms (and, for a
    natural-fallback hit, its family) in the passage's tokens, a number's value among the
    figures the figure layer reads in the passage (printed or likely)."""
    corpus = load_corpus(library=default_library())
    unlit = []
    for entry in QUERIES:
        parsed = highlight_parsed(entry["query"], library=default_library())
        result = search(f"{entry['query']} kind:passage", limit=K, library=default_library())
        for hit in result.hits:
            article = corpus.get(hit.article)
            passage = article.text[hit.start : hit.end]
            lit = hit.highlight_spans_in_article()
            tokens = list(iter_tokens(passage))
            stored = values.stored_figures(article_figures(article, corpus), hit.start, hit.end)
            for concept in parsed.concepts:
                terms = concept.terms | (concept.loose_terms if hit.match == "most" else set())
                spans = [(hit.start + s, hit.start + e) for s, e in term_spans(tokens, terms)]
                spans += [
                    (hit.start + f.start, hit.start + f.end)
                    for f in stored
                    for r in concept.values
                    if values.matches(f, r.low, r.high, r.unit, r.widen)
                ]
                if spans and not any(a < e and s < b for s, e in spans for a, b in lit):
                    unlit.append(f"{entry['query']!r} {hit.article}@{hit.start}: {concept.shown}")
    assert not unlit, "concepts held but not lit: " + "; ".join(unlit[:10])
