"""What goes into the index: one document per passage and per briefing item.

Passages are an article's paragraphs (repeats skipped: a paragraph printed twice in one
article counts once), each with its offsets, so a hit opens the reader at the spot.
Briefing items — topics, facts, glossary terms — are documents of their own kinds.
Stored fields are only what a result line and its snippet need.

Numbers by value: each passage carries its figures' value keys (``values``, terms from
:func:`jjj_brief.search.values.figure_keys`) and their compact stored form (``figures``)
for the check at hit time. The figures come from the figure layer: with cross-article
flags (:func:`jjj_brief.figures.article_figures`) while the collection has at most
:data:`CROSS_ARTICLE_COLLECTION` articles, the article's own flags beyond (the cross
check compares every article with every other). ``outlet_key`` and ``date_key`` are
for facet counts and ``sort:date``.

:data:`FIELDS` is the one definition of the index's fields: every engine derives its
schema from it (Whoosh: :mod:`jjj_brief.search.whoosh_engine`, tantivy:
:mod:`jjj_brief.search.tantivy_engine`) and indexes each declared field generically, so
adding a field here adds it to every engine. Field kinds:

* ``text``: analyzed by :mod:`jjj_brief.search.analyzer`; ``positions`` for phrases.
* ``keyword``: exact values, not analyzed (filters); ``multi``: the value is a
  space-separated list of keywords (``topics``, ``values``).
* ``stored``: kept for the result line, not searchable; ``value`` ``int`` or ``object``
  (any JSON-able value: ``figures``).

Any field may be ``stored``; ``sortable`` keyword fields can be read per document in
bulk (grouping by article).
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from jjj_brief.corpus import Article, Corpus
from jjj_brief.search.analyzer import IndexAnalyzer, index_terms

if TYPE_CHECKING:
    from jjj_brief.figures import Figure
    from jjj_brief.search.figure_cache import FigureCache

SCHEMA_VERSION = "jjj-schema-4"
# Briefing items are short, so BM25 ranks them above the passages they summarise; this
# document boost keeps them in the list without crowding the articles out.
BRIEFING_BOOST = 0.5
KINDS = ("passage", "topic", "fact", "glossary")
CROSS_ARTICLE_COLLECTION = 200
NO_DATE = "~"  # sorts after every ISO date: briefing items come last by date


@dataclass(frozen=True)
class FieldSpec:
    """One index field, declared once for every engine."""

    name: str
    kind: Literal["text", "keyword", "stored"]
    stored: bool = False
    positions: bool = True  # text: keep positions (phrases)
    multi: bool = False  # keyword: a space-separated list of values
    sortable: bool = False  # keyword: a column readable per document (grouping, sorting, facets)
    value: type = str  # stored: str, int or object (JSON-able)


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("kind", "keyword", stored=True, sortable=True),
    FieldSpec("article", "keyword", stored=True, sortable=True),
    FieldSpec("file", "stored"),
    FieldSpec("title", "stored"),
    FieldSpec("outlet", "stored"),
    FieldSpec("date", "stored"),
    FieldSpec("start", "stored", value=int),
    FieldSpec("end", "stored", value=int),
    FieldSpec("year", "keyword", sortable=True),
    FieldSpec("outlet_terms", "text", positions=False),
    FieldSpec("topics", "keyword", multi=True),
    FieldSpec("import_key", "keyword"),
    FieldSpec("body", "text", stored=True),
    FieldSpec("values", "keyword", multi=True),
    FieldSpec("figures", "stored", value=object),
    FieldSpec("outlet_key", "keyword", sortable=True),
    FieldSpec("date_key", "keyword", sortable=True),
)
FIELDS_BY_NAME = {spec.name: spec for spec in FIELDS}
TEXT_FIELDS = tuple(spec.name for spec in FIELDS if spec.kind == "text")
STORED_FIELDS = tuple(spec.name for spec in FIELDS if spec.stored or spec.kind == "stored")


Doc = dict[str, Any]


def with_analysis(doc: Doc, analyzer: IndexAnalyzer) -> Doc:
    """``doc`` with what the engine's writer is fed: ``_terms`` (each text field's (term,
    position) pairs; the body's with the glossary phrases of ``analyzer`` marked, since only
    body phrases are searched as glossary terms) and ``_surfaces`` (the body's distinct
    surface words, for the vocabulary). A doc analyzed already (in a worker process) is
    returned as it is."""
    if "_terms" in doc:
        return doc
    found: dict[str, list[tuple[str, int]]] = {}
    for name in TEXT_FIELDS:
        value = doc.get(name)
        if value is None:
            continue
        if name == "body":
            found[name], doc["_surfaces"] = analyzer.terms_and_surfaces(str(value))
        else:
            found[name] = index_terms(str(value))
    doc.setdefault("_surfaces", set())
    doc["_terms"] = found
    return doc


@dataclass
class TopicLinks:
    """Which topics each article span belongs to (from topic passages and fact quotes)."""

    spans: dict[str, list[tuple[int, int, frozenset[str]]]] = field(default_factory=dict)

    def topics_for(self, article_id: str, start: int, end: int) -> set[str]:
        found: set[str] = set()
        for s, e, topic_ids in self.spans.get(article_id, ()):
            if s < end and start < e:
                found |= topic_ids
        return found


def import_key(article: Article) -> str:
    """Identifies an imported article's indexed content: id plus a hash of what we index."""
    digest = hashlib.sha256()
    for part in (article.id, article.file, article.title, article.outlet, article.date, article.text):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return f"{article.id}:{digest.hexdigest()[:20]}"


