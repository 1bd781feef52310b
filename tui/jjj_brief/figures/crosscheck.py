"""Corpus-level checks: each figure compared with the figures of every other article.

cross-article  the same digits 10, 100 or 1000 times off a figure with the same unit and
               year, on the same subject, in another article ("386" vs "38.6" ug/m3 for
               Hebei 2023; "439 trillion" vs "4,394.41 billion" yuan) -> likely the other
               article's value, at this one's digits. Only figures printed without a
               decimal point and with at least three significant digits are candidates
               (round numbers like 100 vs 10 are everywhere); "same subject" means the
               sentences around both share a content word. Documents over 2 MB take no
               part (their own figures are still found), so one huge import cannot slow
               every article down.
translation    a translation's figure that its original prints 10**k times smaller or larger
               (see :mod:`jjj_brief.figures.translation`).

The other articles are looked up in a :class:`~jjj_brief.figures.index.CrossIndex`, built
once per corpus generation (and kept on disk for large collections, see
:mod:`jjj_brief.figures.stored`). Checking one article is then one look-up per candidate
figure, whatever the corpus size; building the index costs one extraction per article, once.

A :class:`FigureBook` holds the index and the caches of one corpus. Whoever holds the corpus
holds its book (the Library): there is no module-level state here.
"""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from jjj_brief.figures.extraction import extract_figures
from jjj_brief.figures.index import _NOT_COMPARED, CrossIndex, _Held, _printed_number, _significant, published_date
from jjj_brief.figures.lexicon import _PHRASE_STOP
from jjj_brief.figures.model import Figure, Suspect, _tidy

if TYPE_CHECKING:
    from jjj_brief.corpus import Article, Corpus

CROSS_ARTICLE_MAX_CHARS = 2_000_000  # larger documents keep their own figures, skip the cross check

K = TypeVar("K")
V = TypeVar("V")


