"""Documents other than plain text: PDF, HTML, DOCX and EPUB, read into text + metadata.

Every reader takes the file's bytes (never a path: nothing is opened, fetched or run on the
document's behalf) and returns an :class:`Extracted`: the text as one paragraph per line
(blank lines between), the metadata the file itself carries, and a *locator map* — the
offset where each page (PDF) or chapter (EPUB) starts, with its printed label — so a
citation can say ``p. 12``. A file that cannot be imported raises :class:`Refused` with one
line saying why (encrypted, scanned, corrupt, a zip bomb, ...).

The libraries (pypdf, lxml + jusText, python-docx; EPUB with zipfile + lxml) are imported only when a file
of their format is read, so commands that never import documents do not pay for them.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_TEXT_CHARS = 20_000_000  # the same ceiling as a plain-text import
MAX_FILE_BYTES = 100_000_000  # a document's file: PDFs and e-books carry images (text is capped above)
PageProgress = Callable[[int, int], None]  # (pages read, pages in the document)


class Refused(Exception):
    """The file cannot be imported; ``str(exc)`` is the one-line reason (no file name)."""


@dataclass
class Extracted:
    """A document read into the corpus's terms. Offsets are into ``text``."""

    format: str
    text: str
    title: str | None = None
    author: str | None = None
    date: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD
    url: str | None = None
    locators: list[tuple[int, str]] = field(default_factory=list)  # (offset, "p. 12" / "ch. 3")
    notes: list[str] = field(default_factory=list)
    pages: int | None = None  # a PDF's pages, text or not
    chapters: int | None = None  # an EPUB's chapters with text


def _read_pdf(raw: bytes, on_page: PageProgress | None) -> Extracted:
    from jjj_brief.formats import pdf

    return pdf.extract(raw, on_page)


def _read_html(raw: bytes, on_page: PageProgress | None) -> Extracted:
    from jjj_brief.formats import html

    return html.extract(raw)


def _read_docx(raw: bytes, on_page: PageProgress | None) -> Extracted:
    from jjj_brief.formats import docx

    return docx.extract(raw)


def _read_epub(raw: bytes, on_page: PageProgress | None) -> Extracted:
    from jjj_brief.formats import epub

    return epub.extract(raw)


READERS: dict[str, Callable[[bytes, PageProgress | None], Extracted]] = {
    ".pdf": _read_pdf,
    ".html": _read_html,
    ".htm": _read_html,
    ".xhtml": _read_html,
    ".docx": _read_docx,
    ".epub": _read_epub,
}
SUFFIXES = tuple(READERS)


def handles(suffix: str) -> bool:
    return suffix.lower() in READERS


def extract(suffix: str, raw: bytes, on_page: PageProgress | None = None) -> Extracted:
    """Read ``raw`` as the format its suffix names. Raises :class:`Refused`, nothing else.
    ``on_page`` hears each page of a PDF read (a long one takes a while)."""
    reader = READERS[suffix.lower()]
    try:
        with warnings.catch_warnings(), _quiet_libraries():
            warnings.simplefilter("ignore")
            found = reader(raw, on_page)
    except Refused:
        raise
    except MemoryError:
        raise Refused("too large to read into memory") from None
    except RecursionError:
        raise Refused("nested too deeply to read (a hostile or broken file?)") from None
    except Exception as exc:
        raise Refused(f"cannot be read as {reader.__name__[6:].upper()} ({_short(exc)})") from None
    if not found.text.strip():
        raise Refused("has no text to import")
    if len(found.text) > MAX_TEXT_CHARS:
        raise Refused(f"has too much text ({len(found.text):,} characters; limit {MAX_TEXT_CHARS:,})")
    return found


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def legacy_chinese(raw: bytes) -> str | None:
    """``raw`` decoded as GB18030 (GBK, GB2312's superset: mainland Chinese text not saved as
    UTF-8) when it decodes strictly and Han characters are most of its letters; else None.
    A Latin-1 file can decode as GB18030 too, but into scattered Han among Latin letters."""
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        return None
    sample = text[:20_000]
    letters = sum(1 for ch in sample if ch.isalpha())
    return text if letters and len(_HAN.findall(sample)) > 0.5 * letters else None


_NOT_A_TITLE = re.compile(
    r"(?:microsoft\s+(?:word|powerpoint|excel)\s*-.*|untitled.*|document\d*|title|slide\s*\d*|"
    r"powerpoint presentation|.*\.(?:docx?|pptx?|xlsx?|indd|pdf|qxp|tex|dvi))",
    re.IGNORECASE,
)


def plausible_title(title: str | None) -> str | None:
    """A file's title property, unless it is what a program filled in ("Microsoft Word -
    report.docx", "Untitled", "Document1", a file name): then None, and the text gives one."""
    text = " ".join((title or "").split())
    return text if text and not _NOT_A_TITLE.fullmatch(text) else None


def provenance_line(provenance: dict[str, object]) -> str:
    """An import's origin in one line: ``from air.pdf · PDF, 3 pages · 1.5 kB · SHA-256
    256ef344bd04… · original kept`` (the reader's header; empty for a seed article)."""
    if not provenance.get("file"):
        return ""
    fmt = str(provenance.get("source_format") or "")
    kind = {"markdown": "Markdown", "text": "plain text"}.get(fmt, fmt.upper())
    for key, unit in (("pages", "page"), ("chapters", "chapter")):
        count = provenance.get(key)
        if isinstance(count, int):
            kind += f", {count:,} {unit}{'s' if count != 1 else ''}"
    parts = [f"from {provenance['file']}", kind]
    size = provenance.get("size")
    if isinstance(size, int):
        parts.append(_size(size))
    if provenance.get("sha256"):
        parts.append(f"SHA-256 {str(provenance['sha256'])[:12]}…")
    parts.append("original kept" if provenance.get("kept_original") else "hash only")
    return " · ".join(part for part in parts if part)


def _size(size: int) -> str:
    for unit, scale in (("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:,.1f} {unit}"
    return f"{size} bytes"


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return text if len(text) <= 120 else text[:119] + "…"


class _quiet_libraries:
    """pypdf and friends log warnings about every odd object; the user gets one line from us."""

    NAMES = ("pypdf", "docx", "justext")

    def __enter__(self) -> None:
        self._levels = [(logging.getLogger(n), logging.getLogger(n).level) for n in self.NAMES]
        for logger, _ in self._levels:
            logger.setLevel(logging.CRITICAL)

    def __exit__(self, *exc: object) -> None:
        for logger, level in self._levels:
            logger.setLevel(level)


class TextBuilder:
    """Accumulates paragraphs and remembers where each page or chapter starts."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.locators: list[tuple[int, str]] = []
        self._pending: str | None = None

    def start_section(self, label: str) -> None:
        """The next paragraph added begins ``label`` (a section with no text gets no locator)."""
        self._pending = label

    def add(self, paragraph: str) -> None:
        line = " ".join(paragraph.split())
        if not line:
            return
        if self.parts:
            self.parts.append("\n\n")
            self.length += 2
        if self._pending is not None:
            self.locators.append((self.length, self._pending))
            self._pending = None
        self.parts.append(line)
        self.length += len(line)
        if self.length > MAX_TEXT_CHARS:
            raise Refused(f"has too much text (over {MAX_TEXT_CHARS:,} characters)")

    def text(self) -> str:
        return "".join(self.parts) + ("\n" if self.parts else "")
