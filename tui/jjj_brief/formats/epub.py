"""An e-book (.epub): chapters in the spine's reading order, each a locator (``ch. N``).

An EPUB is a zip (checked first: :mod:`zipguard`) whose ``META-INF/container.xml`` names the
package document (OPF); the package lists the files (manifest), their reading order (spine)
and the book's Dublin Core metadata. These are read with :mod:`zipfile` and lxml alone (no
DTD, entities or network), so only the chapters are ever inflated, never the images or fonts
— and no AGPL library (EbookLib) is needed. Each spine document with text is a chapter:
``ch. N`` in citations. A book whose chapters are encrypted (DRM: ``META-INF/encryption.xml``
naming a document, not only obfuscated fonts) is refused by name: its chapters are ciphertext.
"""

from __future__ import annotations

import posixpath
import zipfile
from typing import Any
from urllib.parse import unquote

from jjj_brief.formats import Extracted, Refused, TextBuilder, markup, zipguard

CONTAINER = "META-INF/container.xml"
CHAPTER_TYPES = frozenset({"application/xhtml+xml", "text/html", "application/xml", "text/xml"})


def extract(raw: bytes) -> Extracted:
    archive = zipguard.open_zip(raw, "EPUB")
    _refuse_drm(archive)
    package_path = _package_path(archive)
    package = markup.parse_xml(_member(archive, package_path, "its package document"))
    manifest = _manifest(package, posixpath.dirname(package_path))
    builder = TextBuilder()
    chapter = 0
    missing: list[str] = []
    for idref in _spine(package):
        path, media_type = manifest.get(idref, ("", ""))
        if not path or media_type not in CHAPTER_TYPES:
            continue
        try:
            content = archive.read(path)
        except KeyError:
            missing.append(path)
            continue
        if not content.strip():
            continue
        try:
            root = markup.parse_xml(content)
        except (ValueError, SyntaxError):  # lxml's XMLSyntaxError is a SyntaxError
            missing.append(path)
            continue
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
    found = Extracted(
        "epub",
        builder.text(),
        title=_dc(package, "title"),
        author=_dc(package, "creator"),
        date=markup.iso_date(_dc(package, "date")),
        locators=builder.locators,
        chapters=chapter,
    )
    if missing:
        found.notes.append(
            f"{len(missing)} chapter file(s) its reading order names are missing or unreadable ({missing[0][:60]!r})"
        )
    return found


def _member(archive: zipfile.ZipFile, name: str, what: str) -> bytes:
    try:
        return archive.read(name)
    except KeyError:
        raise Refused(f"is not a valid EPUB (no {what}: {name[:80]!r})") from None


def _package_path(archive: zipfile.ZipFile) -> str:
    """The OPF's path, from the container's first rootfile."""
    container = markup.parse_xml(_member(archive, CONTAINER, "container"))
    for el in container.iter():
        if markup.local(el.tag) == "rootfile" and el.get("full-path"):
            return unquote(el.get("full-path") or "").lstrip("/")
    raise Refused("is not a valid EPUB (its container names no package document)")


def _manifest(package: Any, base: str) -> dict[str, tuple[str, str]]:
    """id -> (path inside the zip, media type)."""
    out: dict[str, tuple[str, str]] = {}
    for el in package.iter():
        if markup.local(el.tag) == "item" and el.get("id") and el.get("href"):
            href = unquote((el.get("href") or "").split("#", 1)[0])
            path = posixpath.normpath(posixpath.join(base, href)).lstrip("/")
            out[el.get("id") or ""] = (path, (el.get("media-type") or "").strip().lower())
    return out


def _spine(package: Any) -> list[str]:
    return [el.get("idref") or "" for el in package.iter() if markup.local(el.tag) == "itemref"]


def _dc(package: Any, name: str) -> str | None:
    """The first non-empty Dublin Core ``name`` of the package's metadata."""
    for el in package.iter():
        if markup.local(el.tag) == name and "purl.org/dc" in str(el.tag):
            text = " ".join("".join(el.itertext()).split())
            if text:
                return text[:300]
    return None


_DOCUMENT_SUFFIXES = (".xhtml", ".html", ".htm", ".xml", ".opf", ".ncx")


def _refuse_drm(archive: zipfile.ZipFile) -> None:
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