class _Lru(Generic[K, V]):
    """A small thread-safe least-recently-used map (10,000 articles' figures must not all stay)."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


class FigureCache:
    """Each article's own figures (no corpus-level flags), by id, text and publication date.

    Outlives a corpus generation: a new :class:`FigureBook` after an import can take the old
    book's cache, so the articles that did not change are not extracted again.
    """

    def __init__(self, maxsize: int = 512) -> None:
        self._lru: _Lru[tuple[str, int, int, str | None], list[Figure]] = _Lru(maxsize)

    def extract(self, article_id: str, text: str, published: str | None = None) -> list[Figure]:
        key = (article_id, len(text), hash(text), published)
        figures = self._lru.get(key)
        if figures is None:
            figures = extract_figures(text, published)
            self._lru.put(key, figures)
        return figures

    def figures(self, article: Article) -> list[Figure]:
        return self.extract(article.id, article.text, published_date(article))

    def clear(self) -> None:
        self._lru.clear()

    def __len__(self) -> int:
        return len(self._lru)


# --------------------------------------------------------------------------- the check

_KEYWORD = re.compile(r"[A-Za-z][A-Za-z0-9.]*")
_COMMON = frozenset(
    """beijing tianjin hebei beijing-tianjin-hebei coordinated development will have has
    been with from that this than which were more total year years province region
    regional areas area three places also further""".split()
)


def _keywords(text: str, start: int, end: int) -> set[str]:
    window = text[max(0, start - 160) : end + 80]
    words = {w.lower().rstrip(".") for w in _KEYWORD.findall(window)}
    words = {"pm2.5" if w in {"pm25", "pm2.5"} else w for w in words}
    return {w for w in words if len(w) >= 4 and w not in _PHRASE_STOP and w not in _COMMON} | (
        {"hebei"} if "Hebei" in window else set()
    )


def _is_candidate(f: Figure) -> bool:
    return bool(
        f.value
        and f.unit
        and f.kind not in _NOT_COMPARED
        and f.kind != "count"
        and "." not in _printed_number(f)
        and len(_significant(f).rstrip("0")) >= 3
    )


def cross_article_flags(article: Article, own: list[Figure], index: CrossIndex) -> list[Figure]:
    """``own`` with each figure whose digits equal another article's same-unit figure,
    x10^k off, flagged (the first such figure in corpus order is cited)."""
    updates: dict[int, Figure] = {}
    for f in own:
        if not _is_candidate(f):
            continue
        assert f.unit is not None and f.value is not None  # _is_candidate
        mine = _significant(f).rstrip("0")
        keywords: set[str] | None = None
        for held in index.smaller((f.unit, mine[:3]), f.value):
            other = held.article
            k = _power(f.value, held.value)
            if other.id == article.id or not _same_scaled_value(f, held, k, mine):
                continue
            if keywords is None:
                keywords = _keywords(article.text, f.start, f.end)
            if keywords & _keywords(other.text, held.start, held.end):
                updates[f.start] = _with_cross_flag(f, other.id, other.text[held.start : held.end], k)
                break
    return [updates.get(f.start, f) for f in own] if updates else own


def _power(mine: float, other: float) -> int:
    ratio = mine / other
    return round(math.log10(ratio)) if ratio > 0 else 0


def _same_scaled_value(f: Figure, held: _Held, k: int, mine: str) -> bool:
    """Same year (when both have one), and ``f`` is the held figure times 10**k, k >= 1,
    within 1%, printing the same digits."""
    if f.as_of and held.as_of and f.as_of[:4] != held.as_of[:4]:
        return False
    assert f.value is not None
    return k >= 1 and abs(f.value / held.value / 10**k - 1) <= 0.01 and held.significant.startswith(mine)


def _with_cross_flag(f: Figure, other_id: str, printed: str, k: int) -> Figure:
    reason = f"cross-article: {other_id} prints '{printed}' for the same subject; this one is {10**k:g} times larger"
    likely = _tidy(f.value / 10**k) if f.value is not None else None
    old = f.suspect
    suspect = Suspect(
        reason if old is None else f"{old.reason}; {reason}",
        likely if old is None or old.likely is None else old.likely,
    )
    return replace(f, suspect=suspect)


# --------------------------------------------------------------------------- the book


class FigureBook:
    """The figures of one corpus generation, corpus-level flags included.

    Build one per corpus (an import makes a new corpus, so a new book; pass the old book's
    ``cache`` to keep the unchanged articles' extractions). The cross-article index is built
    on the first :meth:`article_figures` call that needs it, then reused.
    """

    def __init__(
        self,
        corpus: Corpus | Iterable[Article],
        *,
        cache: FigureCache | None = None,
        max_chars: int = CROSS_ARTICLE_MAX_CHARS,
        results: int = 1024,
        index: CrossIndex | None = None,
        store: Path | None = None,
    ) -> None:
        self.corpus = corpus if hasattr(corpus, "find") else _as_corpus(corpus)
        self.cache = cache if cache is not None else FigureCache()
        self.max_chars = max_chars
        self._results: _Lru[tuple[str, int, int, str | None], list[Figure]] = _Lru(results)
        self._index = index  # given: built by whoever already read every article (else built on first use)
        self.store = store  # where the index is kept between processes (see figures.stored), or None
        self._index_lock = threading.Lock()

    @property
    def index(self) -> CrossIndex:
        """The cross-article index of this corpus (built on first use, once)."""
        with self._index_lock:
            if self._index is None and self.store is not None:
                from jjj_brief.figures.stored import IndexFile, build_stored

                self._index = build_stored(self.corpus, self.cache.figures, self.max_chars, IndexFile(self.store))
            elif self._index is None:
                self._index = CrossIndex.build(self.corpus, self.cache.figures, self.max_chars)
            return self._index

    @property
    def index_built(self) -> bool:
        return self._index is not None

    def own_figures(self, article: Article) -> list[Figure]:
        """The article's figures without corpus-level flags (cached)."""
        return self.cache.figures(article)

    def article_figures(self, article: Article) -> list[Figure]:
        """The article's figures with cross-article (and translation) suspect flags.

        The article need not be in the corpus; the corpus' articles with its id are never
        compared with it.
        """
        key = (article.id, len(article.text), hash(article.text), published_date(article))
        result = self._results.get(key)
        if result is None:
            result = self.own_figures(article)
            if len(article.text) <= self.max_chars:
                result = cross_article_flags(article, result, self.index)
            if getattr(article, "translation_of", None):
                result = self._translation_flags(article, result)
            self._results.put(key, result)
        return result

    def _translation_flags(self, article: Article, figures: list[Figure]) -> list[Figure]:
        from jjj_brief.figures.translation import flag_translation

        try:
            return flag_translation(article, figures, self.corpus)  # type: ignore[arg-type]
        except Exception:
            return figures


def _as_corpus(articles: Iterable[Article]) -> Corpus:
    from jjj_brief.corpus import Corpus

    return Corpus(list(articles))


STORED_ABOVE = 50  # articles: a larger Corpus keeps its index in the cache folder between processes


def book_for(corpus: object, *, cache_dir: Path | None = None) -> FigureBook:
    """The :class:`FigureBook` of ``corpus``: a holder's own book (``figure_book``), the
    book kept on a :class:`~jjj_brief.corpus.Corpus` object for its lifetime (its index kept
    in the cache folder when it has more than :data:`STORED_ABOVE` articles), or a fresh
    book for any other iterable of articles. ``cache_dir``: where that index file goes
    (default: :func:`jjj_brief.paths.cache_dir`; a Library passes its own)."""
    if isinstance(corpus, FigureBook):
        return corpus
    held = getattr(corpus, "figure_book", None)
    if isinstance(held, FigureBook):
        return held
    attributes = getattr(corpus, "__dict__", None)
    if attributes is None:
        return FigureBook(corpus)  # type: ignore[arg-type]
    book = attributes.get("_figure_book")
    if not isinstance(book, FigureBook):
        store = None
        if hasattr(corpus, "find") and len(corpus) > STORED_ABOVE:  # type: ignore[arg-type]
            from jjj_brief import paths

            store = (cache_dir or paths.cache_dir()) / "figure-index.json"
        attributes.setdefault("_figure_book", FigureBook(corpus, store=store))  # type: ignore[arg-type]
        book = attributes["_figure_book"]
    assert isinstance(book, FigureBook)
    return book
