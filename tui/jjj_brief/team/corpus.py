"""The shared corpus on the server: articles, their search documents and figures.

Every search document (a passage, or a briefing topic, fact or glossary term) is one
``passages`` row built by the same code as the embedded engines' documents
(:func:`jjj_brief.search.documents.article_documents`), with ``terms``: our analyzer's
terms at their positions, written as a ``tsvector`` literal (no PostgreSQL text
configuration touches them: what is folded, stemmed or kept whole is decided here, the
same way for every engine). Figures go to the ``figures`` table by value and canonical
unit, so a value query is a range look-up.

Rows are written with ``COPY``; ids come from the identity sequence first, so figures
can name their passage. Every import is one transaction: whole or absent.
"""

from __future__ import annotations

import hashlib
import json
import operator
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jjj_brief.corpus import Article, Corpus
from jjj_brief.search.analyzer import TOKEN_PATTERN, index_terms, surface_analysis
from jjj_brief.search.documents import BRIEFING_BOOST, Doc, TopicLinks, article_documents, import_key
from jjj_brief.search.values import canonical_unit
from jjj_brief.team import champions
from jjj_brief.text_rules import term_positions

if TYPE_CHECKING:
    import psycopg

    from jjj_brief.library import Library
    from jjj_brief.team.connection import Team

MAX_POSITION = 16383  # tsvector positions stop here
MAX_POSITIONS_PER_TERM = 255
MAX_LEXEME_BYTES = 2046
MAX_TSVECTOR_BYTES = 900_000  # under the 1 MB a tsvector may hold
PASSAGE_COLUMNS = (
    "id",
    "kind",
    "article",
    "source_article",
    "file",
    "title",
    "outlet",
    "date",
    "year",
    "start_offset",
    "end_offset",
    "body",
    "outlet_terms",
    "topics",
    "import_key",
    "figures",
    "outlet_key",
    "date_key",
    "weight",
    "terms",
)
ARTICLE_FIELDS = (
    "date_precision",
    "date_inferred",
    "title_printed",
    "outlet_printed",
    "date_note",
    "byline",
    "language",
    "evidence",
    "provenance",
    "locators",
    "translation_of",
)


def _lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(text: str) -> str:
    """Our analyzer's terms of ``text`` with their positions (1-based), as a tsvector literal."""
    return _tsvector(text)[0]


def _tsvector(text: str) -> tuple[str, Collection[str]]:
    """The tsvector literal of ``text`` and the terms it keeps (see :func:`_tsvector_of`)."""
    return _tsvector_of(TOKEN_PATTERN.findall(text))


def _tsvector_of(surfaces: list[str]) -> tuple[str, Collection[str]]:
    """The tsvector literal of a text's surface tokens, and the terms it keeps.

    Usually one ``'term':position`` entry per occurrence, built without a loop of ours:
    the server's tsvector input merges a lexeme's entries, sorts its positions, drops
    repeats and caps them at :data:`MAX_POSITION`, which gives exactly the tsvector of the
    grouped literal (:func:`_grouped_tsvector`) as long as no term occurs more than
    :data:`MAX_POSITIONS_PER_TERM` times and nothing needs quoting or leaving out (a
    quote, backslash or NUL, an over-long term, a huge passage): those texts take the
    grouped literal."""
    pairs = term_positions(surfaces)[0]
    if not pairs:
        return "", ()
    terms, positions = zip(*pairs)
    kept = set(terms)
    if (len(pairs) > MAX_POSITIONS_PER_TERM and max(Counter(terms).values()) > MAX_POSITIONS_PER_TERM) or max(
        map(len, kept)
    ) * 4 > MAX_LEXEME_BYTES:
        return _grouped_tsvector(pairs)
    literal = " ".join(map("'{}':{}".format, terms, map(operator.add, positions, repeat(1))))
    if (
        "\\" in literal
        or "\x00" in literal
        or literal.count("'") != 2 * len(pairs)
        or len(literal) * 4 > MAX_TSVECTOR_BYTES
    ):
        return _grouped_tsvector(pairs)
    return literal, kept


