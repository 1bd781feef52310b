"""The shared work's schema on the team server: tables, roles and row-level security.

Migration versions 50-99 of the team schema are these (1-49 are the corpus's). Never edit
a released step: add one. Each step is one SQL script run in one transaction.

Who may do what is decided by PostgreSQL itself, not by the client:

* ``jjj_reader``  — reads everything (corpus and everyone's work), writes nothing;
* ``jjj_analyst`` — a reader who adds work and edits or removes only their own rows
  (row-level security: ``author = current_user``);
* ``jjj_editor``  — an analyst who may also publish any claim as the desk's.

A person is a login role that is a member of one of them (see README, "Team mode").
Every write to the work tables sends ``NOTIFY jjj_work`` (at commit, only if it commits)
so running apps refresh within a second (:mod:`jjj_brief.team.live`).
"""

from __future__ import annotations

READER, ANALYST, EDITOR = "jjj_reader", "jjj_analyst", "jjj_editor"
ROLES = (READER, ANALYST, EDITOR)
WORK_CHANNEL = "jjj_work"  # NOTIFY channel of the work tables
CORPUS_CHANNEL = "jjj_corpus"  # NOTIFY channel of imports into the shared corpus
SCHEMA = "work"

_ANCHOR = """
    article text NOT NULL,
    span_start integer NOT NULL CHECK (span_start >= 0),
    span_end integer NOT NULL CHECK (span_end >= span_start),
    exact text NOT NULL,
    prefix text NOT NULL DEFAULT '',
    suffix text NOT NULL DEFAULT '',
    text_sha text NOT NULL DEFAULT '',
    status text NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'moved', 'orphaned'))
"""

# The group roles are cluster-wide: created once, whichever database migrates first.
_ROLES = f"""
DO $roles$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{READER}') THEN
        CREATE ROLE {READER} NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ANALYST}') THEN
        CREATE ROLE {ANALYST} NOLOGIN IN ROLE {READER};
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{EDITOR}') THEN
        CREATE ROLE {EDITOR} NOLOGIN IN ROLE {ANALYST};
    END IF;
END
$roles$;
"""

# 50: the work tables, each row with its author (the login role that wrote it).
_V50 = f"""
{_ROLES}
CREATE SCHEMA {SCHEMA};
CREATE SEQUENCE work.changes;
CREATE TABLE work.bookmarks (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    {_ANCHOR},
    note text NOT NULL DEFAULT '',
    created timestamptz NOT NULL DEFAULT now(),
    author text NOT NULL DEFAULT current_user,
    write_key uuid UNIQUE
);
CREATE INDEX bookmarks_article ON work.bookmarks (article, span_start);
CREATE TABLE work.notes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    {_ANCHOR},
    text text NOT NULL DEFAULT '',
    color text NOT NULL DEFAULT 'yellow',
    created timestamptz NOT NULL DEFAULT now(),
    updated timestamptz NOT NULL DEFAULT now(),
    revision integer NOT NULL DEFAULT 1,
    author text NOT NULL DEFAULT current_user,
    write_key uuid UNIQUE
);
CREATE INDEX notes_article ON work.notes (article, span_start);
CREATE TABLE work.claims (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    verdict text NOT NULL CHECK (verdict IN
        ('consistent', 'rounding', 'different-date-or-scope', 'conflict', 'transcription-error')),
    text text NOT NULL DEFAULT '',
    created timestamptz NOT NULL DEFAULT now(),
    updated timestamptz NOT NULL DEFAULT now(),
    revision integer NOT NULL DEFAULT 1,
    author text NOT NULL DEFAULT current_user,
    write_key uuid UNIQUE
);
CREATE TABLE work.claim_members (
    claim_id bigint NOT NULL REFERENCES work.claims (id) ON DELETE CASCADE,
    position integer NOT NULL,
    {_ANCHOR},
    value double precision,
    unit text NOT NULL DEFAULT '',
    PRIMARY KEY (claim_id, position)
);
CREATE INDEX claim_members_article ON work.claim_members (article);
CREATE TABLE work.desk_claims (
    claim_id bigint PRIMARY KEY REFERENCES work.claims (id) ON DELETE CASCADE,
    published_by text NOT NULL DEFAULT current_user,
    published timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE work.saved_searches (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    query text NOT NULL,
    sort text NOT NULL DEFAULT 'relevance',
    watch boolean NOT NULL DEFAULT false,
    created timestamptz NOT NULL DEFAULT now(),
    last_seen timestamptz NOT NULL DEFAULT now(),
    author text NOT NULL DEFAULT current_user,
    UNIQUE (author, name)
);
CREATE TABLE work.saved_seen (
    search_id bigint NOT NULL REFERENCES work.saved_searches (id) ON DELETE CASCADE,
    key text NOT NULL,
    PRIMARY KEY (search_id, key)
);
CREATE TABLE work.item_terms (
    kind text NOT NULL CHECK (kind IN ('note', 'claim', 'bookmark')),
    item_id bigint NOT NULL,
    term text NOT NULL,
    author text NOT NULL DEFAULT current_user,
    PRIMARY KEY (kind, item_id, term)
);
CREATE INDEX item_terms_term ON work.item_terms (term text_pattern_ops);
"""

