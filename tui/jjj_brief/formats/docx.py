"""A Word (.docx) file: paragraphs, headings and tables in document order (python-docx).

The zip is checked first (:mod:`zipguard`). Tables become one paragraph per row, cells
joined with `` | ``; the title is the document property, else the first Title/Heading
paragraph. Nothing embedded (macros, OLE objects, linked images) is opened.
"""

from __future__ import annotations

import io

from jjj_brief.formats import Extracted, Refused, TextBuilder, markup, zipguard


def extract(raw: bytes) -> Extracted:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    archive = zipguard.open_zip(raw, "DOCX")
    if "word/document.xml" not in archive.namelist():
        raise Refused("is not a Word document (no word/document.xml)")
    try:
        document = docx.Document(io.BytesIO(raw))
    except PackageNotFoundError as exc:
        raise Refused(f"is not a valid DOCX ({exc})") from None
    builder = TextBuilder()
    first_heading = None
    for child in document.element.body.iterchildren():
        name = markup.local(child.tag)
        if name == "p":
            paragraph = Paragraph(child, document)
            text = paragraph.text
            style = (paragraph.style.name if paragraph.style is not None else "") or ""
            if first_heading is None and text.strip() and style.lower().startswith(("title", "heading")):
                first_heading = " ".join(text.split())
            builder.add(text)
        elif name == "tbl":
            for row in _rows(Table(child, document)):
                builder.add(row)
    props = document.core_properties
    title = " ".join((props.title or "").split()) or first_heading
    # No date: a DOCX's "created" property is when the file (or its template) was made,
    # not when the text was published.
    return Extracted("docx", builder.text(), title=title or None, author=" ".join((props.author or "").split()) or None)


def _rows(table) -> list[str]:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if text and (not cells or cells[-1] != text):  # a merged cell repeats per column
                cells.append(text)
        if cells:
            rows.append(" | ".join(cells))
    return rows
