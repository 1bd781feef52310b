"""Briefs that carry the analyst's work: one document model, rendered as Markdown, HTML
(self-contained: no script, no link, no external reference) and DOCX (python-docx), and
its sources as CSL-JSON, BibTeX and RIS.

A :class:`Brief` is built from a curated fact or topic, one of your claims, a saved
search's results, or a selection of notes. Every quote it carries is a :class:`Source`
with outlet, date, title, the exact words, their offsets and — for imports — the SHA-256
of the imported file, so a citation can be checked against what was read.

All text here is untrusted (articles, imports, YAML, the analyst's notes): control
characters are blanked, Markdown is escaped, HTML is escaped, nothing is ever markup.
"""

from __future__ import annotations

import html
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from jjj_brief.safety import display_safe, one_line

FORMATS = ("md", "html", "docx", "csl-json", "bibtex", "ris")
BINARY_FORMATS = ("docx",)
SUFFIXES = {"md": ".md", "html": ".html", "docx": ".docx", "csl-json": ".json", "bibtex": ".bib", "ris": ".ris"}


@dataclass(frozen=True)
class Source:
    """One cited quote: where it is, who printed it, when."""

    article: str
    outlet: str
    date: str
    title: str
    quote: str
    start: int | None
    end: int | None
    sha256: str = ""  # of the imported file (imports only)
    orphaned: bool = False
    locator: str = ""  # the original's page or chapter at the quote ("p. 12", "ch. 3"; imports only)

    @property
    def key(self) -> str:
        return re.sub(r"[^A-Za-z0-9-]+", "-", f"{self.article}-{self.start if self.start is not None else 'q'}")

    @property
    def offsets(self) -> str:
        return f"{self.start}-{self.end}" if self.start is not None else "not found"

    def cite(self) -> str:
        where = f", {one_line(self.locator)}" if self.locator else ""
        return f"{one_line(self.outlet)}, {one_line(self.date) or 'undated'}, “{one_line(self.title)}”{where}"


@dataclass(frozen=True)
class Block:
    """``heading`` (level), ``para``, ``quote`` (with a source), ``item`` (a list item), ``label``
    (a bold lead-in then text)."""

    kind: str
    text: str
    level: int = 2
    source: Source | None = None
    detail: str = ""
    lead: str = ""


@dataclass
class Brief:
    title: str
    blocks: list[Block] = field(default_factory=list)

    def heading(self, text: str, level: int = 2) -> None:
        self.blocks.append(Block("heading", text, level=level))

    def para(self, text: str, lead: str = "") -> None:
        self.blocks.append(Block("para", text, lead=lead))

    def item(self, text: str) -> None:
        self.blocks.append(Block("item", text))

    def quote(self, source: Source, detail: str = "", note: str = "") -> None:
        self.blocks.append(Block("quote", source.quote, source=source, detail=detail, lead=note))

    @property
    def sources(self) -> list[Source]:
        seen: dict[tuple[str, int | None, str], Source] = {}
        for block in self.blocks:
            if block.source is not None:
                seen.setdefault((block.source.article, block.source.start, block.source.quote), block.source)
        return list(seen.values())


# ---------------------------------------------------------------------- Markdown

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}<>#|~!])")


