"""The schema of ``work.db``, as forward migrations. Never edit a released step: add one.

``PRAGMA user_version`` is the schema version: a database at version *k* has had steps
1..*k* applied. Each step runs in its own ``BEGIN IMMEDIATE`` transaction that re-reads
the version first, so two processes opening an old database at once migrate it once.
"""

from __future__ import annotations

_ANCHOR = """
    article TEXT NOT NULL,
    span_start INTEGER NOT NULL CHECK (span_start >= 0),
    span_end INTEGER NOT NULL CHECK (span_end >= span_start),
    exact TEXT NOT NULL,
    prefix TEXT NOT NULL DEFAULT '',
    suffix TEXT NOT NULL DEFAULT '',
    text_sha TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'moved', 'orphaned'))
"""

# 1: bookmarks and highlights with notes (anchored by offsets and quote).
_V1 = f"""
CREATE TABLE bookmarks (
    id INTEGER PRIMARY KEY,
    {_ANCHOR},
    note TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL
);
CREATE INDEX bookmarks_article ON bookmarks(article, span_start);
CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    {_ANCHOR},
    text TEXT NOT NULL DEFAULT '',
    color TEXT NOT NULL DEFAULT 'yellow',
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX notes_article ON notes(article, span_start);
"""

# 2: authorship and revisions (a shared store shows edit conflicts); the analyst's claims.
_V2 = f"""
ALTER TABLE bookmarks ADD COLUMN author TEXT NOT NULL DEFAULT '';
ALTER TABLE notes ADD COLUMN author TEXT NOT NULL DEFAULT '';
ALTER TABLE notes ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
CREATE TABLE claims (
    id INTEGER PRIMARY KEY,
    verdict TEXT NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    revision INTEGER NOT NULL DEFAULT 1,
    author TEXT NOT NULL DEFAULT ''
);
CREATE TABLE claim_members (
    claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    {_ANCHOR},
    value REAL,
    unit TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (claim_id, position)
);
CREATE INDEX claim_members_article ON claim_members(article);
"""

# 3: saved searches and what of their results the analyst has already seen.
_V3 = """
CREATE TABLE saved_searches (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    query TEXT NOT NULL,
    sort TEXT NOT NULL DEFAULT 'relevance',
    watch INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL,
    last_seen TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT ''
);
CREATE TABLE saved_seen (
    search_id INTEGER NOT NULL REFERENCES saved_searches(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    PRIMARY KEY (search_id, key)
) WITHOUT ROWID;
"""

# 4: the analyst's words, as search-analyzer terms, for kind:note / kind:claim searches.
_V4 = """
CREATE TABLE item_terms (
    kind TEXT NOT NULL CHECK (kind IN ('note', 'claim', 'bookmark')),
    item_id INTEGER NOT NULL,
    term TEXT NOT NULL,
    PRIMARY KEY (kind, item_id, term)
) WITHOUT ROWID;
CREATE INDEX item_terms_term ON item_terms(term);
"""

MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4)
SCHEMA_VERSION = len(MIGRATIONS)
# Steps after which existing rows need Python work (filling in derived data).
BACKFILL_AFTER = {4: "terms"}
