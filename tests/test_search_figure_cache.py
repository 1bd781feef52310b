"""An import's figures are read once: a rebuild takes them from the figure cache."""

from __future__ import annotations

import sqlite3

import pytest

from jjj_brief import figures, imports, paths
from jjj_brief.commands.libraries import default_library
from jjj_brief.corpus import load_seed_articles
from jjj_brief.search import documents, ensure_index, search
from jjj_brief.search.figure_cache import FILE_NAME, FigureCache, open_cache


@pytest.fixture(autouse=True)
def fresh_corpus():
    yield
    from jjj_brief import corpus

    corpus._CORPUS = None


@pytest.fixture
def cached_sizes(monkeypatch):
    """Every collection counts as large (the cache is for collections past the cross-article check)."""
    monkeypatch.setattr(documents, "CROSS_ARTICLE_COLLECTION", 0)


def write_docs(folder, count: int) -> None:
    folder.mkdir()
    for i in range(count):
        (folder / f"report-{i}.txt").write_text(
            f"Report {i} on Zanzibarian ferries.\n\nThe port moved {4100 + 1000 * i} containers and hired 37 pilots.\n",
            encoding="utf-8",
        )


def cache_rows() -> int:
    with sqlite3.connect(paths.cache_dir() / "search" / FILE_NAME) as db:
        return db.execute("SELECT count(*) FROM fields").fetchone()[0]


def test_a_rebuild_reads_no_number_again(tmp_path, monkeypatch, cached_sizes):
    write_docs(tmp_path / "docs", 3)
    ensure_index(library=default_library())
    imports.add_files([str(tmp_path / "docs")])
    ensure_index(library=default_library())
    assert cache_rows() == 3
    before = [(h.article, h.start) for h in search("5100 containers", library=default_library()).hits]
    assert before

    read: list[int] = []
    real = figures.extract_figures

    def counting(text, *args, **kwargs):
        read.append(len(text))
        return real(text, *args, **kwargs)

    monkeypatch.setattr(figures, "extract_figures", counting)
    status = ensure_index(rebuild=True, library=default_library())
    assert status.action == "rebuilt"
    # the seeds' figures are read again (not imports); the three imports' are not
    seed_lengths = {len(a.text) for a in load_seed_articles()}
    assert all(length in seed_lengths for length in read)
    assert [(h.article, h.start) for h in search("5100 containers", library=default_library()).hits] == before
    assert search("37 pilots", library=default_library()).total == 3


def test_a_removed_import_leaves_the_cache(tmp_path, cached_sizes):
    write_docs(tmp_path / "docs", 2)
    imports.add_files([str(tmp_path / "docs")])
    ensure_index(library=default_library())
    assert cache_rows() == 2
    imports.remove("report-0")
    ensure_index(library=default_library())
    assert cache_rows() == 1


def test_cached_fields_are_the_computed_ones(tmp_path):
    write_docs(tmp_path / "docs", 1)
    imports.add_files([str(tmp_path / "docs")])
    article = imports.load_imported_articles(warnings=paths.StorageWarnings())[0]
    computed = documents.figure_fields(article, figures.extract_figures(article.text))
    assert computed  # the text has valued figures
    with open_cache() as cache:
        cache.put("k", article.text, computed)
    with open_cache() as cache:
        assert cache.get("k", article.text) == computed
        assert cache.get("k", article.text + " edited") is None  # another text: not these figures
        assert cache.get("other", article.text) is None


def test_fields_from_other_figure_rules_are_not_used(tmp_path, monkeypatch):
    from jjj_brief.search import figure_cache

    with open_cache() as cache:
        cache.put("k", "text", {0: ([(0, 2, 12.0, None, 0.0, None, 0.0)], "*:1:1")})
    monkeypatch.setattr(figure_cache, "rules_version", lambda: "changed-rules")
    with open_cache() as cache:
        assert cache.get("k", "text") is None


def test_a_cache_that_cannot_be_written_keeps_nothing(tmp_path):
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("x", encoding="utf-8")
    with FigureCache(not_a_folder) as cache:
        cache.put("k", "text", {0: ([], "")})
        assert cache.get("k", "text") is None
    with FigureCache(None) as nothing:
        nothing.put("k", "text", {})
        assert nothing.get("k", "text") is None


def test_a_damaged_cache_file_does_not_stop_a_build(tmp_path, cached_sizes):
    write_docs(tmp_path / "docs", 2)
    imports.add_files([str(tmp_path / "docs")])
    folder = paths.cache_dir() / "search"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / FILE_NAME).write_bytes(b"this is not a database" * 100)
    ensure_index(library=default_library())
    assert search("4100 containers", library=default_library()).total == 1


def test_adding_an_import_the_briefings_do_not_name_parses_no_briefing(tmp_path, monkeypatch):
    from jjj_brief.search import api

    write_docs(tmp_path / "docs", 2)
    ensure_index(library=default_library())
    imports.add_files([str(tmp_path / "docs" / "report-0.txt")])
    ensure_index(library=default_library())  # the first addition notes which articles the briefings name
    parsed: list[int] = []
    manager = api.service(library=default_library()).manager  # the index takes its briefings from its library
    real = manager._load_briefings
    assert real is not None
    monkeypatch.setattr(manager, "_load_briefings", lambda: parsed.append(1) or real())
    imports.add_files([str(tmp_path / "docs" / "report-1.txt")])
    assert ensure_index(library=default_library()).added == 1
    assert parsed == []
    assert search("5100 containers", library=default_library()).total == 1
    assert search("topic:xiongan Xiongan", library=default_library()).total > 0  # seeds keep their topics


@pytest.mark.parametrize("engine", ["tantivy", "whoosh"])
def test_imports_analyzed_in_worker_processes_index_the_same(tmp_path, monkeypatch, engine):
    from jjj_brief.search import sources

    monkeypatch.setenv("JJJ_BRIEF_SEARCH_ENGINE", engine)
    write_docs(tmp_path / "docs", 6)
    imports.add_files([str(tmp_path / "docs")])
    queries = ["Zanzibarian ferries", "5100 containers", "37 pilots", "report", '"hired 37 pilots"']

    def answers():
        return [
            [(h.article, h.start, h.end, h.snippet) for h in search(q, limit=20, library=default_library()).hits]
            for q in queries
        ]

    monkeypatch.setattr(sources, "PARALLEL_FROM", 10_000)
    ensure_index(rebuild=True, library=default_library())
    serial = answers()
    monkeypatch.setattr(sources, "PARALLEL_FROM", 1)
    prepared: list[int] = []
    real = sources._prepared_in_workers
    monkeypatch.setattr(sources, "_prepared_in_workers", lambda *a: prepared.append(1) or real(*a))
    status = ensure_index(rebuild=True, library=default_library())
    assert prepared and status.engine == engine
    assert answers() == serial
    assert all(any(hits) for hits in serial)
