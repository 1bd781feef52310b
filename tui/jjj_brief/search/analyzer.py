"""The one analyzer: how text becomes search terms, for indexing, querying and highlighting.

Everything that turns words into terms goes through :func:`analyze` (or :func:`term_of`),
so a passage, a query and the highlighter can never disagree about what a word is.

Rules, in order, for each token the tokenizer finds:

* **Tokens** are runs of letters and digits joined by apostrophes (``Xiong’an``),
  hyphens (``sub-center``) or, between digits, by ``.`` and ``,`` (``38.6``, ``10,000``,
  ``PM2.5``). Nothing else is part of a word — in particular not ``*``, so the printed
  ``Babcock Wilcox***`` is found by ``wilcox``. Each CJK character is a token of its own.
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
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from whoosh.analysis import Token, Tokenizer
from whoosh.lang.porter import stem as porter_stem

ANALYZER_VERSION = "jjj-analyzer-1"

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD_CHAR = rf"[^\W{_CJK}]"
_APOSTROPHES = "'’‘`´ʼ"
_HYPHENS = "-\u2010\u2011"
TOKEN_PATTERN = re.compile(
    rf"[{_CJK}]"
    rf"|{_WORD_CHAR}+(?:(?:[{_APOSTROPHES}]|[{_HYPHENS}]|(?<=\d)[.,](?=\d)){_WORD_CHAR}+)*"
)
_POSSESSIVE = re.compile(rf"[{_APOSTROPHES}]s$")
_APOSTROPHE_RUN = re.compile(rf"[{_APOSTROPHES}]")
_HYPHEN_SPLIT = re.compile(rf"[{_HYPHENS}]")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")

STOP_WORDS = frozenset(
    "a an and are as at be been by for from has have in is it its of on or that the "
    "this to was were will with".split()
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


class JJJTokenizer(Tokenizer):
    """Whoosh face of :func:`iter_tokens` (a tokenizer is a complete whoosh analyzer)."""

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__

    def __hash__(self) -> int:
        return hash(self.__class__)

    def __call__(  # type: ignore[override]
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
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        token.boost = 1.0
        token.stopped = False
        if not chars and not keeporiginal:
            # Indexing path (hot): terms and positions only, no per-token objects.
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


def _terms_and_positions(text: str) -> Iterator[tuple[str, int]]:
    """:func:`iter_tokens` reduced to (term, position), for indexing speed."""
    pos = 0
    analyze_parts = _analyze_surface
    for surface in TOKEN_PATTERN.findall(text):
        parts, closed = analyze_parts(surface)
        first = pos
        for term, _ in parts:
            yield term, pos
            pos += 1
        if closed is not None:
            yield closed[0], first
            if not parts:
                pos += 1
