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
    "glossary_term",
    "index_terms",
    "iter_tokens",
    "phrase_sequences",
    "set_glossary_phrases",
    "stem",
    "surface_analysis",
    "surface_words",
    "surfaces_of",
    "terms",
    "words_key",
]

ANALYZER_VERSION = "jjj-analyzer-3"

_analyze_parts = analyze_parts  # older names, still imported by the search API
_analyze_surface = surface_analysis


def _terms_and_positions(text: str) -> Iterator[tuple[str, int]]:
    """:func:`iter_tokens` reduced to (term, position) (no glossary terms)."""
    return iter(index_terms(text, glossary=False))


_RECENT: dict[int, tuple[str, list[str]]] = {}  # id(text) -> (text, surface tokens)


GLOSSARY_MARK = "§"  # glossary terms start with it; no analyzed term can (see TOKEN_PATTERN)
Candidates = list[tuple[str, list[str]]]  # (glossary term, the phrase's terms from the third on)
_GLOSSARY: dict[str, dict[str, Candidates]] = {}  # first term -> second term -> candidates


def glossary_term(words: Sequence[str]) -> str:
    """The one index term standing for a glossary phrase (spaces never occur in terms)."""
    return GLOSSARY_MARK + " ".join(words)


def set_glossary_phrases(phrases: Iterable[tuple[str, ...]]) -> None:
    """The glossary phrases :func:`index_terms` marks from now on (see
    :mod:`jjj_brief.search.glossary_terms`); set before building or adding to an index."""
    table: dict[str, dict[str, Candidates]] = {}
    for phrase in sorted(set(phrases)):
        if len(phrase) > 1:
            table.setdefault(phrase[0], {}).setdefault(phrase[1], []).append((glossary_term(phrase), list(phrase[2:])))
    _GLOSSARY.clear()
    _GLOSSARY.update(table)


def _glossary_starts(by_pos: list[str], extra: dict[int, list[str]]) -> list[tuple[int, Candidates]]:
    """(position, candidates) wherever the two terms there begin glossary phrases, by position.

    The passage's distinct terms are intersected with the first terms as sets, then each
    first term found is located with C-level scans (no loop of ours per token); a
    compound's closed form (``extra``) is tried at its own positions."""
    table = _GLOSSARY
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


def _mark_glossary(pairs: list[tuple[str, int]], by_pos: list[str], extra: dict[int, list[str]]) -> None:
    """Append a glossary term at each position where a glossary phrase starts.

    ``by_pos[p]``: the first term at position ``p``; ``extra[p]``: any others there (a
    compound's closed form)."""
    end = len(by_pos)

    def has(pos: int, word: str) -> bool:
        return pos < end and (by_pos[pos] == word or word in extra.get(pos, ()))

    for pos, candidates in _glossary_starts(by_pos, extra):
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


def index_terms(text: str, *, glossary: bool = True) -> list[tuple[str, int]]:
    """(term, position) pairs of ``text`` — :func:`iter_tokens` without offsets, plus
    the glossary terms of :func:`set_glossary_phrases` (after the others, by position).

    Remembers the surface tokens of the last few texts, so the vocabulary step of a
    build (:func:`surfaces_of`) does not scan the same text again.
    """
    surfaces = TOKEN_PATTERN.findall(text)
    if len(_RECENT) >= 8:
        _RECENT.clear()
    _RECENT[id(text)] = (text, surfaces)
    out, by_pos, extra = term_positions(surfaces)
    if glossary and _GLOSSARY:
        _mark_glossary(out, by_pos, extra)
    return out


def surfaces_of(text: str) -> list[str]:
    """The surface tokens of ``text`` (from :func:`index_terms`' memory when it just ran)."""
    found = _RECENT.get(id(text))
    if found is not None and found[0] is text:
        return found[1]
    return TOKEN_PATTERN.findall(text)
