"""The search analyzer: how text becomes index terms, for indexing, querying and highlighting.

The word rules themselves (tokens, folding, stemming, compounds, CJK bigrams, stop words)
live in :mod:`jjj_brief.text_rules`, shared with the figure subjects of
:mod:`jjj_brief.compare.subject`; this module adds what only an index needs: the
analyzer version, glossary phrases marked as single terms, and the (term, position)
pairs an engine is fed (:func:`index_terms`). A passage, a query and the highlighter go
through the same rules, so they can never disagree about what a word is.

Bump :data:`ANALYZER_VERSION` whenever the output of :func:`index_terms` can change: the
index fingerprint includes it, so existing indexes are rebuilt.

These are the rules of every engine: Whoosh gets them through
:mod:`jjj_brief.search.whoosh_engine`'s tokenizer, tantivy (and any later engine) is fed
the terms and positions computed here, so no engine applies rules of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from jjj_brief.text_rules import (
    STOP_WORDS,
    TOKEN_PATTERN,
    AnalyzedToken,
    Pair,
    Part,
    analyze,
    analyze_parts,
    fold,
    iter_tokens,
    phrase_sequences,
    stem,
    surface_analysis,
    surface_words,
    term_positions,
    terms,
    words_key,
)

__all__ = [
    "ANALYZER_VERSION",
    "STOP_WORDS",
    "TOKEN_PATTERN",
    "AnalyzedToken",
    "Pair",
    "Part",
    "analyze",
    "fold",
    "IndexAnalyzer",
    "glossary_term",
    "index_terms",
    "iter_tokens",
    "phrase_sequences",
    "stem",
    "surface_analysis",
    "surface_words",
    "terms",
    "words_key",
]

ANALYZER_VERSION = "jjj-analyzer-3"

_analyze_parts = analyze_parts  # older names, still imported by the search API
_analyze_surface = surface_analysis


def _terms_and_positions(text: str) -> Iterator[tuple[str, int]]:
    """:func:`iter_tokens` reduced to (term, position) (no glossary terms)."""
    return iter(index_terms(text))


GLOSSARY_MARK = "§"  # glossary terms start with it; no analyzed term can (see TOKEN_PATTERN)
Candidates = list[tuple[str, list[str]]]  # (glossary term, the phrase's terms from the third on)
GlossaryTable = dict[str, dict[str, Candidates]]  # first term -> second term -> candidates
Pairs = list[tuple[str, int]]  # (term, position)


def glossary_term(words: Sequence[str]) -> str:
    """The one index term standing for a glossary phrase (spaces never occur in terms)."""
    return GLOSSARY_MARK + " ".join(words)


def _glossary_table(phrases: Iterable[tuple[str, ...]]) -> GlossaryTable:
    table: GlossaryTable = {}
    for phrase in sorted(set(phrases)):
        if len(phrase) > 1:
            table.setdefault(phrase[0], {}).setdefault(phrase[1], []).append((glossary_term(phrase), list(phrase[2:])))
    return table


class IndexAnalyzer:
    """What one index build or update feeds its engine: each text's (term, position) pairs,
    with the glossary phrases it is given marked as single terms (see
    :mod:`jjj_brief.search.glossary_terms`), and its surface words (for the vocabulary).

    Made per build or update from the generation's aliases, and handed to worker processes
    with their tasks; no module state, so two builds in one process cannot mix glossaries."""

    __slots__ = ("_glossary",)

    def __init__(self, phrases: Iterable[tuple[str, ...]] = ()) -> None:
        self._glossary = _glossary_table(phrases)

    def index_terms(self, text: str) -> Pairs:
        """:func:`index_terms` of ``text`` plus the glossary terms (after the others, by position)."""
        return self._terms(TOKEN_PATTERN.findall(text))

    def terms_and_surfaces(self, text: str) -> tuple[Pairs, set[str]]:
        """:meth:`index_terms` and the distinct surface tokens of ``text``, from one scan."""
        surfaces = TOKEN_PATTERN.findall(text)
        return self._terms(surfaces), set(surfaces)

    def _terms(self, surfaces: list[str]) -> Pairs:
        out, by_pos, extra = term_positions(surfaces)
        if self._glossary:
            _mark_glossary(self._glossary, out, by_pos, extra)
        return out


def _glossary_starts(
    table: GlossaryTable, by_pos: list[str], extra: dict[int, list[str]]
) -> list[tuple[int, Candidates]]:
    """(position, candidates) wherever the two terms there begin glossary phrases, by position.

    The passage's distinct terms are intersected with the first terms as sets, then each
    first term found is located with C-level scans (no loop of ours per token); a
    compound's closed form (``extra``) is tried at its own positions."""
    end = len(by_pos) - 1
    found: list[tuple[int, Candidates]] = []
    for first in table.keys() & set(by_pos):
        by_second = table[first]
        at = -1
        while True:
            try:
                at = by_pos.index(first, at + 1)
            except ValueError:
                break
            if at < end:
                candidates = by_second.get(by_pos[at + 1])
                if candidates is not None:
                    found.append((at, candidates))
    for pos, others in extra.items():  # a closed form first, then anything after it
        if pos < end:
            for first in others:
                found_second = table.get(first)
                if found_second is not None:
                    for second in (by_pos[pos + 1], *extra.get(pos + 1, ())):
                        if second in found_second:
                            found.append((pos, found_second[second]))
        if pos >= 1 and by_pos[pos - 1] in table:  # a plain term first, a closed form second
            by_second = table[by_pos[pos - 1]]
            found.extend((pos - 1, by_second[second]) for second in others if second in by_second)
    found.sort(key=lambda item: item[0])
    return found


def _mark_glossary(
    table: GlossaryTable, pairs: list[tuple[str, int]], by_pos: list[str], extra: dict[int, list[str]]
) -> None:
    """Append a glossary term at each position where a glossary phrase starts.

    ``by_pos[p]``: the first term at position ``p``; ``extra[p]``: any others there (a
    compound's closed form)."""
    end = len(by_pos)

    def has(pos: int, word: str) -> bool:
        return pos < end and (by_pos[pos] == word or word in extra.get(pos, ()))

    for pos, candidates in _glossary_starts(table, by_pos, extra):
        at = pos + 2
        for term, rest in candidates:
            if not rest:
                pairs.append((term, pos))
                continue
            if at >= end or (by_pos[at] != rest[0] and at not in extra):
                continue  # the third word is not there: most candidates end here
            if by_pos[at : at + len(rest)] == rest or (  # the plain terms at the next positions
                extra and all(has(pos + i, word) for i, word in enumerate(rest, 2))  # or a closed form among them
            ):
                pairs.append((term, pos))


def index_terms(text: str) -> Pairs:
    """(term, position) pairs of ``text``: :func:`iter_tokens` without offsets (no glossary
    terms: an index build marks those with its :class:`IndexAnalyzer`)."""
    return term_positions(TOKEN_PATTERN.findall(text))[0]
