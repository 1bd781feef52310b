"""The one analyzer: how text becomes search terms, for indexing, querying and highlighting.

Everything that turns words into terms goes through :func:`analyze` (or :func:`term_of`),
so a passage, a query and the highlighter can never disagree about what a word is.

Rules, in order, for each token the tokenizer finds:

* **Tokens** are runs of letters and digits joined by apostrophes (``Xiong’an``),
  hyphens (``sub-center``) or, between digits, by ``.`` and ``,`` (``38.6``, ``10,000``,
  ``PM2.5``). Nothing else is part of a word — in particular not ``*``, so the printed
  ``Babcock Wilcox***`` is found by ``wilcox``.
* **CJK** (Han characters): a run of them is indexed as overlapping bigrams at
  consecutive positions (``北京天津`` -> ``北京 京天 天津``), the usual way to search
  Chinese without a dictionary; a lone character is a term of its own. A query of two or
  more characters is the phrase of its bigrams, so ``京津冀`` finds ``京津冀协同发展``.
* **Folding**: Unicode NFKC and case folding; a possessive ``'s`` is dropped and the
  remaining apostrophes of every kind removed (``Xiong’an`` = ``Xiong'an`` = ``Xiongan``);
  a few British spellings map to American (``centre`` = ``center``).
* **Numbers** are kept whole; thousands separators are dropped (``10,000`` = ``10000``).
  Tokens with a digit are never stemmed.
* **Compounds**: a hyphenated token yields its parts at consecutive positions (so
  ``Tianjin`` finds ``Beijing-Tianjin-Hebei`` and the phrase ``"Beijing Tianjin Hebei"``
  does too) *and* the closed form at the first part's position (so ``subcenter`` finds
  ``sub-center`` and the other way round).
* **Stop words** (a short list of function words) are dropped without leaving a gap, so
  ``"Beijing, Tianjin and Hebei"`` and ``Beijing-Tianjin-Hebei`` are the same phrase.
* **Stemming**: Porter (``relieve`` = ``relieving`` = ``relieved``).

Bump :data:`ANALYZER_VERSION` whenever the output of :func:`analyze` can change: the
index fingerprint includes it, so existing indexes are rebuilt.

These are the rules of every engine: Whoosh gets them through
:mod:`jjj_brief.search.whoosh_engine`'s tokenizer, tantivy (and any later engine) is fed
the terms and positions computed here, so no engine applies rules of its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from whoosh.lang.porter import stem as porter_stem  # a pure-Python Porter stemmer (no index code)

ANALYZER_VERSION = "jjj-analyzer-3"

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD_CHAR = rf"[^\W{_CJK}]"
_APOSTROPHES = "'’‘`´ʼ"
_HYPHENS = "-\u2010\u2011"
TOKEN_PATTERN = re.compile(
    rf"[{_CJK}]+"
    rf"|{_WORD_CHAR}+(?:(?:[{_APOSTROPHES}]|[{_HYPHENS}]|(?<=\d)[.,](?=\d)){_WORD_CHAR}+)*"
)
_POSSESSIVE = re.compile(rf"[{_APOSTROPHES}]s$")
_APOSTROPHE_RUN = re.compile(rf"[{_APOSTROPHES}]")
_HYPHEN_SPLIT = re.compile(rf"[{_HYPHENS}]")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_HAN_RUN = re.compile(rf"[{_CJK}]+")

STOP_WORDS = frozenset(
    "a an and are as at be been by for from has have in is it its of on or that the this to was were will with".split()
)

_BRITISH = {
    "programme": "program",
    "programmes": "programs",
    "defence": "defense",
    "licence": "license",
    "catalogue": "catalog",
    "colour": "color",
    "labour": "labor",
    "harbour": "harbor",
    "neighbour": "neighbor",
    "neighbouring": "neighboring",
    "favour": "favor",
    "honour": "honor",
    "behaviour": "behavior",
}
_BRITISH_SUFFIXES = (
    (re.compile(r"(?<=[a-z]{2})tre(s?)$"), r"ter\1"),  # centre, metre, kilometres
    (re.compile(r"(?<=[a-z]{2})is(ation|ations|e|es|ed|ing)$"), r"iz\1"),  # organisation
)


@dataclass(frozen=True, slots=True)
class AnalyzedToken:
    """One term produced from the text, with where it came from."""

    term: str  # what is indexed / looked up
    word: str  # the folded, unstemmed form (for "did you mean" and prefixes)
    pos: int  # position, for phrases
    start: int  # character offsets of the surface token in the analyzed text
    end: int


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    if any(ch.isdigit() for ch in word):
        return word
    return porter_stem(word)


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """The folded, unstemmed form of one word-part (no hyphens)."""
    word = unicodedata.normalize("NFKC", word).casefold()
    word = _POSSESSIVE.sub("", word)
    word = _APOSTROPHE_RUN.sub("", word)
    if _THOUSANDS.fullmatch(word):
        return word.replace(",", "")
    if word in _BRITISH:
        return _BRITISH[word]
    for pattern, replacement in _BRITISH_SUFFIXES:
        word = pattern.sub(replacement, word)
    return word


Pair = tuple[str, str]  # (term, folded word)
Part = tuple[str, str, int, int]  # (term, folded word, start, end within the surface token)


@lru_cache(maxsize=200_000)
def _analyze_parts(surface: str) -> tuple[tuple[Part, ...], Pair | None]:
    """One surface token -> its parts (with offsets) and, for a compound, the closed form."""
    if _HAN_RUN.fullmatch(surface):
        folded = unicodedata.normalize("NFKC", surface)  # compatibility ideographs -> unified
        if len(folded) != len(surface):
            folded = surface
        if len(folded) == 1:
            return ((folded, folded, 0, 1),), None
        return tuple((folded[i : i + 2], folded[i : i + 2], i, i + 2) for i in range(len(folded) - 1)), None
    if not _HYPHEN_SPLIT.search(surface):
        word = fold(surface)
        if not word or word in STOP_WORDS:
            return (), None
        return ((stem(word), word, 0, len(surface)),), None
    parts: list[Part] = []
    folded: list[str] = []
    at = 0
    for piece in _HYPHEN_SPLIT.split(surface):
        word = fold(piece)
        folded.append(word)
        if word and word not in STOP_WORDS:
            parts.append((stem(word), word, at, at + len(piece)))
        at += len(piece) + 1
    closed = None
    if not all(w.replace(".", "").replace(",", "").isdigit() for w in folded):
        joined = fold("".join(folded))
        if joined:
            closed = (stem(joined), joined)
    return tuple(parts), closed


@lru_cache(maxsize=200_000)
def _analyze_surface(surface: str) -> tuple[tuple[Pair, ...], Pair | None]:
    """One surface token -> its (term, word) parts and, for a compound, the closed form."""
    parts, closed = _analyze_parts(surface)
    return tuple((term, word) for term, word, _, _ in parts), closed


def iter_tokens(text: str) -> Iterator[AnalyzedToken]:
    """All terms of ``text`` with positions and character offsets into ``text``.

    A compound yields its parts at consecutive positions (each with its own offsets),
    then its closed form, spanning the whole compound, at the first part's position.
    """
    pos = 0
    for match in TOKEN_PATTERN.finditer(text):
        parts, closed = _analyze_parts(match.group(0))
        if not parts and closed is None:
            continue
        start, end = match.span()
        first = pos
        for term, word, s, e in parts:
            yield AnalyzedToken(term, word, pos, start + s, start + e)
            pos += 1
        if closed is not None:
            yield AnalyzedToken(closed[0], closed[1], first, start, end)
            if not parts:
                pos += 1


def analyze(text: str) -> list[AnalyzedToken]:
    return list(iter_tokens(text))


def terms(text: str) -> list[str]:
    """Just the terms of ``text``, in order (compounds: parts, then closed form)."""
    return [token.term for token in iter_tokens(text)]


def surface_words(text: str) -> list[str]:
    """The surface tokens of ``text`` as typed (for query parsing)."""
    return TOKEN_PATTERN.findall(text)


def surface_analysis(surface: str) -> tuple[tuple[Pair, ...], Pair | None]:
    """One surface token (as typed) -> its (term, word) parts and closed compound form."""
    return _analyze_surface(surface)


def words_key(text: str) -> str:
    """A spelling-insensitive key for a name: its stemmed parts run together.

    ``Beijing-Tianjin-Hebei``, ``Beijing, Tianjin and Hebei`` and ``beijing tianjin hebei``
    share a key; so do ``Xiong’an`` and ``Xiongan``. Used to match glossary aliases.
    """
    out = []
    for surface in surface_words(text):
        parts, closed = _analyze_surface(surface)
        out.extend(term for term, _ in (parts or ((closed,) if closed else ())))
    return "".join(out)


def _terms_and_positions(text: str) -> Iterator[tuple[str, int]]:
    """:func:`iter_tokens` reduced to (term, position) (no glossary terms)."""
    return iter(index_terms(text, glossary=False))


_RECENT: dict[int, tuple[str, list[str]]] = {}  # id(text) -> (text, surface tokens)


GLOSSARY_MARK = "§"  # glossary terms start with it; no analyzed term can (see TOKEN_PATTERN)
_GLOSSARY: dict[str, dict[str, list[tuple[str, ...]]]] = {}  # first term -> second term -> phrases


def glossary_term(words: Sequence[str]) -> str:
    """The one index term standing for a glossary phrase (spaces never occur in terms)."""
    return GLOSSARY_MARK + " ".join(words)


def phrase_sequences(text: str) -> list[tuple[str, ...]]:
    """The term sequences a spelling is searched as: split compounds, and closed ones."""
    split_terms: list[str] = []
    closed_terms: list[str] = []
    for surface in surface_words(text):
        parts, closed = _analyze_surface(surface)
        split_terms.extend(term for term, _ in parts)
        closed_terms.extend([closed[0]] if closed is not None else [term for term, _ in parts])
    return list(dict.fromkeys(tuple(seq) for seq in (split_terms, closed_terms) if seq))


def set_glossary_phrases(phrases: Iterable[tuple[str, ...]]) -> None:
    """The glossary phrases :func:`index_terms` marks from now on (see
    :mod:`jjj_brief.search.glossary_terms`); set before building or adding to an index."""
    table: dict[str, dict[str, list[tuple[str, ...]]]] = {}
    for phrase in sorted(set(phrases)):
        if len(phrase) > 1:
            table.setdefault(phrase[0], {}).setdefault(phrase[1], []).append(phrase)
    _GLOSSARY.clear()
    _GLOSSARY.update(table)


def _mark_glossary(pairs: list[tuple[str, int]], by_pos: list[str], extra: dict[int, list[str]]) -> None:
    """Append a glossary term at each position where a glossary phrase starts.

    ``by_pos[p]``: the first term at position ``p``; ``extra[p]``: any others there (a
    compound's closed form)."""
    table = _GLOSSARY
    end = len(by_pos)

    def has(pos: int, word: str) -> bool:
        return pos < end and (by_pos[pos] == word or word in extra.get(pos, ()))

    for term, pos in [(term, pos) for term, pos in pairs if term in table]:
        if pos + 1 >= end:
            continue
        by_second = table[term]
        for second in (by_pos[pos + 1], *extra.get(pos + 1, ())):
            for phrase in by_second.get(second, ()):
                if all(has(pos + i, word) for i, word in enumerate(phrase[2:], 2)):
                    pairs.append((glossary_term(phrase), pos))


def index_terms(text: str, *, glossary: bool = True) -> list[tuple[str, int]]:
    """(term, position) pairs of ``text`` — :func:`iter_tokens` without offsets, plus
    the glossary terms of :func:`set_glossary_phrases` (after the others).

    Remembers the surface tokens of the last few texts, so the vocabulary step of a
    build (:func:`surfaces_of`) does not scan the same text again.
    """
    surfaces = TOKEN_PATTERN.findall(text)
    if len(_RECENT) >= 8:
        _RECENT.clear()
    _RECENT[id(text)] = (text, surfaces)
    out: list[tuple[str, int]] = []
    append = out.append
    pos = 0
    analyze_parts = _analyze_surface
    if not (glossary and _GLOSSARY):
        for surface in surfaces:
            parts, closed = analyze_parts(surface)
            first = pos
            for term, _ in parts:
                append((term, pos))
                pos += 1
            if closed is not None:
                append((closed[0], first))
                if not parts:
                    pos += 1
        return out
    by_pos: list[str] = []  # the same loop, also noting the terms at each position
    extra: dict[int, list[str]] = {}
    for surface in surfaces:
        parts, closed = analyze_parts(surface)
        first = pos
        for term, _ in parts:
            append((term, pos))
            by_pos.append(term)
            pos += 1
        if closed is not None:
            append((closed[0], first))
            if parts:
                extra.setdefault(first, []).append(closed[0])
            else:
                by_pos.append(closed[0])
                pos += 1
    _mark_glossary(out, by_pos, extra)
    return out


def surfaces_of(text: str) -> list[str]:
    """The surface tokens of ``text`` (from :func:`index_terms`' memory when it just ran)."""
    found = _RECENT.get(id(text))
    if found is not None and found[0] is text:
        return found[1]
    return TOKEN_PATTERN.findall(text)