def article_figures_for_index(
    article: Article, collection_size: int, corpus: Callable[[], Corpus] | None = None
) -> list[Figure]:
    """The figure layer's figures of ``article`` (see the module docstring for which flags);
    cross-article flags are computed over ``corpus()`` in a collection small enough for
    them (a caller that has no corpus gets none: the workers of a large build)."""
    from jjj_brief import figures

    if collection_size <= CROSS_ARTICLE_COLLECTION and corpus is not None:
        return figures.article_figures(article, corpus())
    return figures.extract_figures(article.text)


FieldsByStart = dict[int, tuple[list[tuple[Any, ...]], str]]  # passage start -> (stored figure rows, value keys)


def figure_fields(article: Article, article_figures: list[Figure] | None) -> FieldsByStart:
    """Each passage's ``figures`` (stored rows) and ``values`` (keys), by passage start;
    passages without a valued figure are left out."""
    from jjj_brief.search import values

    # Each passage is given only the figures starting inside it (by bisection): handing
    # every passage all of the article's figures was quadratic (100,000 one-line
    # paragraphs, each with a number: the hostile import's index build never ended).
    ordered = sorted(article_figures or (), key=lambda f: f.start)
    if not ordered:
        return {}
    starts = [f.start for f in ordered]
    out: FieldsByStart = {}
    for paragraph in article.paragraphs:
        if paragraph.is_repeat:
            continue
        inside = ordered[bisect.bisect_left(starts, paragraph.start) : bisect.bisect_left(starts, paragraph.end)]
        if not inside:
            continue
        stored = values.stored_figures(inside, paragraph.start, paragraph.end)
        if stored:
            out[paragraph.start] = ([f.as_tuple() for f in stored], " ".join(values.figure_keys(stored)))
    return out


def import_figure_fields(
    article: Article,
    key: str,
    collection_size: int,
    cache: FigureCache | None = None,
    corpus: Callable[[], Corpus] | None = None,
) -> FieldsByStart:
    """:func:`figure_fields` of an import, from ``cache`` (a
    :class:`jjj_brief.search.figure_cache.FigureCache`) when it has them; computed (and
    kept there) otherwise. Collections small enough for cross-article flags are not
    cached: those flags change with the rest of the corpus."""
    if cache is None or collection_size <= CROSS_ARTICLE_COLLECTION:
        return figure_fields(article, article_figures_for_index(article, collection_size, corpus))
    found = cache.get(key, article.text)
    if found is None:
        found = figure_fields(article, article_figures_for_index(article, collection_size, corpus))
        cache.put(key, article.text, found)
    return found


