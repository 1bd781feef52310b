"""A saved web page: its main content (not menus, footers, scripts) and its metadata.

Main content: the page's ``<article>`` / ``<main>`` / ``role=main`` when it marks one,
then jusText's boilerplate classifier (link density, length, stop words) over the blocks,
so navigation lists, share bars and cookie notices left in the body are dropped. Metadata:
title (``og:title``, ``<title>``, first ``<h1>``), author, publication date and canonical
URL, from the page's own ``<meta>`` and ``<link rel=canonical>``. Nothing the page points
at is fetched, and no script runs: lxml only parses.
"""

from __future__ import annotations

import codecs
import re

from jjj_brief.formats import Extracted, Refused, TextBuilder, markup

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_MAIN_XPATH = "//article | //main | //*[@role='main']"


def decode(raw: bytes) -> tuple[str, str | None]:
    """(text, a note when bytes had to be replaced). BOM, then ``<meta charset>``, then UTF-8."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            return raw.decode(name, "replace").lstrip("\ufeff"), None
    declared = _CHARSET.search(raw[:4096])
    encoding = "utf-8"
    if declared:
        try:
            encoding = codecs.lookup(declared.group(1).decode("ascii")).name
        except LookupError:
            encoding = "utf-8"
        if encoding in ("gb2312", "gbk"):
            encoding = "gb18030"  # the superset: pages declaring gb2312 use GBK characters
    try:
        return raw.decode(encoding), None
    except UnicodeDecodeError:
        text = raw.decode(encoding, "replace")
        bad = text.count("\ufffd")
        return text, f"{bad} byte sequence(s) not valid {encoding} shown as \ufffd (mixed encodings?)"


def extract(raw: bytes) -> Extracted:
    if b"\x00" in raw[:1024] and not raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise Refused("is not an HTML text file (contains NUL bytes)")
    text, note = decode(raw)
    root = markup.parse_html(text)
    if root.get(markup.TRUNCATED):
        if not root.text_content().strip():
            raise Refused("is nested too deeply to read (over 256 levels of elements)")
        note = "; ".join(filter(None, [note, "nested over 256 levels deep: the text after that point was not read"]))
    title = _title(root)
    author = markup.meta_content(
        root, "author", "article:author", "dc.creator", "dcterms.creator", "byl", "sailthru.author"
    )
    date = markup.iso_date(
        markup.meta_content(
            root,
            "article:published_time",
            "datePublished",
            "date",
            "dc.date",
            "dcterms.date",
            "pubdate",
            "publishdate",
            "og:published_time",
            "dc.date.issued",
        )
        or _time_element(root)
    )
    url = _canonical(root)
    language = (root.get("lang") or "").lower()
    markup.drop(root, markup.NEVER_TEXT)
    blocks = _main_blocks(root, language)
    builder = TextBuilder()
    for block in blocks:
        builder.add(block)
    found = Extracted("html", builder.text(), title=title, author=author, date=date, url=url)
    if note:
        found.notes.append(note)
    return found


def _title(root) -> str | None:
    title = markup.meta_content(root, "og:title", "twitter:title", "dc.title", "headline")
    if title:
        return title
    for el in root.iter("title", "h1"):
        text = " ".join(el.text_content().split())
        if text:
            return text
    return None


def _time_element(root) -> str | None:
    for el in root.iter("time"):
        if el.get("datetime"):
            return el.get("datetime")
    return None


def _canonical(root) -> str | None:
    for el in root.iter("link"):
        if "canonical" in (el.get("rel") or "").lower().split() and el.get("href"):
            return el.get("href").strip()
    return markup.meta_content(root, "og:url")


def _main_blocks(root, language: str) -> list[str]:
    """The page's reading text: the marked main element, then boilerplate removed."""
    marked = root.xpath(_MAIN_XPATH)
    candidates = [el for el in marked if len(el.text_content().strip()) > 0]
    if candidates:
        container = max(candidates, key=lambda el: len(el.text_content()))
    else:
        container = root.find("body") if root.find("body") is not None else root
        markup.drop(container, markup.CHROME)
    markup.drop(container, ("nav", "aside", "menu"))
    everything = [text for _, text in markup.paragraphs(container)]
    kept = _without_boilerplate(container, language)
    return kept if kept else everything


def _without_boilerplate(container, language: str) -> list[str]:
    import justext
    from lxml import html as lxml_html

    source = lxml_html.tostring(container, encoding="unicode")
    english = language.startswith("en") or (not language and _mostly_latin(container.text_content()))
    if english:
        stoplist, low, high = justext.get_stoplist("English"), 0.30, 0.32
    else:  # no stop-word list for Chinese and most others: judge by length and links only
        stoplist, low, high = frozenset(), 0.0, 0.0
    found = justext.justext(
        f"<html><body>{source}</body></html>",
        stoplist,
        stopwords_low=low,
        stopwords_high=high,
        length_low=20 if not english else 70,
        length_high=60 if not english else 200,
        encoding="utf-8",
    )
    return [p.text for p in found if not p.is_boilerplate]


def _mostly_latin(text: str) -> bool:
    sample = text[:5000]
    letters = [ch for ch in sample if ch.isalpha()]
    return bool(letters) and sum(ch < "\u0250" for ch in letters) / len(letters) > 0.8
