"""A saved web page: its main content (not menus, footers, scripts) and its metadata.

Main content: the page's ``<article>`` / ``<main>`` / ``role=main`` when it marks one, else
the element holding most of the page's paragraph text (as Readability does: many Chinese
news sites mark nothing); then, for English, jusText's boilerplate classifier (link density,
length, stop words) over the blocks; for other languages (jusText's stop words need spaces
between words) blocks that are mostly links, or chrome by their class or id (``nav``,
``footer``, ``share``, ``copyright``...), are dropped. Metadata: title (``og:title``,
JSON-LD ``headline``, the ``<h1>`` that ``<title>`` starts with, ``<title>``), author,
publication date and canonical URL, from the page's ``<meta>``, its JSON-LD (read as JSON,
never run) and ``<link rel=canonical>``. Nothing the page points at is fetched, and no
script runs: lxml only parses.
"""

from __future__ import annotations

import codecs
import json
import re
from typing import TYPE_CHECKING, Any

from jjj_brief.formats import Extracted, Refused, TextBuilder, markup

if TYPE_CHECKING:
    from lxml.html import HtmlElement

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_MAIN_XPATH = "//article | //main | //*[@role='main']"
_CHROME_NAME = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|breadcrumbs?|footer|header|sidebar|share|social|copyright|"
    r"comments?|related|advert|ads|banner|cookie|subscribe|toolbar|pager|pagination)(?:$|[\s_-])",
    re.IGNORECASE,
)
_FOOTER_LINE = re.compile(r"版权所有|©|\bcopyright\b|all rights reserved|ICP[备证]|不良信息举报", re.IGNORECASE)
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
MIN_MAIN_SHARE = 0.5
_SITE_SUFFIX = re.compile(
    r"(?:\s*[-|–—_:：·•/\\]+\s*\S.*)?", re.DOTALL
)  # "-- 新闻 -- 人民网", " | Xinhua"  # the densest element is the content when it holds this share of the page's text


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
    linked = _json_ld(root)
    title = _title(root, linked.get("headline"))
    author = markup.meta_content(
        root, "author", "article:author", "dc.creator", "dcterms.creator", "byl", "sailthru.author"
    ) or linked.get("author")
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
        or linked.get("date")
        or _time_element(root)
    )
    url = _canonical(root) or linked.get("url")
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


def _title(root: HtmlElement, headline: str | None = None) -> str | None:
    title = markup.meta_content(root, "og:title", "twitter:title", "dc.title", "headline") or headline
    if title:
        return title
    page_title = next((t for t in (_text(el) for el in root.iter("title")) if t), None)
    heading = next((t for t in (_text(el) for el in root.iter("h1")) if t), None)
    if heading and (
        page_title is None or _SITE_SUFFIX.fullmatch(page_title[len(heading) :]) and page_title.startswith(heading)
    ):
        return heading  # "河北空气质量持续改善--新闻--人民网": the site's name is not the title
    return page_title or heading


def _text(el: HtmlElement) -> str:
    return " ".join(el.text_content().split())


def _json_ld(root: HtmlElement) -> dict[str, str]:
    """headline, date, author and url from the page's schema.org JSON-LD (parsed, not run)."""
    out: dict[str, str] = {}
    for el in root.iter("script"):
        if (el.get("type") or "").strip().lower() != "application/ld+json" or not el.text:
            continue
        try:
            data = json.loads(el.text[:200_000])
        except (ValueError, RecursionError):
            continue
        for item in _ld_items(data):
            for key, field in (("headline", "headline"), ("date", "datePublished"), ("url", "url")):
                value = item.get(field)
                if isinstance(value, str) and value.strip() and key not in out:
                    out[key] = " ".join(value.split())[:500]
            names = [" ".join(n.split()) for n in _names(item.get("author"))]
            if names and "author" not in out:
                out["author"] = ", ".join(names)[:300]
    return out


def _names(author: object) -> list[str]:
    """A JSON-LD author: a name, a Person ({"name": ...}) or a list of either."""
    found = []
    for one in author if isinstance(author, list) else [author]:
        name = one.get("name") if isinstance(one, dict) else one
        if isinstance(name, str) and name.strip():
            found.append(name)
    return found


def _types(item: dict[str, Any]) -> list[str]:
    kinds = item.get("@type")
    return [str(kind) for kind in (kinds if isinstance(kinds, list) else [kinds])]


def _ld_items(data: object) -> list[dict[str, Any]]:
    """The JSON-LD objects that describe an article (a list, or an @graph, may hold several)."""
    items = data if isinstance(data, list) else [data]
    found: list[dict[str, Any]] = []
    for item in items[:50]:
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("@graph"), list):
            found.extend(i for i in item["@graph"][:50] if isinstance(i, dict))
        else:
            found.append(item)
    kinds = ("Article", "NewsArticle", "ReportageNewsArticle", "BlogPosting", "Report", "WebPage")
    return [item for item in found if any(kind in kinds for kind in _types(item))]


