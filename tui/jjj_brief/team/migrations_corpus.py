"""Migrations 1-49: the shared corpus, its passages, figures and search index.

1. ``team_settings`` and ``articles`` (an article's text and everything the reader shows).
2. ``passages``: one row per search document (a paragraph, or a briefing topic, fact or
   glossary term) with ``terms``, a ``tsvector`` of *our* analyzer's terms and positions
   (:mod:`jjj_brief.search.analyzer`: same folding, stems and whole numbers as the embedded
   engines), and ``figures``: every valued figure of a passage, by value and canonical unit.
3. The indexes: RUM on ``terms`` (``rum_tsvector_ops``: ranked inside the index, so a top 10
   never ranks every match) when the server has the ``rum`` extension, else GIN; the
   choice is recorded in ``team_settings`` (``search_index``).
4. ``search_vocab`` (folded words -> documents: prefixes, "did you mean") and
   ``search_terms`` (index terms -> documents: what the natural fallback finds common).
5. ``search_champions``: each common term's best passages (:mod:`jjj_brief.team.champions`),
   and ``search_terms.champions`` (the list's length; NULL: no list, or one to rebuild).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jjj_brief.team.migrations import Migration
from jjj_brief.team.roles import ANALYST, READER

if TYPE_CHECKING:
    import psycopg

CORPUS = """
CREATE TABLE team_settings (
    key text PRIMARY KEY,
    value text NOT NULL
);
CREATE TABLE articles (
    id text PRIMARY KEY,
    source text NOT NULL CHECK (source IN ('seed', 'import')),
    file text NOT NULL,
    title text NOT NULL DEFAULT '',
    outlet text NOT NULL DEFAULT '',
    date text NOT NULL DEFAULT '',
    text text NOT NULL,
    record jsonb NOT NULL DEFAULT '{}'::jsonb,
    import_key text,
    imported_by text NOT NULL DEFAULT current_user,
    imported_at timestamptz NOT NULL DEFAULT now()
);
"""

PASSAGES = """
CREATE TABLE passages (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL,
    article text NOT NULL,
    source_article text REFERENCES articles (id) ON DELETE CASCADE,
    file text,
    title text NOT NULL DEFAULT '',
    outlet text NOT NULL DEFAULT '',
    date text NOT NULL DEFAULT '',
    year text,
    start_offset integer NOT NULL DEFAULT 0,
    end_offset integer NOT NULL DEFAULT 0,
    body text NOT NULL,
    outlet_terms text[] NOT NULL DEFAULT '{}',
    topics text[] NOT NULL DEFAULT '{}',
    import_key text,
    figures jsonb,
    outlet_key text,
    date_key text NOT NULL DEFAULT '~',
    weight real NOT NULL DEFAULT 1,
    terms tsvector NOT NULL
);
CREATE TABLE figures (
    passage bigint NOT NULL REFERENCES passages (id) ON DELETE CASCADE,
    value double precision NOT NULL,
    tolerance double precision NOT NULL DEFAULT 0,
    unit text,
    likely boolean NOT NULL DEFAULT false
);
"""

PLAIN_INDEXES = """
CREATE INDEX passages_article ON passages (article);
CREATE INDEX passages_source_article ON passages (source_article);
CREATE INDEX passages_kind_year ON passages (kind, year);
CREATE INDEX passages_date_key ON passages (date_key);
CREATE INDEX passages_topics ON passages USING gin (topics);
CREATE INDEX passages_outlet_terms ON passages USING gin (outlet_terms);
CREATE INDEX figures_passage ON figures (passage);
CREATE INDEX figures_unit_value ON figures (unit, value);
CREATE INDEX figures_value ON figures (value);
"""


def _search_index(conn: psycopg.Connection) -> None:
    """RUM when the server can load it, else GIN (recorded, and said by ``team status``)."""
    kind, note = "gin", "the rum extension is not installed on the server (apt-get install postgresql-15-rum)"
    available = conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'").fetchone()
    if available:
        try:
            with conn.transaction():  # a savepoint: a refused CREATE EXTENSION leaves the rest intact
                conn.execute("CREATE EXTENSION IF NOT EXISTS rum")
            kind, note = "rum", "rum_tsvector_ops: ranked inside the index"
        except Exception as exc:  # not allowed (not a superuser): GIN, and say why
            kind, note = "gin", f"CREATE EXTENSION rum refused ({str(exc).splitlines()[0]}); a superuser can add it"
    if kind == "rum":
        conn.execute("CREATE INDEX passages_terms ON passages USING rum (terms rum_tsvector_ops)")
    else:
        conn.execute("CREATE INDEX passages_terms ON passages USING gin (terms)")
    conn.execute(PLAIN_INDEXES)
    conn.execute(
        "INSERT INTO team_settings (key, value) VALUES ('search_index', %s), ('search_index_note', %s)",
        (kind, note),
    )


VOCABULARY = """
CREATE TABLE search_vocab (
    word text PRIMARY KEY,
    docs integer NOT NULL CHECK (docs >= 0)
);
CREATE TABLE search_terms (
    term text PRIMARY KEY,
    docs integer NOT NULL CHECK (docs >= 0)
);
"""

CHAMPIONS = f"""
CREATE TABLE search_champions (
    term text NOT NULL,
    distance real NOT NULL,
    passage bigint NOT NULL REFERENCES passages (id) ON DELETE CASCADE,
    PRIMARY KEY (term, distance, passage)
);
CREATE INDEX search_champions_passage ON search_champions (passage);
ALTER TABLE search_terms ADD COLUMN champions integer;
DO $grants$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{ANALYST}') THEN  -- roles made before this (53)
        GRANT SELECT ON search_champions TO {READER};
        GRANT SELECT, INSERT, UPDATE, DELETE ON search_champions TO {ANALYST};
    END IF;
END
$grants$;
"""

MIGRATIONS = [
    Migration(1, "corpus: articles and team settings", CORPUS),
    Migration(2, "search documents: passages (our terms as tsvector) and figures by value", PASSAGES),
    Migration(3, "search indexes: RUM (or GIN) on terms, filters, figures by unit and value", _search_index),
    Migration(4, "search vocabulary and term document counts", VOCABULARY),
    Migration(5, "champion lists: each common term's best passages", CHAMPIONS),
]
