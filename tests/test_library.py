"""The Library: what a process loads for one data home, passed to compare, search and
figures. Each library sees its own corpus and briefings, never another's."""

from __future__ import annotations

import shutil

import pytest

from jjj_brief import paths
from jjj_brief.commands.libraries import default_library, forget_libraries
from jjj_brief.compare import compare_fact, export_markdown, fact_for_figure, related
from jjj_brief.corpus import Corpus, UserError, load_corpus
from jjj_brief.library import Library, LibraryPaths


def test_a_fixture_library_compares_its_own_fact(fixture_library):
    comparison = compare_fact("ore-2023", fixture_library)
    assert comparison.assessment.code == "transcription-error"
    assert [v.article for v in comparison.claims] == ["port-report", "trade-notes"]
    assert "Iron ore handled at Caofeidian" in export_markdown("ore-2023", fixture_library)


def test_a_fixture_library_relates_the_figures_of_its_own_corpus(fixture_library):
    article = fixture_library.corpus().get("port-report")
    start = article.text.index("45 million tonnes")
    found = related("port-report", start, library=fixture_library)
    assert [(c.article, c.text, c.same_fact) for c in found.candidates] == [("trade-notes", "4.5 million tonnes", True)]
    assert fact_for_figure("port-report", start, start + 17, fixture_library).id == "ore-2023"


def test_libraries_do_not_see_each_other(fixture_library, library):
    assert [a.id for a in fixture_library.corpus()] == ["port-report", "trade-notes"]
    assert "port-report" not in library.corpus().ids()
    with pytest.raises(UserError, match="unknown fact"):
        compare_fact("ore-2023", library)  # the shipped briefings do not have it
    with pytest.raises(UserError, match="unknown fact"):
        compare_fact("pm25-hebei-2023", fixture_library)
    assert compare_fact("pm25-hebei-2023", library).assessment.code == "transcription-error"


def test_a_fixed_corpus_is_the_one_compared(fixture_library):
    """Library(corpus=...) computes on that corpus, not on what a data home holds."""
    trade = fixture_library.corpus().get("trade-notes")
    alone = Library(fixture_library.paths, corpus=Corpus([trade]))
    view = compare_fact("ore-2023", alone).claims
    assert [(v.article, v.start is not None) for v in view] == [("port-report", False), ("trade-notes", True)]
    assert alone.corpus(refresh=True).ids() == ["trade-notes"]  # refresh keeps a fixed corpus


def test_refresh_reads_new_imports_and_a_changed_briefing_is_parsed_again(tmp_path):
    folder = tmp_path / "briefings"
    shutil.copytree(LibraryPaths.current().briefings, folder)
    library = Library(LibraryPaths.current(briefings=folder))
    before, corpus = library.briefings(), library.corpus()
    assert library.briefings() is before and library.corpus() is corpus
    glossary = folder / "glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert library.briefings() is not before

    from jjj_brief import imports

    memo = tmp_path / "memo.txt"
    memo.write_text("Port memo\n\nCaofeidian handled more ore.\n", encoding="utf-8")
    imports.add_files([str(memo)])
    assert library.corpus() is corpus  # loaded once...
    assert "Port memo" in [a.title for a in library.corpus(refresh=True)]  # ...and again when asked


def test_search_runs_on_the_library_it_belongs_to(library):
    result = library.search.search("Caofeidian", limit=3)
    assert result.hits and result.message is None
    assert library.search.generation is not None
    assert library.search.match_spans("Caofeidian", "the Caofeidian port") == [(4, 14)]


def test_the_default_library_is_one_per_data_home(tmp_path, monkeypatch):
    forget_libraries()
    first = default_library()
    assert default_library() is first and load_corpus(library=default_library()) is first.corpus()
    parsed = first.briefings()
    monkeypatch.setenv(paths.HOME_ENV, str(tmp_path / "elsewhere"))
    second = default_library()
    assert second is not first and second.paths.data == tmp_path / "elsewhere" / "data"
    assert second.briefings() is parsed  # the same files, parsed once


