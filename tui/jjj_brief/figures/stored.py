"""The cross-article index on disk, so a new process does not extract the whole collection.

Opening one article of a 10,000-article collection needs every other article's comparable
figures; extracting them takes about a minute of CPU. This file keeps, per article, the rows
the index holds (unit, significant digits, value, span, as-of) under a key that changes
whenever the article's text can have changed:

- a stored import read lazily (its text is the body of its file): the file's path, size,
  modification time and inode — no text is read;
- any other article: a digest of its text.

The id and publication date are part of the key. The file's first line records a digest of
the figure package's own source (a changed grammar reads nothing stale) and of the rows that
follow (a damaged or edited file is not read). The file is a cache: unreadable, from another
version, or not writable, it is rebuilt or skipped, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jjj_brief.figures.index import CrossIndex, published_date

if TYPE_CHECKING:
    from jjj_brief.corpus import Article
    from jjj_brief.figures.model import Figure

_FORMAT = 1
Rows = list[list[Any]] | None  # None: the article takes no part (over max_chars)


def article_key(article: Article) -> str:
    """What identifies the figures an article's text gives (see the module docstring)."""
    head = f"{article.id}\0{published_date(article) or ''}\0"
    if hasattr(article, "text_loaded"):  # a LazyArticle: its text is its file's body
        try:
            stat = os.stat(article.path)
            return f"{head}file\0{article.path}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_ino}"
        except OSError:
            pass
    digest = hashlib.blake2b(article.text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    return f"{head}text\0{digest}"


class IndexFile:
    """The index rows of a collection, in one JSON file (written atomically)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @cached_property
    def grammar(self) -> str:
        """A digest of the figure package's source: rows from another grammar are not used."""
        digest = hashlib.blake2b(digest_size=16)
        for source in sorted(Path(__file__).parent.glob("*.py")):
            digest.update(source.read_bytes())
        return digest.hexdigest()

    def read(self) -> dict[str, Rows]:
        """The saved rows by article key; ``{}`` when the file is missing, damaged (its digest
        does not match), or from another format or grammar."""
        try:
            header_line, _, payload = self.path.read_bytes().partition(b"\n")
            header = json.loads(header_line)
            if header != self._header(payload):
                return {}
            rows = json.loads(payload)
        except (OSError, ValueError):
            return {}
        return rows if isinstance(rows, dict) else {}

    def write(self, rows: dict[str, Rows]) -> bool:
        """Save ``rows``; False when the cache folder cannot be written (the run goes on)."""
        from jjj_brief.storage import atomic_write

        payload = json.dumps(rows, separators=(",", ":")).encode("utf-8")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, json.dumps(self._header(payload)).encode("ascii") + b"\n" + payload)
        except OSError:
            return False
        return True

    def _header(self, payload: bytes) -> dict[str, object]:
        digest = hashlib.blake2b(payload, digest_size=16).hexdigest()
        return {"format": _FORMAT, "grammar": self.grammar, "digest": digest}


def build_stored(
    articles: Iterable[Article], figures_of: Callable[[Article], list[Figure]], max_chars: int, store: IndexFile
) -> CrossIndex:
    """The :class:`CrossIndex` of ``articles``, reading each unchanged article's rows from
    ``store`` and extracting only the others; the store is rewritten when anything changed."""
    saved = store.read()
    fresh: dict[str, Rows] = {}
    index = CrossIndex()
    for article in articles:
        try:
            key = article_key(article)
            rows = saved[key] if key in saved else _rows_of(article, figures_of, max_chars)
        except (OSError, UnicodeDecodeError):
            continue  # an import whose file is gone or unreadable takes no part
        fresh[key] = rows
        if rows is not None:
            index.add_rows(article, rows)  # saved rows are as written: the file's digest matched
    if fresh.keys() != saved.keys():
        store.write(fresh)
    return index.sort()


def _rows_of(article: Article, figures_of: Callable[[Article], list[Figure]], max_chars: int) -> Rows:
    if len(article.text) > max_chars:
        return None
    return [list(row) for row in CrossIndex.rows(figures_of(article))]