def _time_element(root: HtmlElement) -> str | None:
    for el in root.iter("time"):
        when: str | None = el.get("datetime")
        if when:
            return when
    return None


def _canonical(root: HtmlElement) -> str | None:
    for el in root.iter("link"):
        href: str | None = el.get("href")
        if "canonical" in (el.get("rel") or "").lower().split() and href:
            return href.strip()
    return markup.meta_content(root, "og:url")


def _main_blocks(root: HtmlElement, language: str) -> list[str]:
    """The page's reading text: the marked main element, else the densest, then boilerplate removed."""
    marked = root.xpath(_MAIN_XPATH)
    candidates = [el for el in marked if len(el.text_content().strip()) > 0]
    if candidates:
        container = max(candidates, key=lambda el: len(el.text_content()))
    else:
        container = root.find("body") if root.find("body") is not None else root
        markup.drop(container, markup.CHROME)
        _drop_chrome_by_name(container)
        container = _densest(container)
    markup.drop(container, ("nav", "aside", "menu"))
    everything = [text for _, text in markup.paragraphs(container)]
    if _is_english(container, language):
        kept = _without_boilerplate(container)
        return kept if kept else everything
    return _without_link_lists(container) or everything


def _drop_chrome_by_name(container: HtmlElement) -> None:
    """Remove elements whose class or id names them chrome (``class="footer"``, ``id="nav"``)."""
    doomed = [
        el
        for el in container.iter()
        if isinstance(el.tag, str)
        and el is not container
        and _CHROME_NAME.search(f"{el.get('class') or ''} {el.get('id') or ''}")
        and len(el.xpath(".//p")) < 3  # a content wrapper named "main-share-body" still has its paragraphs
    ]
    for el in doomed:
        if el.getparent() is not None:
            el.getparent().remove(el)


def _weight(text: str) -> int:
    """Characters of text, a Han character counted as three (it carries about a word)."""
    letters = "".join(text.split())
    return len(letters) + 2 * len(_HAN.findall(letters))


def _densest(body: HtmlElement) -> HtmlElement:
    """The element most of the page's paragraph text is in (its direct paragraphs counted)."""
    scores: dict[HtmlElement, int] = {}
    total = 0
    for p in body.iter("p"):
        size = _weight(p.text_content()) - sum(_weight(a.text_content()) for a in p.iter("a"))
        if size <= 0 or _FOOTER_LINE.search(p.text_content()):
            continue
        total += size
        parent = p.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + size
    if not scores:
        return body
    best, score = max(scores.items(), key=lambda item: item[1])
    return best if score >= MIN_MAIN_SHARE * total else body


_LINK_LIST_TAGS = ("ul", "ol", "dl", "li", "div", "p", "td", "table", "section", "span")


def _without_link_lists(container: HtmlElement) -> list[str]:
    """The blocks left once elements whose text is mostly link text (menus, tag and 'related'
    lists, a row of share links) are removed."""
    doomed: set[HtmlElement] = set()
    for el in container.iter(*_LINK_LIST_TAGS):
        if el is container or any(ancestor in doomed for ancestor in el.iterancestors()):
            continue
        letters = len("".join(el.text_content().split()))
        linked = sum(len("".join(a.text_content().split())) for a in el.iter("a"))
        if letters and linked / letters > 0.5:
            doomed.add(el)
    for el in doomed:
        parent = el.getparent()
        if parent is not None:
            previous = el.getprevious()
            if el.tail and previous is not None:
                previous.tail = (previous.tail or "") + el.tail
            elif el.tail:
                parent.text = (parent.text or "") + el.tail
            parent.remove(el)
    return [text for _, text in markup.paragraphs(container) if not _FOOTER_LINE.search(text)]


def _is_english(container: HtmlElement, language: str) -> bool:
    return language.startswith("en") or (not language and _mostly_latin(container.text_content()))


def _without_boilerplate(container: HtmlElement) -> list[str]:
    """jusText's classification with its English stop words (English pages only)."""
    import justext
    from lxml import html as lxml_html

    source = lxml_html.tostring(container, encoding="unicode")
    found = justext.justext(
        f"<html><body>{source}</body></html>",
        justext.get_stoplist("English"),
        stopwords_low=0.30,
        stopwords_high=0.32,
        length_low=70,
        length_high=200,
        encoding="utf-8",
    )
    return [p.text for p in found if not p.is_boilerplate]


def _mostly_latin(text: str) -> bool:
    sample = text[:5000]
    letters = [ch for ch in sample if ch.isalpha()]
    return bool(letters) and sum(ch < "\u0250" for ch in letters) / len(letters) > 0.8