def _md(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", one_line(text or ""))


def to_markdown(brief: Brief) -> str:
    lines = [f"# {_md(brief.title)}", ""]
    for block in brief.blocks:
        if block.kind == "heading":
            lines += [f"{'#' * max(2, min(6, block.level))} {_md(block.text)}", ""]
        elif block.kind == "para":
            lead = f"**{_md(block.lead)}** " if block.lead else ""
            lines += [lead + _md(block.text), ""]
        elif block.kind == "item":
            lines.append(f"- {_md(block.text)}")
        elif block.kind == "quote" and block.source:
            source = block.source
            lines += [
                f"> “{_md(source.quote)}”",
                ">",
                f"> — {_md(source.cite())}, characters {source.offsets}"
                + (f" ({_md(block.detail)})" if block.detail else ""),
            ]
            if source.orphaned:
                lines += [">", "> *Orphaned: this quote is no longer in the article.*"]
            if block.lead:
                lines += [">", f"> *Note: {_md(block.lead)}*"]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# ---------------------------------------------------------------------- HTML

_STYLE = """
body { font-family: Georgia, serif; max-width: 46em; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
blockquote { border-left: 4px solid #b38b00; margin: 1em 0; padding: .2em 1em; background: #fbf8ec; }
.cite { color: #555; font-size: .9em; }
.orphan { color: #a00; }
.note { font-style: italic; }
"""


def _h(text: str) -> str:
    """Untrusted text as inert HTML: controls blanked, every special character escaped."""
    return html.escape(display_safe(text or ""), quote=True)


def to_html(brief: Brief) -> str:
    """A self-contained page: inline style only, no script, no link, no image, no URL."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{_h(brief.title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{_h(brief.title)}</h1>",
    ]
    in_list = False
    for block in brief.blocks:
        if block.kind == "item":
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{_h(block.text)}</li>")
            continue
        if in_list:
            out.append("</ul>")
            in_list = False
        if block.kind == "heading":
            level = max(2, min(6, block.level))
            out.append(f"<h{level}>{_h(block.text)}</h{level}>")
        elif block.kind == "para":
            lead = f"<strong>{_h(block.lead)}</strong> " if block.lead else ""
            out.append(f"<p>{lead}{_h(block.text)}</p>")
        elif block.kind == "quote" and block.source:
            source = block.source
            detail = f" ({_h(block.detail)})" if block.detail else ""
            out.append(f"<blockquote><p>“{_h(source.quote)}”</p>")
            out.append(f'<p class="cite">— {_h(source.cite())}, characters {_h(source.offsets)}{detail}</p>')
            if source.orphaned:
                out.append('<p class="orphan">Orphaned: this quote is no longer in the article.</p>')
            if block.lead:
                out.append(f'<p class="note">Note: {_h(block.lead)}</p>')
            out.append("</blockquote>")
    if in_list:
        out.append("</ul>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------- DOCX


def _docx_text(text: str) -> str:
    """XML 1.0 refuses most control characters: blank them (same as on screen)."""
    return display_safe(text or "").replace("\x00", " ")


def to_docx(brief: Brief) -> bytes:
    try:
        from docx import Document
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        from jjj_brief.corpus import UserError

        raise UserError("DOCX export needs python-docx (pip install python-docx)") from exc
    document = Document()
    document.core_properties.title = _docx_text(one_line(brief.title))
    document.add_heading(_docx_text(brief.title), level=0)
    for block in brief.blocks:
        if block.kind == "heading":
            document.add_heading(_docx_text(block.text), level=max(1, min(9, block.level - 1)))
        elif block.kind == "para":
            paragraph = document.add_paragraph()
            if block.lead:
                paragraph.add_run(_docx_text(block.lead) + " ").bold = True
            paragraph.add_run(_docx_text(block.text))
        elif block.kind == "item":
            document.add_paragraph(_docx_text(block.text), style="List Bullet")
        elif block.kind == "quote" and block.source:
            source = block.source
            document.add_paragraph(_docx_text(f"“{source.quote}”"), style="Quote")
            detail = f" ({block.detail})" if block.detail else ""
            cite = document.add_paragraph()
            cite.add_run(_docx_text(f"— {source.cite()}, characters {source.offsets}{detail}")).italic = True
            if source.orphaned:
                document.add_paragraph("Orphaned: this quote is no longer in the article.")
            if block.lead:
                document.add_paragraph().add_run(_docx_text(f"Note: {block.lead}")).italic = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------- citations


def _date_parts(date: str) -> list[int]:
    return [int(part) for part in date.split("-") if part.isdigit()][:3]


def _source_note(source: Source) -> list[str]:
    lines = [f"quote: {one_line(source.quote)}", f"article: {one_line(source.article)}", f"offsets: {source.offsets}"]
    if source.sha256:
        lines.append(f"sha256: {source.sha256}")
    if source.locator:
        lines.append(f"in the original: {one_line(source.locator)}")
    if source.orphaned:
        lines.append("orphaned: the quote is no longer in the article")
    return lines


def to_csl_json(sources: list[Source]) -> str:
    items: list[dict[str, Any]] = []
    for source in sources:
        item: dict[str, Any] = {
            "id": source.key,
            "type": "article-newspaper",
            "title": one_line(source.title),
            "container-title": one_line(source.outlet),
            "note": "\n".join(_source_note(source)),
            "source": "jjj-brief",
        }
        parts = _date_parts(source.date)
        if parts:
            item["issued"] = {"date-parts": [parts]}
        if source.locator.startswith("p. "):
            item["page"] = source.locator[3:]
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


_BIBTEX_SPECIAL = re.compile(r"([\\{}$&%#_^~])")
_BIBTEX_REPLACE = {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}


def _bib(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_REPLACE.get(m.group(1), "\\" + m.group(1)), one_line(text or ""))


def to_bibtex(sources: list[Source]) -> str:
    entries = []
    for source in sources:
        fields = [("title", _bib(source.title)), ("journal", _bib(source.outlet))]
        parts = _date_parts(source.date)
        if parts:
            fields.append(("year", str(parts[0])))
            fields.append(("date", "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))))
        if source.locator.startswith("p. "):  # the imported original's page (#17)
            fields.append(("pages", _bib(source.locator[3:])))
        fields.append(("note", _bib("; ".join(_source_note(source)))))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        entries.append(f"@article{{{source.key},\n{body}\n}}")
    return "\n\n".join(entries) + "\n"


def to_ris(sources: list[Source]) -> str:
    records = []
    for source in sources:
        lines = ["TY  - NEWS", f"TI  - {one_line(source.title)}", f"T2  - {one_line(source.outlet)}"]
        parts = _date_parts(source.date)
        if parts:
            lines.append(f"PY  - {parts[0]}")
            lines.append(
                "DA  - " + "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts)) + "/" * (3 - len(parts))
            )
        if source.locator.startswith("p. "):
            lines.append(f"SP  - {one_line(source.locator[3:])}")
        lines += [f"N1  - {line}" for line in _source_note(source)]
        lines += [f"ID  - {source.key}", "ER  - "]
        records.append("\n".join(lines))
    return "\n\n".join(records) + "\n"


def render(brief: Brief, fmt: str) -> str | bytes:
    if fmt == "md":
        return to_markdown(brief)
    if fmt == "html":
        return to_html(brief)
    if fmt == "docx":
        return to_docx(brief)
    if fmt == "csl-json":
        return to_csl_json(brief.sources)
    if fmt == "bibtex":
        return to_bibtex(brief.sources)
    if fmt == "ris":
        return to_ris(brief.sources)
    raise ValueError(f"unknown format {fmt!r}")
