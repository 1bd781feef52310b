"""Search on PostgreSQL: one more engine behind :mod:`jjj_brief.search.api`.

The API's :class:`~jjj_brief.search.api.Engine` parses the query, runs the natural
fallback, checks figures by value and makes snippets and highlights (offsets into the
passage) -- the same on every engine. This module answers its searcher calls (``top``,
``grouped``, ``facets``, ``matches``, ``doc_frequency``) with SQL compiled from the
engine-neutral query tree (:mod:`jjj_brief.search.query`):

* text nodes (terms, phrases, prefixes and their And/Or/Not) become one ``tsquery`` of
  our analyzed terms, matched against ``passages.terms`` (lexemes quoted, so PostgreSQL's
  own text configuration never re-analyzes them; a phrase is ``<->``);
* ``Keyword`` filters become column tests (``kind``, ``article``, ``year``, ``topics``);
* ``ValueRange`` becomes a range look-up in the ``figures`` table, with the same
  tolerance rule as :func:`jjj_brief.search.values.matches`;
* ranking: ``ORDER BY terms <=> tsquery`` on the RUM index (ranked inside the index: a
  top 10 reads about 10 rows), or ``ts_rank`` on GIN. Briefing items weigh half, as on
  the embedded engines.

Counting every match of a common word on a million passages would cost more than the
search: counts stop at :data:`COUNT_LIMIT` and are then reported as inexact.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import singledispatch
from typing import Any

from jjj_brief.search import query as q
from jjj_brief.search.index import IndexStatus, IndexUnavailable
from jjj_brief.search.query import Node, QueryContext

NAME = "postgres"
COUNT_LIMIT = 5_000  # matches counted exactly; beyond, the total is "at least"
GROUP_SCAN = 8  # grouping: rows read per wanted article at first
RERANK_EXTRA = 20  # rows read beyond a page, re-ranked with the briefing weight
FIELD_COLUMNS = {
    "kind": "p.kind",
    "article": "p.article",
    "year": "p.year",
    "import_key": "p.import_key",
    "outlet_key": "p.outlet_key",
    "date_key": "p.date_key",
}
ARRAY_COLUMNS = {"topics": "p.topics", "outlet_terms": "p.outlet_terms"}
SELECT_FIELDS = (
    "p.kind, p.article, p.file, p.title, p.outlet, p.date, p.year, p.start_offset, p.end_offset, "
    "p.body, p.figures, p.outlet_key"
)


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


# ---------------------------------------------------------------- the searcher


def _fields(row: Sequence[Any]) -> dict[str, Any]:
    kind, article, file, title, outlet, date, year, start, end, body, figures, outlet_key = row[:12]
    return {
        "kind": kind,
        "article": article,
        "file": file,
        "title": title,
        "outlet": outlet,
        "date": date,
        "year": year,
        "start": start,
        "end": end,
        "body": body,
        "figures": figures if not isinstance(figures, str) else json.loads(figures),
        "outlet_key": outlet_key,
    }


class PgSearcher:
    """Answers compiled query trees from the team database (the API's searcher interface)."""

    name = NAME

    def __init__(self, index: PgIndex) -> None:
        self.index = index
        self._counted: dict[tuple, tuple[int, bool]] = {}  # this search's counts (top, then facets)

    def fresh(self) -> PgSearcher:
        self.index.check_version()
        self._counted = {}
        return self

    def close(self) -> None:
        return None

    def _rows(self, sql: str, params: Sequence[Any]) -> list[tuple]:
        import psycopg

        try:
            with self.index.team.read() as conn:
                return conn.execute(sql, params).fetchall()
        except psycopg.Error as exc:
            raise IndexUnavailable(f"team search failed: {' '.join(str(exc).split())[:200]}") from None
        except IndexUnavailable:
            raise
        except Exception as exc:
            if exc.__class__.__name__ == "TeamUnavailable":
                raise IndexUnavailable(str(exc)) from None
            raise

    def _ranked(self, compiled: Sql, limit: int, sort: str, offset: int = 0) -> list[tuple]:
        """The best ``limit`` rows (after ``offset``): fields then score."""
        if sort in ("date", "-date"):
            order = "p.date_key" + (" DESC" if sort == "-date" else "") + ", p.id"
            sql = f"SELECT {SELECT_FIELDS}, 0.0 FROM passages p WHERE {compiled.where} ORDER BY {order} LIMIT %s OFFSET %s"
            return self._rows(sql, [*compiled.params, limit, offset])
        if compiled.rank is None:
            sql = f"SELECT {SELECT_FIELDS}, 1.0 FROM passages p WHERE {compiled.where} ORDER BY p.id LIMIT %s OFFSET %s"
            return self._rows(sql, [*compiled.params, limit, offset])
        fetch = limit + offset + RERANK_EXTRA
        if self.index.rum:  # ordered by the RUM index itself: reads about ``fetch`` rows
            ranked = (
                "SELECT p.id, p.weight, p.terms <=> %s::tsquery AS distance FROM passages p "
                f"WHERE {compiled.where} ORDER BY p.terms <=> %s::tsquery LIMIT %s"
            )
            score = "(1.0 / greatest(r0.distance, 1e-9)) * r0.weight"
            params = [compiled.rank, *compiled.params, compiled.rank, fetch]
        else:
            ranked = (
                "SELECT p.id, p.weight, ts_rank(p.terms, %s::tsquery) AS rank FROM passages p "
                f"WHERE {compiled.where} ORDER BY rank DESC LIMIT %s"
            )
            score = "r0.rank * r0.weight"
            params = [compiled.rank, *compiled.params, fetch]
        sql = (
            f"SELECT {SELECT_FIELDS}, r.score FROM ("
            f"SELECT r0.id, {score} AS score FROM ({ranked}) r0 ORDER BY score DESC, r0.id LIMIT %s OFFSET %s"
            ") r JOIN passages p ON p.id = r.id ORDER BY r.score DESC, p.id"
        )
        return self._rows(sql, [*params, limit, offset])

    def _count(self, compiled: Sql, column: str = "1") -> tuple[int, bool]:
        """(matches, exact): counting stops at :data:`COUNT_LIMIT`."""
        key = (compiled.where, tuple(map(str, compiled.params)), column)
        if key not in self._counted:
            self._counted[key] = self._count_now(compiled, column)
        return self._counted[key]

    def _count_now(self, compiled: Sql, column: str) -> tuple[int, bool]:
        distinct = column != "1"
        inner = f"SELECT {column} AS c FROM passages p WHERE {compiled.where} LIMIT %s"
        outer = "count(DISTINCT c)" if distinct else "count(*)"
        rows = self._rows(f"SELECT {outer}, count(*) FROM ({inner}) m", [*compiled.params, COUNT_LIMIT + 1])
        count, seen = rows[0]
        return int(count), seen <= COUNT_LIMIT

    def top(self, node: Node, limit: int, sort: str = "relevance") -> tuple[list[tuple[dict, float]], int, bool]:
        compiled = compile_tree(node)
        rows = self._ranked(compiled, limit, sort)
        top = [(_fields(row), float(row[-1] or 0.0)) for row in rows]
        if len(top) < limit:
            return top, len(top), True
        total, exact = self._count(compiled)
        return top, total, exact

    def grouped(self, node: Node, limit: int, sort: str = "relevance") -> tuple[list[tuple[dict, float]], int, bool]:
        """Best passage per article: (top ``limit`` groups, number of groups, exact)."""
        compiled = compile_tree(node)
        wanted = limit * GROUP_SCAN
        while True:
            rows = self._ranked(compiled, wanted, sort)
            exhausted = len(rows) < wanted
            seen: set[str] = set()
            top: list[tuple[dict, float]] = []
            for row in rows:
                fields = _fields(row)
                if fields["article"] in seen:
                    continue
                seen.add(fields["article"])
                if len(top) < limit:
                    top.append((fields, float(row[-1] or 0.0)))
            if exhausted:
                return top, len(seen), True
            if len(top) >= limit:
                groups, exact = self._count(compiled, "p.article")
                return top, max(groups, len(top)), exact
            if wanted >= COUNT_LIMIT * 4:
                return top, len(seen), False
            wanted *= 4

    def facets(self, node: Node, fields: dict[str, str]) -> dict[str, dict[str, int]]:
        """Matches per value of each field, in one pass; none (``{}``) above
        :data:`COUNT_LIMIT` matches: counting a common word's million matches would cost
        more than the search (the API then shows the total as "at least")."""
        compiled = compile_tree(node)
        if not self._count(compiled)[1]:
            return {}
        columns = {name: FIELD_COLUMNS.get(fieldname, f"p.{fieldname}") for name, fieldname in fields.items()}
        names = list(columns)
        selected = ", ".join(f"{column} AS f{i}" for i, column in enumerate(columns.values()))
        sets = ", ".join(f"(f{i})" for i in range(len(names)))
        rows = self._rows(
            f"SELECT {', '.join(f'f{i}' for i in range(len(names)))}, count(*), "
            f"{', '.join(f'GROUPING(f{i})' for i in range(len(names)))} "
            f"FROM (SELECT {selected} FROM passages p WHERE {compiled.where}) m GROUP BY GROUPING SETS ({sets})",
            compiled.params,
        )
        out: dict[str, dict[str, int]] = {name: {} for name in names}
        for row in rows:
            values, count, grouping = row[: len(names)], row[len(names)], row[len(names) + 1 :]
            for i, name in enumerate(names):
                if grouping[i] == 0 and values[i] not in (None, ""):
                    out[name][str(values[i])] = int(count)
        return {name: dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))) for name, c in out.items()}

    def matches(self, node: Node) -> Iterator[dict]:
        compiled = compile_tree(node)
        for row in self._rows(f"SELECT {SELECT_FIELDS} FROM passages p WHERE {compiled.where}", compiled.params):
            yield _fields(row)

    def doc_frequency(self, fieldname: str, term: str) -> int:
        if fieldname == "body":
            rows = self._rows("SELECT docs FROM search_terms WHERE term = %s", [term])
            return int(rows[0][0]) if rows else 0
        compiled = _condition(q.Term(fieldname, term))
        return self._count(compiled)[0]