def _grouped_tsvector(pairs: Iterable[tuple[str, int]]) -> tuple[str, Collection[str]]:
    """The tsvector literal of (term, position) pairs with each term's positions grouped
    (its first :data:`MAX_POSITIONS_PER_TERM`, 1-based, capped at :data:`MAX_POSITION`,
    repeats once), lexemes quoted, over-long or NUL-holding terms left out, a huge
    passage's terms without positions; and the terms it keeps."""
    positions: dict[str, list[int]] = {}
    for term, pos in pairs:
        at = positions.get(term)
        if at is None:
            positions[term] = [pos + 1]
        elif len(at) < MAX_POSITIONS_PER_TERM:
            at.append(pos + 1)
    for term in [t for t in positions if len(t) * 4 > MAX_LEXEME_BYTES or "\x00" in t]:
        if len(term.encode("utf-8", "surrogatepass")) > MAX_LEXEME_BYTES or "\x00" in term:
            del positions[term]
    parts = []
    for term, at in positions.items():
        quoted = _lexeme(term) if "'" in term or "\\" in term else f"'{term}'"
        if len(at) == 1:
            parts.append(f"{quoted}:{min(at[0], MAX_POSITION)}")
        else:
            kept = dict.fromkeys(min(p, MAX_POSITION) for p in at)
            parts.append(f"{quoted}:{','.join(map(str, kept))}")
    literal = " ".join(parts)
    if len(literal) * 4 > MAX_TSVECTOR_BYTES and len(literal.encode("utf-8", "surrogatepass")) > MAX_TSVECTOR_BYTES:
        literal = " ".join(_lexeme(term) for term in positions)  # a huge passage: terms only
        literal = literal.encode("utf-8", "surrogatepass")[:MAX_TSVECTOR_BYTES].decode("utf-8", "ignore")
        literal = literal[: literal.rfind("' ") + 1] if "' " in literal else literal
    return literal, list(positions)


@dataclass
class Counts:
    """Document counts a batch adds (or removes): folded words and index terms.

    A document's distinct surface tokens are tallied as they come and analyzed into
    words once per distinct token of the whole batch, when :attr:`words` is read (the
    same counts as analyzing each document's tokens, for a fraction of the work)."""

    terms: Counter[str] = field(default_factory=Counter)
    _words: Counter[str] = field(default_factory=Counter)
    _surfaces: Counter[str] = field(default_factory=Counter)

    @property
    def words(self) -> Counter[str]:
        if self._surfaces:
            for surface, documents in self._surfaces.items():
                parts, closed = surface_analysis(surface)
                for _, word in parts:
                    self._words[word] += documents
                if closed is not None:
                    self._words[closed[1]] += documents
            self._surfaces.clear()
        return self._words

    def add(self, body: str) -> None:
        self.add_analyzed(set(TOKEN_PATTERN.findall(body)), {term for term, _ in index_terms(body)})

    def add_analyzed(self, surfaces: Iterable[str], terms: Iterable[str]) -> None:
        """One document's distinct surface tokens and index terms."""
        self._surfaces.update(surfaces)
        self.terms.update(terms)


def apply_counts(conn: psycopg.Connection, counts: Counts, sign: int = 1) -> None:
    """Add (``sign`` 1) or take away (-1) a batch's counts (sorted: concurrent imports
    lock rows in the same order, so they never deadlock)."""
    for table, column, counter in (("search_vocab", "word", counts.words), ("search_terms", "term", counts.terms)):
        rows = sorted((key, sign * n) for key, n in counter.items() if n and "\x00" not in key)
        if not rows:
            continue
        with conn.cursor() as cur:
            cur.executemany(
                f"INSERT INTO {table} ({column}, docs) VALUES (%s, greatest(%s, 0)) "
                f"ON CONFLICT ({column}) DO UPDATE SET docs = greatest({table}.docs + %s, 0)",
                [(key, n, n) for key, n in rows],
            )
        conn.execute(f"DELETE FROM {table} WHERE docs = 0")


def figure_rows_of(
    passage_id: int, figures: Sequence[Sequence[Any]] | None
) -> Iterator[tuple[int, float, float, str | None, bool]]:
    for _start, _end, value, unit, tolerance, likely, likely_tolerance in figures or ():
        unit = canonical_unit(unit)
        yield (passage_id, float(value), float(tolerance), unit, False)
        if likely is not None:
            yield (passage_id, float(likely), float(likely_tolerance), unit, True)


