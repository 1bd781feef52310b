"""The search API everything else uses: :class:`SearchService` (one per
:class:`~jjj_brief.library.Library`) and the module functions :func:`search`,
:func:`ensure_index`, :func:`match_spans`... that run on the service of the library given.

Nothing outside this package talks to a search engine. :func:`search` never raises:
whatever is typed, the result is hits, or no hits and a ``message`` saying why. The
results are :mod:`jjj_brief.search.results`; the engine-independent search is
:mod:`jjj_brief.search.engine`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from jjj_brief.search.concepts import mention_spans
from jjj_brief.search.engine import Engine
from jjj_brief.search.index import Generation, IndexManager, IndexStatus, IndexUnavailable, Progress, glossary_spellings
from jjj_brief.search.query import ParsedQuery, QueryContext, parse
from jjj_brief.search.results import Hit, SearchResult, count_label, make_snippet, spans_for_terms

if TYPE_CHECKING:
    from jjj_brief.library import Library

# A search of the analyst's own notes and claims: a result, or None when the query does not ask for them.
OwnWork = Callable[[str, int], SearchResult | None]


class RemoteSearch(Protocol):
    """Search answered by a server instead of the local index (team mode: the team database,
    :mod:`jjj_brief.team.search`). The Library hands it over: team mode is a layer above search."""

    def active(self) -> bool:
        """Whether searches go to the server now (asked before every index check and query)."""
        ...

    def index_status(self) -> IndexStatus:
        """``ensure_index`` on the server (its schema must be current)."""
        ...

    def generation(self) -> tuple[Any, QueryContext]:
        """The server as a search generation, with its query context."""
        ...


__all__: Sequence[str] = (
    "Hit",
    "SearchResult",
    "IndexStatus",
    "search",
    "search_facets",
    "ensure_index",
    "match_spans",
    "query_mentions",
    "spans_for_terms",
    "make_snippet",
    "count_label",
    "Engine",
    "alias_groups",
    "SearchService",
    "service",
)


class SearchService:
    """Search for one :class:`~jjj_brief.library.Library`: its index manager (which builds,
    opens and refreshes the index), the engine open on the live generation, and the
    highlighting context. Never raises from :meth:`search`; thread-safe."""

    def __init__(self, library: Library, own_work: OwnWork | None = None, remote: RemoteSearch | None = None) -> None:
        self.library = library
        # kind:note / kind:claim queries: answered from the analyst's store by this hook, which
        # the Library hands over (the store is a layer above search); None: from the index.
        self.own_work = own_work
        # Team mode: searches answered by the team database when this hook says it is active
        # (the Library hands it over); None: always the local index.
        self.remote = remote
        # The library's own folders, briefings and corpus.
        self.manager = IndexManager(
            self._forget_corpus,
            where=library.paths,
            load_briefings=library.briefings,
            corpus=library.corpus,
            warnings=library.warnings,
        )
        self.lock = threading.RLock()
        self._engine: Engine | None = None
        self._fallback_context: QueryContext | None = None

    # -- index
    def ensure_index(self, progress: Progress | None = None, *, rebuild: bool = False) -> IndexStatus:
        """Make the index ready: build if missing/stale/corrupt, add/remove changed imports."""
        with self.lock:
            if self._remote_active():  # the team database's search (see RemoteSearch)
                assert self.remote is not None
                return self.remote.index_status()
            status = self.manager.ensure(progress, rebuild=rebuild)
            self.reset_engine()
            return status

    def reset_engine(self) -> None:
        """Close the open engine; the next query reopens the live generation."""
        with self.lock:
            if self._engine is not None:
                try:
                    self._engine.close()
                except Exception:
                    pass
            self._engine = None

    def discard(self) -> None:
        """Forget the open engine and generation (after a read failure): the next use rebuilds."""
        with self.lock:
            self.reset_engine()
            self.manager.discard()

    close = reset_engine

    def engine(self) -> Engine:
        """The engine on the live generation (reopened when another process replaced it)."""
        with self.lock:
            team = self.remote.generation() if self.remote is not None and self.remote.active() else None
            generation = team[0] if team else self.manager.current()
            if self._engine is None or self._engine.generation is not generation:
                self.reset_engine()
                self._engine = Engine(generation, team[1] if team else self._context())
            return self._engine.fresh()

    @property
    def generation(self) -> Generation | None:
        """The generation open now (``None`` before the first search)."""
        return self.manager.generation

    # -- queries
    def search(
        self, query: str, *, limit: int = 20, group_by_article: bool = False, facets: bool = False
    ) -> SearchResult:
        """Search passages and briefings; problems come back as ``message`` (see :func:`search`)."""
        query = query if isinstance(query, str) else str(query)
        try:
            limit = max(1, min(int(limit), 1000))
        except (TypeError, ValueError):
            limit = 20
        if self.own_work is not None and "kind:" in query.lower():  # kind:note / kind:claim: your own work
            try:
                own = self.own_work(query, limit)
            except Exception as exc:  # a broken store must not break search
                return SearchResult(query, "", 0, None, f"your notes could not be searched: {exc}", [])
            if own is not None:
                return own
        for attempt in (1, 2):
            try:
                with self.lock:
                    return self.engine().run(query, limit=limit, group_by_article=group_by_article, want_facets=facets)
            except IndexUnavailable as exc:
                return SearchResult(query, "", 0, None, str(exc), [])
            except Exception as exc:
                failure: Exception = exc
                if attempt == 1:
                    try:  # the index failed while reading: rebuild it once and retry
                        with self.lock:
                            self.discard()
                            self.manager.ensure(rebuild=True)
                        continue
                    except Exception as rebuild_exc:
                        failure = rebuild_exc
                return SearchResult(query, "", 0, None, f"search failed: {failure.__class__.__name__}: {failure}", [])
        raise AssertionError("unreachable")

    def facets(self, query: str) -> dict[str, dict[str, int]]:
        """Hits per outlet, year and kind for ``query``; ``{}`` when unavailable. Never raises."""
        try:
            with self.lock:
                return self.engine().facets(query if isinstance(query, str) else str(query))
        except Exception:
            return {}

    search_facets = facets  # the module function's name, for callers that take either

    def match_spans(self, query: str, text: str) -> list[tuple[int, int]]:
        """Spans of ``text`` a query matches (same analyzer, same alias expansion), for the reader."""
        try:
            parsed = parse(query, self.highlight_context())
            return spans_for_terms(text, parsed.terms)
        except Exception:
            return []

    def query_mentions(self, query: str, text: str) -> list[tuple[int, int]]:
        """One span per mention of ``query`` in ``text`` (a phrase or glossary spelling is one),
        for stepping through matches and counting them. Never raises."""
        try:
            return mention_spans(text, parse(query, self.highlight_context()).terms)
        except Exception:
            return []

    def highlight_parsed(self, query: str) -> ParsedQuery:
        """The parsed query as the highlighter sees it (concepts, terms), without searching."""
        return parse(query, self.highlight_context())

    def highlight_terms(self, query: str) -> set[tuple[str, ...]]:
        """The analyzed term sequences a query lights (for callers that highlight many texts)."""
        return parse(query, self.highlight_context()).terms

    def highlight_context(self) -> QueryContext:
        """The open engine's context, or one with the glossary alone (built once)."""
        with self.lock:
            if self._engine is not None:
                return self._engine.context
            if self._fallback_context is None:
                generation = self.manager.generation
                if generation is not None and generation.aliases is not None:
                    keys = generation.glossary()[0]
                    self._fallback_context = QueryContext.build(generation.aliases, [], keys=keys)
                else:
                    self._fallback_context = QueryContext.build(self.alias_groups(), [])
            return self._fallback_context

    def alias_groups(self) -> list[list[str]]:
        """Glossary spellings that name the same thing (from the briefings, when present)."""
        try:
            return glossary_spellings(self.library.briefings())
        except Exception:
            return []

    # -- internals
    def _remote_active(self) -> bool:
        return self.remote is not None and self.remote.active()

    def _forget_corpus(self) -> None:
        self.library.forget_corpus()

    def _context(self) -> QueryContext:
        generation = self.manager.generation

        def resolve(ref: str) -> str | None:
            article = self.library.corpus().find(ref)  # only for article: filters (reads every import)
            return article.id if article else None

        if generation is not None and generation.aliases is not None:
            context = QueryContext.build(generation.aliases, [], resolve, generation.glossary()[0])
        else:
            context = QueryContext.build(self.alias_groups(), [], resolve)
        context.vocabulary = LazyVocabulary(generation)
        return context


