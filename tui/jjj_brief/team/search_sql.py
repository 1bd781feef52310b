"""The engine-neutral query tree (:mod:`jjj_brief.search.query`) compiled to SQL over
``passages p`` for the PostgreSQL engine (:mod:`jjj_brief.team.search`):

* text nodes (terms, phrases, prefixes and their And/Or/Not) become one ``tsquery`` of
  our analyzed terms, matched against ``passages.terms`` (lexemes quoted, so PostgreSQL's
  own text configuration never re-analyzes them; a phrase is ``<->``);
* ``Keyword`` filters become column tests (``kind``, ``article``, ``year``, ``topics``);
* ``ValueRange`` becomes a range look-up in the ``figures`` table, with the same
  tolerance rule as :func:`jjj_brief.search.values.matches`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import singledispatch
from types import MappingProxyType
from typing import Any

from jjj_brief.search import query as q
from jjj_brief.search.query import Node

FIELD_COLUMNS = MappingProxyType(
    {
        "kind": "p.kind",
        "article": "p.article",
        "year": "p.year",
        "import_key": "p.import_key",
        "outlet_key": "p.outlet_key",
        "date_key": "p.date_key",
    }
)
ARRAY_COLUMNS = MappingProxyType({"topics": "p.topics", "outlet_terms": "p.outlet_terms"})


# ---------------------------------------------------------------- query tree -> SQL


def lexeme(term: str) -> str:
    """A term as a quoted tsquery operand (never re-analyzed by PostgreSQL)."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


@singledispatch
def text_query(node: object) -> str | None:
    """The tsquery of a node made of body text only (terms, phrases, prefixes and their
    And/Or/Not); None for anything else. ``""`` for a node that matches nothing."""
    raise TypeError(f"no PostgreSQL compiler for query node {node.__class__.__name__}")


@text_query.register
def _(node: q.Term) -> str | None:
    return lexeme(node.text) if node.field == "body" else None


@text_query.register
def _(node: q.Phrase) -> str | None:
    if node.field != "body":
        return None
    return (
        "(" + " <-> ".join(lexeme(word) for word in node.words) + ")" if len(node.words) > 1 else lexeme(node.words[0])
    )


@text_query.register
def _(node: q.Prefix) -> str | None:
    if node.field != "body":
        return None
    return "(" + " | ".join(lexeme(term) for term in node.expanded) + ")" if node.expanded else ""


@text_query.register(q.Keyword)
@text_query.register(q.ValueRange)
@text_query.register(q.Every)
@text_query.register(q.Nothing)
def _(node: Node) -> str | None:
    return None


@text_query.register
def _(node: q.Not) -> str | None:
    inner = text_query(node.child)
    if inner is None:
        return None
    return f"!{inner}" if inner else None  # NOT nothing: everything (not a text query)


def _combine(children: Sequence[Node], op: str) -> str | None:
    parts = [text_query(child) for child in children]
    if any(part is None for part in parts):
        return None
    live = [part for part in parts if part]
    if op == "&" and len(live) < len(parts):  # an And with a part that matches nothing
        negated_empty = all(not isinstance(c, q.Not) for c, p in zip(children, parts) if p == "")
        if negated_empty:
            return ""
    if not live:
        return ""
    if all(part.startswith("!") for part in live) and op == "&":
        return None  # only exclusions: not something an index can start from
    return live[0] if len(live) == 1 else "(" + f" {op} ".join(live) + ")"


@text_query.register
def _(node: q.And) -> str | None:
    return _combine(node.children, "&")


@text_query.register
def _(node: q.Or) -> str | None:
    return _combine(node.children, "|")


@text_query.register
def _(node: q.AtLeast) -> str | None:
    # As on the embedded engines: an Or ranked by score; the API counts what each hit holds.
    return _combine(node.children, "|")


@dataclass
class Sql:
    """A WHERE condition with its parameters, and the tsquery to rank by (None: no text)."""

    where: str
    params: list[Any] = field(default_factory=list)
    rank: str | None = None


def compile_tree(node: Node) -> Sql:
    """The SQL for a query tree (over ``passages p``)."""
    text = text_query(node)
    if text == "":
        return Sql("FALSE")
    if text is not None:
        return Sql("p.terms @@ %s::tsquery", [text], text)
    if isinstance(node, q.And):
        # The text children go into one tsquery (one index condition, ranked); the rest are column tests.
        texts = [c for c in node.children if _positive_text(c) or _negated_text(c)]
        rest = [c for c in node.children if c not in texts]
        joined = _combine(texts, "&") if texts else None
        parts: list[Sql] = []
        if joined == "":
            return Sql("FALSE")
        if joined is not None:
            parts.append(Sql("p.terms @@ %s::tsquery", [joined], joined))
        else:
            rest = list(node.children)
        for child in rest:
            if isinstance(child, q.Not):
                inner = compile_tree(child.child)
                parts.append(Sql(f"NOT ({inner.where})", inner.params))
            else:
                parts.append(compile_tree(child))
        rank = next((part.rank for part in parts if part.rank), None)
        return Sql(" AND ".join(f"({p.where})" for p in parts), [x for p in parts for x in p.params], rank)
    return _condition(node)


def _positive_text(node: Node) -> bool:
    return not isinstance(node, q.Not) and bool(text_query(node))


def _negated_text(node: Node) -> bool:
    return isinstance(node, q.Not) and bool(text_query(node.child))