# ---------------------------------------------------------------- the index and its "generation"


class PgStore:
    """The store interface :class:`~jjj_brief.search.api.Engine` calls (on a :class:`PgIndex`)."""

    name = NAME

    @staticmethod
    def searcher(index: PgIndex) -> PgSearcher:
        return PgSearcher(index)

    @staticmethod
    def doc_count(index: PgIndex) -> int:
        return index.doc_count()

    @staticmethod
    def passages(index: PgIndex) -> int:
        return index.passage_count()

    @staticmethod
    def close(index: PgIndex) -> None:
        return None


class PgIndex:
    """The team database's search side: settings, counts, vocabulary (cached until the
    corpus changes: ``corpus_version`` in ``team_settings``)."""

    def __init__(self, team: Any) -> None:
        self.team = team
        self._lock = threading.Lock()
        self._version: str | None = None
        self._vocab: Counter | None = None
        self._settings: dict[str, str] | None = None

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return PgSearcher(self)._rows(sql, params)

    def settings(self) -> dict[str, str]:
        if self._settings is None:
            self._settings = dict(self._query("SELECT key, value FROM team_settings"))
        return self._settings

    @property
    def rum(self) -> bool:
        return self.settings().get("search_index") == "rum"

    def check_version(self) -> None:
        """Forget cached vocabulary and settings when an import changed the corpus."""
        rows = self._query("SELECT value FROM team_settings WHERE key = 'corpus_version'")
        version = rows[0][0] if rows else ""
        with self._lock:
            if version != self._version:
                self._version, self._vocab, self._settings = version, None, None

    @property
    def aliases(self) -> list[list[str]]:
        raw = self.settings().get("aliases")
        return json.loads(raw) if raw else []

    @property
    def vocab(self) -> Counter:
        with self._lock:
            if self._vocab is None:
                self._vocab = Counter(dict(self._query("SELECT word, docs FROM search_vocab")))
            return self._vocab

    def doc_count(self) -> int:
        rows = self._query("SELECT reltuples::bigint FROM pg_class WHERE relname = 'passages'")
        estimate = int(rows[0][0]) if rows else -1
        if estimate < 0:  # never analyzed
            return int(self._query("SELECT count(*) FROM passages")[0][0])
        return estimate

    def passage_count(self) -> int:
        return int(self._query("SELECT count(*) FROM passages WHERE kind = 'passage'")[0][0])

    def resolve_article(self, ref: str) -> str | None:
        key = ref.strip().casefold()
        rows = self._query(
            "SELECT id FROM articles WHERE lower(id) = %s OR lower(file) = %s "
            "OR lower(regexp_replace(file, '\\.[^./]+$', '')) = %s ORDER BY id LIMIT 1",
            [key, key, key],
        )
        return rows[0][0] if rows else None


