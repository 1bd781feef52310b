"""A PDF's text layer (pypdf), page by page, with each page's printed label kept.

Lines are joined back into paragraphs: a line ends its paragraph when it is followed by a
blank line, or when it ends a sentence and is clearly shorter than the page's typical line
(the last line of a paragraph). Chinese lines join without a space. A page never shares a
paragraph with the next one, so every offset has exactly one page. A PDF whose pages carry
no text (a scan) is refused by name: it needs OCR first, which this tool does not do.
"""

from __future__ import annotations

import io
import re
import statistics
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from jjj_brief.formats import Extracted, PageProgress, Refused, TextBuilder, markup, plausible_title

if TYPE_CHECKING:
    from pypdf import PageObject, PdfReader

MAX_PAGES = 5_000
_END = re.compile(r"[.!?。！？:：;；\"'”’)）]\s*$")
_CJK = re.compile(r"[\u3000-\u9fff\uf900-\ufaff]")


def extract(raw: bytes, on_page: PageProgress | None = None) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    if not raw.lstrip()[:1024].startswith(b"%PDF") and b"%PDF-" not in raw[:1024]:
        raise Refused("is not a PDF (no %PDF header)")
    try:
        reader = PdfReader(io.BytesIO(raw), strict=False)
        if reader.is_encrypted:
            _decrypt(reader, DependencyError)
        count = len(reader.pages)
    except (PdfReadError, FileNotDecryptedError) as exc:
        raise Refused(f"is not a readable PDF ({_why(exc)})") from None
    if count == 0:
        raise Refused("has no pages")
    if count > MAX_PAGES:
        raise Refused(f"has {count:,} pages (limit {MAX_PAGES:,})")
    labels: list[str] = []
    pages: list[list[str]] = []
    broken: list[str] = []
    for index in range(count):
        labels.append(_label(reader, index))
        try:
            page = reader.pages[index]
            page_text = page.extract_text() or ""
            if not page_text.strip():
                _probe_contents(page)  # pypdf returns "" for a stream it refused to inflate: say why
        except (FileNotDecryptedError, DependencyError):
            raise
        except Exception as exc:
            broken.append(f"p. {labels[-1]}: {_why(exc)}")
            page_text = ""
        pages.append(_lines(page_text))
        if on_page is not None:
            on_page(index + 1, count)
    dropped = drop_running_lines(pages)
    builder = TextBuilder()
    empty_pages = 0
    for label, lines in zip(labels, pages, strict=True):
        builder.start_section(f"p. {label}")
        paragraphs = _paragraphs(lines)
        if not paragraphs:
            empty_pages += 1
        for paragraph in paragraphs:
            builder.add(paragraph)
    if not builder.parts and broken:
        raise Refused(f"has no page that could be decoded ({len(broken)} failed; {broken[0]})")
    if not builder.parts:
        raise Refused(f"has no text layer on any of its {count} page(s) (a scanned PDF?): run OCR on it first")
    info = _info(reader)
    found = Extracted(
        "pdf",
        builder.text(),
        title=plausible_title(info.get("title")),
        author=info.get("author"),
        date=markup.iso_date(info.get("date")),
        locators=builder.locators,
        pages=count,
    )
    if dropped:
        found.notes.append(f"{dropped} running header/footer line(s) repeated across pages left out")
    if broken:
        found.notes.append(f"{len(broken)} page(s) could not be decoded and were skipped ({broken[0]})")
    if empty_pages > len(broken):
        found.notes.append(f"{empty_pages - len(broken)} of {count} page(s) have no text layer (images only?)")
    return found


def _probe_contents(page: PageObject) -> None:
    """Raise what pypdf met decoding the page's content (a decompression limit, a bad filter)."""
    contents = page.get_contents()
    if contents is not None:
        contents.get_data()


