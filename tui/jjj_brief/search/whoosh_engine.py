"""The Whoosh engine: schema, writing and searching for small collections.

The schema comes from :data:`jjj_brief.search.documents.FIELDS`; text goes through our
analyzer (:mod:`jjj_brief.search.analyzer`), queries through
:mod:`jjj_brief.search.whoosh_query`. Everything Whoosh-specific about the index lives
here; :mod:`jjj_brief.search.index` drives the lifecycle through :class:`WhooshStore`.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jjj_brief.search.whoosh_loading  # noqa: F401  (before any Whoosh import: see there)

# isort: split
from whoosh import scoring, sorting
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage, RamStorage
from whoosh.index import Index, LockError
from whoosh.system import pack_uint

from jjj_brief.search.analyzer import Pairs, _terms_and_positions, iter_tokens
from jjj_brief.search.documents import FIELDS, FIELDS_BY_NAME, Doc
from jjj_brief.search.errors import IndexUnavailable
from jjj_brief.search.query import Node
from jjj_brief.search.whoosh_query import timed_search, to_whoosh

if TYPE_CHECKING:
    from whoosh.searching import Results

NAME = "whoosh"
WRITER_LOCK_TIMEOUT = 10.0
# Counting every match is a second pass over the postings in Whoosh; instead, a total
# above this many is the estimate Whoosh gets for free (``total_exact`` false).
EXACT_COUNT_MATCHES = 5_000


class JJJTokenizer(Tokenizer):  # type: ignore[misc]  # whoosh ships no types: its classes are Any
    """Whoosh face of :func:`iter_tokens` (a tokenizer is a complete whoosh analyzer)."""

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__

    def __hash__(self) -> int:
        return hash(self.__class__)

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        token.boost = 1.0
        token.stopped = False
        if not chars and not keeporiginal:
            for term, pos in _terms_and_positions(value):
                token.text = term
                token.pos = start_pos + pos
                yield token
            return
        for item in iter_tokens(value):
            token.text = item.term
            if keeporiginal:
                token.original = item.word
            if positions:
                token.pos = start_pos + item.pos
            if chars:
                token.startchar = start_char + item.start
                token.endchar = start_char + item.end
            yield token


class Analyzed:
    """A text field's value as the writer gets it: the (term, position) pairs the build's
    :class:`~jjj_brief.search.analyzer.IndexAnalyzer` made (the text itself is passed
    beside it as ``_stored_<field>``)."""

    __slots__ = ("pairs",)

    def __init__(self, pairs: Pairs) -> None:
        self.pairs = pairs


class AnalyzedText(TEXT):  # type: ignore[misc]  # whoosh ships no types
    """A TEXT field whose postings are computed straight from our (term, position) pairs.

    Whoosh's generic path makes a Token per word and groups them in its format's
    ``word_values``; this does the same grouping on plain tuples (the build's hot loop).
    """

    def index(self, value: object, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        if not isinstance(value, Analyzed):
            raise TypeError("index text through the build's IndexAnalyzer (documents.with_analysis)")
        positions: dict[str, list[int]] = {}
        for term, pos in value.pairs:
            found = positions.get(term)
            if found is None:
                positions[term] = [pos]
            else:
                found.append(pos)
        boost = self.format.field_boost
        encode = self.format.encode if self.format.supports("positions") else lambda found: pack_uint(len(found))
        for term, poslist in positions.items():
            yield term.encode("utf-8"), len(poslist), len(poslist) * boost, encode(poslist)


def make_schema() -> Schema:
    """The Whoosh schema for :data:`FIELDS`."""
    analyzer = JJJTokenizer()
    fields: dict[str, Any] = {}
    for spec in FIELDS:
        if spec.kind == "text":
            fields[spec.name] = AnalyzedText(analyzer=analyzer, stored=spec.stored, phrase=spec.positions)
        elif spec.kind == "keyword" and spec.multi:
            fields[spec.name] = KEYWORD(stored=spec.stored)  # values already lowercased where needed
        elif spec.kind == "keyword":
            fields[spec.name] = ID(stored=spec.stored, sortable=spec.sortable)
        else:
            fields[spec.name] = STORED
    return Schema(**fields)


class PrivateRamStorage(RamStorage):  # type: ignore[misc]  # whoosh ships no types
    """An in-memory index whose scratch files get a folder of their own.

    whoosh-reloaded's ``RamStorage.temp_storage`` puts them in ``/tmp/MAIN.tmp`` — one
    fixed path for every process — so two in-memory builds at once (two apps on a
    read-only home) destroyed each other's files mid-build ("seek of closed file").
    """

    def temp_storage(self, name: str | None = None) -> FileStorage:
        return FileStorage(tempfile.mkdtemp(dir=self._scratch_root())).create()

    def _scratch_root(self) -> str:
        """One folder for all this index's scratch folders, removed with the index (or at
        exit): Whoosh never removes the folder a segment's column writer asked for, so every
        in-memory build used to leave one behind in the system's temporary folder."""
        root: str | None = getattr(self, "_scratch", None)
        if root is None:
            root = self._scratch = tempfile.mkdtemp(prefix="jjj-brief-index-")
            weakref.finalize(self, shutil.rmtree, root, ignore_errors=True)
        return root


