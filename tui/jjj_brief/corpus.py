"""The corpus: articles, their catalog metadata, and paragraphs with exact offsets.

Coordinates. An article's ``text`` is its file decoded from UTF-8, exactly. Every
offset in jjj-brief — paragraphs, search hits, figures, quotes — is a Python string
index into that text, so ``article.text[start:end]`` is always the thing pointed at.

Paragraphs. A paragraph is one line with visible content, trimmed of surrounding
white space (the seeds use one line per paragraph, separated by blank lines or not,
sometimes indented). A paragraph whose text (white space folded) equals an earlier one
in the same article is a *repeat*; it keeps its place and records ``repeat_of``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from jjj_brief import paths
from jjj_brief.errors import UserError as UserError  # raised here; importers take it from here too
from jjj_brief.safety import display_safe

if TYPE_CHECKING:
    from jjj_brief.catalog import DatePrecision
    from jjj_brief.library import Library


# The seed catalog's schema (pydantic, YAML) lives in jjj_brief.catalog and is imported when
# the seeds are read: the app paints its first screen before that (in a worker).
_CATALOG_NAMES = ("CatalogEntry", "Catalog", "load_catalog")


def __getattr__(name: str) -> object:
    if name in _CATALOG_NAMES:
        from jjj_brief import catalog

        return getattr(catalog, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class Paragraph:
    index: int
    start: int
    end: int
    text: str
    repeat_of: int | None = None

    @property
    def is_repeat(self) -> bool:
        return self.repeat_of is not None


@dataclass
class Article:
    """An article's text and metadata. ``source`` is ``seed`` or ``import``."""

    id: str
    file: str
    path: Path
    text: str
    title: str
    outlet: str
    date: str
    date_precision: DatePrecision
    date_inferred: bool = False
    title_printed: bool = True
    outlet_printed: bool = True
    date_note: str = ""
    byline: list[str] = field(default_factory=list)
    language: str = "en"
    evidence: dict[str, list[str]] = field(default_factory=dict)
    source: Literal["seed", "import"] = "seed"
    # Imports only: the original file (name, format, size, sha256, ...), where each page or
    # chapter starts ((offset, "p. 12") sorted), and the id of the article this translates.
    provenance: dict[str, object] = field(default_factory=dict)
    locators: list[tuple[int, str]] = field(default_factory=list)
    translation_of: str | None = None

    @cached_property
    def paragraphs(self) -> list[Paragraph]:
        return split_paragraphs(self.text)

    @cached_property
    def display_text(self) -> str:
        """The text with control characters and escapes blanked; same offsets."""
        return display_safe(self.text)

    @property
    def stem(self) -> str:
        name = self.file.replace("\\", "/").rsplit("/", 1)[-1]
        stem, dot, suffix = name.rpartition(".")
        return stem if dot and stem and suffix else name

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def repeated_paragraphs(self) -> int:
        return sum(1 for p in self.paragraphs if p.is_repeat)

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date[:4].isdigit() else None

    def paragraph_at(self, offset: int) -> Paragraph | None:
        """The paragraph containing ``offset`` (binary search), or ``None`` between paragraphs."""
        paras = self.paragraphs
        lo, hi = 0, len(paras)
        while lo < hi:
            mid = (lo + hi) // 2
            if paras[mid].end <= offset:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(paras) and paras[lo].start <= offset < paras[lo].end:
            return paras[lo]
        return None

    def locator_at(self, offset: int) -> str | None:
        """The page or chapter holding ``offset`` ("p. 12", "ch. 3"), when the original had them."""
        starts = [start for start, _ in self.locators]
        i = bisect.bisect_right(starts, offset) - 1
        return self.locators[max(i, 0)][1] if self.locators else None

    def summary(self) -> dict[str, object]:
        """The metadata that ``articles --json`` prints."""
        return {
            "id": self.id,
            "file": self.file,
            "title": self.title,
            "title_printed": self.title_printed,
            "outlet": self.outlet,
            "outlet_printed": self.outlet_printed,
            "date": self.date,
            "date_precision": self.date_precision,
            "date_inferred": self.date_inferred,
            "date_note": self.date_note,
            "byline": list(self.byline),
            "language": self.language,
            "source": self.source,
            "words": self.words,
            "paragraphs": len(self.paragraphs),
            "repeated_paragraphs": self.repeated_paragraphs,
            **({"provenance": dict(self.provenance)} if self.provenance else {}),
            **({"translation_of": self.translation_of} if self.translation_of else {}),
        }