class PgGeneration:
    """What the search API's Engine reads from a generation, for the team database."""

    engine = NAME
    folder = None
    name = "team"
    glossary_terms = False  # glossary phrases are matched as phrases (<->), not indexed as terms
    store = PgStore

    def __init__(self, index: PgIndex) -> None:
        self.index = index

    @property
    def aliases(self) -> list[list[str]]:
        return self.index.aliases

    @property
    def vocab(self) -> Counter:
        return self.index.vocab

    def doc_count(self) -> int:
        return self.index.doc_count()

    def passages(self) -> int:
        return self.index.passage_count()

    def close(self) -> None:
        return None


class TeamVocabulary(Sequence):
    """The server's folded words, sorted, for prefix expansion (read when a query needs it)."""

    def __init__(self, index: PgIndex) -> None:
        self._source = index
        self._words: list[str] | None = None
        self._for: Counter | None = None

    def _load(self) -> list[str]:
        vocab = self._source.vocab
        if self._words is None or self._for is not vocab:
            self._words, self._for = sorted(vocab), vocab
        return self._words

    def __len__(self) -> int:
        return len(self._load())

    def __getitem__(self, index):  # type: ignore[override]
        return self._load()[index]


_GENERATIONS: dict[Any, tuple[PgGeneration, QueryContext]] = {}
_GENERATIONS_LOCK = threading.Lock()