def _whoosh_fields(doc: Doc) -> dict[str, Any]:
    """The fields Whoosh takes: each text field as its analysis (``_terms``, see
    :func:`~jjj_brief.search.documents.with_analysis`) with the text stored beside it;
    ``_boost`` is Whoosh's own, other ``_`` keys are ours."""
    analysis = doc["_terms"]
    fields: dict[str, Any] = {}
    for name, value in doc.items():
        if value is None or (name.startswith("_") and name != "_boost"):
            continue
        pairs = analysis.get(name)
        if pairs is None:
            fields[name] = value
            continue
        fields[name] = Analyzed(pairs)
        if FIELDS_BY_NAME[name].stored:
            fields["_stored_" + name] = value
    return fields


class WhooshStore:
    """Whoosh index files in a folder (or memory): build, open, update, search."""

    name = NAME
    table_of_contents = ".toc"  # suffix of the file a complete index always has

    @staticmethod
    def build(
        folder: Path | None, docs: Iterable[Doc], *, procs: int = 1, limitmb: int = 128, on_doc: Any = None
    ) -> Index:
        storage = FileStorage(str(folder)) if folder is not None else PrivateRamStorage()
        index = storage.create_index(make_schema())
        # compound=False: whoosh-reloaded opens a compound segment file by copying each
        # sub-file into a BytesIO, so open time and memory grew with the index.
        if procs > 1:
            writer = index.writer(procs=procs, limitmb=limitmb, multisegment=True, compound=False)
        else:
            writer = index.writer(limitmb=limitmb, compound=False)
        try:
            for doc in docs:
                writer.add_document(**_whoosh_fields(doc))
                if on_doc is not None:
                    on_doc(doc)
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        return index

    @staticmethod
    def open(folder: Path) -> Index:
        index = FileStorage(str(folder)).open_index()
        with index.searcher() as searcher:  # touches TOC, segments, lexicon
            searcher.doc_count()
            list(searcher.lexicon("kind"))
        return index

    @staticmethod
    def doc_count(index: Index) -> int:
        return int(index.doc_count())

    @staticmethod
    def passages(index: Index) -> int:
        """Passage documents (roughly: deleted ones count until segments merge)."""
        with index.searcher() as searcher:
            return int(searcher.doc_frequency("kind", "passage"))

    @staticmethod
    def close(index: Index) -> None:
        index.close()

    @staticmethod
    def update(index: Index, remove_keys: Iterable[str], docs: Iterable[Doc]) -> None:
        """Delete the documents of ``remove_keys`` (import keys) and add ``docs``, in one commit."""
        from whoosh.writing import SegmentWriter

        try:
            writer = index.writer(timeout=WRITER_LOCK_TIMEOUT, compound=False)
        except LockError as exc:
            raise IndexUnavailable(
                "the search index is being updated by another jjj-brief; try again in a moment"
            ) from exc
        try:
            for key in remove_keys:
                writer.delete_by_term("import_key", key)
            for doc in docs:
                writer.add_document(**_whoosh_fields(doc))
            writer.commit()
        except BaseException:
            if isinstance(writer, SegmentWriter) and not writer.is_closed:
                writer.cancel()
            raise

    @staticmethod
    def searcher(index: Index) -> WhooshSearcher:
        return WhooshSearcher(index)


