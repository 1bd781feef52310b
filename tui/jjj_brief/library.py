"""The Library: everything jjj-brief loads for one data home, built once and passed around.

A :class:`Library` holds the corpus (shipped seeds plus the user's imports), the
briefings and the glossary built from them, the figure index that ``related`` and the
reader's ``]`` use, the figures of each corpus generation, translation pairings, the search
service (index manager and open engine), and the warnings about storage it could not use
(``library.warnings``: the CLI prints them after a command, the app shows them). Each part is loaded on first use and rebuilt
only when its inputs change; all of it is instance state, so two libraries (a test's
fixture folder and the shipped data, or two data homes) never see each other's.

The core holds no process-wide state: compare, search, figures, the work store and the app
take the library they work on (never an optional one). The CLI's process default (one per
data home) lives in the commands layer, :mod:`jjj_brief.commands.libraries`, which passes it
on. What the core needs from the layers above it (team mode: search on the team database,
the team's work store) the library hands over as hooks.

Thread safety: every lazily built part is built under the library's lock; the objects
handed out (corpus, briefings, figure lists) are shared and must be treated as read-only.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from jjj_brief.corpus import Article, Corpus, load_seed_articles
from jjj_brief.paths import LibraryPaths, StorageWarnings

__all__ = ["Library", "LibraryPaths"]

# Start-up: a search on a reused index needs none of these (pydantic, YAML, the figure
# and compare layers, the work store); each is imported where it is first used.
if TYPE_CHECKING:
    from jjj_brief.briefings.load import Briefings
    from jjj_brief.compare.align import FigureIndex
    from jjj_brief.compare.subject import Glossary
    from jjj_brief.figures import Figure, FigureBook
    from jjj_brief.figures.translation import Pairings
    from jjj_brief.search.api import IndexStatus, SearchResult, SearchService
    from jjj_brief.search.query import QueryContext
    from jjj_brief.store.base import WorkStore
    from jjj_brief.store.session import WorkSession
    from jjj_brief.team.connection import Team, TeamPools


@dataclass(frozen=True)
class _BriefingsEntry:
    stamp: tuple[object, ...]
    briefings: Briefings
    glossary: Glossary


class Library:
    """Corpus, briefings, glossary, figures and their index, pairings and search for one data home.

    ``corpus`` / ``briefings``: use these instead of loading (a test's hostile corpus, a
    briefing set under review); they are then fixed (``refresh`` keeps them).
    ``share_from``: reuse another library's parsed briefings when they come from the
    same folder (they are still re-checked against the files' stamps).

    ``warnings``: what could not be stored or read (an unwritable folder: "working in memory
    for this run", a damaged import or notes database), each said once per library. Every
    part of the core that hits such a problem while working for this library adds to it;
    the CLI prints and the app shows what is pending (``warnings.drain()``).
    """

    def __init__(
        self,
        where: LibraryPaths | None = None,
        *,
        corpus: Corpus | None = None,
        briefings: Briefings | None = None,
        share_from: Library | None = None,
    ) -> None:
        self.paths = where or LibraryPaths.current()
        self.warnings = StorageWarnings()
        self._lock = threading.RLock()
        self._corpus = corpus
        self._fixed_corpus = corpus is not None
        self._briefings: _BriefingsEntry | None = None
        self._fixed_briefings = briefings is not None
        if briefings is not None:
            from jjj_brief.compare.subject import build_glossary

            self._briefings = _BriefingsEntry((), briefings, build_glossary(briefings.glossary))
        self._index: tuple[Corpus, str, FigureIndex] | None = None
        self._pairings: Pairings | None = None
        self._search: SearchService | None = None
        self._team_pools: TeamPools | None = None
        self._work_session: WorkSession | None = None
        if share_from is not None and briefings is None and share_from.paths.briefings == self.paths.briefings:
            self._briefings = share_from._briefings if not share_from._fixed_briefings else None

    @property
    def search(self) -> SearchService:
        """The library's search (index manager and open engine; made on first use, so an app
        paints before the search layer is imported)."""
        with self._lock:
            if self._search is None:
                from jjj_brief.search.api import SearchService

                self._search = SearchService(self, own_work=partial(_own_work, self), remote=_TeamSearch(self))
            return self._search

    def team(self) -> Team:
        """The pools of the configured team database (made on first use, remade when the
        configuration changes, closed with the library). Raises UserError outside team mode."""
        with self._lock:
            if self._team_pools is None:
                from jjj_brief.team.connection import TeamPools

                self._team_pools = TeamPools()
            pools = self._team_pools
        return pools.current()

    @property
    def pairings(self) -> Pairings:
        """Translation pairings, remembered per pair of articles (made on first use)."""
        with self._lock:
            if self._pairings is None:
                from jjj_brief.figures.translation import Pairings

                self._pairings = Pairings()
            return self._pairings

    @property
    def work_session(self) -> WorkSession:
        """The analyst's store session (made on first use; it opens the store on first use)."""
        with self._lock:
            if self._work_session is None:
                from jjj_brief.store.session import WorkSession

                self._work_session = WorkSession(partial(_open_work_store, self), _is_team_mode)
            return self._work_session

    def __repr__(self) -> str:
        return f"Library(data={self.paths.data}, seeds={self.paths.seeds}, briefings={self.paths.briefings})"

    # ------------------------------------------------------------------ corpus
    def corpus(self, *, refresh: bool = False) -> Corpus:
        """The seeds plus the user's imports, loaded on first use; ``refresh``: read again
        (after an import or a removal). A new :class:`Corpus` object means new contents."""
        with self._lock:
            if self._corpus is None or (refresh and not self._fixed_corpus):
                self._corpus = Corpus(self._load_articles())
            return self._corpus

    def forget_corpus(self) -> None:
        """Read the corpus again on next use (the index saw the imports change); a fixed
        corpus stays."""
        with self._lock:
            if not self._fixed_corpus:
                self._corpus = None

    @property
    def corpus_loaded(self) -> bool:
        return self._corpus is not None

    def _load_articles(self) -> list[Article]:
        from jjj_brief import imports  # the readers of PDF, DOCX... load only when a corpus does
        from jjj_brief.team.imports import colleagues_imports  # team mode: the server's imports too (#19)

        articles = load_seed_articles(self.paths.seeds)
        local = imports.load_imported_articles(self.paths.imports, warnings=self.warnings)
        articles.extend(local)
        articles.extend(colleagues_imports(local, self.team, self.warnings))
        return articles

    def article(self, ref: str) -> Article | None:
        """An article by id, file name or stem; ``None`` when unknown."""
        return self.corpus().find(ref)

    # --------------------------------------------------------------- briefings
    def briefings(self) -> Briefings:
        """The briefings, parsed once and again only when a YAML file changes (path, mtime,
        size). Read-only: search, compare and the app share this one copy."""
        return self._briefings_entry().briefings

    def glossary(self) -> Glossary:
        """The glossary's aliases and places, as the aligner uses them."""
        return self._briefings_entry().glossary

    @property
    def briefings_loaded(self) -> bool:
        return self._briefings is not None

    def _briefings_entry(self) -> _BriefingsEntry:
        with self._lock:
            if self._fixed_briefings:
                assert self._briefings is not None
                return self._briefings
            from jjj_brief.briefings.load import briefings_stamp, load_briefings
            from jjj_brief.compare.subject import build_glossary

            stamp = briefings_stamp(self.paths.briefings)
            if self._briefings is None or self._briefings.stamp != stamp:
                loaded = load_briefings(self.paths.briefings)
                self._briefings = _BriefingsEntry(stamp, loaded, build_glossary(loaded.glossary))
            return self._briefings

    # ----------------------------------------------------------------- figures
    def figures(self, article: Article) -> list[Figure]:
        """An article's figures with the suspect flags computed over this library's corpus."""
        return self.figure_book.article_figures(article)

    @property
    def figure_book(self) -> FigureBook:
        """The figures of the current corpus generation: the book the figure layer keeps on
        the corpus object (a new corpus after an import: a new book)."""
        from jjj_brief.figures import book_for

        return book_for(self.corpus())

    def figure_index(self) -> FigureIndex:
        """The index of every comparable figure: built once per corpus object and glossary,
        then reused by every ``related`` call and every ``]`` in the app."""
        with self._lock:
            current, glossary = self.corpus(), self.glossary()
            if self._index is None or self._index[0] is not current or self._index[1] != glossary.fingerprint:
                from jjj_brief.compare.align import FigureIndex

                self._index = (current, glossary.fingerprint, FigureIndex(current, glossary, self.figures))
            return self._index[2]

    # ------------------------------------------------------------------- close
    def close(self) -> None:
        """Release the open search engine and work store (the library stays usable; both
        reopen on demand)."""
        if self._search is not None:
            self._search.close()
        if self._work_session is not None:
            self._work_session.close()
        if self._team_pools is not None:
            self._team_pools.close()


def _own_work(library: Library, query: str, limit: int) -> SearchResult | None:
    """``kind:note`` / ``kind:claim`` searches: answered from the library's store."""
    from jjj_brief.store.search_hook import asks_for_own_work, own_work_search

    return own_work_search(query, library, limit) if asks_for_own_work(query) else None


# ------------------------------------------------------------------ team mode
# Team mode (jjj_brief.team) is a layer above search and the work store: the Library hands
# them these hooks, so neither imports upward.


def _is_team_mode() -> bool:
    from jjj_brief.team.config import is_team_mode

    return is_team_mode()


class _TeamSearch:
    """Search on the team database when a connection string is configured, on the library's
    pools (see :class:`~jjj_brief.search.api.RemoteSearch`)."""

    def __init__(self, library: Library) -> None:
        self.library = library

    def active(self) -> bool:
        return _is_team_mode()

    def index_status(self) -> IndexStatus:
        from jjj_brief.team.search import team_index_status

        return team_index_status(self.library.team())

    def generation(self) -> tuple[object, QueryContext]:
        from jjj_brief.team.search import team_generation

        return team_generation(self.library.team())


def _open_work_store(library: Library) -> WorkStore:
    """The team's store on the server when team mode is configured, else the local one
    (its problems go to ``library.warnings``)."""
    from jjj_brief.store.sqlite import open_store

    if _is_team_mode():
        from jjj_brief.store.model import StoreError
        from jjj_brief.team.store import open_team_store

        try:
            team_store = open_team_store()
        except StoreError:
            # The corpus, read just before, noted the same unreachable server: one line is enough.
            library.warnings.drop("the team server's")
            raise
        if team_store is not None:
            return team_store
    return open_store(warnings=library.warnings)
