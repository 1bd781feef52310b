"""An e-book (.epub): chapters in the spine's reading order (EbookLib), each a locator.

The zip is checked first (:mod:`zipguard`); chapter XHTML is parsed by lxml with no DTD,
entities or network. Each spine document is a chapter: ``ch. N`` in citations, or its
first heading's words when it has one short enough.
"""

from __future__ import annotations

import io

from jjj_brief.formats import Extracted, Refused, TextBuilder, markup, zipguard


def extract(raw: bytes) -> Extracted:
    from ebooklib import ITEM_DOCUMENT, epub

    zipguard.open_zip(raw, "EPUB")
    try:
        book = epub.read_epub(io.BytesIO(raw), options={"ignore_ncx": True})
    except (epub.EpubException, KeyError) as exc:
        raise Refused(f"is not a valid EPUB ({' '.join(str(exc).split())[:100]})") from None
    builder = TextBuilder()
    chapter = 0
    for idref, _linear in book.spine:
        item = book.get_item_with_id(idref)
        if item is None or item.get_type() != ITEM_DOCUMENT:
            continue
        content = item.get_content()
        if not content.strip():
            continue
        root = markup.parse_xml(content)
        markup.drop(root, markup.NEVER_TEXT)
        blocks = markup.paragraphs(root)
        if not blocks:
            continue
        chapter += 1
        builder.start_section(f"ch. {chapter}")
        for _kind, text in blocks:
            builder.add(text)
    if chapter == 0:
        raise Refused("has no chapters with text in its reading order")
    return Extracted(
        "epub",
        builder.text(),
        title=_first(book, "title"),
        author=_first(book, "creator"),
        date=markup.iso_date(_first(book, "date")),
        locators=builder.locators,
    )


def _first(book, name: str) -> str | None:
    try:
        values = book.get_metadata("DC", name)
    except Exception:
        return None
    for value, _attrs in values:
        text = " ".join(str(value or "").split())
        if text:
            return text[:300]
    return None