def passage_row(passage_id: int, doc: Doc, source_article: str | None, counts: Counts | None = None) -> tuple[Any, ...]:
    """One ``passages`` row (in :data:`PASSAGE_COLUMNS` order) for an index document;
    ``counts`` gets its words and terms (analyzed once for both)."""
    from jjj_brief.search.analyzer import surface_analysis as analyze

    surfaces = TOKEN_PATTERN.findall(doc["body"])
    terms, kept = _tsvector_of(surfaces)
    if counts is not None:
        counts.add_analyzed(set(surfaces), kept)

    outlet_terms = sorted({t for w in TOKEN_PATTERN.findall(doc.get("outlet_terms") or "") for t, _ in analyze(w)[0]})
    topics = sorted(set((doc.get("topics") or "").split()))
    figures = doc.get("figures")
    return (
        passage_id,
        doc["kind"],
        doc["article"],
        source_article,
        doc.get("file"),
        doc.get("title") or "",
        doc.get("outlet") or "",
        doc.get("date") or "",
        doc.get("year") or None,
        int(doc.get("start") or 0),
        int(doc.get("end") or 0),
        doc["body"],
        outlet_terms,
        topics,
        doc.get("import_key"),
        json.dumps(figures, ensure_ascii=False) if figures else None,
        doc.get("outlet_key"),
        doc.get("date_key") or "~",
        BRIEFING_BOOST if doc.get("_boost", 1.0) == BRIEFING_BOOST else 1.0,
        terms,
    )


def new_passage_ids(conn: psycopg.Connection, n: int) -> list[int]:
    """``n`` ids from the passages' identity sequence (rows are written with their ids, so
    figures can name their passage)."""
    if n <= 0:
        return []
    rows = conn.execute(
        "SELECT nextval(pg_get_serial_sequence('passages', 'id')) FROM generate_series(1, %s)", (n,)
    ).fetchall()
    return [row[0] for row in rows]


def copy_documents(
    conn: psycopg.Connection, docs: Iterable[tuple[Doc, str | None]], counts: Counts | None = None
) -> int:
    """COPY documents (each with the article id it belongs to, None for briefing items)
    and their figures; returns how many. ``counts`` collects their words and terms."""
    batch = list(docs)
    ids = new_passage_ids(conn, len(batch))
    figure_rows: list[tuple[int, float, float, str | None, bool]] = []
    with conn.cursor() as cur:
        with cur.copy(f"COPY passages ({', '.join(PASSAGE_COLUMNS)}) FROM STDIN") as copy:
            for passage_id, (doc, source) in zip(ids, batch):
                copy.write_row(passage_row(passage_id, doc, source, counts))
                figure_rows.extend(figure_rows_of(passage_id, doc.get("figures")))
        if figure_rows:
            with cur.copy("COPY figures (passage, value, tolerance, unit, likely) FROM STDIN") as copy:
                for row in figure_rows:
                    copy.write_row(row)
    champions.note_new_passages(conn, ids)
    return len(batch)


def article_row(article: Article, key: str | None) -> tuple[Any, ...]:
    record = {name: getattr(article, name) for name in ARTICLE_FIELDS}
    record["locators"] = [list(pair) for pair in record["locators"]]
    return (
        article.id,
        article.source,
        article.file,
        article.title,
        article.outlet,
        article.date,
        article.text,
        json.dumps(record, ensure_ascii=False, default=str),
        key,
    )


def store_articles(
    conn: psycopg.Connection,
    articles: Iterable[Article],
    *,
    links: TopicLinks | None = None,
    collection_size: int = 0,
    counts: Counts | None = None,
    on_article: Callable[[Article], None] | None = None,
    corpus: Callable[[], Corpus] | None = None,
) -> int:
    """Insert articles (replacing any with the same id) and their documents; returns passages
    written. ``corpus``: what cross-article figure flags are computed over (see
    :func:`jjj_brief.search.documents.article_figures_for_index`)."""
    from jjj_brief.search.documents import article_figures_for_index

    written = 0
    for article in articles:
        key = import_key(article) if article.source == "import" else None
        remove_article(conn, article.id)
        conn.execute(
            "INSERT INTO articles (id, source, file, title, outlet, date, text, record, import_key)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s)",
            article_row(article, key),
        )
        figures = article_figures_for_index(article, collection_size, corpus)
        docs = article_documents(article, links, article_figures=figures, key=key)
        written += copy_documents(conn, ((doc, article.id) for doc in docs), counts)
        if on_article is not None:
            on_article(article)
    return written


