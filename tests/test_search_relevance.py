"""Relevance: the judged queries in tests/relevance/queries.yaml all find their articles.

Run ``cd tests && python -m relevance.judged`` for the per-query table."""

from __future__ import annotations

import pytest

from jjj_brief.search import ensure_index
from relevance.judged import K, judge, load_queries

QUERIES = load_queries()


@pytest.fixture(scope="module")
def seed_index(tmp_path_factory):
    home = tmp_path_factory.mktemp("relevance-home")
    mp = pytest.MonkeyPatch()
    mp.setenv("JJJ_BRIEF_HOME", str(home))
    ensure_index()
    yield home
    mp.undo()


@pytest.fixture
def indexed(seed_index, monkeypatch):
    monkeypatch.setenv("JJJ_BRIEF_HOME", str(seed_index))


def test_there_are_enough_judged_queries():
    assert len(QUERIES) >= 25
    assert all(entry["relevant"] and entry.get("why") for entry in QUERIES)


@pytest.mark.parametrize("entry", QUERIES, ids=[q["query"] for q in QUERIES])
def test_recall_at_10_and_lit_snippets(indexed, entry):
    result = judge(entry)
    missing = sorted(set(result.relevant) - set(result.found))
    assert not missing, f"{entry['query']!r}: relevant articles not in the top {K}: {missing}"
    assert not result.unlit, f"{entry['query']!r}: snippets light no matched term for {result.unlit}"
