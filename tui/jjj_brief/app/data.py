"""What the app reads: the corpus, the briefings, figures, search and compare — typed.

:class:`AppData` holds the :class:`~jjj_brief.library.Library` the app shows (the CLI builds
it once and hands it over; a test passes its own, a fixture library say) and asks the core
about it. The app imports the core directly (the modules are imported on first use, off the
start-up path: ``jjj-brief --version`` must not pay for them). A test may also fix the
corpus, the briefings or the search engine. Nothing here imports Textual.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from jjj_brief.corpus import Article, Corpus

if TYPE_CHECKING:
    from jjj_brief.briefings import Briefings, Fact, TimelineEvent, Topic
    from jjj_brief.briefings.schema import GlossaryTerm
    from jjj_brief.compare import Candidate, Comparison
    from jjj_brief.figures import Figure
    from jjj_brief.library import Library
    from jjj_brief.live_imports import CorpusChange
    from jjj_brief.search import SearchResult


class SearchEngine(Protocol):
    """The part of :mod:`jjj_brief.search` the app uses (a test may pass its own)."""

    def search(self, query: str, *, limit: int = 20) -> SearchResult: ...

    def match_spans(self, query: str, text: str) -> list[tuple[int, int]]: ...

    def ensure_index(self, progress: Callable[[int, int], None] | None = None) -> object: ...


class AppData:
    """Corpus, briefings and search for one app, with a per-article figure cache.

    ``library``: the Library the app shows (``None``: the process default, one per data home,
    :func:`jjj_brief.commands.libraries.default_library`). ``corpus``/``briefings`` ``None``:
    the library's, read on first use (the app reads them in a worker after the first paint).
    ``search`` ``None``: the library's search.
    """

    def __init__(
        self,
        corpus: Corpus | None = None,
        briefings: Briefings | None = None,
        *,
        search: SearchEngine | None = None,
        use_search: bool = True,
        library: Library | None = None,
    ) -> None:
        if library is None:
            from jjj_brief.commands.libraries import default_library

            library = default_library()
        self.library = library
        self._corpus = corpus
        self._fixed_corpus = corpus is not None  # a test's corpus: never re-read
        self._briefings = briefings
        self._briefings_loaded = briefings is not None
        self._search = search
        self.use_search = use_search
        self.notes: list[str] = []
        self._lock = threading.RLock()
        self._figures: dict[str, list[Figure]] = {}

    # -------------------------------------------------------------------- corpus
    @property
    def corpus(self) -> Corpus:
        """The articles; the first use reads them (10,000 imports: a few tenths of a second)."""
        if self._corpus is None:
            with self._lock:
                if self._corpus is None:
                    self._corpus = self.library.corpus()
        return self._corpus

    @corpus.setter
    def corpus(self, corpus: Corpus) -> None:
        self._corpus = corpus

    @property
    def corpus_loaded(self) -> bool:
        return self._corpus is not None

    def load_corpus(self) -> Corpus:
        return self.corpus

    def article(self, ref: str) -> Article | None:
        return self.corpus.find(ref) if ref else None

    def reload_corpus(self) -> CorpusChange:
        """Read the corpus again (an import or a removal happened elsewhere) and say what
        changed; the figures of removed or replaced imports are forgotten."""
        from jjj_brief.live_imports import CorpusChange, corpus_change

        if self._fixed_corpus:
            return CorpusChange()
        with self._lock:
            before = list(self._corpus) if self._corpus is not None else []
        fresh = self.library.corpus(refresh=True)
        change = corpus_change(before, fresh)
        with self._lock:
            self._corpus = fresh
            for article_id in (*change.removed, *change.changed):
                self._figures.pop(article_id, None)
        return change

    # ----------------------------------------------------------------- briefings
    @property
    def briefings_loaded(self) -> bool:
        return self._briefings_loaded

    def load_briefings(self) -> Briefings | None:
        """Read the library's briefings once (YAML: the app calls this in a worker)."""
        with self._lock:
            if not self._briefings_loaded:
                self._briefings = self._read_briefings()
                self._briefings_loaded = True
            return self._briefings

    def _read_briefings(self) -> Briefings | None:
        try:
            return self.library.briefings()
        except Exception as exc:  # the app starts whatever the YAML says
            self.note(f"briefings could not be loaded: {exc}")
            return None

    @property
    def briefings(self) -> Briefings | None:
        return self._briefings

    @property
    def has_briefings(self) -> bool:
        return self._briefings is not None

    def topics(self) -> list[Topic]:
        return list(self._briefings.topics) if self._briefings else []

    def facts(self) -> list[Fact]:
        return list(self._briefings.facts) if self._briefings else []

    def timeline(self) -> list[TimelineEvent]:
        return list(self._briefings.timeline) if self._briefings else []

    def problems(self) -> list[object]:
        return list(self._briefings.problems) if self._briefings else []

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics() if t.id == topic_id), None)

    def fact(self, fact_id: str) -> Fact | None:
        return next((f for f in self.facts() if f.id == fact_id), None)

    def term(self, term_id: str) -> GlossaryTerm | None:
        return self._briefings.term(term_id) if self._briefings else None

    def groups(self) -> list[Topic]:
        return [t for t in self.topics() if t.parent is None]

    def children(self, topic_id: str) -> list[Topic]:
        return [t for t in self.topics() if t.parent == topic_id]

    def facts_of(self, topic_id: str) -> list[Fact]:
        return [f for f in self.facts() if f.topic == topic_id]

    def locate_quote(self, article: Article, quote: str) -> tuple[int, int] | None:
        from jjj_brief.briefings import locate_quote

        return locate_quote(article, quote)

    # ------------------------------------------------------------------- figures
    def figures(self, article: Article) -> list[Figure]:
        """The article's figures (cached per article)."""
        from jjj_brief.figures import article_figures

        with self._lock:
            cached = self._figures.get(article.id)
        if cached is None:
            cached = list(article_figures(article, self.corpus))
            with self._lock:
                self._figures[article.id] = cached
        return cached

    def figure_at(self, article: Article, offset: int | None) -> Figure | None:
        if offset is None:
            return None
        return next((f for f in self.figures(article) if f.start <= offset < f.end), None)

    # -------------------------------------------------------------------- search
    @property
    def engine(self) -> SearchEngine | None:
        if not self.use_search:
            return None
        if self._search is None:
            self._search = self.library.search
        return self._search

    @property
    def has_search(self) -> bool:
        return self.use_search

    def ensure_index(self, progress: Callable[[int, int], None] | None = None) -> None:
        engine = self.engine
        if engine is not None:
            engine.ensure_index(progress=progress)

    def search(self, query: str, limit: int = 50) -> SearchResult | None:
        engine = self.engine
        return engine.search(query, limit=limit) if engine is not None else None

    def search_facets(self, query: str) -> dict[str, dict[str, int]]:
        """Hits per outlet, year and kind (asked after the results are shown); an engine a
        test passes without facets has none."""
        engine = self.engine
        facets = getattr(engine, "search_facets", None) if engine is not None else None
        return dict(facets(query) or {}) if facets is not None else {}

    def query_mentions(self, query: str, text: str) -> list[tuple[int, int]]:
        """One span per mention (a phrase or a glossary spelling is one): what ``n`` steps through."""
        engine = self.engine
        if not query.strip() or engine is None:
            return []
        mentions = getattr(engine, "query_mentions", None)
        found = mentions(query, text) if mentions is not None else engine.match_spans(query, text)
        return [(int(s), int(e)) for s, e in found]

    def match_spans(self, query: str, text: str) -> list[tuple[int, int]]:
        engine = self.engine
        if not query.strip() or engine is None:
            return []
        return [(int(s), int(e)) for s, e in engine.match_spans(query, text)]

    # ------------------------------------------------------------------- compare
    def compare_fact(self, fact_id: str) -> Comparison | None:
        """The compare layer's comparison of a curated fact; ``None`` for a fact it does not
        know (briefings given to this app that are not the shipped ones)."""
        from jjj_brief.compare import compare_fact
        from jjj_brief.errors import UserError

        try:
            return compare_fact(fact_id, self.library)
        except UserError:
            return None

    def fact_for_figure(self, article_id: str, start: int, end: int) -> str | None:
        """The id of the curated fact a figure belongs to (the compare layer's rule)."""
        from jjj_brief.compare import fact_for_figure

        fact = fact_for_figure(article_id, start, end, self.library)
        return fact.id if fact is not None and self.fact(fact.id) is not None else None

    def related(self, article_id: str, offset: int, limit: int = 8) -> list[Candidate]:
        from jjj_brief.compare import related
        from jjj_brief.errors import UserError

        try:
            return list(related(article_id, offset, limit=limit, library=self.library).related)
        except UserError:  # an article the compare layer does not know, or no figure there
            return []

    def export_markdown(self, item_id: str) -> str:
        from jjj_brief.compare import export_markdown

        return export_markdown(item_id, self.library)

    # --------------------------------------------------------------------- notes
    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)