def _scored(results: Results, sort: str) -> list[tuple[int, float]]:
    """(docnum, score) in result order; sorted results carry the sort key, not a score."""
    if sort not in ("date", "-date"):
        return list(results.items())
    return [(results.docnum(i), 0.0) for i in range(results.scored_length())]


class WhooshSearcher:
    """Answers compiled query trees from one Whoosh index."""

    name = NAME

    def __init__(self, index: Index) -> None:
        self.index = index
        self._searcher = index.searcher(weighting=scoring.BM25F())
        self.timed_out = False  # the last top()/grouped() stopped at the query time limit

    def fresh(self) -> WhooshSearcher:
        """Read the index's latest commit.

        Opens a new searcher rather than ``Searcher.refresh()``: whoosh-reloaded 2.7.5's
        refresh keeps every old segment missing from the new generation, so removed
        imports stayed findable and merged segments were searched twice.
        """
        if not self._searcher.up_to_date():
            old, self._searcher = self._searcher, self.index.searcher(weighting=scoring.BM25F())
            old.close()
        return self

    def close(self) -> None:
        self._searcher.close()

    @staticmethod
    def _sorting(sort: str) -> dict[str, Any]:
        if sort not in ("date", "-date"):
            return {}
        return {"sortedby": sorting.FieldFacet("date_key", reverse=sort == "-date")}

    def top(self, node: Node, limit: int, sort: str = "relevance") -> tuple[list[tuple[Doc, float]], int, bool]:
        """(stored fields and score of the best ``limit``, total, whether total is exact).

        No second pass to count: above :data:`EXACT_COUNT_MATCHES` the total is Whoosh's
        estimate (``exact`` false; the facet pass, when run, counts exactly for free).
        """
        results, self.timed_out = timed_search(self._searcher, node, limit, **self._sorting(sort))
        top = [(self._searcher.stored_fields(docnum), score) for docnum, score in _scored(results, sort)]
        if self.timed_out:  # partial: what was found in the time allowed
            return top, len(top), False
        if len(top) < limit:  # every match is here (Whoosh's own count of AndNot can be off)
            return top, len(top), True
        if results.has_exact_length():
            return top, len(results), True
        estimate = min(results.estimated_length(), self._searcher.doc_count())
        if estimate <= EXACT_COUNT_MATCHES:
            return top, len(results), True
        return top, estimate, False

    def grouped(self, node: Node, limit: int, sort: str = "relevance") -> tuple[list[tuple[Doc, float]], int, bool]:
        """Best passage per article: (top ``limit`` groups, number of groups, exact)."""
        results, self.timed_out = timed_search(self._searcher, node, None, **self._sorting(sort))
        column = self._searcher.reader().column_reader("article")
        seen: set[str] = set()
        top: list[tuple[Doc, float]] = []
        for docnum, score in _scored(results, sort):
            key = column[docnum]
            if key in seen:
                continue
            seen.add(key)
            if len(top) < limit:
                top.append((self._searcher.stored_fields(docnum), score))
        return top, len(seen), not self.timed_out

    def facets(self, node: Node, fields: dict[str, str]) -> dict[str, dict[str, int]]:
        """Matches per value of each field (``{facet name: field name}``), most first."""
        groupedby = {name: sorting.FieldFacet(fieldname) for name, fieldname in fields.items()}
        grouped = self._searcher.search(to_whoosh(node), limit=1, groupedby=groupedby, maptype=sorting.Count)
        out: dict[str, dict[str, int]] = {}
        for name in fields:
            counts = {str(k): int(v) for k, v in grouped.groups(name).items() if k not in (None, "", b"")}
            out[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        return out

    def matches(self, node: Node) -> Iterator[Doc]:
        """The stored fields of every match (unranked)."""
        for docnum in self._searcher.search(to_whoosh(node), limit=None).docs():
            yield self._searcher.stored_fields(docnum)

    def doc_frequency(self, field: str, term: str) -> int:
        return int(self._searcher.doc_frequency(field, term))