def test_a_fixture_library_searches_its_own_seeds_and_briefings(fixture_library, library):
    """The index follows the library's folders, not JJJ_BRIEF_HOME's shipped data: the
    fixture's two articles and its topic are found, the shipped seeds are not there."""
    found = fixture_library.search.search("berth", limit=10)
    assert [(h.kind, h.article, h.snippet) for h in found.hits] == [
        ("passage", "trade-notes", "A new berth opened in March.")
    ]
    assert {h.article for h in fixture_library.search.search("iron ore", limit=20).hits} >= {
        "port-report",
        "trade-notes",
    }
    assert "topic" in {h.kind for h in fixture_library.search.search("Caofeidian port", limit=20).hits}  # its briefings
    assert fixture_library.search.search("Xiongan", limit=5).total == 0  # shipped seeds are not in it
    assert library.search.search("Xiongan", limit=5).total > 0  # ...but they are in the shipped library's
    assert library.search.search("berth Caofeidian trade-notes", limit=5).total == 0
    # Each library keeps its index in its own folder of the one home: neither rebuilds the other's.
    fixture_root = fixture_library.search.generation.folder.parent
    assert fixture_root != library.search.generation.folder.parent
    assert fixture_root.parent == fixture_library.paths.cache
    assert fixture_library.search.ensure_index().action == "reused"
    assert library.search.ensure_index().action == "reused"


def test_a_library_indexes_the_imports_of_its_own_data_folder(tmp_path, fixture_library):
    """A library made for another data home indexes that home's imports, not this one's."""
    from jjj_brief import import_store, imports

    memo = tmp_path / "memo.txt"
    memo.write_text("Harbour memo\n\nZanzibarian ferries called at the port.\n", encoding="utf-8")
    imports.add_files([str(memo)])  # into JJJ_BRIEF_HOME's data folder
    elsewhere = LibraryPaths(
        fixture_library.paths.seeds, fixture_library.paths.briefings, tmp_path / "d", tmp_path / "c"
    )
    other = Library(elsewhere)
    try:
        assert other.search.search("zanzibarian", limit=5).total == 0
        assert "Harbour memo" not in [a.title for a in other.corpus()]
        assert fixture_library.search.search("zanzibarian", limit=5).total == 1
        assert [
            a.title for a in import_store.load_imported_articles(elsewhere.imports, warnings=paths.StorageWarnings())
        ] == []
        assert other.search.generation.folder.is_relative_to(tmp_path / "c")
    finally:
        other.close()


class _FakeServer:
    """A stand-in for the team database's search, to see who the service asks."""

    def __init__(self, active: bool) -> None:
        self.is_active, self.asked = active, []

    def active(self) -> bool:
        return self.is_active

    def index_status(self):
        self.asked.append("index_status")
        return "the server's status"

    def generation(self):
        raise AssertionError("not reached in these tests")


def test_search_asks_the_remote_hook_the_library_hands_it(fixture_library):
    """Team mode reaches search through a hook (search never imports the team layer)."""
    from jjj_brief.search.api import SearchService

    server = _FakeServer(active=True)
    assert SearchService(fixture_library, remote=server).ensure_index() == "the server's status"
    assert server.asked == ["index_status"]
    idle = _FakeServer(active=False)
    status = SearchService(fixture_library, remote=idle).ensure_index()
    assert idle.asked == [] and status != "the server's status"  # the local index was built
    assert fixture_library.search.remote is not None and not fixture_library.search.remote.active()


def test_the_work_session_opens_the_store_the_library_hands_it(fixture_library):
    from jjj_brief.store.session import WorkSession
    from jjj_brief.store.sqlite import open_store

    opened = []

    def opener():
        opened.append(open_store(warnings=paths.StorageWarnings()))
        return opened[-1]

    session = WorkSession(opener, on_server=lambda: True)
    assert session.work(fixture_library.corpus()) is opened[0]
    assert session.work(fixture_library.corpus()) is opened[0] and len(opened) == 1
    assert session.on_server()
    session.close()
    assert not fixture_library.work_session.on_server()  # no connection string: the local store