_OWNED = ("bookmarks", "notes", "claims", "saved_searches", "item_terms")

# 51: who may read and write what; row-level security on every work table.
_V51 = (
    f"""
GRANT USAGE ON SCHEMA work TO {READER};
GRANT SELECT ON ALL TABLES IN SCHEMA work TO {READER};
GRANT SELECT ON SEQUENCE work.changes TO {READER};
GRANT USAGE, UPDATE ON SEQUENCE work.changes TO {ANALYST};
GRANT INSERT, UPDATE, DELETE ON work.bookmarks, work.notes, work.claims, work.claim_members,
    work.saved_searches, work.saved_seen, work.item_terms TO {ANALYST};
GRANT INSERT, DELETE ON work.desk_claims TO {EDITOR};
"""
    + "".join(
        f"""
ALTER TABLE work.{table} ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON work.{table} FOR SELECT TO {READER} USING (true);
CREATE POLICY add_own ON work.{table} FOR INSERT TO {ANALYST} WITH CHECK (author = current_user);
CREATE POLICY edit_own ON work.{table} FOR UPDATE TO {ANALYST}
    USING (author = current_user) WITH CHECK (author = current_user);
CREATE POLICY remove_own ON work.{table} FOR DELETE TO {ANALYST} USING (author = current_user);
"""
        for table in _OWNED
    )
    + f"""
ALTER TABLE work.claim_members ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON work.claim_members FOR SELECT TO {READER} USING (true);
CREATE POLICY own_claim ON work.claim_members FOR ALL TO {ANALYST}
    USING (EXISTS (SELECT FROM work.claims c WHERE c.id = claim_id AND c.author = current_user))
    WITH CHECK (EXISTS (SELECT FROM work.claims c WHERE c.id = claim_id AND c.author = current_user));
ALTER TABLE work.saved_seen ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON work.saved_seen FOR SELECT TO {READER} USING (true);
CREATE POLICY own_search ON work.saved_seen FOR ALL TO {ANALYST}
    USING (EXISTS (SELECT FROM work.saved_searches s WHERE s.id = search_id AND s.author = current_user))
    WITH CHECK (EXISTS (SELECT FROM work.saved_searches s WHERE s.id = search_id AND s.author = current_user));
ALTER TABLE work.desk_claims ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON work.desk_claims FOR SELECT TO {READER} USING (true);
CREATE POLICY publish ON work.desk_claims FOR INSERT TO {EDITOR} WITH CHECK (published_by = current_user);
CREATE POLICY withdraw ON work.desk_claims FOR DELETE TO {EDITOR} USING (true);

-- Anchors follow the shared corpus for everyone's rows: an analyst's client re-finds a
-- colleague's quote after a re-import, but may change nothing else of that row.
CREATE FUNCTION work.set_anchor(kind text, key bigint, pos integer, new_start integer, new_end integer,
        new_exact text, new_prefix text, new_suffix text, new_sha text, new_status text)
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    IF NOT pg_has_role(current_user, '{ANALYST}', 'MEMBER') THEN
        RAISE EXCEPTION 'permission denied: only analysts move anchors' USING ERRCODE = '42501';
    END IF;
    IF kind = 'bookmark' THEN
        UPDATE work.bookmarks SET span_start = new_start, span_end = new_end, exact = new_exact,
            prefix = new_prefix, suffix = new_suffix, text_sha = new_sha, status = new_status WHERE id = key;
    ELSIF kind = 'note' THEN
        UPDATE work.notes SET span_start = new_start, span_end = new_end, exact = new_exact,
            prefix = new_prefix, suffix = new_suffix, text_sha = new_sha, status = new_status WHERE id = key;
    ELSIF kind = 'claim' THEN
        UPDATE work.claim_members SET span_start = new_start, span_end = new_end, exact = new_exact,
            prefix = new_prefix, suffix = new_suffix, text_sha = new_sha, status = new_status
            WHERE claim_id = key AND position = pos;
    ELSE
        RAISE EXCEPTION 'unknown kind %', kind;
    END IF;
END
$fn$;
REVOKE ALL ON FUNCTION work.set_anchor FROM PUBLIC;
GRANT EXECUTE ON FUNCTION work.set_anchor TO {ANALYST};
"""
)

