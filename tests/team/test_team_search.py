"""Search on PostgreSQL: the same API, the same query language, the same recall.

The judged relevance set (tests/relevance) runs against the team database with the same
recall@10 per query as the embedded engines; query forms find the same passages."""

from __future__ import annotations

import pytest

from jjj_brief.commands.libraries import default_library
from jjj_brief.search import api, ensure_index, search
from relevance.judged import MIN_RECALL, judge, load_queries, pooled_recall

pytestmark = pytest.mark.pg
QUERIES = load_queries()


@pytest.fixture(scope="module")
def team_home(pg_cluster, shipped_template, tmp_path_factory):
    """One team database with the shipped corpus (as after jjj-brief team init), and a local
    home with a whoosh index."""
    name = pg_cluster.create_database(template=shipped_template)
    url = pg_cluster.admin_url(name)
    home = tmp_path_factory.mktemp("team-search-home")
    mp = pytest.MonkeyPatch()
    mp.setenv("JJJ_BRIEF_HOME", str(home))
    mp.delenv("JJJ_BRIEF_DATABASE_URL", raising=False)
    mp.setenv("JJJ_BRIEF_SEARCH_ENGINE", "whoosh")
    ensure_index(library=default_library())
    mp.undo()
    yield home, url
    from jjj_brief.commands.libraries import forget_libraries

    forget_libraries()  # closes the libraries and their team pools
    api.service(library=default_library()).reset_engine()
    pg_cluster.drop_database(name)


def use(monkeypatch, team_home, engine: str) -> None:
    home, url = team_home
    monkeypatch.setenv("JJJ_BRIEF_HOME", str(home))
    monkeypatch.setenv("JJJ_BRIEF_SEARCH_ENGINE", "whoosh")
    if engine == "postgres":
        monkeypatch.setenv("JJJ_BRIEF_DATABASE_URL", url)
    else:
        monkeypatch.delenv("JJJ_BRIEF_DATABASE_URL", raising=False)


def test_ensure_index_in_team_mode_reports_the_server(team_home, monkeypatch):
    use(monkeypatch, team_home, "postgres")
    status = ensure_index(library=default_library())
    assert status.engine == "postgres" and status.documents > 300
    assert "***" in status.location


def test_the_judged_set_has_the_same_recall_on_postgres(team_home, monkeypatch):
    results = {}
    for engine in ("whoosh", "postgres"):
        use(monkeypatch, team_home, engine)
        results[engine] = {entry["query"]: judge(entry) for entry in QUERIES}
        assert api.service(library=default_library()).engine().engine == engine
    differ = [
        f"{query!r}: whoosh {results['whoosh'][query].recall:.2f} lost {results['whoosh'][query].lost} / "
        f"postgres {results['postgres'][query].recall:.2f} lost {results['postgres'][query].lost}"
        for query in results["whoosh"]
        if results["whoosh"][query].recall != results["postgres"][query].recall
    ]
    assert not differ, "recall differs:\n" + "\n".join(differ)
    assert pooled_recall(list(results["postgres"].values())) >= MIN_RECALL
    unlit = [f"{r.query!r}: {r.unlit}" for r in results["postgres"].values() if r.unlit]
    assert not unlit


QUERY_FORMS = [
    "Caofeidian",
    '"non-capital functions"',
    "relie* hospital",
    "Tianjin -port",
    "Tianjin NOT port",
    "sub-center OR subcenter",
    "outlet:xinhua year:2023..2024",
    "outlet:xinhua",
    "Xiongan year:2024",
    "kind:fact",
    "kind:glossary Xiongan",
    "topic:transport",
    "article:xinhua-2023-02-25 Beijing",
    "4.39 trillion",
    "value:4e12..5e12",
    "unit:yuan",
    "PM2.5 micrograms",
    "how much did the Beijing-Tianjin-Hebei economy grow in 2023",
    "zzzzqqq",
    "-Beijing",
    "Xiongan sort:date",
    "Tianjin port sort:-date",
]