class LazyVocabulary(Sequence[str]):
    """The generation's sorted vocabulary, read from disk the first time a query needs it
    (prefixes, word families), not when a process opens the index."""

    def __init__(self, generation: Generation | None) -> None:
        self._generation = generation
        self._words: list[str] | None = None

    def _load(self) -> list[str]:
        if self._words is None:
            self._words = sorted(self._generation.vocab) if self._generation is not None else []
        return self._words

    def __len__(self) -> int:
        return len(self._load())

    def __getitem__(self, index: int) -> str:  # type: ignore[override]
        return self._load()[index]


def service(library: Library) -> SearchService:
    """``library``'s search service."""
    return library.search


def ensure_index(progress: Progress | None = None, *, rebuild: bool = False, library: Library) -> IndexStatus:
    """Make the index ready: build if missing/stale/corrupt, add/remove changed imports."""
    return service(library).ensure_index(progress, rebuild=rebuild)


def alias_groups(library: Library) -> list[list[str]]:
    """Glossary spellings that name the same thing (from the briefings, when present)."""
    return service(library).alias_groups()


def search(
    query: str,
    *,
    limit: int = 20,
    group_by_article: bool = False,
    facets: bool = False,
    library: Library,
) -> SearchResult:
    """Search passages and briefings. Never raises: problems come back as ``message``.

    ``facets``: always count hits per outlet, year and kind (``SearchResult.facets``),
    even when that takes a pass of its own; otherwise they come only when free (see
    :func:`search_facets` for asking afterwards)."""
    return service(library).search(query, limit=limit, group_by_article=group_by_article, facets=facets)


def search_facets(query: str, library: Library) -> dict[str, dict[str, int]]:
    """Hits per outlet, year and kind for ``query``; ``{}`` when unavailable. Never raises."""
    return service(library).facets(query)


def match_spans(query: str, text: str, library: Library) -> list[tuple[int, int]]:
    """Spans of ``text`` a query matches (same analyzer, same alias expansion), for the reader."""
    return service(library).match_spans(query, text)


def query_mentions(query: str, text: str, library: Library) -> list[tuple[int, int]]:
    """One span per mention of ``query`` in ``text`` (a phrase or glossary spelling is one),
    for stepping through matches and counting them. Never raises."""
    return service(library).query_mentions(query, text)


def highlight_parsed(query: str, library: Library) -> ParsedQuery:
    """The parsed query as the highlighter sees it (concepts, terms), without searching."""
    return service(library).highlight_parsed(query)


def highlight_terms(query: str, library: Library) -> set[tuple[str, ...]]:
    """The analyzed term sequences a query lights (for callers that highlight many texts)."""
    return service(library).highlight_terms(query)
