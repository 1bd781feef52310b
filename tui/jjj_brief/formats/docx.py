"""A Word (.docx) file: paragraphs, headings, tables, text boxes and notes in document order.

python-docx opens the package (and gives the properties and style names); the body is then
walked as WordprocessingML, because python-docx's ``paragraph.text`` and ``body`` children
leave out text a reader sees: content controls (``w:sdt``: cover pages, form fields), tracked
insertions (``w:ins``; deletions are left out, as Word shows the document with changes
accepted), text boxes (``w:txbxContent``, after the paragraph that anchors them) and
``mc:AlternateContent`` (its first choice only, so a box is not read twice). Tables become one
paragraph per row, cells joined with `` | ``. Footnotes and endnotes follow the body as
``[n] text``. The title is the document property, else the first Title/Heading paragraph.
The zip is checked first (:mod:`zipguard`); nothing embedded or linked (macros, OLE objects,
external images, remote templates) is opened or fetched.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from jjj_brief.formats import Extracted, Refused, TextBuilder, markup, plausible_title, zipguard

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_RECURSE = frozenset({"sdt", "sdtcontent", "customxml", "ins", "moveto", "smarttag", "fldsimple", "hyperlink", "r"})
_RECURSE |= {"bdo", "dir", "object", "pict", "drawing", "shape", "textbox", "alternatecontent", "choice"}
_SKIP = frozenset({"del", "movefrom", "fallback", "instrtext", "deltext", "rpr", "ppr", "sdtpr", "sdtendpr"})
_BLOCK_RECURSE = frozenset({"sdt", "sdtcontent", "customxml", "ins", "moveto"})


def extract(raw: bytes) -> Extracted:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    archive = zipguard.open_zip(raw, "DOCX")
    if "word/document.xml" not in archive.namelist():
        raise Refused("is not a Word document (no word/document.xml)")
    try:
        document = docx.Document(io.BytesIO(raw))
    except PackageNotFoundError as exc:
        raise Refused(f"is not a valid DOCX ({exc})") from None
    names = _style_names(document)
    builder = TextBuilder()
    first_heading = None
    for style_id, text in blocks(document.element.body):
        style = names.get(style_id or "", style_id or "").lower()
        if first_heading is None and text.strip() and style.startswith(("title", "heading")):
            first_heading = " ".join(text.split())
        builder.add(text)
    for part in ("word/footnotes.xml", "word/endnotes.xml"):
        if part in archive.namelist():
            for note in notes(markup.parse_xml(archive.read(part))):
                builder.add(note)
    props = document.core_properties
    title = plausible_title(props.title) or first_heading
    # No date: a DOCX's "created" property is when the file (or its template) was made,
    # not when the text was published.
    return Extracted("docx", builder.text(), title=title or None, author=" ".join((props.author or "").split()) or None)


def _style_names(document: Any) -> dict[str, str]:
    try:
        return {style.style_id: style.name or "" for style in document.styles}
    except Exception:  # a broken styles part: headings are then known by their ids only
        return {}


def blocks(container: Any) -> Iterator[tuple[str | None, str]]:
    """(paragraph style id, text) for each paragraph or table row under ``container``."""
    for child in container:
        name = markup.local(child.tag)
        if name == "p":
            yield _style_id(child), paragraph_text(child)
            for box in _text_boxes(child):
                yield from blocks(box)
        elif name == "tbl":
            for row in child.iterchildren(f"{W}tr"):
                yield None, _row_text(row)
        elif name in _BLOCK_RECURSE:
            yield from blocks(child)
        elif name == "alternatecontent":
            choice = _first_choice(child)
            if choice is not None:
                yield from blocks(choice)


def paragraph_text(p: Any) -> str:
    """The paragraph as Word shows it with tracked changes accepted (no text boxes: see blocks)."""
    out: list[str] = []

    def walk(el: Any) -> None:
        for child in el:
            name = markup.local(child.tag)
            if name == "t":
                out.append(child.text or "")
            elif name in ("tab", "ptab", "br", "cr"):
                out.append(" ")
            elif name == "nobreakhyphen":
                out.append("-")
            elif name == "alternatecontent":
                choice = _first_choice(child)
                if choice is not None:
                    walk(choice)
            elif name in _RECURSE:
                walk(child)

    walk(p)
    return "".join(out)


def _row_text(row: Any) -> str:
    cells = []
    for cell in _cells(row):
        text = " ".join(" ".join(text for _, text in blocks(cell)).split())
        if text:
            cells.append(text)
    return " | ".join(cells)


def _cells(row: Any) -> Iterator[Any]:
    """A row's cells, also those inside content controls or custom XML around them."""
    for child in row:
        name = markup.local(child.tag)
        if name == "tc":
            yield child
        elif name in _BLOCK_RECURSE:
            yield from _cells(child)


def _text_boxes(p: Any) -> list[Any]:
    """Text boxes anchored in ``p`` (outermost only; not under a deletion or a fallback)."""
    found = []

    def walk(el: Any) -> None:
        for child in el:
            name = markup.local(child.tag)
            if name == "txbxcontent":
                found.append(child)
            elif name == "alternatecontent":
                choice = _first_choice(child)
                if choice is not None:
                    walk(choice)
            elif name not in _SKIP:
                walk(child)

    walk(p)
    return found


def _first_choice(alternate: Any) -> Any | None:
    for child in alternate:
        if child.tag in (f"{MC}Choice", f"{MC}Fallback"):
            return child  # the first one present: Choice when there is one
    return None


def _style_id(p: Any) -> str | None:
    style = p.find(f"{W}pPr/{W}pStyle")
    return style.get(f"{W}val") if style is not None else None


def notes(root: Any) -> list[str]:
    """``[n] text`` for each footnote or endnote (not Word's separator notes)."""
    out = []
    number = 0
    for note in root:
        if markup.local(note.tag) not in ("footnote", "endnote") or note.get(f"{W}type") not in (None, "normal"):
            continue
        text = " ".join(" ".join(text for _, text in blocks(note)).split())
        if text:
            number += 1
            out.append(f"[{number}] {text}")
    return out