def article_documents(
    article: Article,
    links: TopicLinks | None = None,
    *,
    article_figures: list[Figure] | None = None,
    key: str | None = None,
    fields: FieldsByStart | None = None,
) -> Iterator[Doc]:
    """One document per passage; an import's documents carry ``key`` (default: :func:`import_key`).

    The figure fields come from ``fields`` (see :func:`figure_fields`) or are made from
    ``article_figures``."""
    if fields is None:
        fields = figure_fields(article, article_figures)
    year = str(article.year) if article.year else ""
    common: Doc = {
        "kind": "passage",
        "article": article.id,
        "file": article.file,
        "title": article.title,
        "outlet": article.outlet,
        "date": article.date,
        "year": year,
        "outlet_terms": article.outlet,
        "outlet_key": article.outlet or None,
        "date_key": article.date or NO_DATE,
    }
    if article.source == "import":
        common["import_key"] = key or import_key(article)
    for paragraph in article.paragraphs:
        if paragraph.is_repeat:
            continue
        doc = dict(common, start=paragraph.start, end=paragraph.end, body=paragraph.text)
        found = fields.get(paragraph.start)
        if found is not None:
            doc["figures"], doc["values"] = found
        if links is not None:
            topic_ids = links.topics_for(article.id, paragraph.start, paragraph.end)
            if topic_ids:
                doc["topics"] = " ".join(sorted(t.lower() for t in topic_ids))
        yield doc


def briefing_documents(briefings: Any) -> Iterator[Doc]:
    """Topics, facts and glossary terms (duck-typed on the briefings loader's models)."""
    if briefings is None:
        return
    parents = {t.id: t.parent for t in getattr(briefings, "topics", [])}
    for topic in getattr(briefings, "topics", []):
        lines = [topic.title, topic.summary, *getattr(topic, "key_points", [])]
        yield _briefing_doc("topic", topic.id, topic.title, lines, _with_parent(topic.id, parents))
    for fact in getattr(briefings, "facts", []):
        quotes = [claim.quote for claim in getattr(fact, "claims", [])]
        lines = [fact.subject, fact.explanation, *quotes]
        yield _briefing_doc("fact", fact.id, fact.subject, lines, _with_parent(fact.topic, parents))
    for term in getattr(briefings, "glossary", []):
        aliases = list(getattr(term, "aliases", []))
        lines = [term.term, "; ".join(aliases), term.gloss]
        yield _briefing_doc("glossary", term.id, term.term, [line for line in lines if line], set())


def _with_parent(topic_id: str | None, parents: dict[str, str | None]) -> set[str]:
    found: set[str] = set()
    while topic_id and topic_id not in found:
        found.add(topic_id)
        topic_id = parents.get(topic_id)
    return found


def _briefing_doc(kind: str, item_id: str, title: str, lines: list[str], topics: set[str]) -> Doc:
    doc: Doc = {
        "kind": kind,
        "article": item_id,
        "file": None,
        "title": title,
        "outlet": "",
        "date": "",
        "start": 0,
        "end": 0,
        "body": "\n".join(lines),
        "date_key": NO_DATE,
        "_boost": BRIEFING_BOOST,
    }
    if topics:
        doc["topics"] = " ".join(sorted(t.lower() for t in topics))
    return doc


def linked_article_ids(briefings: Any) -> set[str]:
    """The articles a topic passage or a fact quote names (the only ones
    :func:`topic_links` can give topics to)."""
    ids: set[str] = set()
    for topic in getattr(briefings, "topics", None) or []:
        ids.update(passage.article for passage in getattr(topic, "passages", []))
    for fact in getattr(briefings, "facts", None) or []:
        ids.update(claim.article for claim in getattr(fact, "claims", []))
    return ids


def topic_links(briefings: Any, articles: Iterable[Article]) -> TopicLinks:
    """Map topic passages and fact quotes to article spans, so ``topic:`` can filter passages."""
    links = TopicLinks()
    if briefings is None:
        return links
    texts = {a.id: a.text for a in articles}
    parents = {t.id: t.parent for t in getattr(briefings, "topics", [])}

    def add(article_id: str, quote: str, topic_id: str | None) -> None:
        text = texts.get(article_id)
        if not text or not quote or not topic_id:
            return
        at = text.find(quote)
        if at >= 0:
            topic_ids = frozenset(_with_parent(topic_id, parents))
            links.spans.setdefault(article_id, []).append((at, at + len(quote), topic_ids))

    for topic in getattr(briefings, "topics", []):
        for passage in getattr(topic, "passages", []):
            add(passage.article, passage.quote, topic.id)
    for fact in getattr(briefings, "facts", []):
        for claim in getattr(fact, "claims", []):
            add(claim.article, claim.quote, fact.topic)
    return links
