"""The tantivy engine: schema, writing and searching for large collections.

tantivy (a Rust search library, PyPI package ``tantivy``) ranks inside its index with
block-max WAND, so a top 10 does not score every match, and its count is cheap. It never
analyzes our text: every text field is handed our analyzer's terms and positions as a
pre-tokenized string, so both engines index exactly the same terms (same case folding,
stemming, compounds, numbers, CJK bigrams). Queries are compiled from the neutral tree
(:mod:`jjj_brief.search.query`). Snippets and highlights stay ours (``api``).

Mapping of :data:`jjj_brief.search.documents.FIELDS`:

* ``text`` -> text field, pre-tokenized, positions (or frequencies only);
* ``keyword`` -> text field with the ``raw`` tokenizer (one term per value; ``multi``
  values are added one by one), a fast column when ``sortable``;
* ``stored`` -> stored only: bytes (str) or integer, not indexed.

Whoosh's document boost (briefing items weigh half) is the fast field ``doc_weight``:
tantivy multiplies a score by ``log2(2 + weight)``, so passages get 2.0 (x2) and
briefing items 0 (x1).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import singledispatch
from pathlib import Path
from typing import Any

import tantivy

from jjj_brief.search import query as q
from jjj_brief.search.analyzer import Pairs
from jjj_brief.search.documents import BRIEFING_BOOST, FIELDS, FIELDS_BY_NAME, Doc
from jjj_brief.search.errors import IndexUnavailable
from jjj_brief.search.query import Node

NAME = "tantivy"
WEIGHT_FIELD = "doc_weight"
PASSAGE_WEIGHT = 2.0  # log2(2 + 2) = 2: twice a briefing item (log2(2 + 0) = 1)
WRITER_HEAP = 64_000_000
GROUP_SCAN = 8  # grouping: fetch this many hits per wanted article at first
FACET_SIZE = 1_000  # values per facet (outlets, years, kinds)


def make_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for spec in FIELDS:
        if spec.kind == "text":
            builder.add_text_field(
                spec.name,
                stored=spec.stored,
                tokenizer_name="raw",
                index_option="position" if spec.positions else "freq",
            )
        elif spec.kind == "keyword":
            builder.add_text_field(
                spec.name, stored=spec.stored, fast=spec.sortable, tokenizer_name="raw", index_option="basic"
            )
        elif spec.value is int:
            builder.add_integer_field(spec.name, stored=True)
        else:
            builder.add_bytes_field(spec.name, stored=True)
    builder.add_float_field(WEIGHT_FIELD, fast=True)
    return builder.build()


def pre_tokenized(text: str, pairs: Pairs) -> tantivy.PreTokenizedString:
    """Our analyzer's terms at their positions (offsets unused: snippets are ours): ``pairs``
    from the build's :class:`~jjj_brief.search.analyzer.IndexAnalyzer` (``doc["_terms"]``)."""
    token = tantivy.Token
    return tantivy.PreTokenizedString(text, [token(term, pos, 0, 0) for term, pos in pairs])


