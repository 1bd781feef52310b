"""Relevance: the judged queries in tests/relevance/queries.yaml find their articles.

Run ``cd tests && python -m relevance.judged`` for the per-query table."""

from __future__ import annotations

import pytest

from jjj_brief.search import ensure_index
from relevance.judged import K, MIN_RECALL, judge, load_queries, losses, pooled_recall

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
    assert recall >= MIN_RECALL, (
        f"recall@{K} {recall:.3f} < {MIN_RECALL}; " + "; ".join(losses(judgements))
    )


def test_every_found_article_has_a_lit_snippet(judgements):
    unlit = [f"{r.query!r}: {r.unlit}" for r in judgements if r.unlit]
    assert not unlit, "snippets light no matched term for " + "; ".join(unlit)
