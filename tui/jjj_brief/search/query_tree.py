"""The parsed query: an engine-neutral tree and what the parser hands the search.

:func:`jjj_brief.search.query.parse` returns an engine-neutral tree of plain frozen
dataclasses; nothing here imports a search engine. Each engine compiles the tree (Whoosh:
:mod:`jjj_brief.search.whoosh_query`). Terms in the tree are already analyzed (folded,
stemmed: see :mod:`jjj_brief.search.analyzer`), so an engine looks them up verbatim.

=================================  ==================================================
``Term(field, text)``              one analyzed term in a text field (``body``,
                                   ``outlet_terms``)
``Phrase(field, words)``           analyzed terms at consecutive positions
``Prefix(field, prefix, expanded)`` words starting with ``prefix``; ``expanded`` is the
                                   stemmed terms of the vocabulary it matched (capped),
                                   which is what engines search (an OR of them)
``Keyword(field, value)``          exact value of a keyword field (``kind``, ``article``,
                                   ``year``, ``topics``): a filter, not analyzed
``And(children)``                  all children; a ``Not`` child excludes
``Or(children)``                   any child
``Not(child)``                     only meaningful as a child of ``And``
``Every()``                        every document (a query of exclusions only)
``Nothing()``                      no document (a prefix nothing starts with)
``ValueRange(field, low, high,``   documents with a figure valued in ``[low, high]``
``unit, keys, widen)``             (``unit`` None: any). Engines match any of ``keys``
                                   (terms of the ``values`` keyword field, computed
                                   by :mod:`jjj_brief.search.values`): candidates,
                                   which the search API verifies per hit
``AtLeast(minimum, children)``     at least ``minimum`` children match. An engine
                                   may return a superset ranked by score (an Or);
                                   the search API counts what each hit holds
=================================  ==================================================

To add a node: define a frozen dataclass here, produce it in the parser, and register
a compiler for it in each engine's module (they dispatch on the node class, and raise
``TypeError`` for a node they do not know, so a forgotten engine fails loudly in tests).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from jjj_brief.search.analyzer import words_key

# ---------------------------------------------------------------- the neutral query tree


@dataclass(frozen=True, slots=True)
class Term:
    field: str
    text: str


@dataclass(frozen=True, slots=True)
class Phrase:
    field: str
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Prefix:
    field: str
    prefix: str  # folded, as typed (for display)
    expanded: tuple[str, ...]  # the stemmed index terms it stands for


@dataclass(frozen=True, slots=True)
class Keyword:
    field: str
    value: str


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


@dataclass(frozen=True, slots=True)
class Every:
    pass


@dataclass(frozen=True, slots=True)
class ValueRange:
    field: str
    low: float
    high: float
    unit: str | None  # canonical unit; None: any
    keys: tuple[str, ...]  # keyword terms whose buckets cover the range (candidates)
    widen: bool = True  # a figure's own printed rounding may reach the range (typed numbers)


@dataclass(frozen=True, slots=True)
class AtLeast:
    minimum: int
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Nothing:
    pass


Node = Term | Phrase | Prefix | Keyword | And | Or | Not | Every | Nothing | ValueRange | AtLeast


def any_of(children: Sequence[Node]) -> Node:
    """``Or`` of ``children``, or the one child alone."""
    return children[0] if len(children) == 1 else Or(tuple(children))


def all_of(children: Sequence[Node]) -> Node:
    """``And`` of ``children``, or the one child alone."""
    return children[0] if len(children) == 1 else And(tuple(children))


def walk(node: Node) -> Iterator[Node]:
    """``node`` and all its descendants, depth first."""
    yield node
    if isinstance(node, (And, Or, AtLeast)):
        for child in node.children:
            yield from walk(child)
    elif isinstance(node, Not):
        yield from walk(node.child)


@dataclass
class Clause:
    """One unit of the query: its tree, how we show it, and the terms it lights."""

    query: Node
    shown: str
    terms: set[tuple[str, ...]] = field(default_factory=set)  # term sequences to light
    negated: bool = False
    plain_word: str | None = None  # the typed word, for alias windows and "did you mean"
    values: tuple[ValueRange, ...] = ()  # a number's value ranges
    required: bool = False  # phrase / OR group: strict in the natural fallback
    sort: str | None = None  # a sort: "filter"
    label: str | None = None  # as typed (a glossary group shows all its spellings)
    loose: Node | None = None  # the word's family (settle: settlement), for the fallback
    loose_terms: set[tuple[str, ...]] = field(default_factory=set)


@dataclass
class Concept:
    """One thing a query asks for: a word (with its glossary spellings), a phrase, an OR
    group, a prefix or a number. The natural fallback counts concepts held, and a hit
    lists the ones it lacks (``missing``)."""

    node: Node
    shown: str  # as typed ("missing" lists these)
    terms: set[tuple[str, ...]]
    values: tuple[ValueRange, ...] = ()  # a number concept's ranges (verified per hit)
    required: bool = False  # a "phrase" or an OR group keeps its strict meaning
    filler: bool = False  # "how", "did" ...: not counted, never missing
    loose: Node | None = None  # what the fallback counts: the word's family (see _word_family)
    loose_terms: set[tuple[str, ...]] = field(default_factory=set)


@dataclass
class ParsedQuery:
    query: Node | None  # None: nothing searchable was typed
    shown: str
    terms: set[tuple[str, ...]]  # positive term sequences (1 = single term), for highlighting
    words: list[str]  # plain words as typed (for "did you mean")
    messages: list[str]
    is_filter_only: bool = False
    concepts: list[Concept] = field(default_factory=list)
    fallback: Node | None = None  # most concepts + the same filters; None: no fallback
    fallback_minimum: int = 0  # concepts (counted ones) a fallback hit must hold
    value_filters: tuple[ValueRange, ...] = ()  # value:/unit: filters (verified per hit)
    sort: str = "relevance"  # relevance | date | -date

    @property
    def value_ranges(self) -> tuple[ValueRange, ...]:
        """Every range a hit's figures are checked against (numbers typed and value: filters)."""
        return tuple(r for c in self.concepts for r in c.values) + self.value_filters


@dataclass
class QueryContext:
    """What parsing needs to know about the index."""

    alias_groups: dict[str, list[str]] = field(default_factory=dict)  # words_key -> spellings
    vocabulary: Sequence[str] = ()  # sorted folded words, for prefixes
    resolve_article: Callable[[str], str | None] = lambda ref: None

    @classmethod
    def build(
        cls,
        groups: Sequence[Sequence[str]],
        vocabulary: Sequence[str],
        resolve_article: Callable[[str], str | None] | None = None,
        keys: Mapping[str, str] | None = None,
    ) -> QueryContext:
        """``keys``: the spellings' :func:`words_key` when already known (the generation's)."""
        keys = keys or {}
        by_key: dict[str, list[str]] = {}
        for group in groups:
            keyed = [(key, s) for s in dict.fromkeys(group) if (key := keys[s] if s in keys else words_key(s))]
            if len(keyed) < 2:
                continue
            spellings = [s for _, s in keyed]
            for key, _ in keyed:
                merged = by_key.setdefault(key, [])
                merged.extend(s for s in spellings if s not in merged)
        return cls(by_key, sorted(vocabulary), resolve_article or (lambda ref: None))