def to_document(doc: Doc) -> tantivy.Document:
    out = tantivy.Document()
    for name, value in doc.items():
        if value is None or name.startswith("_"):
            continue
        spec = FIELDS_BY_NAME.get(name)
        if spec is None:
            raise ValueError(f"field {name!r} is not declared in documents.FIELDS")
        if spec.kind == "text":
            out.add_pre_tokenized_text(name, pre_tokenized(str(value), doc["_terms"][name]))
        elif spec.kind == "keyword":
            for item in str(value).split() if spec.multi else [str(value)]:
                out.add_text(name, item)
        elif spec.value is int:
            out.add_integer(name, int(value))
        elif spec.value is object:
            out.add_bytes(name, json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        else:
            out.add_bytes(name, str(value).encode("utf-8", "surrogatepass"))
    boosted = doc.get("_boost", 1.0) == BRIEFING_BOOST
    out.add_float(WEIGHT_FIELD, 0.0 if boosted else PASSAGE_WEIGHT)
    return out


def from_document(document: tantivy.Document) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, values in document.to_dict().items():
        spec = FIELDS_BY_NAME.get(name)
        if spec is None or not values:
            continue
        value = values[0]
        if isinstance(value, (bytes, bytearray)):
            value = bytes(value).decode("utf-8", "surrogatepass")
            if spec.value is object:
                value = json.loads(value)
        if spec.kind == "keyword" and spec.multi:
            value = " ".join(values)
        fields[name] = value
    return fields


# ---------------------------------------------------------------- query tree -> tantivy


class Compiler:
    """Compiles neutral query trees against one schema."""

    def __init__(self, schema: tantivy.Schema) -> None:
        self.schema = schema

    def __call__(self, node: Node) -> tantivy.Query:
        return compile_node(node, self.schema)


@singledispatch
def compile_node(node: object, schema: tantivy.Schema) -> tantivy.Query:
    raise TypeError(f"no tantivy compiler for query node {node.__class__.__name__}")


@compile_node.register
def _(node: q.Term, schema: tantivy.Schema) -> tantivy.Query:
    return tantivy.Query.term_query(schema, node.field, node.text, index_option="freq")


@compile_node.register
def _(node: q.Phrase, schema: tantivy.Schema) -> tantivy.Query:
    return tantivy.Query.phrase_query(schema, node.field, list(node.words))


@compile_node.register
def _(node: q.Prefix, schema: tantivy.Schema) -> tantivy.Query:
    if not node.expanded:
        return tantivy.Query.empty_query()
    terms = [tantivy.Query.term_query(schema, node.field, term, index_option="freq") for term in node.expanded]
    return terms[0] if len(terms) == 1 else _should(terms)


@compile_node.register
def _(node: q.Keyword, schema: tantivy.Schema) -> tantivy.Query:
    # A filter: matches or not, adds nothing to the score.
    term = tantivy.Query.term_query(schema, node.field, node.value, index_option="basic")
    return tantivy.Query.const_score_query(term, 0.0)


@compile_node.register
def _(node: q.Or, schema: tantivy.Schema) -> tantivy.Query:
    return _should([compile_node(child, schema) for child in node.children])


@compile_node.register
def _(node: q.And, schema: tantivy.Schema) -> tantivy.Query:
    clauses = []
    for child in node.children:
        if isinstance(child, q.Not):
            clauses.append((tantivy.Occur.MustNot, compile_node(child.child, schema)))
        else:
            clauses.append((tantivy.Occur.Must, compile_node(child, schema)))
    if not any(occur == tantivy.Occur.Must for occur, _ in clauses):
        clauses.insert(0, (tantivy.Occur.Must, tantivy.Query.all_query()))
    return tantivy.Query.boolean_query(clauses)


@compile_node.register
def _(node: q.Not, schema: tantivy.Schema) -> tantivy.Query:
    return tantivy.Query.boolean_query(
        [
            (tantivy.Occur.Must, tantivy.Query.all_query()),
            (tantivy.Occur.MustNot, compile_node(node.child, schema)),
        ]
    )


@compile_node.register
def _(node: q.ValueRange, schema: tantivy.Schema) -> tantivy.Query:
    # Candidates: any bucket key of the range (the search API verifies each hit's figures).
    if not node.keys:
        return tantivy.Query.empty_query()
    terms = [tantivy.Query.term_query(schema, node.field, key, index_option="basic") for key in node.keys]
    return terms[0] if len(terms) == 1 else _should(terms)


@compile_node.register
def _(node: q.AtLeast, schema: tantivy.Schema) -> tantivy.Query:
    # As on Whoosh: an Or ranked by score; the search API keeps hits holding ``minimum``
    # concepts (so both engines read the same kind of candidates).
    children = [compile_node(child, schema) for child in node.children]
    return children[0] if len(children) == 1 else _should(children)


@compile_node.register
def _(node: q.Every, schema: tantivy.Schema) -> tantivy.Query:
    return tantivy.Query.all_query()


@compile_node.register
def _(node: q.Nothing, schema: tantivy.Schema) -> tantivy.Query:
    return tantivy.Query.empty_query()


def _should(queries: list[tantivy.Query]) -> tantivy.Query:
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, query) for query in queries])


# ---------------------------------------------------------------- the store


