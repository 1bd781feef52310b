"""Champion lists on a real server: a query of many matches is ranked among its terms'
best passages, with the same top as ranking every match on the index for one term (any
filters), and the lists follow imports and removals in the same transaction.

The shipped corpus is small, so these tests make every term in 12 or more passages
"common" and keep lists of 40 (the defaults, 5,000 and 2,000, matter at scale only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jjj_brief.commands.libraries import default_library
from jjj_brief.corpus import Article
from jjj_brief.search.api import Engine
from jjj_brief.team import champions
from jjj_brief.team.connection import connect

pytestmark = pytest.mark.pg
MIN_DOCS, SIZE = 12, 40
ONE_TERM = ["Beijing", "Tianjin", "Hebei", "Xiongan", "Beijing kind:passage", "Tianjin year:2023..2024", "-port Hebei"]


@pytest.fixture(scope="module")
def champion_db(pg_cluster, shipped_template, tmp_path_factory):
    name = pg_cluster.create_database(template=shipped_template)  # as after jjj-brief team init
    url = pg_cluster.admin_url(name)
    mp = pytest.MonkeyPatch()
    mp.setenv("JJJ_BRIEF_HOME", str(tmp_path_factory.mktemp("champions-home")))
    mp.setenv("JJJ_BRIEF_DATABASE_URL", url)
    with connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO team_settings (key, value) VALUES ('champion_min_docs', %s), ('champion_size', %s)",
            (str(MIN_DOCS), str(SIZE)),
        )
        with conn.transaction():
            assert champions.build_all(conn) > 20
    yield url
    from jjj_brief.commands.libraries import forget_libraries

    forget_libraries()  # closes the libraries and their team pools
    mp.undo()
    pg_cluster.drop_database(name)


@pytest.fixture
def engines(champion_db, monkeypatch):
    """(with champion lists, ranking every match on the index) on the same database."""
    from jjj_brief.commands.libraries import forget_libraries
    from jjj_brief.team.search import PgGeneration, team_generation
    from jjj_brief.team.search_index import PgIndex

    monkeypatch.setenv("JJJ_BRIEF_DATABASE_URL", champion_db)
    generation, context = team_generation(default_library().team())
    exhaustive = PgIndex(default_library().team())
    exhaustive.champion_settings = lambda: (2**62, 0)  # type: ignore[method-assign]
    yield Engine(generation, context), Engine(PgGeneration(exhaustive), context)
    forget_libraries()  # closes the libraries and their team pools


def test_the_bulk_build_gives_the_lists_built_term_by_term_and_keeps_the_keys(champion_db):
    """build_all writes the lists with the table's keys dropped and makes them again: the
    same rows as :func:`champions.build` term by term, and the same keys after."""

    def keys(conn):
        return conn.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'search_champions'::regclass "
            "UNION ALL SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_champions' ORDER BY 1"
        ).fetchall()

    def lists(conn):
        return conn.execute("SELECT term, distance, passage FROM search_champions ORDER BY 1, 2, 3").fetchall()

    with connect(champion_db) as conn:
        before = keys(conn)
        assert {name for name, _ in before} >= {"search_champions_pkey", "search_champions_passage"}
        assert champions.build_all(conn) > 20
        bulk, lengths = lists(conn), conn.execute("SELECT term, champions FROM search_terms ORDER BY 1").fetchall()
        assert keys(conn) == before and len(bulk) > 20 * SIZE
        for (term,) in conn.execute("SELECT term FROM search_terms WHERE champions IS NOT NULL").fetchall():
            champions.build(conn, term, SIZE)
        assert lists(conn) == bulk
        assert conn.execute("SELECT term, champions FROM search_terms ORDER BY 1").fetchall() == lengths
        passage = bulk[0][2]  # the reference is back: removing a passage removes it from the lists
        conn.execute("DELETE FROM figures WHERE passage = %s", (passage,))
        conn.execute("DELETE FROM passages WHERE id = %s", (passage,))
        assert conn.execute("SELECT count(*) FROM search_champions WHERE passage = %s", (passage,)).fetchone()[0] == 0
        conn.rollback()


def _ranked(engine: Engine, query: str, limit: int = 10):
    result = engine.fresh().run(query, limit=limit)
    return result, [round(hit.score, 6) for hit in result.hits], engine._searcher.last_path  # type: ignore[attr-defined]


def _best_by_brute_force(url: str, query: str, limit: int = 10) -> list[float]:
    """The true top scores: every match scored (weight / distance), no index order involved."""
    from jjj_brief.search.query import QueryContext, parse
    from jjj_brief.team.search import compile_tree

    with connect(url) as conn:
        aliases = __import__("json").loads(
            conn.execute("SELECT value FROM team_settings WHERE key = 'aliases'").fetchone()[0]
        )
        compiled = compile_tree(parse(query, QueryContext.build(aliases, [])).query)
        rows = conn.execute(
            f"SELECT p.weight / (p.terms <=> %s::tsquery) AS s FROM passages p WHERE {compiled.where} "
            "ORDER BY s DESC LIMIT %s",
            [compiled.rank, *compiled.params, limit],
        ).fetchall()
    return [round(float(row[0]), 6) for row in rows]


@pytest.mark.parametrize("query", ONE_TERM)
def test_one_common_term_is_ranked_from_its_list_exactly(champion_db, engines, query):
    fast, slow = engines
    result, scores, path = _ranked(fast, query)
    assert path == "champions", path
    assert len(scores) == 10 and scores == _best_by_brute_force(champion_db, query)
    expected, _, slow_path = _ranked(slow, query)
    assert slow_path == "index"
    if query in ("Beijing", "Tianjin", "Hebei"):  # one word: its document count, exact
        assert result.total_exact and (result.total == expected.total or not expected.total_exact)


def test_several_common_terms_give_matching_hits_ranked_by_the_query(engines):
    fast, slow = engines
    result, scores, path = _ranked(fast, "Beijing Tianjin Hebei")
    assert path == "champions"
    assert scores == sorted(scores, reverse=True) and len(result.hits) == 10
    for hit in result.hits:  # every hit holds the three words (the query's own condition)
        body = hit.snippet.casefold()
        assert all(word in body for word in ("beijing", "tianjin", "hebei")) or hit.kind != "passage"
    assert result.total_label.endswith("+")  # not counted: "at least" what is shown
    expected, expected_scores, _ = _ranked(slow, "Beijing Tianjin Hebei")
    assert expected_scores[0] >= scores[0]  # the champions' best is never better than the true best


def test_too_few_matches_among_the_champions_falls_back_to_the_index(champion_db, engines):
    """A filter that few of the list's passages pass: the list cannot fill the page, so the
    index ranks every match (a correct answer, at the index's cost)."""
    fast, _ = engines
    query = "Beijing kind:glossary"
    result, scores, path = _ranked(fast, query)
    assert path == "index (champions held too few)"
    assert result.hits and scores == _best_by_brute_force(champion_db, query, len(scores))


def test_lists_follow_an_import_and_its_removal(champion_db, engines, monkeypatch):
    from jjj_brief.team.corpus import share_articles, unshare_article

    fast, slow = engines
    text = "Beijing notes\n\n" + " ".join(["Beijing Beijing capital Beijing."] * 12) + "\n"
    article = Article(
        id="zz-champion-test",
        file="zz-champion-test.txt",
        path=Path("zz-champion-test.txt"),
        text=text,
        title="Beijing notes",
        outlet="Test",
        date="2024-01-01",
        date_precision="day",
        source="import",
    )
    share_articles([article], library=default_library())
    result, scores, path = _ranked(fast, "Beijing")
    assert path == "champions" and result.hits[0].article == "zz-champion-test"
    assert scores == _best_by_brute_force(champion_db, "Beijing")
    with connect(champion_db) as conn:
        listed = conn.execute(
            "SELECT count(*) FROM search_champions c JOIN passages p ON p.id = c.passage "
            "WHERE p.source_article = 'zz-champion-test'"
        ).fetchone()[0]
    assert listed >= 1

    assert unshare_article("zz-champion-test", default_library().team())
    result, scores, path = _ranked(fast, "Beijing")
    assert "zz-champion-test" not in {hit.article for hit in result.hits}
    assert path == "champions"  # the list was rebuilt in the removal's transaction
    assert scores == _best_by_brute_force(champion_db, "Beijing")
    with connect(champion_db) as conn:
        sizes = conn.execute(
            "SELECT min(n), max(n) FROM (SELECT count(*) n FROM search_champions GROUP BY term) c"
        ).fetchone()
        unlisted = conn.execute(
            "SELECT count(*) FROM search_terms WHERE docs >= %s AND champions IS NULL", (MIN_DOCS,)
        ).fetchone()[0]
    assert sizes[1] <= SIZE and unlisted == 0


def _matching(url: str, query: str) -> set[tuple[str, int, str]]:
    """(article, start, kind) of every passage the query matches, found without the lists."""
    from jjj_brief.search.query import QueryContext, parse
    from jjj_brief.team.search import compile_tree

    with connect(url) as conn:
        aliases = __import__("json").loads(
            conn.execute("SELECT value FROM team_settings WHERE key = 'aliases'").fetchone()[0]
        )
        compiled = compile_tree(parse(query, QueryContext.build(aliases, [])).query)
        rows = conn.execute(
            f"SELECT p.article, p.start_offset, p.kind FROM passages p WHERE {compiled.where}", compiled.params
        ).fetchall()
    return {(article, start if kind == "passage" else 0, kind) for article, start, kind in rows}


@pytest.mark.parametrize("query", ['"non-capital functions"', "relieving hospitals", "Beijing Tianjin Hebei"])
def test_a_query_of_many_terms_reads_a_bounded_share_of_each_list(champion_db, engines, monkeypatch, query):
    """Synonyms make a query of many terms: each list gives a share of the candidates
    (about CANDIDATES in all), each rare term its best on the index (the rescoring budget
    set to 0 here, so every rare term takes that path). Every hit matches the query."""
    from jjj_brief.team import search

    monkeypatch.setattr(search, "RESCORE_BUDGET", 0)
    monkeypatch.setattr(search, "CANDIDATES", 60)  # 30 rows wanted: a few terms' lists cannot all be read whole
    fast, slow = engines
    result, scores, path = _ranked(fast, query)
    expected, expected_scores, _ = _ranked(slow, query)
    assert path in ("champions", "index (champions held too few)")
    assert result.hits and scores == sorted(scores, reverse=True)
    matching = _matching(champion_db, query)
    assert {(hit.article, hit.start if hit.kind == "passage" else 0, hit.kind) for hit in result.hits} <= matching
    assert expected_scores[0] >= scores[0]
    if path == "champions":
        assert result.total_label.endswith("+")
