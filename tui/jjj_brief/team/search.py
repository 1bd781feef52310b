"""Search on PostgreSQL: one more engine behind :mod:`jjj_brief.search.api`.

The API's :class:`~jjj_brief.search.api.Engine` parses the query, runs the natural
fallback, checks figures by value and makes snippets and highlights (offsets into the
passage) -- the same on every engine. This module answers its searcher calls (``top``,
``grouped``, ``facets``, ``matches``, ``doc_frequency``) with SQL compiled from the
engine-neutral query tree (:mod:`jjj_brief.search.query`) by :mod:`jjj_brief.team.search_sql`.
The team database as a generation (settings, vocabulary) is :mod:`jjj_brief.team.search_index`.

* ranking: ``ORDER BY terms <=> tsquery`` on the RUM index (ranked inside the index: a
  top 10 reads about 10 rows), or ``ts_rank`` on GIN. Briefing items weigh half, as on
  the embedded engines.

Counting every match of a common word on a million passages would cost more than the
search: counts stop at :data:`COUNT_LIMIT` and are then reported as inexact.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from jjj_brief.search import query as q
from jjj_brief.search.index import IndexStatus, IndexUnavailable
from jjj_brief.search.query import Node, QueryContext
from jjj_brief.team.search_index import NAME, PgIndex, TeamVocabulary, query_rows

if TYPE_CHECKING:
    from jjj_brief.team.connection import Team
from jjj_brief.team.search_sql import FIELD_COLUMNS, Sql, _condition, compile_tree, estimate, lexeme, positive_lexemes

__all__ = ["NAME", "PgSearcher", "compile_tree", "team_generation", "team_index_status"]

COUNT_LIMIT = 5_000  # matches counted exactly; beyond, the total is "at least"
GROUP_SCAN = 8  # grouping: rows read per wanted article at first
RERANK_EXTRA = 20  # rows read beyond a page, re-ranked with the briefing weight
CHAMPIONS_PER_TERM = 500  # a query of several terms is re-ranked among each term's best this many
CANDIDATES = 1_000  # ... fewer for a query of many terms: about this many candidates in all
WIDENED_CANDIDATES = 6_000  # ... and when those held too few matches, at most this many
RESCORE_BUDGET = 1_500  # every passage of its rare terms, when they are at most this many
# A candidate's row, fetched by id and then tested: never the query's condition looked up on
# the search index (the planner's guess of a few matches there can be 100,000 at scale).
CANDIDATE_ROW = "LATERAL (SELECT * FROM passages p0 WHERE p0.id = c.passage OFFSET 0) p"
SELECT_FIELDS = (
    "p.kind, p.article, p.file, p.title, p.outlet, p.date, p.year, p.start_offset, p.end_offset, "
    "p.body, p.figures, p.outlet_key"
)


# ---------------------------------------------------------------- the searcher


def _per_term(terms: int, size: int, fetch: int, widened: bool) -> int:
    """Candidates read from each term's champion list: :data:`CHAMPIONS_PER_TERM`, fewer when
    the query has many terms (about :data:`CANDIDATES` in all, never fewer than the ``fetch``
    rows wanted), more when ``widened``; at most the list's ``size``."""
    budget = WIDENED_CANDIDATES if widened else CANDIDATES
    most = size if widened else min(size, CHAMPIONS_PER_TERM)
    return min(size, max(fetch, min(most, budget // max(1, terms))))


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


CountKey = tuple[str, tuple[str, ...], str]
"""A count this search made: the compiled WHERE, its parameters (as text), the counted column."""


def _count_key(compiled: Sql, column: str) -> CountKey:
    return (compiled.where, tuple(map(str, compiled.params)), column)


class PgSearcher:
    """Answers compiled query trees from the team database (the API's searcher interface)."""

    name = NAME

    def __init__(self, index: PgIndex) -> None:
        self.index = index
        self._counted: dict[CountKey, tuple[int, bool]] = {}  # this search's counts (top, then facets)
        self.last_path = ""  # how the last ranked read was answered: "champions" or "index" (bench, tests)

    def fresh(self) -> PgSearcher:
        self.index.check_version()
        self._counted = {}
        return self

    def close(self) -> None:
        return None

    def _rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        return query_rows(self.index.team, sql, params)

    def _ranked(
        self, compiled: Sql, limit: int, sort: str, offset: int = 0, node: Node | None = None
    ) -> list[tuple[Any, ...]]:
        """The best ``limit`` rows (after ``offset``): fields then score."""
        self.last_path = "index"
        if sort in ("date", "-date"):
            order = "p.date_key" + (" DESC" if sort == "-date" else "") + ", p.id"
            sql = f"SELECT {SELECT_FIELDS}, 0.0 FROM passages p WHERE {compiled.where} ORDER BY {order} LIMIT %s OFFSET %s"
            return self._rows(sql, [*compiled.params, limit, offset])
        if compiled.rank is None:
            sql = f"SELECT {SELECT_FIELDS}, 1.0 FROM passages p WHERE {compiled.where} ORDER BY p.id LIMIT %s OFFSET %s"
            return self._rows(sql, [*compiled.params, limit, offset])
        fetch = limit + offset + RERANK_EXTRA
        if not self.index.rum:  # GIN: ts_rank sorts every match
            ranked = (
                "SELECT p.id, p.weight, ts_rank(p.terms, %s::tsquery) AS rank FROM passages p "
                f"WHERE {compiled.where} ORDER BY rank DESC LIMIT %s"
            )
            params = [compiled.rank, *compiled.params, fetch]
            return self._rescored(ranked, "r0.rank * r0.weight", params, limit, offset)
        score = "(1.0 / greatest(r0.distance, 1e-9)) * r0.weight"
        for widened in (False, True):  # widened: each list whole, when the best of each held too few
            champion = self._champion_ranked(node, compiled, fetch, widened) if node is not None else None
            if champion is None:
                break
            ranked, params = champion  # many matches: ranked among the terms' champions
            rows = self._rescored(ranked, score, params, limit, offset, True)
            if rows and rows[0][-1] >= fetch:
                self.last_path = "champions"
                return [row[:-1] for row in rows]
            self.last_path = "index (champions held too few)"
        # ordered by the RUM index itself (it scores every matching entry, sorts none)
        ranked = (
            "SELECT p.id, p.weight, p.terms <=> %s::tsquery AS distance FROM passages p "
            f"WHERE {compiled.where} ORDER BY p.terms <=> %s::tsquery LIMIT %s"
        )
        return self._rescored(ranked, score, [compiled.rank, *compiled.params, compiled.rank, fetch], limit, offset)

    def _rescored(
        self, ranked: str, score: str, params: list[Any], limit: int, offset: int, counted: bool = False
    ) -> list[tuple[Any, ...]]:
        """The rows of ``ranked`` (id, weight, rank) re-ranked with the briefing weight:
        fields then score (then, ``counted``: how many rows ``ranked`` gave)."""
        count = ", count(*) OVER () AS n" if counted else ""
        sql = (
            f"SELECT {SELECT_FIELDS}, r.score{', r.n' if counted else ''} FROM ("
            f"SELECT r0.id, {score} AS score{count} FROM ({ranked}) r0 ORDER BY score DESC, r0.id LIMIT %s OFFSET %s"
            ") r JOIN passages p ON p.id = r.id ORDER BY r.score DESC, p.id"
        )
        return self._rows(sql, [*params, limit, offset])

    def _champion_ranked(
        self, node: Node, compiled: Sql, fetch: int, widened: bool = False
    ) -> tuple[str, list[Any]] | None:
        """A query of many matches, ranked among its terms' champion lists
        (:mod:`jjj_brief.team.champions`): SQL giving (id, weight, distance) and its
        parameters; None when the index should rank it (few matches, no lists).

        Candidates: the best of each common term's list (:func:`_per_term` of them: about
        :data:`CANDIDATES` in all, ``widened``: :data:`WIDENED_CANDIDATES`), and as many best
        of each rare term, ranked on the index (a rare term is in fewer than ``min_docs``
        passages, so that ranking is bounded)."""
        terms = positive_lexemes(node)
        min_docs, size = self.index.champion_settings()
        if not terms or compiled.rank is None:
            return None
        rows = self._rows("SELECT term, docs, champions FROM search_terms WHERE term = ANY(%s)", [sorted(terms)])
        docs = {term: int(count) for term, count, _ in rows}
        per_term = _per_term(len(docs), size, fetch, widened)
        if fetch > per_term or (widened and per_term <= _per_term(len(docs), size, fetch, False)):
            return None  # a page beyond the lists, or nothing more to read
        if estimate(node, docs) < min_docs:
            return None  # few matches: the index ranks them fast
        if any(listed is None for _, count, listed in rows if count >= min_docs):
            return None  # a common term whose list is being rebuilt
        common = sorted(term for term, count, _ in rows if count >= min_docs)
        rare = sorted(term for term, count, _ in rows if 0 < count < min_docs)
        if len(terms) == 1 and common and compiled.rank == lexeme(common[0]):
            if widened:
                return None  # its list was read whole already
            # One term (any filters): its list in order, by the weighted distance stored for
            # it. Exact: a passage outside the list ranks no better than the list's last.
            ranked = (
                "SELECT c.passage AS id, 1.0::real AS weight, c.distance FROM search_champions c "
                f"CROSS JOIN {CANDIDATE_ROW} WHERE c.term = %s AND {compiled.where} "
                "ORDER BY c.distance, c.passage LIMIT %s"
            )
            return ranked, [common[0], *compiled.params, fetch]
        # Several terms: the best of each term's list and of each rare term, re-ranked by
        # the query's own distance (the champion-list approximation).
        candidates = (
            "SELECT c.passage FROM unnest(%s::text[]) t(term), LATERAL (SELECT passage FROM search_champions s "
            "WHERE s.term = t.term ORDER BY s.distance, s.passage LIMIT %s) c"
        )
        params: list[Any] = [common, per_term]
        if sum(docs[term] for term in rare) <= RESCORE_BUDGET:
            if rare:
                candidates += " UNION SELECT t.id FROM passages t WHERE t.terms @@ %s::tsquery"
                params.append(" | ".join(lexeme(term) for term in rare))
        else:  # each rare term's best, ranked on the index (fewer than min_docs matches each)
            candidates += (
                " UNION SELECT r.id FROM unnest(%s::text[]) u(q), LATERAL (SELECT t.id FROM passages t "
                "WHERE t.terms @@ u.q::tsquery ORDER BY t.terms <=> u.q::tsquery LIMIT %s) r"
            )
            params += [[lexeme(term) for term in rare], per_term]
        ranked = (
            f"WITH c AS MATERIALIZED ({candidates}) SELECT p.id, p.weight, p.terms <=> %s::tsquery AS distance "
            f"FROM c CROSS JOIN {CANDIDATE_ROW} WHERE {compiled.where} ORDER BY distance, p.id LIMIT %s"
        )
        return ranked, [*params, compiled.rank, *compiled.params, fetch]

    def _count(self, compiled: Sql, column: str = "1") -> tuple[int, bool]:
        """(matches, exact): counting stops at :data:`COUNT_LIMIT`."""
        key = _count_key(compiled, column)
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

    def top(
        self, node: Node, limit: int, sort: str = "relevance"
    ) -> tuple[list[tuple[dict[str, Any], float]], int, bool]:
        compiled = compile_tree(node)
        rows = self._ranked(compiled, limit, sort, node=node)
        top = [(_fields(row), float(row[-1] or 0.0)) for row in rows]
        if len(top) < limit:
            return top, len(top), True
        if isinstance(node, q.Term) and node.field == "body":  # one word: its document count, exact
            rows = self._rows("SELECT docs FROM search_terms WHERE term = %s", [node.text])
            if rows:
                self._counted[_count_key(compiled, "1")] = (int(rows[0][0]), True)
        elif self.last_path == "champions":
            # counting a query of many matches would cost more than ranking it: "at least"
            self._counted[_count_key(compiled, "1")] = (len(top), False)
        total, exact = self._count(compiled)
        return top, max(total, len(top)), exact

    def grouped(
        self, node: Node, limit: int, sort: str = "relevance"
    ) -> tuple[list[tuple[dict[str, Any], float]], int, bool]:
        """Best passage per article: (top ``limit`` groups, number of groups, exact)."""
        compiled = compile_tree(node)
        wanted = limit * GROUP_SCAN
        while True:
            rows = self._ranked(compiled, wanted, sort, node=node)
            exhausted = len(rows) < wanted
            seen: set[str] = set()
            top: list[tuple[dict[str, Any], float]] = []
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
                if self.last_path == "champions":
                    return top, len(seen), False
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

    def matches(self, node: Node) -> Iterator[dict[str, Any]]:
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
    def vocab(self) -> Counter[str]:
        return self.index.vocab

    def doc_count(self) -> int:
        return self.index.doc_count()

    def passages(self) -> int:
        return self.index.passage_count()

    def close(self) -> None:
        return None


def team_generation(current: Team) -> tuple[PgGeneration, QueryContext]:
    """The team database as a search generation, with its query context (kept by ``current``,
    the library's :class:`~jjj_brief.team.connection.Team`: one per configuration)."""

    def build() -> tuple[PgGeneration, QueryContext]:
        index = PgIndex(current)
        context = QueryContext.build(index.aliases, [], index.resolve_article)
        context.vocabulary = TeamVocabulary(index)
        return PgGeneration(index), context

    return current.kept("search generation", build)


def team_index_status(current: Team) -> IndexStatus:
    """``ensure_index`` in team mode, on ``current`` (the library's pools): the server's
    schema must be current (``team init``)."""
    import time

    from jjj_brief.team.migrations import current_version, latest_version

    started = time.perf_counter()
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
    generation, _ = team_generation(current)
    return IndexStatus(
        "reused",
        "team database",
        current.config.shown,
        generation.doc_count(),
        time.perf_counter() - started,
        engine=NAME,
        setting="team",
    )
