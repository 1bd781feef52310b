"""Compile the engine-neutral query tree (:mod:`jjj_brief.search.query`) to Whoosh.

One function per node class, registered with :func:`to_whoosh.register`; a node class
without a compiler raises ``TypeError``. The tree's terms are already analyzed, so they
become Whoosh terms verbatim.
"""

from __future__ import annotations

from functools import singledispatch
from typing import Any

import jjj_brief.search.whoosh_loading  # noqa: F401  (before any Whoosh import: see there)

# isort: split
from whoosh import query as wq
from whoosh.collectors import TimeLimit, TimeLimitCollector

from jjj_brief.search import query as q


@singledispatch
def to_whoosh(node: object) -> wq.Query:
    raise TypeError(f"no Whoosh compiler for query node {node.__class__.__name__}")


@to_whoosh.register
def _(node: q.Term) -> wq.Query:
    return wq.Term(node.field, node.text)


@to_whoosh.register
def _(node: q.Phrase) -> wq.Query:
    return wq.Phrase(node.field, list(node.words))


@to_whoosh.register
def _(node: q.Prefix) -> wq.Query:
    if not node.expanded:
        return wq.NullQuery
    terms = [wq.Term(node.field, term) for term in node.expanded]
    return terms[0] if len(terms) == 1 else wq.Or(terms)


@to_whoosh.register
def _(node: q.Keyword) -> wq.Query:
    return wq.Term(node.field, node.value)


@to_whoosh.register
def _(node: q.Or) -> wq.Query:
    return wq.Or([to_whoosh(child) for child in node.children])


@to_whoosh.register
def _(node: q.And) -> wq.Query:
    positive = [to_whoosh(child) for child in node.children if not isinstance(child, q.Not)]
    negative = [to_whoosh(child.child) for child in node.children if isinstance(child, q.Not)]
    query: wq.Query
    if not positive:
        query = wq.Every()
    else:
        query = positive[0] if len(positive) == 1 else wq.And(positive)
    if negative:
        # Not wq.AndNot: whoosh-reloaded 2.7.5's AndNotMatcher never checks the first
        # positive document against the exclusions (``hydrogen -kind:passage`` returned a
        # passage). An And with an inverted matcher is checked on every document.
        excluded = wq.Not(negative[0] if len(negative) == 1 else wq.Or(negative))
        subqueries = list(query.subqueries) if isinstance(query, wq.And) else [query]
        query = wq.And([*subqueries, excluded])
    return query


@to_whoosh.register
def _(node: q.Not) -> wq.Query:
    return wq.AndNot(wq.Every(), to_whoosh(node.child))


@to_whoosh.register
def _(node: q.Every) -> wq.Query:
    return wq.Every()


@to_whoosh.register
def _(node: q.Nothing) -> wq.Query:
    return wq.NullQuery


@to_whoosh.register
def _(node: q.ValueRange) -> wq.Query:
    # Candidates: any bucket key of the range (the search API verifies each hit's figures).
    if not node.keys:
        return wq.NullQuery
    terms = [wq.Term(node.field, key) for key in node.keys]
    return terms[0] if len(terms) == 1 else wq.Or(terms)


@to_whoosh.register
def _(node: q.AtLeast) -> wq.Query:
    # Whoosh's Or has no working minimum-should-match: an Or ranked by score (more
    # concepts score higher); the search API keeps hits holding at least ``minimum``.
    children = [to_whoosh(child) for child in node.children]
    return children[0] if len(children) == 1 else wq.Or(children)


def timed_search(searcher: Any, node: q.Node, limit: int | None, **options: Any) -> tuple[Any, bool]:
    """Run ``node`` on a Whoosh searcher for at most :data:`~jjj_brief.search.query.QUERY_TIME_LIMIT_S`.

    Returns (results, whether the time ran out). Past the limit Whoosh stops collecting and
    the hits collected so far are the results (a partial answer the caller must say is
    partial). No SIGALRM: the app searches in worker threads; the timer is checked between
    matched documents.
    """
    collector = searcher.collector(limit=limit, **options)
    timed = TimeLimitCollector(collector, timelimit=q.QUERY_TIME_LIMIT_S, use_alarm=False)
    try:
        searcher.search_with_collector(to_whoosh(node), timed)
    except TimeLimit:
        return timed.results(), True
    return timed.results(), False
