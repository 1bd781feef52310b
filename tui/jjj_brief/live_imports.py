"""Noticing imports made while a program runs (``jjj-brief import`` in another terminal).

An open app keeps its corpus in memory; an import or a ``--remove`` from the CLI changes
the imports folder under it. :class:`ImportsWatch` tells, for the price of one small file
read and one ``stat``, whether anything changed since it last looked (the folder's
generation number, bumped by every import batch and removal, and its modification time:
see :func:`jjj_brief.search.index.imports_stamp`). Only then does the caller reload the
corpus (in a worker), and :func:`corpus_change` says which articles came, went or changed,
so it can update its tree, reopen or close an article, and tell the user.

No Textual here; the app polls :meth:`ImportsWatch.changed` on a timer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from jjj_brief import formatting
from jjj_brief.corpus import Article
from jjj_brief.search.index import imports_stamp


class ImportsWatch:
    """Remembers the imports folder's stamp; :meth:`changed` is true once per change."""

    def __init__(self) -> None:
        self._stamp = imports_stamp()

    def changed(self) -> bool:
        """True when an import was added or removed since the last call (or since made)."""
        stamp = imports_stamp()
        if stamp == self._stamp:
            return False
        self._stamp = stamp
        return True


@dataclass(frozen=True)
class CorpusChange:
    """What a reload found: ids added, removed, and imports whose content changed (same id)."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def touches(self, article_id: str | None) -> bool:
        """The article with this id was removed or replaced."""
        return article_id is not None and (article_id in self.removed or article_id in self.changed)

    def summary(self, titles: dict[str, str] | None = None) -> str:
        """One line for the user: "1 import added: Port memo; 2 imports removed"."""
        titles = titles or {}
        parts = []
        for ids, verb in ((self.added, "added"), (self.changed, "updated"), (self.removed, "removed")):
            if not ids:
                continue
            part = f"{formatting.count(len(ids), 'import')} {verb}"
            named = [titles[i] for i in ids if titles.get(i)]
            if len(ids) == 1 and named:
                part += f": {formatting.number(named[0])}"  # number() of a str: one safe line
            parts.append(part)
        return "; ".join(parts)


def corpus_change(before: Iterable[Article], after: Iterable[Article]) -> CorpusChange:
    """Which imports ``after`` gained, lost or changed against ``before`` (seeds never change
    at run time; their objects are compared anyway, so a test's corpus works too)."""
    old = {article.id: _identity(article) for article in before}
    new = {article.id: _identity(article) for article in after}
    return CorpusChange(
        added=tuple(i for i in new if i not in old),
        removed=tuple(i for i in old if i not in new),
        changed=tuple(i for i in new if i in old and old[i] != new[i]),
    )


def _identity(article: Article) -> tuple[object, ...]:
    """What tells two loads of one id apart without reading the text: the stored file and
    the original's hash, title, outlet and date."""
    return (
        str(article.path),
        article.provenance.get("sha256"),
        article.title,
        article.outlet,
        article.date,
    )
