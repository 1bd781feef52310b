"""The text rules: what a word is, how it is folded and stemmed.

One definition shared by search (:mod:`jjj_brief.search.analyzer`, which adds what only
an index needs: glossary terms, the analyzer version) and by the figure subjects of
:mod:`jjj_brief.compare.subject`, so both read a word the same way. No index code here.

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

Speed: a surface token's analysis is computed once and cached (the vocabulary of a
collection is small next to its running text), and :func:`term_positions`, the hot loop
of an index build, handles the common one-word token with one dictionary look-up.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from whoosh.lang.porter import (
    stem as porter_stem,
)  # a pure-Python Porter stemmer (no index code)

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
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
    ]
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
    (
        re.compile(r"(?<=[a-z]{2})is(ation|ations|e|es|ed|ing)$"),
        r"iz\1",
    ),  # organisation
)
CACHE_SIZE = 200_000  # distinct surface tokens remembered (a 10,000-article collection has ~60,000)


@dataclass(frozen=True, slots=True)
class AnalyzedToken:
    """One term produced from the text, with where it came from."""

    term: str  # what is indexed / looked up
    word: str  # the folded, unstemmed form (for "did you mean" and prefixes)
    pos: int  # position, for phrases
    start: int  # character offsets of the surface token in the analyzed text
    end: int


@lru_cache(maxsize=CACHE_SIZE)
def stem(word: str) -> str:
    if any(ch.isdigit() for ch in word):
        return word
    return str(porter_stem(word))


@lru_cache(maxsize=CACHE_SIZE)
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


@lru_cache(maxsize=CACHE_SIZE)
def analyze_parts(surface: str) -> tuple[tuple[Part, ...], Pair | None]:
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
    words: list[str] = []
    at = 0
    for piece in _HYPHEN_SPLIT.split(surface):
        word = fold(piece)
        words.append(word)
        if word and word not in STOP_WORDS:
            parts.append((stem(word), word, at, at + len(piece)))
        at += len(piece) + 1
    closed = None
    if not all(w.replace(".", "").replace(",", "").isdigit() for w in words):
        joined = fold("".join(words))
        if joined:
            closed = (stem(joined), joined)
    return tuple(parts), closed


@lru_cache(maxsize=CACHE_SIZE)
def surface_analysis(surface: str) -> tuple[tuple[Pair, ...], Pair | None]:
    """One surface token (as typed) -> its (term, word) parts and closed compound form."""
    parts, closed = analyze_parts(surface)
    return tuple((term, word) for term, word, _, _ in parts), closed


# A surface token's terms in the form the index loop wants: a plain one-word token is its
# term ("" for a stop word); anything else (compound, CJK run) is (part terms, closed term).
IndexForm = str | tuple[tuple[str, ...], str | None]


@lru_cache(maxsize=CACHE_SIZE)
def index_form(surface: str) -> IndexForm:
    """One surface token's :data:`IndexForm` (remembered like the rules above: a pure function
    of the token, so every caller in the process shares it and no caller can change it)."""
    parts, closed = surface_analysis(surface)
    if closed is None and len(parts) <= 1:
        return parts[0][0] if parts else ""
    return (tuple(term for term, _ in parts), closed[0] if closed is not None else None)


def term_positions(
    surfaces: list[str],
) -> tuple[list[tuple[str, int]], list[str], dict[int, list[str]]]:
    """(term, position) pairs of a run of surface tokens, in :func:`iter_tokens` order,
    plus the first term at each position and any others there (a compound's closed form).
    """
    forms = list(map(index_form, surfaces))  # C-level cache look-ups: most tokens are known
    kinds = list(map(type, forms))
    out: list[tuple[str, int]] = []
    by_pos: list[str] = []
    extra: dict[int, list[str]] = {}
    at, n, pos = 0, len(forms), 0
    while at < n:
        try:
            nxt = kinds.index(tuple, at)  # the next compound or CJK run
        except ValueError:
            nxt = n
        if nxt > at:  # a run of plain words (stop words are ""): handled without a loop of ours
            run: list[str] = list(filter(None, forms[at:nxt]))  # type: ignore[arg-type]
            out.extend(zip(run, range(pos, pos + len(run))))
            by_pos.extend(run)
            pos += len(run)
        if nxt == n:
            break
        parts, closed = forms[nxt]  # type: ignore[str-unpack]
        first = pos
        for term in parts:
            out.append((term, pos))
            by_pos.append(term)
            pos += 1
        if closed is not None:
            out.append((closed, first))
            if parts:
                extra.setdefault(first, []).append(closed)
            else:
                by_pos.append(closed)
                pos += 1
        at = nxt + 1
    return out, by_pos, extra


def iter_tokens(text: str) -> Iterator[AnalyzedToken]:
    """All terms of ``text`` with positions and character offsets into ``text``.

    A compound yields its parts at consecutive positions (each with its own offsets),
    then its closed form, spanning the whole compound, at the first part's position.
    """
    pos = 0
    for match in TOKEN_PATTERN.finditer(text):
        parts, closed = analyze_parts(match.group(0))
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
    return [term for term, _ in term_positions(TOKEN_PATTERN.findall(text))[0]]


def surface_words(text: str) -> list[str]:
    """The surface tokens of ``text`` as typed (for query parsing)."""
    return TOKEN_PATTERN.findall(text)


def words_key(text: str) -> str:
    """A spelling-insensitive key for a name: its stemmed parts run together.

    ``Beijing-Tianjin-Hebei``, ``Beijing, Tianjin and Hebei`` and ``beijing tianjin hebei``
    share a key; so do ``Xiong’an`` and ``Xiongan``. Used to match glossary aliases.
    """
    out: list[str] = []
    for surface in surface_words(text):
        parts, closed = surface_analysis(surface)
        out.extend(term for term, _ in (parts or ((closed,) if closed else ())))
    return "".join(out)


def phrase_sequences(text: str) -> list[tuple[str, ...]]:
    """The term sequences a spelling is searched as: split compounds, and closed ones."""
    split_terms: list[str] = []
    closed_terms: list[str] = []
    for surface in surface_words(text):
        parts, closed = surface_analysis(surface)
        split_terms.extend(term for term, _ in parts)
        closed_terms.extend([closed[0]] if closed is not None else [term for term, _ in parts])
    return list(dict.fromkeys(tuple(seq) for seq in (split_terms, closed_terms) if seq))