def _core_functions_taking_a_library():
    from jjj_brief.briefings import shipped_briefings
    from jjj_brief.briefings.check import check, check_briefings
    from jjj_brief.compare import state
    from jjj_brief.compare.evaluate import evaluate
    from jjj_brief.search import api
    from jjj_brief.store import exports, session

    return [
        load_corpus, shipped_briefings, compare_fact, export_markdown, related, fact_for_figure, evaluate,
        state.corpus, state.briefings, state.glossary, state.figures_of, state.figure_index,
        api.service, api.search, api.ensure_index, api.alias_groups, api.search_facets, api.match_spans,
        api.query_mentions, api.highlight_parsed, api.highlight_terms,
        session.work, session.work_to_keep, session.close_work, session.reanchor_if_changed, session.article,
        session.span_anchor, session.place_anchor, session.figure_member, session.run_saved, session.current_keys,
        session.check_watches, session.watch_report,
        exports.export, exports.build_brief, check, check_briefings,
    ]  # fmt: skip


def test_the_core_takes_the_library_it_works_on():
    """No core convenience function falls back to a process default: ``library`` is required."""
    import inspect

    optional = [
        f"{function.__module__}.{function.__qualname__}"
        for function in _core_functions_taking_a_library()
        if inspect.signature(function).parameters["library"].default is not inspect.Parameter.empty
    ]
    assert optional == []
    with pytest.raises(TypeError):
        load_corpus()  # type: ignore[call-arg]


def test_work_on_a_fixture_library_never_builds_the_process_default(fixture_library):
    from jjj_brief.commands import libraries
    from jjj_brief.store.exports import export

    forget_libraries()
    assert "Iron ore handled at Caofeidian" in export("ore-2023", "md", fixture_library)
    assert fixture_library.search.search("berth", limit=3).total == 1
    assert related("port-report", fixture_library.corpus().get("port-report").text.index("45"), library=fixture_library)
    assert list(libraries._DEFAULT.by_paths) == []


def test_the_app_shows_the_library_it_is_given(fixture_library):
    from jjj_brief.app.data import AppData

    data = AppData(library=fixture_library, use_search=False)
    assert data.library is fixture_library
    assert data.corpus.ids() == ["port-report", "trade-notes"]
    assert [t.id for t in data.load_briefings().topics] == [t.id for t in fixture_library.briefings().topics]
    assert data.compare_fact("ore-2023") is not None  # the fixture's fact: unknown to the shipped library
    assert data.export_markdown("ore-2023").startswith("# Iron ore handled at Caofeidian")


def test_the_cli_builds_the_library_the_app_shows_and_hands_it_over(monkeypatch):
    import jjj_brief.app
    from jjj_brief import cli

    given = []
    monkeypatch.setattr(jjj_brief.app, "run_app", lambda library: given.append(library) or 0)
    assert cli.main([]) == 0
    assert given == [default_library()]


def test_the_app_holds_the_library_it_is_given(fixture_library, tmp_path):
    from jjj_brief.app.main import BriefApp

    app = BriefApp(library=fixture_library, data_dir=tmp_path, build_index=False, resume=False)
    assert app.core.library is fixture_library


def test_each_library_owns_its_team_pools(fixture_library, library, monkeypatch):
    """The team database's pools live on the library (no module keeps them): made on first
    use, kept while the configuration holds, remade when it changes, closed with the library."""
    from jjj_brief.errors import UserError

    monkeypatch.delenv("JJJ_BRIEF_DATABASE_URL", raising=False)
    with pytest.raises(UserError, match="team mode is not configured"):
        library.team()
    monkeypatch.setenv("JJJ_BRIEF_DATABASE_URL", "postgresql://ann@/first")  # pools connect on first use only
    first = library.team()
    assert library.team() is first and first.config.url == "postgresql://ann@/first"
    assert fixture_library.team() is not first
    monkeypatch.setenv("JJJ_BRIEF_DATABASE_URL", "postgresql://ann@/second")
    assert library.team().config.url == "postgresql://ann@/second"
    second = library.team()
    library.close()
    assert library.team() is not second