@pytest.mark.parametrize("query", QUERY_FORMS)
def test_query_forms_find_the_same_passages_as_the_embedded_engine(team_home, monkeypatch, query):
    found = {}
    for engine in ("whoosh", "postgres"):
        use(monkeypatch, team_home, engine)
        result = search(query, limit=1000, library=default_library())
        found[engine] = result
    local, team = found["whoosh"], found["postgres"]
    assert team.parsed == local.parsed
    assert team.total == local.total, (local.total, team.total)
    assert {(h.kind, h.article, h.start) for h in team.hits} == {(h.kind, h.article, h.start) for h in local.hits}
    if "sort:" in query:  # by date: the same order of dates (ties in any order)
        assert [h.date for h in team.hits] == [h.date for h in local.hits]
    for hit in team.hits:  # our snippets: verbatim slices of the passage, lit where the query matched
        assert hit.snippet.replace(" … ", "") and all(0 <= s < e <= len(hit.snippet) for s, e in hit.highlights)
        assert [
            h.reasons for h in local.hits if (h.article, h.start, h.kind) == (hit.article, hit.start, hit.kind)
        ] == [hit.reasons]


def test_a_top_10_is_read_in_rank_order_from_the_rum_index(team_home):
    """The ranked query is an index scan ordered by the RUM distance, stopped at the page:
    it never ranks every match (on GIN, without RUM, it would sort them all)."""
    from jjj_brief.search.query import parse
    from jjj_brief.team.connection import connect
    from jjj_brief.team.search import compile_tree

    _, url = team_home
    with connect(url) as conn:
        if conn.execute("SELECT value FROM team_settings WHERE key = 'search_index'").fetchone()[0] != "rum":
            pytest.skip("the server has no rum extension: GIN ranks every match (see team status)")
        conn.execute("SET enable_seqscan = off")  # the seed corpus is tiny: ask for the plan a big one gets
        sql = compile_tree(parse("Beijing kind:passage").query)
        plan = "\n".join(
            row[0]
            for row in conn.execute(
                f"EXPLAIN SELECT p.id FROM passages p WHERE {sql.where} ORDER BY p.terms <=> %s::tsquery LIMIT 30",
                [*sql.params, sql.rank],
            )
        )
    assert "Index Scan using passages_terms" in plan and "Order By: (terms <=>" in plan, plan
    assert "Sort" not in plan, plan


def test_on_gin_without_rum_the_same_passages_are_found(pg_cluster, shipped_template, tmp_path, monkeypatch):
    """A server without the rum extension gets a GIN index and ts_rank: same matches."""
    name = pg_cluster.create_database(template=shipped_template)  # as after jjj-brief team init
    url = pg_cluster.admin_url(name)
    monkeypatch.setenv("JJJ_BRIEF_DATABASE_URL", url)
    pg_cluster.sql("DROP INDEX passages_terms", dbname=name)
    pg_cluster.sql("CREATE INDEX passages_terms ON passages USING gin (terms)", dbname=name)
    pg_cluster.sql("UPDATE team_settings SET value = 'gin' WHERE key = 'search_index'", dbname=name)
    pg_cluster.sql("UPDATE team_settings SET value = 'changed' WHERE key = 'corpus_version'", dbname=name)
    try:
        api.service(library=default_library()).reset_engine()
        for query in ("Xiongan relief", '"non-capital functions"', "Tianjin -port", "4.39 trillion"):
            monkeypatch.setenv("JJJ_BRIEF_DATABASE_URL", url)
            team = search(query, limit=1000, library=default_library())
            assert api.service(library=default_library()).engine().generation.index.rum is False
            monkeypatch.delenv("JJJ_BRIEF_DATABASE_URL")
            local = search(query, limit=1000, library=default_library())
            assert team.total == local.total > 0, query
            assert {(h.article, h.start) for h in team.hits} == {(h.article, h.start) for h in local.hits}
            assert [h.score for h in team.hits] == sorted((h.score for h in team.hits), reverse=True)
    finally:
        from jjj_brief.commands.libraries import forget_libraries

        forget_libraries()  # closes the libraries and their team pools
        api.service(library=default_library()).reset_engine()
        pg_cluster.drop_database(name)
