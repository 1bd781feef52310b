"""The header over an article in the reader."""

from __future__ import annotations

from rich.text import Text

from jjj_brief.app import safe_text
from jjj_brief.corpus import Article, Corpus


def article_header(article: Article, corpus: Corpus) -> Text:
    """The reader's header: title; outlet, date (how precise) and byline; where the text comes
    from (a machine translation, or an import's origin and translation pair)."""
    precision = {"day": "", "month": " (month only)", "year": " (year only)", "unknown": " (undated)"}.get(
        article.date_precision, ""
    )
    inferred = ", inferred" if article.date_inferred else ""
    rows = [
        safe_text.line(article.title, style="bold"),
        safe_text.parts(
            (article.outlet, "bold"),
            ("  ·  ", "dim"),
            (article.date, ""),
            (f"{precision}{inferred}", "dim"),
            ("  ·  ", "dim"),
            (", ".join(article.byline) if article.byline else "no byline", "italic"),
        ),
    ]
    language = article.language or ""
    if article.source == "seed" or "machine" in language.lower():
        rows.append(
            Text(
                "Machine translation from Chinese: wording and figures are as printed, defects included.",
                style="dim italic",
            )
        )
    else:
        from jjj_brief.figures.translation import import_note  # origin and pair (after the first paint)

        rows.append(safe_text.line(import_note(article, corpus), style="dim italic", limit=300))
    return safe_text.paragraphs(*rows)
