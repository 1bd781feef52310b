"""Small real documents of every importable format, made in the test (no binary fixtures).

PDFs are written with pypdf's objects (a Helvetica text page per entry), DOCX with
python-docx, EPUB as the zip the format defines, HTML as text. Each maker returns bytes.
"""

from __future__ import annotations

import io
import zipfile


def pdf_bytes(
    pages: list[list[str]], *, first_label: int | None = None, title: str | None = None, password: str | None = None
) -> bytes:
    """A PDF with one page per entry, each line drawn as text; ``[]`` is a page with no text."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    for lines in pages:
        page = writer.add_blank_page(612, 792)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
        ops = ["BT /F1 11 Tf 72 740 Td 14 TL"]
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({escaped}) Tj T*")
        ops.append("ET")
        stream = DecodedStreamObject()
        stream.set_data("\n".join(ops).encode("latin-1") if lines else b"")
        page[NameObject("/Contents")] = writer._add_object(stream)
    if first_label is not None:
        writer.set_page_label(0, len(pages) - 1, style="/D", start=first_label)
    if title:
        writer.add_metadata({"/Title": title, "/Author": "Test Desk"})
    if password:
        writer.encrypt(user_password=password, owner_password=password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bytes(
    *,
    title: str = "Regional report",
    heading: str = "Air quality",
    paragraphs: tuple[str, ...] = (),
    table: list[list[str]] | None = None,
) -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.author = "Test Desk"
    document.add_heading(heading, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def epub_bytes(
    chapters: list[tuple[str, str]], *, title: str = "A small book", spine_order: list[int] | None = None
) -> bytes:
    """An EPUB 3 whose manifest lists chapters in the given order and whose spine may reorder them."""
    order = spine_order or list(range(len(chapters)))
    manifest = "".join(
        f'<item id="c{i}" href="c{i}.xhtml" media-type="application/xhtml+xml"/>' for i in range(len(chapters))
    )
    spine = "".join(f'<itemref idref="c{i}"/>' for i in order)
    opf = f"""<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">test-book</dc:identifier>
<dc:title>{title}</dc:title><dc:creator>Test Author</dc:creator><dc:date>2023-05-04</dc:date><dc:language>en</dc:language></metadata>
<manifest><item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>{manifest}</manifest>
<spine>{spine}</spine></package>"""
    nav = (
        '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml" '
        'xmlns:epub="http://www.idpf.org/2007/ops"><head><title>nav</title></head><body>'
        '<nav epub:type="toc"><ol><li><a href="c0.xhtml">start</a></li></ol></nav></body></html>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        archive.writestr(
            "META-INF/container.xml",
            """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>""",
        )
        archive.writestr("OEBPS/content.opf", opf)
        archive.writestr("OEBPS/nav.xhtml", nav)
        for i, (heading, body) in enumerate(chapters):
            archive.writestr(
                f"OEBPS/c{i}.xhtml",
                (
                    '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
                    f"<head><title>{heading}</title></head><body><h1>{heading}</h1><p>{body}</p></body></html>"
                ),
            )
    return out.getvalue()


def zip_bomb(kind: str, inflated: int = 300_000_000) -> bytes:
    """A DOCX/EPUB-shaped zip with one member that inflates ``inflated`` bytes of zeros.

    Written in chunks: the test never holds the inflated bytes in memory.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        if kind == "epub":
            archive.writestr("mimetype", "application/epub+zip")
        name = "word/document.xml" if kind == "docx" else "OEBPS/c0.xhtml"
        with archive.open(name, "w", force_zip64=True) as member:
            chunk = b"\0" * 1_000_000
            for _ in range(inflated // len(chunk)):
                member.write(chunk)
    return out.getvalue()


def pdf_bomb(inflated: int = 400_000_000) -> bytes:
    """A one-page PDF whose content stream inflates to ``inflated`` bytes (about 1 MB on disk)."""
    import zlib

    from pypdf import PdfWriter
    from pypdf.generic import NameObject, StreamObject

    squeeze = zlib.compressobj(9)
    data = b"".join(squeeze.compress(b" " * 10_000_000) for _ in range(inflated // 10_000_000)) + squeeze.flush()
    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    stream = StreamObject()
    stream._data = data
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def html_page(body: str, head: str = "", lang: str = "en") -> str:
    return f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'
