"""The bulk load (:mod:`jjj_brief.team.bulk`) on a real server: its ``COPY`` text reaches
the server as the same values psycopg's own rows do, for any text; and a batch written by
it is the batch :func:`jjj_brief.team.corpus.store_articles` writes, row for row."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jjj_brief.commands.libraries import default_library
from jjj_brief.corpus import Article
from jjj_brief.team.bulk import copy_line, prepare_rows, write_rows
from jjj_brief.team.connection import connect
from jjj_brief.team.corpus import Counts, apply_counts, store_articles
from jjj_brief.team.migrations import migrate

pytestmark = pytest.mark.pg

TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
ROW = st.tuples(
    st.one_of(st.none(), TEXT),
    st.lists(TEXT, max_size=4),
    st.one_of(st.none(), st.integers(-(2**62), 2**62)),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
)
TABLE = "(t text, a text[], i bigint, f double precision, b boolean)"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, min_size=1, max_size=8))
def test_copy_text_gives_the_values_psycopg_sends(team_db, rows):
    with connect(team_db) as conn:
        conn.execute(f"CREATE TEMP TABLE ours {TABLE}")
        conn.execute(f"CREATE TEMP TABLE theirs {TABLE}")
        with conn.cursor() as cur:
            with cur.copy("COPY ours FROM STDIN") as copy:
                copy.write("".join(copy_line(row) for row in rows))
            with cur.copy("COPY theirs FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        ours = conn.execute("SELECT * FROM ours").fetchall()
        theirs = conn.execute("SELECT * FROM theirs").fetchall()
        conn.rollback()
    assert ours == theirs
    assert [row[0] for row in ours] == [row[0] for row in rows]


HOSTILE = Article(
    id="zz-bulk-hostile",
    file="zz-bulk-hostile.txt",
    path=Path("zz-bulk-hostile.txt"),
    text='Tabs\there, a back\\slash and {braces}, "quotes" and it\'s 3.5 billion yuan.\r\n\n'
    "Second paragraph: 12 percent of 4,000 firms moved to Xiongan in 2023.\n",
    title='A "title"\twith a tab',
    outlet='Outlet, {with} \\ odd "marks"',
    date="2024-01-02",
    date_precision="day",
    source="import",
)

PASSAGE_FIELDS = (
    "kind, article, source_article, file, title, outlet, date, year, start_offset, end_offset, body, "
    "outlet_terms, topics, import_key, figures, outlet_key, date_key, weight, terms"
)


def _written(url: str) -> tuple[list, list, list, list]:
    with connect(url) as conn:
        articles = conn.execute(
            "SELECT id, source, file, title, outlet, date, text, record, import_key FROM articles ORDER BY id"
        ).fetchall()
        passages = conn.execute(f"SELECT {PASSAGE_FIELDS} FROM passages ORDER BY article, start_offset").fetchall()
        figures = conn.execute(
            "SELECT p.article, p.start_offset, f.value, f.tolerance, f.unit, f.likely FROM figures f "
            "JOIN passages p ON p.id = f.passage ORDER BY 1, 2, 3, 4, 5, 6"
        ).fetchall()
        counts = conn.execute(
            "SELECT 'w', word, docs FROM search_vocab UNION ALL SELECT 't', term, docs FROM search_terms ORDER BY 1, 2"
        ).fetchall()
    return articles, passages, figures, counts


def test_a_bulk_batch_is_the_batch_store_articles_writes(pg_cluster):
    articles = [*default_library().corpus().articles[:12], HOSTILE]
    size = 1_000_000  # a large collection: no cross-article figure flags on either path
    bulk_db, stored_db = pg_cluster.create_database(), pg_cluster.create_database()
    try:
        with connect(pg_cluster.admin_url(bulk_db), autocommit=True) as conn:
            migrate(conn)
        with connect(pg_cluster.admin_url(bulk_db)) as conn:
            prepared = prepare_rows(articles, size)
            ids = write_rows(conn, prepared)
            counts = Counts()
            counts.words.update(prepared.words)
            counts.terms.update(prepared.terms)
            apply_counts(conn, counts)
            conn.commit()
        with connect(pg_cluster.admin_url(stored_db), autocommit=True) as conn:
            migrate(conn)
        with connect(pg_cluster.admin_url(stored_db)) as conn:
            counts = Counts()
            store_articles(conn, articles, collection_size=size, counts=counts)
            apply_counts(conn, counts)
            conn.commit()
        bulk, stored = _written(pg_cluster.admin_url(bulk_db)), _written(pg_cluster.admin_url(stored_db))
        assert len(ids) == len(bulk[1]) > len(articles) and bulk[2] and bulk[3]
        for name, ours, theirs in zip(("articles", "passages", "figures", "counts"), bulk, stored):
            assert ours == theirs, name
    finally:
        pg_cluster.drop_database(bulk_db)
        pg_cluster.drop_database(stored_db)
