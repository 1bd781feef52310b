"""``jjj-brief team init`` and ``team status``: create or migrate the schema, load the
shipped seeds and briefings, and say what the server holds."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from jjj_brief.team import champions
from jjj_brief.team.config import TeamConfig, redact, team_config
from jjj_brief.team.connection import TeamUnavailable, connect
from jjj_brief.team.migrations import LOCK_KEY, current_version, latest_version, migrate

if TYPE_CHECKING:
    from jjj_brief.library import Library

SHIPPED_KEY = "shipped_fingerprint"
ALIASES_KEY = "aliases"


def _config() -> TeamConfig:
    from jjj_brief.errors import UserError

    config = team_config()
    if config is None:
        raise UserError("team mode is not configured: set JJJ_BRIEF_DATABASE_URL (or database_url in settings.json)")
    return config


def init_team(library: Library, on_step: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Migrate the primary to the latest schema and (re)load ``library``'s shipped seeds and
    briefings if they changed."""
    config = _config()
    step = on_step or (lambda text: None)
    with connect(config.url, autocommit=True) as conn:
        applied = migrate(conn, on_step=lambda m: step(f"schema {m.version}: {m.name}"))
        loaded = load_shipped(conn, library, step)
        report = _status(conn)
    report.update({"applied": applied, "shipped_loaded": loaded})
    return report


def load_shipped(conn: Any, library: Library, step: Callable[[str], None] = lambda text: None) -> bool:
    """Replace the seed articles and briefing documents when the shipped files changed
    (one transaction: colleagues searching meanwhile see the old rows or the new)."""
    from jjj_brief.search.documents import briefing_documents, topic_links
    from jjj_brief.search.index import collect_sources, glossary_spellings
    from jjj_brief.team.corpus import (
        Counts,
        apply_counts,
        bump_corpus_version,
        copy_documents,
        remove_article,
        shipped_fingerprint,
        store_articles,
    )

    sources = collect_sources(
        refresh=False, where=library.paths, load=library.briefings, corpus=library.corpus, warnings=library.warnings
    )
    fingerprint = shipped_fingerprint(sources)
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY + 1,))
        row = conn.execute("SELECT value FROM team_settings WHERE key = %s", (SHIPPED_KEY,)).fetchone()
        if row and row[0] == fingerprint:
            return False
        step("loading the shipped seeds and briefings")
        for (article_id,) in conn.execute("SELECT id FROM articles WHERE source = 'seed'").fetchall():
            remove_article(conn, article_id)
        gone = Counts()
        briefing_rows = conn.execute("SELECT id, body FROM passages WHERE source_article IS NULL").fetchall()
        champions.forget_passages(conn, [row[0] for row in briefing_rows])
        for _, body in briefing_rows:
            gone.add(body)
        conn.execute("DELETE FROM passages WHERE source_article IS NULL")
        apply_counts(conn, gone, -1)
        briefings = sources.briefings
        seeds = sources.seeds
        added = Counts()
        links = topic_links(briefings, seeds)
        store_articles(conn, seeds, links=links, collection_size=len(seeds), counts=added, corpus=library.corpus)
        copy_documents(conn, ((doc, None) for doc in briefing_documents(briefings)), added)
        apply_counts(conn, added)
        aliases = glossary_spellings(briefings)
        _set(conn, ALIASES_KEY, json.dumps(aliases, ensure_ascii=False))
        _set(conn, SHIPPED_KEY, fingerprint)
        bump_corpus_version(conn)
    conn.execute("ANALYZE articles, passages, figures")
    return True


def _set(conn: Any, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO team_settings (key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        (key, value),
    )


def _status(conn: Any) -> dict[str, Any]:
    config = _config()
    version = current_version(conn)
    report: dict[str, Any] = {
        "server": redact(config.url),
        "replica": redact(config.replica_url) if config.replica_url else None,
        "configured_by": config.source,
        "schema_version": version,
        "latest_version": latest_version(),
        "search_index": None,
        "search_index_note": None,
        "articles": 0,
        "imports": 0,
        "passages": 0,
    }
    if version >= 3:
        settings = dict(conn.execute("SELECT key, value FROM team_settings").fetchall())
        report["search_index"] = settings.get("search_index")
        report["search_index_note"] = settings.get("search_index_note")
    if version >= 2:
        articles, imports = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE source = 'import') FROM articles"
        ).fetchone()
        report.update(articles=articles, imports=imports)
        report["passages"] = conn.execute("SELECT count(*) FROM passages").fetchone()[0]
    return report


def team_status() -> dict[str, Any]:
    config = _config()
    with connect(config.url, autocommit=True) as conn:
        try:
            return _status(conn)
        except TeamUnavailable:
            raise