class LazyArticle(Article):
    """An article whose text is read from its file when first used.

    The corpus lists 10,000 imports from their one-line headers (title, outlet, date); an
    article's text costs a file read only when something needs it (the reader, an index
    build). Everything else behaves as :class:`Article`.
    """

    def __init__(self, *args: object, text_loader: Callable[[], str], **fields: object) -> None:
        self.__dict__["_load_text"] = text_loader
        super().__init__(*args, text=None, **fields)  # type: ignore[misc, arg-type]

    @property
    def text(self) -> str:
        text: str | None = self.__dict__.get("_text")
        if text is None:
            text = str(self.__dict__["_load_text"]())
            self.__dict__["_text"] = text
        return text

    @text.setter
    def text(self, value: str | None) -> None:
        if value is not None:
            self.__dict__["_text"] = value

    @property
    def text_loaded(self) -> bool:
        return self.__dict__.get("_text") is not None


_LINE = re.compile(r"[^\n]*")


def split_paragraphs(text: str) -> list[Paragraph]:
    """Split ``text`` into trimmed, non-empty lines with offsets; mark verbatim repeats."""
    paragraphs: list[Paragraph] = []
    first_seen: dict[str, int] = {}
    for match in _LINE.finditer(text):
        line = match.group(0)
        stripped = line.strip()
        if not stripped:
            continue
        start = match.start() + (len(line) - len(line.lstrip()))
        end = start + len(stripped)
        key = " ".join(stripped.split())
        index = len(paragraphs)
        repeat_of = first_seen.setdefault(key, index)
        paragraphs.append(Paragraph(index, start, end, stripped, None if repeat_of == index else repeat_of))
    return paragraphs


def read_text_file(path: Path) -> str:
    """Decode a file as UTF-8 exactly as stored (no newline translation, no BOM removal)."""
    return path.read_bytes().decode("utf-8")


@dataclass
class Corpus:
    """All articles, in catalog order (seeds first, then the user's imports)."""

    articles: list[Article]

    def __post_init__(self) -> None:
        self._by_key: dict[str, Article] = {}
        for article in self.articles:
            for key in (article.id, article.file, article.stem):
                self._by_key.setdefault(key.casefold(), article)

    def __iter__(self) -> Iterator[Article]:
        return iter(self.articles)

    def __len__(self) -> int:
        return len(self.articles)

    def ids(self) -> list[str]:
        return [a.id for a in self.articles]

    def get(self, ref: str) -> Article:
        """Resolve an id, a file name or a file stem (case-insensitive) to an article."""
        article = self._by_key.get(ref.strip().casefold())
        if article is None:
            known = ", ".join(self.ids())
            raise UserError(f"unknown article {ref!r}; known articles: {known}")
        return article

    def find(self, ref: str) -> Article | None:
        return self._by_key.get(ref.strip().casefold())


def load_seed_articles(seeds: Path | None = None) -> list[Article]:
    from jjj_brief.catalog import load_catalog

    seeds = seeds or paths.seeds_dir()
    articles = []
    for entry in load_catalog(seeds):
        path = seeds / entry.file
        try:
            text = read_text_file(path)
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"{path}: cannot read article {entry.id!r}: {exc}") from exc
        data = entry.model_dump()
        articles.append(Article(path=path, text=text, source="seed", **data))
    return articles


def load_corpus(library: Library, *, refresh: bool = False) -> Corpus:
    """The seeds plus the user's imports: ``library``'s corpus (the CLI passes the process
    default, :mod:`jjj_brief.commands.libraries`). ``refresh``: read again (after an import
    or a removal)."""
    return library.corpus(refresh=refresh)
