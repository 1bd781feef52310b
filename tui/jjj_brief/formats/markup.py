"""(X)HTML trees to paragraphs, and the page metadata HTML carries.

Parsing is lxml's: it builds a tree and nothing else — no script runs, no frame, image,
stylesheet or entity is fetched (``no_network``, entities not resolved). Elements that
never hold reading text (scripts, styles, frames, forms, menus) are dropped before any text
is taken.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

NEVER_TEXT = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "svg",
    "math",
    "canvas",
    "form",
    "button",
    "select",
    "textarea",
    "input",
    "head",
    "link",
    "meta",
)
CHROME = ("nav", "header", "footer", "aside", "menu")
BLOCKS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li dt dd blockquote pre section article main tr caption "
    "figcaption address td th table ul ol dl hr br body center".split()
)
HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())


def parse_html(text: str) -> lxml_html.HtmlElement:
    """An HTML tree from decoded text; nothing is fetched or executed."""
    parser = lxml_html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, recover=True, huge_tree=False)
    text = re.sub(r"\A\s*<\?xml[^>]*\?>", "", text)  # lxml refuses str with an encoding declaration
    root = lxml_html.document_fromstring(text or "<html></html>", parser=parser)
    if any("Excessive depth" in error.message for error in parser.error_log):
        root.set(TRUNCATED, "depth")  # libxml2 stops at 256 levels: the rest is not read
    return root


TRUNCATED = "data-jjj-truncated"


def parse_xml(data: bytes) -> etree._Element:
    """An XML tree (EPUB packages, XHTML chapters): no DTD, no entities, no network."""
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        recover=True,
        remove_comments=True,
        remove_pis=True,
    )
    root = etree.fromstring(data, parser=parser)
    if root is None:
        raise ValueError("empty XML document")
    return root


def local(tag: object) -> str:
    """Tag name without namespace, lower case ('' for comments and entities)."""
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def drop(root: etree._Element, names: tuple[str, ...]) -> None:
    """Remove every element named in ``names`` (any namespace), keeping the tail text."""
    doomed = [el for el in root.iter() if local(el.tag) in names]
    for el in doomed:
        parent = el.getparent()
        if parent is None:
            continue
        if el.tail:
            previous = el.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + el.tail
            else:
                parent.text = (parent.text or "") + el.tail
        parent.remove(el)


def paragraphs(root: etree._Element) -> list[tuple[str, str]]:
    """(kind, text) per block of text in reading order; kind is 'heading', 'row' or 'text'.

    Table rows become one paragraph each, cells joined with `` | ``.
    """
    out: list[tuple[str, str]] = []
    buffer: list[str] = []

    def flush(kind: str = "text") -> None:
        text = " ".join("".join(buffer).split())
        buffer.clear()
        if text:
            out.append((kind, text))

    def walk(el: etree._Element) -> None:
        name = local(el.tag)
        if name == "tr":
            flush()
            cells = [" ".join(" ".join(c.itertext()).split()) for c in el if local(c.tag) in ("td", "th")]
            row = " | ".join(c for c in cells if c)
            if row:
                out.append(("row", row))
            buffer.append("")
            if el.tail:
                buffer.append(el.tail)
            return
        block = name in BLOCKS
        if block:
            flush()
        if el.text and name:
            buffer.append(el.text)
        for child in el:
            walk(child)
        if block:
            flush("heading" if name in HEADINGS else "text")
        if el.tail:
            buffer.append(el.tail)

    walk(root)
    flush()
    return out


def meta_content(root: etree._Element, *names: str) -> str | None:
    """The first non-empty ``<meta name|property|itemprop=...>`` content among ``names``."""
    wanted = [n.lower() for n in names]
    found: dict[str, str] = {}
    for el in root.iter():
        if local(el.tag) != "meta":
            continue
        key = (el.get("name") or el.get("property") or el.get("itemprop") or "").strip().lower()
        value = " ".join((el.get("content") or "").split())
        if key in wanted and value and key not in found:
            found[key] = value
    for name in wanted:
        if name in found:
            return found[name]
    return None


_ISO = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def iso_date(value: str | None) -> str | None:
    """'2024-02-27T08:00:00+08:00' -> '2024-02-27'; only real calendar dates survive."""
    import datetime as dt

    if not value:
        return None
    match = _ISO.search(value.replace("/", "-").replace(".", "-"))
    if not match:
        return None
    year, month, day = match.group(1), match.group(2), match.group(3)
    try:
        if day:
            return dt.date(int(year), int(month), int(day)).isoformat()
        if month and 1 <= int(month) <= 12:
            return f"{year}-{int(month):02d}"
    except ValueError:
        return None
    return year if 1000 <= int(year) <= 2999 else None
