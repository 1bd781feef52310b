"""Compile the engine-neutral query tree (:mod:`jjj_brief.search.query`) to Whoosh.

One function per node class, registered with :func:`to_whoosh.register`; a node class
without a compiler raises ``TypeError``. The tree's terms are already analyzed, so they
become Whoosh terms verbatim.
"""

from __future__ import annotations

import time
from functools import singledispatch
from typing import Any

import jjj_brief.search.whoosh_loading  # noqa: F401  (before any Whoosh import: see there)

# isort: split
from whoosh import query as wq
from whoosh.collectors import TimeLimit, WrappingCollector

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


class BudgetCollector(WrappingCollector):  # type: ignore[misc]  # whoosh is untyped
    """Collects until the searching thread has used ``cpu_s`` of CPU or ``wall_s`` have
    passed since :meth:`prepare`, then raises Whoosh's ``TimeLimit``; the hits collected so
    far stay in :meth:`results`. Why CPU: see :data:`~jjj_brief.search.query.QUERY_TIME_LIMIT_S`
    (Whoosh's own ``TimeLimitCollector`` counts wall time, from a timer thread per search).
    Checked every :attr:`CHECK_EVERY` matched documents (a clock read costs ~0.6 µs, a scored
    document several).
    """

    CHECK_EVERY = 16

    def __init__(self, child: Any, cpu_s: float, wall_s: float) -> None:
        super().__init__(child)
        self.cpu_s, self.wall_s = cpu_s, wall_s
        self.cpu_deadline = self.wall_deadline = 0.0

    def prepare(self, top_searcher: Any, query: Any, context: Any) -> None:
        self.child.prepare(top_searcher, query, context)
        self.cpu_deadline = time.thread_time() + self.cpu_s
        self.wall_deadline = time.monotonic() + self.wall_s

    def out_of_time(self) -> bool:
        return time.thread_time() > self.cpu_deadline or time.monotonic() > self.wall_deadline

    def collect_matches(self) -> None:
        child = self.child
        for count, docnum in enumerate(child.matches()):
            if count % self.CHECK_EVERY == 0 and self.out_of_time():
                raise TimeLimit
            child.collect(docnum)


def timed_search(searcher: Any, node: q.Node, limit: int | None, **options: Any) -> tuple[Any, bool]:
    """Run ``node`` on a Whoosh searcher within the query time limit
    (:data:`~jjj_brief.search.query.QUERY_TIME_LIMIT_S` of CPU,
    :data:`~jjj_brief.search.query.QUERY_WALL_LIMIT_S` in all; see :class:`BudgetCollector`).

    Returns (results, whether the time ran out). Past the limit the hits collected so far
    are the results (a partial answer the caller must say is partial). No SIGALRM: the app
    searches in worker threads.
    """
    collector = searcher.collector(limit=limit, **options)
    budget = BudgetCollector(collector, cpu_s=q.QUERY_TIME_LIMIT_S, wall_s=q.QUERY_WALL_LIMIT_S)
    timed_out = False
    try:
        searcher.search_with_collector(to_whoosh(node), budget)
    except TimeLimit:
        timed_out = True
    return budget.results(), timed_out