def team_generation() -> tuple[PgGeneration, QueryContext]:
    """The team database as a search generation, with its query context (one per configuration)."""
    from jjj_brief.team.connection import team

    current = team()
    with _GENERATIONS_LOCK:
        found = _GENERATIONS.get(current.config)
        if found is None or found[0].index.team is not current:
            index = PgIndex(current)
            generation = PgGeneration(index)
            context = QueryContext.build(index.aliases, [], index.resolve_article)
            context.vocabulary = TeamVocabulary(index)
            found = (generation, context)
            _GENERATIONS[current.config] = found
        return found


def team_index_status() -> IndexStatus:
    """``ensure_index`` in team mode: the server's schema must be current (``team init``)."""
    import time

    from jjj_brief.team.connection import team
    from jjj_brief.team.migrations import current_version, latest_version

    started = time.perf_counter()
    current = team()
    try:
        with current.read() as conn:
            version = current_version(conn)
    except Exception as exc:
        raise IndexUnavailable(str(exc)) from None
    if version < latest_version():
        raise IndexUnavailable(
            f"the team database {current.config.shown} is at schema version {version} of {latest_version()}: "
            "run jjj-brief team init"
        )
    generation, _ = team_generation()
    return IndexStatus(
        "reused",
        "team database",
        current.config.shown,
        generation.doc_count(),
        time.perf_counter() - started,
        engine=NAME,
        setting="team",
    )
