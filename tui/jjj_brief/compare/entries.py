"""An aligned figure (:class:`Entry`), and the entries of large documents kept between runs.

A document of :data:`PERSIST_MIN_CHARS` or more has its entries kept in the cache dir
(``align/``), keyed by its text, its figures, the glossary and this code: a one-shot
``jjj-brief related`` then reads them instead of re-analysing a megabyte of text
(:class:`EntryCache`). The index itself is :class:`jjj_brief.compare.align.FigureIndex`.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jjj_brief import paths
from jjj_brief.compare import values
from jjj_brief.compare.subject import Glossary, Subject
from jjj_brief.corpus import Article, Corpus

if TYPE_CHECKING:
    from jjj_brief.figures import Figure


@dataclass
class Entry:
    """One figure in the index."""

    id: int
    article: Article
    figure: Figure
    family: str
    value: float  # normalised within the family (durations in hours)
    year: int | None  # as-of end year: printed, else the publication year
    year_printed: bool
    subject: Subject
    norm: float = 0.0  # computed when first needed (:meth:`FigureIndex.norm`)
    indexed: bool = True  # False for a figure whose sentence repeats an earlier one verbatim


NOT_ALIGNED_KINDS = frozenset({"date", "year", "label"})


def unit_family(figure: Figure) -> str | None:
    """What a figure can be compared with, or ``None`` when it is not a quantity."""
    if figure.kind in NOT_ALIGNED_KINDS or figure.value is None:
        return None
    if figure.kind == "count":
        return "count"
    if figure.kind == "duration" and figure.unit in values.DURATION_HOURS:
        return "duration"
    return f"{figure.kind}:{figure.unit}"


def family_value(figure: Figure) -> float:
    """A quantity's value within its unit family (only for a figure :func:`unit_family` places)."""
    if figure.value is None:
        raise TypeError(f"figure {figure.text!r} has no value: not a quantity")  # as float(None) did
    if figure.kind == "duration" and figure.unit in values.DURATION_HOURS:
        return float(figure.value) * values.DURATION_HOURS[figure.unit]
    return float(figure.value)


def as_of_year(as_of: str | None) -> int | None:
    """The (end) year of an as-of: "2023-02" -> 2023, "2014/2023" -> 2023, "--02-27" -> None."""
    if not as_of:
        return None
    last = as_of.split("/")[-1]
    return int(last[:4]) if last[:4].isdigit() else None


PERSIST_MIN_CHARS = 100_000  # smaller documents are analysed faster than a cache file is checked
CACHE_FOLDER = "align"
_CODE = (
    "compare/align.py",
    "compare/entries.py",
    "compare/subject.py",
    "compare/values.py",
    "search/analyzer.py",
    "text_rules.py",
)


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """This code's own fingerprint: a change to how entries are made invalidates every file."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for name in _CODE:
        try:
            digest.update((package / name).read_bytes())
        except OSError:
            digest.update(name.encode())
    return digest.hexdigest()


@lru_cache(maxsize=4)
def _glossary_digest(glossary: Glossary) -> str:
    """Stable across processes (``Glossary.fingerprint`` is a salted ``hash``)."""
    text = repr((sorted(glossary.aliases.items()), sorted(glossary.places), sorted(glossary.starts.items())))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class EntryCache:
    """One file per large document under ``cache_dir()/align``: its entries as plain values
    (marshal), with the key they were made from (the document's text, date and figures, the
    glossary and the code). A file whose key differs, or that cannot be read, is rebuilt;
    an unwritable cache dir only means the entries are recomputed next time."""

    def __init__(self, glossary: Glossary, cache_dir: Path | None = None) -> None:
        self.glossary = glossary
        self.folder = (cache_dir if cache_dir is not None else paths.cache_dir()) / CACHE_FOLDER

    def _file(self, article: Article) -> Path:
        return self.folder / (hashlib.sha256(article.id.encode("utf-8", "surrogatepass")).hexdigest()[:32] + ".bin")

    def _key(self, article: Article, figures: list[Figure]) -> str:
        digest = hashlib.sha256()
        for part in (_code_digest(), _glossary_digest(self.glossary), article.id, article.date or ""):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
        digest.update(article.text.encode("utf-8", "surrogatepass"))
        shape = [(f.start, f.end, f.kind, f.value, f.unit, f.as_of, f.text) for f in figures]
        digest.update(repr(shape).encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def load(self, first_id: int, article: Article, figures: list[Figure]) -> list[Entry] | None:
        """The document's stored entries, numbered from ``first_id``; None when there are
        none to trust."""
        if len(article.text) < PERSIST_MIN_CHARS:
            return None
        try:
            raw = paths.read_regular_file(self._file(article), 1 << 31)
            key, rows = marshal.loads(raw)
            if key != self._key(article, figures):
                return None
            return [_entry_from_row(first_id + i, article, figures, row) for i, row in enumerate(rows)]
        except (OSError, paths.FileRefused, ValueError, EOFError, TypeError, IndexError, KeyError):
            return None

    def save(self, article: Article, figures: list[Figure], entries: list[Entry]) -> None:
        if len(article.text) < PERSIST_MIN_CHARS:
            return
        position = {id(f): i for i, f in enumerate(figures)}
        rows = [
            (
                position[id(e.figure)],
                e.family,
                e.value,
                e.year,
                e.year_printed,
                e.subject.terms,
                e.subject.labels,
                tuple(sorted(e.subject.places)),
                e.indexed,
            )
            for e in entries
        ]
        try:
            data = marshal.dumps((self._key(article, figures), rows))
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".entries-", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.replace(tmp, self._file(article))
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except (OSError, ValueError):
            pass  # a cache: next run recomputes

    def prune(self, corpus: Corpus) -> None:
        """Remove the files of documents no longer in the corpus (a removed import)."""
        try:
            kept = {self._file(a).name for a in corpus if len(a.text) >= PERSIST_MIN_CHARS}
            for path in self.folder.glob("*.bin"):
                if path.name not in kept:
                    path.unlink(missing_ok=True)
        except OSError:
            pass


def _entry_from_row(entry_id: int, article: Article, figures: list[Figure], row: tuple[Any, ...]) -> Entry:
    position, family, value, year, year_printed, terms, labels, places, indexed = row
    return Entry(
        id=entry_id,
        article=article,
        figure=figures[position],
        family=family,
        value=value,
        year=year,
        year_printed=year_printed,
        subject=Subject(dict(terms), dict(labels), frozenset(places)),
        indexed=indexed,
    )
