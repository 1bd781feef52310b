"""The store bound to the corpus: anchors made from article references, figures claimed by
offset, anchors re-found after the corpus changed, watched searches rerun.

One store per :class:`~jjj_brief.library.Library` (:func:`work`: the library's
:class:`WorkSession`), opened on first use and re-anchored against the library's corpus
whenever the corpus changes (an import, a removal, a re-import with edits).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from jjj_brief.corpus import Article, Corpus, UserError
from jjj_brief.store.anchors import Anchor, make_anchor
from jjj_brief.store.base import WorkStore
from jjj_brief.store.model import ClaimMember, SavedSearch
from jjj_brief.store.sqlite import bookmark_anchor

if TYPE_CHECKING:
    from jjj_brief.library import Library
    from jjj_brief.search.api import Hit, SearchResult

WATCH_LIMIT = 200  # results of a watched search compared with what was seen


class WorkSession:
    """A library's open work store and the corpus its anchors were last checked against.

    ``open_store``: opens the store on first use (the Library hands over one that opens the
    team's store on the server in team mode, a layer above this one, else the local SQLite
    store, its problems said in the library's warnings). ``on_server``: whether the store is
    on a server now (team mode)."""

    def __init__(self, open_store: Callable[[], WorkStore], on_server: Callable[[], bool] = lambda: False) -> None:
        self.lock = threading.RLock()
        self.open_store = open_store
        self.on_server = on_server
        self.store: WorkStore | None = None
        self.anchored_for: object = None

    def work(self, corpus: Corpus) -> WorkStore:
        """The store (opened on first use), with anchors checked against ``corpus``."""
        with self.lock:
            self.reanchor_if_changed(self.opened(), corpus)
            return self.opened()

    def opened(self) -> WorkStore:
        """The store (opened on first use), its anchors as they are: for what reads no anchor
        (the saved searches), without reading the corpus."""
        with self.lock:
            if self.store is None:
                self.store = self.open_store()
            return self.store

    def reanchor_if_changed(self, store: WorkStore, corpus: Corpus) -> int:
        """Re-find anchors when the corpus is not the one they were last checked against."""
        with self.lock:
            if self.anchored_for is corpus:
                return 0
            changed = store.reanchor(lambda article_id: _text_of(corpus, article_id))
            self.anchored_for = corpus
            return changed

    def close(self) -> None:
        with self.lock:
            if self.store is not None:
                self.store.close()
            self.store, self.anchored_for = None, None


def work(library: Library) -> WorkStore:
    """The library's store, anchors checked against its corpus."""
    return library.work_session.work(library.corpus())


def work_to_keep(library: Library) -> WorkStore:
    """The store for a CLI command that writes: refused (one line) when it would only be kept
    in memory — the process ends right after, so the work would be lost."""
    from jjj_brief import paths

    store = work(library)
    if not store.persistent:
        library.warnings.drain()  # the generic "working in memory" note is not true here
        raise UserError(f"cannot save your work: {paths.data_dir()} is not a writable folder; nothing was changed")
    return store


def close_work(library: Library) -> None:
    """Close the library's store (the next :func:`work` opens it again)."""
    library.work_session.close()


def reanchor_if_changed(store: WorkStore, corpus: Corpus | None = None, *, library: Library) -> int:
    """Re-find anchors when the corpus is not the one they were last checked against."""
    return library.work_session.reanchor_if_changed(store, corpus or library.corpus())


def _text_of(corpus: Corpus, article_id: str) -> str | None:
    article = corpus.find(article_id)
    return article.text if article is not None and article.id == article_id else None


def article(ref: str, library: Library) -> Article:
    return library.corpus().get(ref)


def span_anchor(ref: str, start: int, end: int, library: Library) -> Anchor:
    """The anchor of ``[start, end)`` in an article; UserError when it does not fit."""
    found = article(ref, library)
    if not 0 <= start < end <= len(found.text):
        raise UserError(f"span {start}-{end} is not inside {found.id} (0-{len(found.text)})")
    if not found.text[start:end].strip():
        raise UserError(f"span {start}-{end} of {found.id} holds no text")
    return make_anchor(found.id, found.text, start, end)


def place_anchor(ref: str, offset: int, library: Library) -> Anchor:
    found = article(ref, library)
    if not 0 <= offset < max(1, len(found.text)):
        raise UserError(f"offset {offset} is not inside {found.id} (0-{len(found.text)})")
    return bookmark_anchor(found.id, found.text, offset)


def figure_member(ref: str, offset: int, library: Library) -> ClaimMember:
    """The figure at ``offset`` (anywhere inside it) as a claim member; UserError if none."""
    from jjj_brief.figures import article_figures, figure_at

    found = article(ref, library)
    figure = figure_at(article_figures(found, library.corpus()), offset)
    if figure is None:
        raise UserError(f"no figure at {found.id}:{offset} (see jjj-brief figures {found.id})")
    return ClaimMember(make_anchor(found.id, found.text, figure.start, figure.end), figure.value, figure.unit or "")


def parse_place(text: str) -> tuple[str, int]:
    """``ARTICLE:OFFSET`` -> (article, offset)."""
    ref, sep, offset = text.rpartition(":")
    if not sep or not ref or not offset.strip().isdigit():
        raise UserError(f"expected ARTICLE:OFFSET, got {text!r}")
    return ref, int(offset)


# ---------------------------------------------------------------------- saved searches


def hit_key(hit: Hit) -> str:
    """What identifies a result across reruns (kind, article or item, passage start)."""
    return f"{hit.kind}:{hit.article}:{hit.start}"


@dataclass
class WatchResult:
    saved: SavedSearch
    result: SearchResult
    new_keys: list[str]

    @property
    def new(self) -> int:
        return len(self.new_keys)

    def is_new(self, hit: Hit) -> bool:
        return hit_key(hit) in self.new_keys


def run_saved(saved: SavedSearch, limit: int = WATCH_LIMIT, *, library: Library) -> WatchResult:
    """Rerun a saved search; the keys of results not seen before."""
    result = library.search.search(query_with_sort(saved.query, saved.sort), limit=limit)
    new = [hit_key(hit) for hit in result.hits if hit_key(hit) not in saved.seen]
    return WatchResult(saved, result, new)


def query_with_sort(query: str, sort: str) -> str:
    """The saved query as search takes it: its order as a ``sort:`` filter."""
    if sort == "relevance" or "sort:" in query.lower():
        return query
    return f"{query} sort:{sort}"


def sort_in(query: str, sort: str = "relevance") -> str:
    """The order a query asks for with its own ``sort:`` filter (the last one), else ``sort``:
    what a saved search records, so its listing says the order its results come in."""
    from jjj_brief.search.query import SORTS as QUERY_SORTS

    found = [word.split(":", 1)[1].lower() for word in query.split() if word.lower().startswith("sort:")]
    return QUERY_SORTS.get(found[-1], sort) if found else sort


def current_keys(query: str, limit: int = WATCH_LIMIT, *, library: Library) -> list[str]:
    return [hit_key(hit) for hit in library.search.search(query, limit=limit).hits]


def check_watches(store: WorkStore | None = None, *, library: Library) -> list[WatchResult]:
    """Every watched search rerun (after an import): what is new in each. A saved search holds
    no anchor: the store is not re-anchored (that would read every article: ~0.6 s at 10,000
    imports after each ``jjj-brief import``); the next use of :func:`work` does it."""
    store = store or library.work_session.opened()
    return [run_saved(saved, library=library) for saved in store.saved_searches() if saved.watch]


def watch_report(library: Library) -> list[dict[str, object]]:
    """After an import: each watched search with its count of new results ([] when the
    analyst has no store yet — an import never creates one)."""
    from jjj_brief import paths
    from jjj_brief.store.sqlite import FILE_NAME

    session = library.work_session
    if session.store is None and not (paths.data_dir() / FILE_NAME).is_file() and not session.on_server():
        return []
    try:
        return [
            {"name": run.saved.name, "query": run.saved.query, "new": run.new} for run in check_watches(library=library)
        ]
    finally:
        close_work(library)
