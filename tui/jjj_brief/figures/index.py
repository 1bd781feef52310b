"""The cross-article index: every article's comparable figures by comparison key.

A figure is comparable when it has a value, a unit and three or more significant digits and
is no year, date or label; its key is (unit, first three significant digits). Each key's
figures are sorted by value, so a check reads only those about ten times smaller than the
figure checked, and returns them in corpus order (the first contradicting article is cited).
"""

from __future__ import annotations

import bisect
import re
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from jjj_brief.figures.lexicon import _YEAR_DIGITS

if TYPE_CHECKING:
    from jjj_brief.corpus import Article
    from jjj_brief.figures.model import Figure

Key = tuple[str, str]  # (unit, first three significant digits)


def published_date(article: Article) -> str | None:
    """The article's publication date (``YYYY``...), when the catalog gives one."""
    date = getattr(article, "date", None)
    return date if isinstance(date, str) and _YEAR_DIGITS.match(date) else None


_PRINTED_NUMBER = re.compile(r"\d[\d,.]*")
_NOT_COMPARED = frozenset({"year", "date", "label"})


def _printed_number(figure: Figure) -> str:
    match = _PRINTED_NUMBER.search(figure.text)
    return match.group(0).rstrip(".,") if match else ""


def _significant(figure: Figure) -> str:
    return re.sub(r"\D", "", _printed_number(figure)).lstrip("0")


class _Held(NamedTuple):
    """A figure in the index, small: 10,000 articles hold hundreds of thousands of them."""

    value: float
    position: int  # corpus order: the first contradicting article is the one cited
    article: Article
    start: int
    end: int
    as_of: str | None
    significant: str


# ratio >= 9.9 is necessary for "x10**k, k >= 1, within 1%"; the margin keeps float noise in.
_MIN_RATIO = 9.9 * (1 - 1e-9)


class CrossIndex:
    """Every article's comparable figures by comparison key, each key's sorted by value.

    Only figures with three or more significant digits are held: a candidate's key has three
    digits, so a shorter one can never be looked up.
    """

    def __init__(self) -> None:
        self._by_key: dict[Key, list[_Held]] = {}
        self._values: dict[Key, list[float]] = {}
        self._unsorted: set[Key] = set()
        self._lock = threading.Lock()
        self.articles = 0
        self.figures = 0

    @classmethod
    def build(
        cls, articles: Iterable[Article], figures_of: Callable[[Article], list[Figure]], max_chars: int
    ) -> CrossIndex:
        index = cls()
        for article in articles:
            try:
                if len(article.text) <= max_chars:
                    index.add(article, figures_of(article))
            except (OSError, UnicodeDecodeError):
                continue  # an import whose file is gone or unreadable takes no part
        return index.sort()

    @staticmethod
    def rows(figures: Iterable[Figure]) -> Iterator[tuple[str, str, float, int, int, str | None]]:
        """(unit, significant digits, value, start, end, as_of) of each figure the index holds."""
        for g in figures:
            if g.value and g.unit and g.kind not in _NOT_COMPARED:
                significant = _significant(g)
                if len(significant) >= 3:
                    yield g.unit, significant, g.value, g.start, g.end, g.as_of

    def add(self, article: Article, figures: Iterable[Figure]) -> None:
        """Hold ``article``'s comparable figures (after every article added before it)."""
        self.add_rows(article, self.rows(figures))

    def add_rows(self, article: Article, rows: Iterable[Sequence[Any]]) -> None:
        """Hold rows as :meth:`rows` gives them (or as the index file stored them). A new
        process adds every article's rows before its first check, so this loop is kept lean:
        locals, and ``tuple.__new__`` instead of the named tuple's Python-level constructor."""
        by_key, unsorted, make, intern = self._by_key, self._unsorted, tuple.__new__, sys.intern
        with self._lock:
            self.articles += 1
            position = self.figures
            for unit, significant, value, start, end, as_of in rows:
                key = (unit, significant[:3])
                shared = None if as_of is None else intern(as_of)  # a few dates, held by thousands
                held = by_key.get(key)
                if held is None:
                    held = by_key[key] = []
                unsorted.add(key)
                held.append(make(_Held, (value, position, article, start, end, shared, significant)))
                position += 1
            self.figures = position

    def smaller(self, key: Key, value: float) -> list[_Held]:
        """The figures under ``key`` at least ~9.9 times smaller than ``value``, in corpus order."""
        with self._lock:
            held = self._by_key.get(key)
            if not held:
                return []
            if key in self._unsorted:
                self._sort(key)
            cut = bisect.bisect_right(self._values[key], value / _MIN_RATIO)
        return sorted(held[:cut], key=lambda h: h.position)

    def sort(self) -> CrossIndex:
        """Sort every key added to now (else each is sorted on its first look-up)."""
        with self._lock:
            for key in list(self._unsorted):
                self._sort(key)
        return self

    def _sort(self, key: Key) -> None:
        held = self._by_key[key]
        held.sort()
        self._values[key] = [h.value for h in held]
        self._unsorted.discard(key)

    def __len__(self) -> int:
        return self.figures