@singledispatch
def _condition(node: object) -> Sql:
    raise TypeError(f"no PostgreSQL compiler for query node {node.__class__.__name__}")


@_condition.register
def _(node: q.Term) -> Sql:
    if node.field in ARRAY_COLUMNS:
        return Sql(f"{ARRAY_COLUMNS[node.field]} @> ARRAY[%s]::text[]", [node.text])
    return compile_tree(node)


@_condition.register(q.Phrase)
@_condition.register(q.Prefix)
def _(node: Node) -> Sql:
    return compile_tree(node)


@_condition.register
def _(node: q.Keyword) -> Sql:
    if node.field in ARRAY_COLUMNS:
        return Sql(f"{ARRAY_COLUMNS[node.field]} @> ARRAY[%s]::text[]", [node.value])
    column = FIELD_COLUMNS.get(node.field)
    if column is None:
        raise TypeError(f"no PostgreSQL column for keyword field {node.field!r}")
    return Sql(f"{column} = %s", [node.value])


def _figure_condition(node: q.ValueRange) -> Sql:
    """Figures (``f``) whose value or likely value is in the range: the exact rule of
    :func:`jjj_brief.search.values.matches`, on an index of (unit, value)."""
    low, high = node.low, node.high
    # tolerance is at most half a unit in the third significant digit (< 0.6% of the value)
    reach = "f.tolerance" if node.widen else "0"
    params: list[Any] = []
    cond = []
    if node.unit is not None:
        cond.append("f.unit = %s")
        params.append(node.unit)
    if node.widen:
        cond.append("f.value BETWEEN %s AND %s")
        params += [low / 1.01 if low > 0 else low, high * 1.01 if high != float("inf") else high]
    cond.append(f"f.value + {reach} >= %s AND f.value - {reach} <= %s")
    params += [low, high]
    return Sql(" AND ".join(cond), params)


@_condition.register
def _(node: q.ValueRange) -> Sql:
    """Passages with a figure (or a suspect figure's likely value) in the range."""
    figure = _figure_condition(node)
    return Sql(f"EXISTS (SELECT 1 FROM figures f WHERE f.passage = p.id AND {figure.where})", figure.params)


@_condition.register
def _(node: q.And) -> Sql:
    return compile_tree(node)


@_condition.register
def _(node: q.Or) -> Sql:
    return _any(node.children)


@_condition.register
def _(node: q.AtLeast) -> Sql:
    return _any(node.children)


def _any(children: Sequence[Node]) -> Sql:
    texts = [text_query(child) for child in children]
    rank = " | ".join(t for t in texts if t) or None
    if all(t is not None or isinstance(c, q.ValueRange) for c, t in zip(children, texts)):
        # Words or figures (a number typed: its printed forms or its value): the union of
        # two index look-ups, not an OR the planner can only answer by reading every row.
        selects, params = [], []
        text = " | ".join(t for t in texts if t)
        if text:
            selects.append("SELECT t.id FROM passages t WHERE t.terms @@ %s::tsquery")
            params.append(text)
        for child in children:
            if isinstance(child, q.ValueRange):
                figure = _figure_condition(child)
                selects.append(f"SELECT f.passage FROM figures f WHERE {figure.where}")
                params += figure.params
        if not selects:
            return Sql("FALSE")
        return Sql(f"p.id IN ({' UNION '.join(selects)})", params, rank)
    parts = [compile_tree(child) for child in children]
    return Sql(" OR ".join(f"({p.where})" for p in parts), [x for p in parts for x in p.params], rank)


@_condition.register
def _(node: q.Not) -> Sql:
    inner = compile_tree(node.child)
    return Sql(f"NOT ({inner.where})", inner.params)


@_condition.register
def _(node: q.Every) -> Sql:
    return Sql("TRUE")


@_condition.register
def _(node: q.Nothing) -> Sql:
    return Sql("FALSE")


# ---------------------------------------------------------------- what champion lists need


def positive_lexemes(node: Node) -> set[str] | None:
    """The body terms a match is found by (not under a Not); None for a tree with a part
    champion lists cannot answer (a figure by value, everything)."""
    if isinstance(node, q.Term):
        return {node.text} if node.field == "body" else set()
    if isinstance(node, q.Phrase):
        return set(node.words) if node.field == "body" else set()
    if isinstance(node, q.Prefix):
        return set(node.expanded) if node.field == "body" else set()
    if isinstance(node, (q.Keyword, q.Not)):
        return set()
    if isinstance(node, (q.And, q.Or, q.AtLeast)):
        found: set[str] = set()
        for child in node.children:
            part = positive_lexemes(child)
            if part is None:
                return None
            found |= part
        return found
    return None


def estimate(node: Node, docs: dict[str, int]) -> float:
    """An upper bound of a tree's matches from its terms' document counts (filters and
    exclusions do not bound it: infinity)."""
    inf = float("inf")
    if isinstance(node, q.Term):
        return docs.get(node.text, 0) if node.field == "body" else inf
    if isinstance(node, q.Phrase):
        return min((docs.get(word, 0) for word in node.words), default=0) if node.field == "body" else inf
    if isinstance(node, q.Prefix):
        return sum(docs.get(term, 0) for term in node.expanded) if node.field == "body" else inf
    if isinstance(node, q.And):
        return min((estimate(child, docs) for child in node.children), default=inf)
    if isinstance(node, (q.Or, q.AtLeast)):
        return sum(estimate(child, docs) for child in node.children)
    return inf
