"""Every message the app's widgets post: what to open, and what happened (for the shell and tests).

Widgets say what the user asked for (``Navigate``) or what is now on screen
(``ArticleOpened``, ``ResultsShown``, ``ViewShown``); the shell decides where things go.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

from jjj_brief.app.state import Location

if TYPE_CHECKING:
    from jjj_brief.corpus import Article
    from jjj_brief.live_imports import CorpusChange
    from jjj_brief.search import Hit


class Navigate(Message):
    """Show ``location`` in the main pane (and record it in history)."""

    def __init__(self, location: Location) -> None:
        self.location = location
        super().__init__()


class CompareFigure(Message):
    """Compare the figure at ``offset`` of ``article_id`` (its curated fact, else an alignment)."""

    def __init__(self, article_id: str, offset: int) -> None:
        self.article_id = article_id
        self.offset = offset
        super().__init__()


class OpenHit(Message):
    """A search result was chosen."""

    def __init__(self, hit: Hit, query: str) -> None:
        self.hit = hit
        self.query = query
        super().__init__()


class ArticleOpened(Message):
    """The reader shows ``article`` (its text is on screen)."""

    def __init__(self, article: Article) -> None:
        self.article = article
        super().__init__()


class FiguresShown(Message):
    """The reader has painted an article's figures (a big article: after its text)."""

    def __init__(self, article_id: str, count: int) -> None:
        self.article_id = article_id
        self.count = count
        super().__init__()


class RelatedShown(Message):
    """The reader's side panel lists the figures related to the figure at ``offset``."""

    def __init__(self, offset: int, count: int) -> None:
        self.offset = offset
        self.count = count
        super().__init__()


class ResultsShown(Message):
    """Results for ``query`` are on screen."""

    def __init__(self, query: str, count: int) -> None:
        self.query = query
        self.count = count
        super().__init__()


class ViewShown(Message):
    """The main pane now shows ``location`` (its view is built, filled and focused)."""

    def __init__(self, location: Location) -> None:
        self.location = location
        super().__init__()


class FactsFitted(Message):
    """A briefing's facts table is laid out for the pane's width ``width``: its columns share
    that width and the table's scrollable size is its rows' (a cursor moved now scrolls true)."""

    def __init__(self, topic_id: str, width: int) -> None:
        self.topic_id = topic_id
        self.width = width
        super().__init__()


class DataLoaded(Message):
    """The corpus (``what == "corpus"``) or the briefings were read in a worker."""

    def __init__(self, what: str) -> None:
        self.what = what
        super().__init__()


class SavedSearchSeen(Message):
    """A saved search's results were shown: the app marks them seen."""

    def __init__(self, saved_id: int, keys: list[str]) -> None:
        self.saved_id = saved_id
        self.keys = keys
        super().__init__()


class ImportsChanged(Message):
    """The corpus was read again after an import or a removal made elsewhere (the CLI)."""

    def __init__(self, change: CorpusChange, then: Location | None = None) -> None:
        self.change = change
        self.then = then  # a location to open once the corpus has it (a hit on a new import)
        super().__init__()


class ComparisonShown(Message):
    """A comparison's sources are resolved and their columns on screen (the work ran in a
    worker): ``kind`` is the location's (fact, alignment, claim), ``fact_id`` its ref."""

    def __init__(self, fact_id: str, count: int, kind: str = "fact") -> None:
        self.fact_id = fact_id
        self.count = count
        self.kind = kind
        super().__init__()


class WorkSaved(Message):
    """This window wrote to the analyst's store (``what``: "Bookmark", "Note", "Claim"...) and
    its work views show the write."""

    def __init__(self, what: str) -> None:
        self.what = what
        super().__init__()


class WorkRefreshed(Message):
    """The work views (tree branches, "Your work", the reader's notes) show the store as it is
    now: after this window's write, another window's or a CLI's (polled), or a re-anchoring."""


class WatchesCounted(Message):
    """Watched searches were run again: ``counts`` of new results per saved search id."""

    def __init__(self, counts: dict[int, int]) -> None:
        self.counts = counts
        super().__init__()