# 52: every committed change is announced (NOTIFY is delivered at commit, never on rollback)
# and counted (work.changes: what a client without a listener polls).
_V52 = f"""
CREATE FUNCTION work.announce() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    row jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
BEGIN
    PERFORM nextval('work.changes');
    PERFORM pg_notify('{WORK_CHANNEL}', json_build_object(
        'table', TG_TABLE_NAME,
        'op', lower(TG_OP),
        'id', coalesce(row ->> 'id', row ->> 'claim_id', row ->> 'search_id', ''),
        'author', coalesce(row ->> 'author', row ->> 'published_by', current_user)
    )::text);
    RETURN NULL;
END
$fn$;
""" + "".join(
    f"CREATE TRIGGER announce AFTER INSERT OR UPDATE OR DELETE ON work.{table} "
    "FOR EACH ROW EXECUTE FUNCTION work.announce();\n"
    for table in ("bookmarks", "notes", "claims", "claim_members", "desk_claims", "saved_searches")
)

# 53: the shared corpus (migrations 1-49, schema public): readers read it, analysts import
# into it (not the schema's bookkeeping), and every import is announced on jjj_corpus.
_V53 = f"""
GRANT USAGE ON SCHEMA public TO {READER};
GRANT SELECT ON ALL TABLES IN SCHEMA public TO {READER};
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {READER};
DO $grants$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public'
            AND tablename NOT IN ('schema_version', 'team_settings') LOOP
        EXECUTE format('GRANT INSERT, UPDATE, DELETE ON public.%I TO {ANALYST}', t.tablename);
    END LOOP;
END
$grants$;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {ANALYST};
CREATE FUNCTION work.announce_import() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM pg_notify('{CORPUS_CHANNEL}', json_build_object(
        'table', TG_TABLE_NAME, 'op', lower(TG_OP), 'id', '', 'author', current_user)::text);
    RETURN NULL;
END
$fn$;
DO $trigger$
BEGIN
    IF to_regclass('public.articles') IS NOT NULL THEN
        CREATE TRIGGER announce_import AFTER INSERT OR UPDATE OR DELETE ON public.articles
            FOR EACH STATEMENT EXECUTE FUNCTION work.announce_import();
    END IF;
END
$trigger$;
"""

# 54: an analyst's import tells every searcher the corpus changed (team_settings'
# corpus_version); of the team's settings that row alone is theirs to write.
_V54 = f"""
GRANT INSERT, UPDATE ON public.team_settings TO {ANALYST};
ALTER TABLE public.team_settings ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON public.team_settings FOR SELECT USING (true);
CREATE POLICY add_corpus_version ON public.team_settings FOR INSERT TO {ANALYST}
    WITH CHECK (key = 'corpus_version');
CREATE POLICY bump_corpus_version ON public.team_settings FOR UPDATE TO {ANALYST}
    USING (key = 'corpus_version') WITH CHECK (key = 'corpus_version');
"""

SCRIPTS: dict[int, tuple[str, str]] = {
    50: ("shared work: notes, claims, bookmarks, saved searches with their authors", _V50),
    51: ("shared work: reader, analyst and editor roles; row-level security", _V51),
    52: ("shared work: every change announced (NOTIFY jjj_work) and counted", _V52),
    53: ("shared corpus: read by readers, imported by analysts, imports announced", _V53),
    54: ("shared corpus: an analyst's import may bump corpus_version (no other setting)", _V54),
}
FIRST, LAST = 50, 99
