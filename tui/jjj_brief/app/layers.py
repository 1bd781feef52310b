"""The app's view of the core layers: corpus, figures, briefings, search and compare.

The app reaches every core module through :class:`Layers`, so that

* a test can build the app on an injected corpus and briefings (a hostile article, a
  broken briefing set) without touching the shipped data;
* a layer that is missing or broken degrades one panel (no figures: no highlights) instead
  of stopping the app. Each failure is recorded once in :attr:`Layers.notes`.

Nothing here imports Textual; the module is plain Python over the core API.
"""

from __future__ import annotations

import importlib
import importlib.util
import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any

from jjj_brief.corpus import Article, Corpus, load_corpus


def _optional(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _exists(name: str) -> bool:
    """Whether an optional layer is installed, without importing it (imports cost startup time)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


class Layers:
    """Corpus, briefings and the optional layers, with per-article caches."""

    def __init__(
        self,
        corpus: Corpus | None = None,
        briefings: Any | None = None,
        *,
        search_module: Any | None = None,
        use_search: bool = True,
        use_compare: bool = True,
    ) -> None:
        self._corpus = corpus  # None: the shipped corpus, loaded on first use (the app: in a worker)
        self._corpus_lock = threading.Lock()
        self.notes: list[str] = []
        self._lock = threading.RLock()
        self._modules: dict[str, ModuleType | None] = {}
        self._search_given = search_module
        self._use_search = use_search
        self._use_compare = use_compare
        self._briefings = briefings
        self._briefings_loaded = briefings is not None
        self._figure_cache: dict[str, list] = {}

    # -------------------------------------------------------------------- corpus
    @property
    def corpus(self) -> Corpus:
        """The articles; the first use loads them (10,000 imports: a few tenths of a second)."""
        if self._corpus is None:
            with self._corpus_lock:
                if self._corpus is None:
                    self._corpus = load_corpus()
        return self._corpus

    @corpus.setter
    def corpus(self, corpus: Corpus) -> None:
        self._corpus = corpus

    @property
    def corpus_loaded(self) -> bool:
        return self._corpus is not None

    def load_corpus(self) -> Corpus:
        """Load the articles now (the app calls this in a worker, after the first paint)."""
        return self.corpus

    def _module(self, name: str) -> ModuleType | None:
        """Import an optional layer on first use (off the UI thread where it matters)."""
        with self._lock:
            if name not in self._modules:
                self._modules[name] = _optional(name)
            return self._modules[name]

    @property
    def _figures_module(self) -> ModuleType | None:
        return self._module("jjj_brief.figures")

    @property
    def _briefings_module(self) -> ModuleType | None:
        return self._module("jjj_brief.briefings")

    @property
    def _search(self) -> Any | None:
        if self._search_given is not None:
            return self._search_given
        return self._module("jjj_brief.search") if self._use_search else None

    @property
    def _compare(self) -> ModuleType | None:
        return self._module("jjj_brief.compare") if self._use_compare else None

    # ----------------------------------------------------------------- briefings
    @property
    def briefings_loaded(self) -> bool:
        return self._briefings_loaded

    def load_briefings(self) -> Any | None:
        """Load the shipped briefings once (slow-ish YAML: the app calls this in a worker)."""
        with self._lock:
            if not self._briefings_loaded:
                self._briefings = self._load_briefings()
                self._briefings_loaded = True
            return self._briefings

    def _load_briefings(self) -> Any | None:
        module = self._briefings_module
        if module is None:
            return None
        try:
            return module.shipped_briefings()
        except Exception as exc:  # the app must start whatever the YAML says
            self.note(f"briefings could not be loaded: {exc}")
            return None

    @property
    def briefings(self) -> Any | None:
        return self._briefings

    @property
    def has_briefings(self) -> bool:
        return self._briefings is not None

    def topics(self) -> list:
        return list(getattr(self._briefings, "topics", []) or [])

    def facts(self) -> list:
        return list(getattr(self._briefings, "facts", []) or [])

    def timeline(self) -> list:
        return list(getattr(self._briefings, "timeline", []) or [])

    def problems(self) -> list:
        return list(getattr(self._briefings, "problems", []) or [])

    def topic(self, topic_id: str) -> Any | None:
        return next((t for t in self.topics() if t.id == topic_id), None)

    def fact(self, fact_id: str) -> Any | None:
        return next((f for f in self.facts() if f.id == fact_id), None)

    def groups(self) -> list:
        return [t for t in self.topics() if t.parent is None]

    def children(self, topic_id: str) -> list:
        return [t for t in self.topics() if t.parent == topic_id]

    def facts_of(self, topic_id: str) -> list:
        return [f for f in self.facts() if f.topic == topic_id]

    def locate_quote(self, article: Article, quote: str) -> tuple[int, int] | None:
        if self._briefings_module is not None and hasattr(self._briefings_module, "locate_quote"):
            try:
                return self._briefings_module.locate_quote(article, quote)
            except Exception:
                return None
        start = article.text.find(quote) if quote else -1
        return None if start < 0 else (start, start + len(quote))

    def article(self, ref: str) -> Article | None:
        return self.corpus.find(ref) if ref else None

    # ------------------------------------------------------------------- figures
    @property
    def has_figures(self) -> bool:
        return _exists("jjj_brief.figures")

    def figures(self, article: Article) -> list:
        """The article's figures (cached), or ``[]`` when the figure layer is missing."""
        if self._figures_module is None:
            return []
        with self._lock:
            cached = self._figure_cache.get(article.id)
        if cached is not None:
            return cached
        try:
            found = list(self._figures_module.article_figures(article, self.corpus))
        except Exception as exc:
            self.note(f"figures for {article.id} could not be extracted: {exc}")
            found = []
        with self._lock:
            self._figure_cache[article.id] = found
        return found

    # -------------------------------------------------------------------- search
    @property
    def has_search(self) -> bool:
        if self._search_given is not None:
            return hasattr(self._search_given, "search")
        return self._use_search and _exists("jjj_brief.search")

    def ensure_index(self, progress: Callable[[int, int], None] | None = None) -> None:
        if self._search is not None and hasattr(self._search, "ensure_index"):
            self._search.ensure_index(progress=progress)

    def search(self, query: str, limit: int = 50) -> Any | None:
        if not self.has_search:
            return None
        return self._search.search(query, limit=limit)

    def search_facets(self, query: str) -> dict[str, dict[str, int]]:
        """Hits per outlet, year and kind (asked after the results are shown)."""
        if not self.has_search or not hasattr(self._search, "search_facets"):
            return {}
        try:
            return dict(self._search.search_facets(query) or {})
        except Exception:
            return {}

    def match_spans(self, query: str, text: str) -> list[tuple[int, int]]:
        if not query.strip() or self._search is None or not hasattr(self._search, "match_spans"):
            return []
        try:
            return [(int(s), int(e)) for s, e in self._search.match_spans(query, text)]
        except Exception:
            return []

    # ------------------------------------------------------------------- compare
    @property
    def has_compare(self) -> bool:
        return self._use_compare and _exists("jjj_brief.compare")

    def compare_fact(self, fact_id: str) -> Any | None:
        if self._compare is None or not hasattr(self._compare, "compare_fact"):
            return None
        try:
            return self._compare.compare_fact(fact_id)
        except Exception as exc:
            self.note(f"comparison of {fact_id} failed: {exc}")
            return None

    def fact_for_figure(self, article_id: str, start: int, end: int) -> str | None:
        """The compare layer's curated fact for a figure (its id), when the layer is there."""
        compare = self._compare
        if compare is None or not hasattr(compare, "fact_for_figure"):
            return None
        try:
            fact = compare.fact_for_figure(article_id, start, end)
        except Exception:
            return None
        return getattr(fact, "id", None)

    def related(self, article_id: str, offset: int, limit: int = 8) -> list:
        if self._compare is None or not hasattr(self._compare, "related"):
            return []
        try:
            result = self._compare.related(article_id, offset, limit=limit)
        except Exception:
            return []
        return list(getattr(result, "related", result) or [])

    def export_markdown(self, item_id: str) -> str | None:
        if self._compare is None or not hasattr(self._compare, "export_markdown"):
            return None
        return self._compare.export_markdown(item_id)

    # --------------------------------------------------------------------- notes
    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)