def remove_article(conn: psycopg.Connection, article_id: str) -> bool:
    """Delete an article and its documents; their counts are taken away. True if it was there."""
    rows = conn.execute("SELECT id, body FROM passages WHERE source_article = %s", (article_id,)).fetchall()
    champions.forget_passages(conn, [row[0] for row in rows])
    bodies = [row[1] for row in rows]
    found = conn.execute("DELETE FROM articles WHERE id = %s RETURNING id", (article_id,)).fetchone()
    if bodies:
        gone = Counts()
        for body in bodies:
            gone.add(body)
        apply_counts(conn, gone, -1)
    return found is not None


def record_fields(record: dict[str, Any]) -> dict[str, Any]:
    """An article's stored ``record`` (jsonb) as :class:`Article` keyword arguments."""
    fields = {name: record[name] for name in ARTICLE_FIELDS if name in record}
    fields["locators"] = [tuple(pair) for pair in fields.get("locators", [])]
    return fields


def load_articles(conn: psycopg.Connection, source: str | None = None) -> list[Article]:
    """The server's articles as :class:`Article` objects (``source``: only seeds or imports)."""
    query = "SELECT id, source, file, title, outlet, date, text, record FROM articles"
    rows = conn.execute(
        query + (" WHERE source = %s" if source else "") + " ORDER BY imported_at, id", (source,) if source else None
    )
    out = []
    for article_id, kind, file, title, outlet, date, text, record in rows:
        out.append(
            Article(
                id=article_id,
                file=file,
                path=Path("team") / file,
                text=text,
                title=title,
                outlet=outlet,
                date=date,
                source=kind,
                **record_fields(record),
            )
        )
    return out


def shipped_fingerprint(sources: Any) -> str:
    """What the shipped rows were loaded from (seeds, briefings, analyzer, document schema)."""
    digest = hashlib.sha256(sources.base_fingerprint().encode())
    digest.update(b"team-corpus-1")
    return digest.hexdigest()[:32]


def bump_corpus_version(conn: psycopg.Connection) -> None:
    """Tell every searcher the corpus changed (cached vocabulary and settings are re-read),
    and bring the champion lists up to date."""
    conn.execute(
        "INSERT INTO team_settings (key, value) VALUES ('corpus_version', gen_random_uuid()::text) "
        "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
    )
    champions.refresh(conn)  # the lists of common terms follow the change (same transaction)


def share_articles(articles: Sequence[Article], library: Library) -> int:
    """Store imported articles on the team server, all in one transaction (whole or absent);
    returns the passages written. ``library``: the briefings they are linked to, the corpus
    their figures are checked against."""
    from jjj_brief.search.documents import topic_links
    from jjj_brief.search.index import collect_sources

    if not articles:
        return 0
    briefings = collect_sources(
        refresh=False, where=library.paths, load=library.briefings, warnings=library.warnings
    ).briefings
    links = topic_links(briefings, articles)
    with library.team().write() as conn:
        size = conn.execute("SELECT count(*) FROM articles").fetchone()[0] + len(articles)
        counts = Counts()
        written = store_articles(
            conn, articles, links=links, collection_size=size, counts=counts, corpus=library.corpus
        )
        apply_counts(conn, counts)
        bump_corpus_version(conn)
    return written


def unshare_article(article_id: str, team: Team) -> bool:
    """Remove an imported article from the team server (``team``: the library's pools); True
    if it was there."""
    with team.write() as conn:
        row = conn.execute("SELECT source FROM articles WHERE id = %s", (article_id,)).fetchone()
        if row is None or row[0] != "import":
            return False
        remove_article(conn, article_id)
        bump_corpus_version(conn)
    return True