def _decrypt(reader: PdfReader, dependency_error: type[Exception]) -> None:
    """An owner-password-only PDF opens with the empty password; anything else is refused."""
    opened: int  # a PasswordType (an IntEnum), or 0 when decrypting failed
    try:
        opened = reader.decrypt("")
    except dependency_error:
        raise Refused("is encrypted (AES) and cannot be opened here; save an unprotected copy") from None
    except Exception:
        opened = 0
    if not opened:
        raise Refused("is encrypted (password protected); save an unprotected copy")


def _label(reader: PdfReader, index: int) -> str:
    try:
        label = str(reader.page_labels[index]).strip()
    except Exception:
        label = ""
    return " ".join(label.split())[:20] or str(index + 1)


def _info(reader: PdfReader) -> dict[str, str]:
    try:
        meta: Mapping[str, Any] = reader.metadata or {}
        raw = {
            "title": meta.get("/Title"),
            "author": meta.get("/Author"),
            "date": meta.get("/CreationDate"),
        }
    except Exception:
        return {}
    out = {}
    for key, value in raw.items():
        text = " ".join(str(value).split()) if value is not None else ""
        if key == "date" and text.startswith("D:"):
            text = f"{text[2:6]}-{text[6:8]}-{text[8:10]}" if len(text) >= 10 else text[2:6]
        if text:
            out[key] = text[:300]
    return out


def _lines(page_text: str) -> list[str]:
    return [line.strip() for line in page_text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


RUNNING_EDGE = 2  # lines at the top and at the bottom of a page that may be a running head/foot
_DIGITS = re.compile(r"\d+")


def drop_running_lines(pages: list[list[str]]) -> int:
    """Blank the running headers and footers (and page numbers) of a document's pages.

    A line among a page's first or last :data:`RUNNING_EDGE` non-empty lines is running when
    the same line, digits aside (``Page 12``, ``- 12 -``, ``Hebei report 2023 | 12``), is at
    the edge of at least half the pages and of three. A page of fewer than
    ``2 * RUNNING_EDGE + 1`` lines is all edge: it is left whole. Returns how many lines
    were blanked.
    """
    if len(pages) < 3:
        return 0
    edges: list[list[int]] = []
    seen: dict[str, int] = {}
    for lines in pages:
        filled = [i for i, line in enumerate(lines) if line]
        short = len(filled) <= 2 * RUNNING_EDGE
        edge = [] if short else sorted(set(filled[:RUNNING_EDGE] + filled[-RUNNING_EDGE:]))
        edges.append(edge)
        for key in {_DIGITS.sub("#", lines[i]) for i in edge}:
            seen[key] = seen.get(key, 0) + 1
    running = {key for key, n in seen.items() if n >= max(3, len(pages) / 2) and _may_run(key)}
    dropped = 0
    for lines, edge in zip(pages, edges, strict=True):
        for i in edge:
            if _DIGITS.sub("#", lines[i]) in running:
                lines[i] = ""
                dropped += 1
    return dropped


def _may_run(key: str) -> bool:
    """Words (a title, ``Page #``) or a bare page number (``#``, ``- # -``, ``# / #``); not a
    row of figures (``# #.# #.#``), which a table running over many pages repeats."""
    return any(ch.isalpha() for ch in key) or (len(key) <= 12 and key.count("#") <= 2 and "." not in key)


def _paragraphs(lines: list[str]) -> list[str]:
    lengths = [len(line) for line in lines if line]
    if not lengths:
        return []
    typical = statistics.median(lengths)
    out: list[str] = []
    current = ""
    for line in lines:
        if not line:
            if current:
                out.append(current)
            current = ""
            continue
        current = _join(current, line) if current else line
        if _END.search(line) and len(line) < 0.8 * typical:
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return out


def _join(left: str, right: str) -> str:
    """Lines of one paragraph joined: Chinese without a space; ``coordi-`` + ``nated`` as one
    word, ``Beijing-`` + ``Tianjin`` keeping its hyphen."""
    if _CJK.search(left[-1:]) and _CJK.search(right[:1]):
        return left + right
    if len(left) > 1 and left[-1] == "-" and left[-2].isalpha() and right[:1].isalpha():
        return left[:-1] + right if right[0].islower() else left + right
    return f"{left} {right}"


def _why(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return text[:100]
