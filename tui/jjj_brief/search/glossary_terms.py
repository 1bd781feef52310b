"""Glossary phrases as single index terms: no phrase check per candidate.

A glossary spelling of several words (``Xiong'an New Area``, ``non-capital functions``)
would be a phrase query, and a phrase costs a position check on every document holding
all its words (in Whoosh: decoding their positions). Instead, at index time the analyzer
emits one extra term wherever such a spelling occurs (:func:`glossary_term`, at the
phrase's first position; see :class:`jjj_brief.search.analyzer.IndexAnalyzer`), and
after parsing, every phrase of the tree that is such a spelling becomes a lookup of that
one term (:func:`use_glossary_terms`). Exactly the same documents match: the term is
there if and only if the words are at consecutive positions.

Which spellings: the split and closed-compound term sequences of every multi-word
spelling of the glossary groups the generation was built with (``Generation.aliases``),
so the index and the parser always agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import overload

from jjj_brief.search import query as q
from jjj_brief.search.analyzer import glossary_term, phrase_sequences

__all__ = ["glossary_phrases", "glossary_term", "use_glossary_terms"]


def glossary_phrases(groups: Iterable[Sequence[str]] | None) -> frozenset[tuple[str, ...]]:
    """The multi-term sequences of every spelling in the glossary groups."""
    found: set[tuple[str, ...]] = set()
    for group in groups or ():
        if len(group) < 2:
            continue
        for spelling in group:
            found.update(seq for seq in phrase_sequences(spelling) if len(seq) > 1)
    return frozenset(found)


@overload
def use_glossary_terms(node: q.Node, phrases: frozenset[tuple[str, ...]]) -> q.Node: ...
@overload
def use_glossary_terms(node: None, phrases: frozenset[tuple[str, ...]]) -> None: ...
@overload
def use_glossary_terms(node: q.Node | None, phrases: frozenset[tuple[str, ...]]) -> q.Node | None: ...
def use_glossary_terms(node: q.Node | None, phrases: frozenset[tuple[str, ...]]) -> q.Node | None:
    """``node`` with every body phrase in ``phrases`` replaced by its glossary term."""
    if node is None or not phrases:
        return node
    return _with_terms(node, phrases)


def _with_terms(node: q.Node, phrases: frozenset[tuple[str, ...]]) -> q.Node:
    if isinstance(node, q.Phrase):
        if node.field == "body" and tuple(node.words) in phrases:
            return q.Term(node.field, glossary_term(node.words))
        return node
    if isinstance(node, (q.And, q.Or)):
        return replace(node, children=tuple(_with_terms(c, phrases) for c in node.children))
    if isinstance(node, q.AtLeast):
        return replace(node, children=tuple(_with_terms(c, phrases) for c in node.children))
    if isinstance(node, q.Not):
        return q.Not(_with_terms(node.child, phrases))
    return node
