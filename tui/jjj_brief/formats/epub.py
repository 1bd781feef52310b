"""An e-book (.epub): chapters in the spine's reading order (EbookLib), each a locator.

The zip is checked first (:mod:`zipguard`); chapter XHTML is parsed by lxml with no DTD,
entities or network. Each spine document with text is a chapter: ``ch. N`` in citations.
A book whose chapters are encrypted (DRM: ``META-INF/encryption.xml`` naming a document,
not only obfuscated fonts) is refused by name: its chapters are ciphertext.
"""

from __future__ import annotations

import io

from jjj_brief.formats import Extracted, Refused, TextBuilder, markup, zipguard


def extract(raw: bytes) -> Extracted:
    from ebooklib import ITEM_DOCUMENT, epub

    archive = zipguard.open_zip(raw, "EPUB")
    _refuse_drm(archive)
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
        chapters=chapter,
    )


_DOCUMENT_SUFFIXES = (".xhtml", ".html", ".htm", ".xml", ".opf", ".ncx")


def _refuse_drm(archive) -> None:
    """Encrypted chapters (Adobe ADEPT, Readium LCP, ...) cannot be read; fonts may be obfuscated."""
    names = set(archive.namelist())
    if "META-INF/encryption.xml" not in names:
        return
    root = markup.parse_xml(archive.read("META-INF/encryption.xml"))
    encrypted = [
        el.get("URI") or ""
        for el in root.iter()
        if markup.local(el.tag) == "cipherreference" and (el.get("URI") or "").lower().endswith(_DOCUMENT_SUFFIXES)
    ]
    if encrypted:
        raise Refused(
            f"is DRM-protected ({len(encrypted)} encrypted document(s), e.g. {encrypted[0][:60]!r}); "
            "only DRM-free e-books can be imported"
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
