"""Champion lists (Manning, Raghavan, Schütze, *Introduction to Information Retrieval*,
§7.1.3): for every index term in at least ``min_docs`` passages, the ``size`` passages
that term alone ranks best (the RUM distance ``terms <=> 'term'`` over the passage's
weight, ties by id), kept in ``search_champions``.

Why: the RUM index returns matches in rank order without sorting them, but it scores
*every* matching entry to do so, so a common word costs time in proportion to its
matches (seconds at a million articles). A query whose matches are many is instead
ranked exactly, by the same distance, among the union of its terms' champion lists
(:mod:`jjj_brief.team.search`), falling back to the whole index when those candidates
hold too few matches. For a one-term query (with any filters) the result is the exact
top by score: a passage outside the list ranks no better than the list's last. For several terms
it is the usual champion-list approximation; the benchmark reports how often its top 10
differs from the exhaustive one.

The lists are kept current in the transaction that changes the corpus:
:func:`note_new_passages` remembers the passages it writes, :func:`forget_passages` drops
the lists a removal touches (a removed champion leaves a hole only a rebuild can fill),
and :func:`refresh` (called by ``bump_corpus_version``) adds the new passages to the
lists they belong in, trims them, and builds the lists of terms that are now common.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psycopg

MIN_DOCS = 1_000  # a term in fewer passages is ranked on the index directly (a few ms)
SIZE = 2_000  # passages kept per term
NEW_TABLE = "pg_temp.jjj_new_passages"
LEXEME_SQL = "'''' || replace(replace({0}, '\\', '\\\\'), '''', '''''') || ''''"  # as search_sql.lexeme


def settings(conn: psycopg.Connection) -> tuple[int, int]:
    """(min_docs, size): the team's settings (``champion_min_docs``, ``champion_size``) or the defaults."""
    rows: dict[str, str] = dict(
        conn.execute(
            "SELECT key, value FROM team_settings WHERE key IN ('champion_min_docs', 'champion_size')"
        ).fetchall()
    )
    return int(rows.get("champion_min_docs", MIN_DOCS)), int(rows.get("champion_size", SIZE))


def in_use(conn: psycopg.Connection) -> bool:
    row = conn.execute("SELECT value FROM team_settings WHERE key = 'search_index'").fetchone()
    return bool(row and row[0] == "rum")


def note_new_passages(conn: psycopg.Connection, ids: Sequence[int]) -> None:
    """Remember passages written in this transaction (for :func:`refresh`)."""
    if not ids:
        return
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {NEW_TABLE.split('.')[1]} (id bigint) ON COMMIT DELETE ROWS")
    with conn.cursor() as cur:
        with cur.copy(f"COPY {NEW_TABLE} (id) FROM STDIN") as copy:
            for passage_id in ids:
                copy.write_row((passage_id,))


def forget_passages(conn: psycopg.Connection, ids: Sequence[int]) -> None:
    """Passages about to be removed: the lists that hold one are dropped (rebuilt by :func:`refresh`)."""
    if not ids:
        return
    conn.execute(
        "UPDATE search_terms SET champions = NULL WHERE champions IS NOT NULL AND term IN "
        "(SELECT term FROM search_champions WHERE passage = ANY(%s))",
        (list(ids),),
    )
    conn.execute(
        "DELETE FROM search_champions WHERE term IN (SELECT term FROM search_terms WHERE champions IS NULL)"
        " AND passage = ANY(%s)",
        (list(ids),),
    )


def refresh(conn: psycopg.Connection) -> int:
    """Bring the lists up to date after a change in this transaction; returns lists built."""
    if not in_use(conn):
        return 0
    min_docs, size = settings(conn)
    new = conn.execute(f"SELECT to_regclass('{NEW_TABLE}') IS NOT NULL").fetchone()
    if new and new[0]:
        touched = conn.execute(
            "INSERT INTO search_champions (term, distance, passage) "
            f"SELECT u.lexeme, (p.terms <=> ({LEXEME_SQL.format('u.lexeme')})::tsquery) / p.weight, p.id "
            f"FROM {NEW_TABLE} n JOIN passages p ON p.id = n.id, unnest(p.terms) u "
            "JOIN search_terms s ON s.term = u.lexeme AND s.champions IS NOT NULL "
            "ON CONFLICT DO NOTHING RETURNING term"
        ).fetchall()
        conn.execute(f"DELETE FROM {NEW_TABLE}")
        trim(conn, sorted({row[0] for row in touched}), size)
    stale = stale_terms(conn, min_docs)
    light = lighter_rows(conn) if stale else 0
    for term in stale:
        build(conn, term, size, light)
    return len(stale)


