"""A bulk load of articles into the team corpus: rows prepared as ``COPY`` text by worker
processes, written by one connection.

:func:`prepare_rows` turns articles into the very rows :mod:`jjj_brief.team.corpus` writes
(:func:`~jjj_brief.team.corpus.article_row`, :func:`~jjj_brief.team.corpus.passage_row`,
:func:`~jjj_brief.team.corpus.figure_rows_of`), already in ``COPY``'s text format, so the
process that writes them does no work per value: it only numbers the passages (ids come
from the server's sequence when the rows are written) and hands the text on
(:func:`write_rows`). A pool of workers preparing the next batches while the writer copies
the last one keeps both cores busy. Everything that makes rows is shared with
:func:`~jjj_brief.team.corpus.store_articles`; only the wire format differs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jjj_brief.corpus import Article
from jjj_brief.team.corpus import (
    PASSAGE_COLUMNS,
    Counts,
    article_row,
    figure_rows_of,
    new_passage_ids,
    passage_row,
)

if TYPE_CHECKING:
    import psycopg

ARTICLE_COLUMNS = ("id", "source", "file", "title", "outlet", "date", "text", "record", "import_key")
FIGURE_COLUMNS = ("passage", "value", "tolerance", "unit", "likely")
NULL = "\\N"


def copy_field(value: Any) -> str:
    """``value`` as one field of ``COPY``'s text format (as psycopg's ``write_row`` sends it:
    backslash, newline, carriage return and tab escaped; None as ``\\N``; a list of
    strings as an array literal)."""
    if value is None:
        return NULL
    if isinstance(value, str):
        return _escaped(value)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return _escaped(_array_literal(value))
    raise TypeError(f"no COPY text for {type(value).__name__}")


def _escaped(text: str) -> str:
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if "\n" in text:
        text = text.replace("\n", "\\n")
    if "\r" in text:
        text = text.replace("\r", "\\r")
    if "\t" in text:
        text = text.replace("\t", "\\t")
    return text


def _array_literal(items: Sequence[str]) -> str:
    quoted = ('"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"' for item in items)
    return "{" + ",".join(quoted) + "}"


def copy_line(row: Iterable[Any]) -> str:
    """One row as a line of ``COPY``'s text format."""
    return "\t".join(map(copy_field, row)) + "\n"


@dataclass
class PreparedRows:
    """A batch's rows as ``COPY`` text: its articles whole; its passages without their id
    (the first column), in order; its figures as (the passage's place in the batch, the
    line without the passage id); the words and index terms the batch adds."""

    articles: str
    passages: list[str]
    figures: list[tuple[int, str]]
    words: Counter[str]
    terms: Counter[str]


def prepare_rows(articles: Iterable[Article], collection_size: int) -> PreparedRows:
    """The rows of ``articles`` as a bulk load writes them: no topic links and no
    cross-article figure flags (a collection of ``collection_size`` articles, as
    :func:`jjj_brief.search.documents.article_figures_for_index` decides without a corpus)."""
    from jjj_brief.search.documents import article_documents, article_figures_for_index, import_key

    article_lines: list[str] = []
    passages: list[str] = []
    figures: list[tuple[int, str]] = []
    counts = Counts()
    for article in articles:
        key = import_key(article) if article.source == "import" else None
        article_lines.append(copy_line(article_row(article, key)))
        found = article_figures_for_index(article, collection_size)
        for doc in article_documents(article, article_figures=found, key=key):
            at = len(passages)
            passages.append(copy_line(passage_row(0, doc, article.id, counts)[1:]))
            figures.extend((at, copy_line(row[1:])) for row in figure_rows_of(0, doc.get("figures")))
    return PreparedRows("".join(article_lines), passages, figures, counts.words, counts.terms)


def write_rows(conn: psycopg.Connection, prepared: PreparedRows) -> list[int]:
    """COPY a prepared batch (articles, passages numbered from the passage sequence,
    figures); returns the passages' ids. The caller's transaction: commit it, or not."""
    ids = new_passage_ids(conn, len(prepared.passages))
    with conn.cursor() as cur:
        with cur.copy(f"COPY articles ({', '.join(ARTICLE_COLUMNS)}) FROM STDIN") as copy:
            copy.write(prepared.articles)
        with cur.copy(f"COPY passages ({', '.join(PASSAGE_COLUMNS)}) FROM STDIN") as copy:
            copy.write("".join(f"{passage_id}\t{line}" for passage_id, line in zip(ids, prepared.passages)))
        if prepared.figures:
            with cur.copy(f"COPY figures ({', '.join(FIGURE_COLUMNS)}) FROM STDIN") as copy:
                copy.write("".join(f"{ids[at]}\t{line}" for at, line in prepared.figures))
    return ids