class TantivyStore:
    """A tantivy index in a folder (or memory): build, open, update, search."""

    name = NAME
    table_of_contents = "meta.json"  # a complete tantivy index always has it

    @staticmethod
    def build(
        folder: Path | None, docs: Iterable[Doc], *, procs: int = 1, limitmb: int = 128, on_doc: Any = None
    ) -> tantivy.Index:
        index = tantivy.Index(make_schema(), path=str(folder) if folder is not None else None, reuse=False)
        writer = index.writer(heap_size=max(WRITER_HEAP, limitmb * 1_000_000 // 2), num_threads=1)
        try:
            for doc in docs:
                writer.add_document(to_document(doc))
                if on_doc is not None:
                    on_doc(doc)
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            writer.rollback()
            raise
        index.reload()
        return index

    @staticmethod
    def open(folder: Path) -> tantivy.Index:
        index = tantivy.Index.open(str(folder))
        index.searcher().num_docs  # noqa: B018 - touches meta and segments
        return index

    @staticmethod
    def doc_count(index: tantivy.Index) -> int:
        index.reload()
        return index.searcher().num_docs

    @staticmethod
    def passages(index: tantivy.Index) -> int:
        """Passage documents (roughly: deleted ones count until segments merge)."""
        index.reload()
        return int(index.searcher().doc_freq("kind", "passage"))

    @staticmethod
    def close(index: tantivy.Index) -> None:
        return None

    @staticmethod
    def update(index: tantivy.Index, remove_keys: Iterable[str], docs: Iterable[Doc]) -> None:
        try:
            writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)
        except ValueError as exc:  # LockBusy: another process holds the writer
            raise IndexUnavailable(
                "the search index is being updated by another jjj-brief; try again in a moment"
            ) from exc
        try:
            for key in remove_keys:
                writer.delete_documents_by_term("import_key", key)
            for doc in docs:
                writer.add_document(to_document(doc))
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            writer.rollback()
            raise
        index.reload()

    @staticmethod
    def searcher(index: tantivy.Index) -> TantivySearcher:
        return TantivySearcher(index)


class TantivySearcher:
    """Answers compiled query trees from one tantivy index."""

    name = NAME

    def __init__(self, index: tantivy.Index) -> None:
        self.index = index
        self.compile = Compiler(index.schema)
        self._searcher = index.searcher()

    def fresh(self) -> TantivySearcher:
        self.index.reload()
        self._searcher = self.index.searcher()
        return self

    def close(self) -> None:
        return None

    def _search(self, query: tantivy.Query, limit: int, sort: str) -> tantivy.SearchResult:
        if sort in ("date", "-date"):
            order = tantivy.Order.Desc if sort == "-date" else tantivy.Order.Asc
            return self._searcher.search(query, limit=limit, count=True, order_by_field="date_key", order=order)
        return self._searcher.search(query, limit=limit, count=True, weight_by_field=WEIGHT_FIELD)

    @staticmethod
    def _count(result: tantivy.SearchResult) -> int:
        """The number of matches of a search made with ``count=True`` (tantivy's stubs leave
        ``SearchResult.count`` out; it is an int then, None only with ``count=False``)."""
        return result.count  # type: ignore[attr-defined, no-any-return]

    @staticmethod
    def _score(key: Any) -> float:
        return float(key) if isinstance(key, (int, float)) else 0.0  # sorted by date: no score

    def top(self, node: Node, limit: int, sort: str = "relevance") -> tuple[list[tuple[Doc, float]], int, bool]:
        """(stored fields and score of the best ``limit``, total, exact): tantivy counts for free."""
        result = self._search(self.compile(node), limit, sort)
        doc = self._searcher.doc
        return (
            [(from_document(doc(address)), self._score(key)) for key, address in result.hits],
            self._count(result),
            True,
        )

    def grouped(self, node: Node, limit: int, sort: str = "relevance") -> tuple[list[tuple[Doc, float]], int, bool]:
        """Best passage per article: (top ``limit`` groups, number of groups, exact)."""
        query = self.compile(node)
        wanted = limit * GROUP_SCAN
        while True:
            result = self._search(query, wanted, sort)
            exhausted = len(result.hits) >= self._count(result)
            seen: set[str] = set()
            top: list[tuple[Doc, float]] = []
            for key, address in result.hits:
                fields = from_document(self._searcher.doc(address))
                article = fields.get("article", "")
                if article in seen:
                    continue
                seen.add(article)
                if len(top) < limit:
                    top.append((fields, self._score(key)))
                elif not exhausted:
                    break
            if len(top) >= limit and not exhausted:
                groups = int(self._searcher.cardinality(query, "article"))
                return top, max(groups, len(top)), False
            if exhausted:
                return top, len(seen), True
            wanted *= 4

    def facets(self, node: Node, fields: dict[str, str]) -> dict[str, dict[str, int]]:
        """Matches per value of each field (``{facet name: field name}``), most first."""
        aggregations = {name: {"terms": {"field": fieldname, "size": FACET_SIZE}} for name, fieldname in fields.items()}
        found = self._searcher.aggregate(self.compile(node), aggregations)
        out: dict[str, dict[str, int]] = {}
        for name in fields:
            buckets = (found.get(name) or {}).get("buckets", [])
            counts = {str(b["key"]): int(b["doc_count"]) for b in buckets if b.get("key") not in (None, "")}
            out[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        return out

    def matches(self, node: Node) -> Iterator[Doc]:
        """The stored fields of every match (unranked)."""
        query = self.compile(node)
        count = self._count(self._searcher.search(query, limit=1, count=True))
        if count:
            for _, address in self._searcher.search(query, limit=count, count=False).hits:
                yield from_document(self._searcher.doc(address))

    def doc_frequency(self, field: str, term: str) -> int:
        return int(self._searcher.doc_freq(field, term))