def stale_terms(conn: psycopg.Connection, min_docs: int) -> list[str]:
    """Terms in ``min_docs`` or more passages whose list is missing (to build)."""
    rows = conn.execute(
        "SELECT term FROM search_terms WHERE docs >= %s AND champions IS NULL ORDER BY term", (min_docs,)
    )
    return [row[0] for row in rows]


def build(conn: psycopg.Connection, term: str, size: int = SIZE, light: int | None = None) -> int:
    """(Re)build one term's list: its ``size`` best passages by the ranked distance
    divided by the passage's weight (a briefing item weighs half, as on every engine).

    The index orders by the plain distance, so it is read ``light`` rows further (the
    documents that weigh less than 1: briefing items): every passage of the weighted top
    ``size`` is then among those rows. Ties at the cut go to the lower id."""
    light = lighter_rows(conn) if light is None else light
    conn.execute("DELETE FROM search_champions WHERE term = %s", (term,))
    return _rank_into(conn, term, size, light)


def _rank_into(conn: psycopg.Connection, term: str, size: int, light: int) -> int:
    """Write ``term``'s list (it has no rows yet) and its length; returns the length."""
    from jjj_brief.team.search_sql import lexeme

    query = lexeme(term)
    count = conn.execute(
        "INSERT INTO search_champions (term, distance, passage) "
        "SELECT %s, d, id FROM (SELECT p.id, (p.terms <=> %s::tsquery) / p.weight AS d FROM passages p "
        "WHERE p.terms @@ %s::tsquery ORDER BY p.terms <=> %s::tsquery LIMIT %s) best ORDER BY d, id LIMIT %s",
        (term, query, query, query, size + light, size),
    ).rowcount
    conn.execute("UPDATE search_terms SET champions = %s WHERE term = %s", (count, term))
    return count


def lighter_rows(conn: psycopg.Connection) -> int:
    """Search documents weighing less than a passage: the briefing items (no source article)."""
    row = conn.execute("SELECT count(*) FROM passages WHERE source_article IS NULL").fetchone()
    return int(row[0]) if row else 0


def trim(conn: psycopg.Connection, terms: Sequence[str], size: int) -> None:
    """Keep each list's ``size`` best (distance, then passage id)."""
    if terms:
        conn.execute(
            "DELETE FROM search_champions c USING (SELECT term, passage, row_number() OVER "
            "(PARTITION BY term ORDER BY distance, passage) AS n FROM search_champions WHERE term = ANY(%s)) r "
            "WHERE c.term = r.term AND c.passage = r.passage AND r.n > %s",
            (list(terms), size),
        )


def build_all(conn: psycopg.Connection) -> int:
    """Every list from scratch (after a bulk load, by the table's owner); returns how many
    were built. The same lists as :func:`build` term by term, but written without the
    table's keys: they are dropped first and made again at the end, one sorted build each
    (at 20,000 articles, 1.4 million rows: ~2 s instead of ~15 s of index insertions and
    reference checks row by row)."""
    conn.execute("UPDATE search_terms SET champions = NULL WHERE champions IS NOT NULL")
    conn.execute("TRUNCATE search_champions")
    if not in_use(conn):
        return 0
    min_docs, size = settings(conn)
    stale = stale_terms(conn, min_docs)
    light = lighter_rows(conn) if stale else 0
    with _keys_made_after(conn, "search_champions"):
        for term in stale:
            _rank_into(conn, term, size, light)
    return len(stale)


@contextmanager
def _keys_made_after(conn: psycopg.Connection, table: str) -> Iterator[None]:
    """Drop ``table``'s constraints and indexes, and make them again (the same
    definitions, read from the catalog) when the block ends."""
    from psycopg import sql

    constraints = conn.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
        "ORDER BY contype = 'f', conname",  # the primary key before the reference
        (table,),
    ).fetchall()
    indexes = conn.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid) "
        "ORDER BY i.relname",
        (table,),
    ).fetchall()
    for name, _ in reversed(constraints):
        conn.execute(sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(sql.Identifier(table), sql.Identifier(name)))
    for name, _ in indexes:
        conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
    yield
    for name, definition in constraints:
        conn.execute(
            sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} ").format(sql.Identifier(table), sql.Identifier(name))
            + sql.SQL(definition)  # the catalog's own text
        )
    for _, definition in indexes:
        conn.execute(sql.SQL(definition))
