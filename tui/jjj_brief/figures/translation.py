"""An original beside its translation: paragraphs aligned, and each translated figure linked
to the original's figure it renders — so "386 micrograms" points at 38.6微克/立方米.

Pairs. An import names its original with ``translation_of: ID`` (front matter, or
``import --translation-of ID``); :func:`find_pair` finds the pair from either side.

Alignment (:func:`align_paragraphs`) keeps order: a dynamic programme over the two paragraph
lists (banded around the diagonal, so long documents stay linear) pairs paragraphs one to
one or leaves one unpaired, scoring each pair by the numbers both print — compared by their
significant digits, so a translation that lost a decimal point still anchors — and how far
apart their relative positions are.

Links (:func:`link_figures`): inside each aligned pair (and its neighbours, for a paragraph
that the translator split), a translated figure is linked to an original figure of the same
unit family whose value is equal (``same``) or equal times a power of ten (``x10``,
``x0.1``, ...: the mark of a broken transcription). The original is read by
:mod:`jjj_brief.figures.zh` when it is Chinese.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from jjj_brief.corpus import Article, Corpus, Paragraph
from jjj_brief.figures.extraction import extract_figures
from jjj_brief.figures.model import Figure

GAP = -0.3  # leaving a paragraph unpaired
BAND = 60  # paragraphs either side of the diagonal considered
_UNIT_ALIASES = {
    "microgram": "ug",
    "kilometer": "km",
    "kilometre": "km",
    "square kilometer": "km2",
    "ton": "t",
    "tonne": "t",
    "meter": "m",
    "metre": "m",
    "hectare": "ha",
    "people": "person",
}
_NOT_LINKED = frozenset({"label", "date"})


@dataclass(frozen=True)
class ParagraphPair:
    original: Paragraph | None
    translation: Paragraph | None
    shared: tuple[str, ...] = ()  # significant digits both paragraphs print

    def to_dict(self) -> dict[str, Any]:
        def side(p: Paragraph | None) -> dict[str, Any] | None:
            return None if p is None else {"index": p.index, "start": p.start, "end": p.end, "text": p.text}

        return {"original": side(self.original), "translation": side(self.translation), "shared": list(self.shared)}


@dataclass(frozen=True)
class FigureLink:
    translation: Figure
    original: Figure
    power: int  # translation value == original value * 10**power

    @property
    def relation(self) -> str:
        return "same" if self.power == 0 else f"x{10.0**self.power:g}"

    @property
    def suspect(self) -> bool:
        return self.power != 0

    def explanation(self) -> str:
        if not self.suspect:
            return f"the original prints {self.original.text}"
        times = f"{10 ** abs(self.power):,}"
        way = "larger" if self.power > 0 else "smaller"
        return (
            f"the original prints {self.original.text}: this translation is {times} times {way} "
            f"(a lost or moved decimal point?)"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "translation": self.translation.to_dict(),
            "original": self.original.to_dict(),
            "relation": self.relation,
            "suspect": self.suspect,
            "explanation": self.explanation(),
        }


@dataclass
class Pairing:
    original: Article
    translation: Article
    paragraphs: list[ParagraphPair]
    links: list[FigureLink] = field(default_factory=list)

    def link_at(self, translation_offset: int) -> FigureLink | None:
        """The link of the translated figure covering ``translation_offset``."""
        for link in self.links:
            if link.translation.start <= translation_offset < link.translation.end:
                return link
        return None

    @property
    def suspects(self) -> list[FigureLink]:
        return [link for link in self.links if link.suspect]

    def to_dict(self) -> dict[str, Any]:
        return {
            "original": self.original.id,
            "translation": self.translation.id,
            "paragraphs": [p.to_dict() for p in self.paragraphs],
            "links": [link.to_dict() for link in self.links],
            "suspects": len(self.suspects),
        }


def find_pair(article: Article, corpus: Corpus) -> tuple[Article, Article] | None:
    """(original, translation) when ``article`` is either; ``None`` otherwise."""
    if article.translation_of:
        original = corpus.find(article.translation_of)
        if original is not None and original.id != article.id:
            return original, article
    for other in corpus:
        if other.translation_of and other.id != article.id and corpus.find(other.translation_of) is article:
            return article, other
    return None


def import_note(article: Article, corpus: Corpus) -> str:
    """The reader's line under an import's byline: where it came from, and its pair."""
    from jjj_brief.formats import provenance_line

    parts = [provenance_line(article.provenance or {}) or "Imported document.", pair_note(article, corpus)]
    return " · ".join(part for part in parts if part)


def pair_note(article: Article, corpus: Corpus) -> str:
    """The reader's hint that ``article`` has a counterpart (``p`` shows both side by side)."""
    found = find_pair(article, corpus)
    if found is None:
        return ""
    original, translation = found
    if article is translation:
        return f"translation of “{original.title}” — p: side by side"
    return f"translated as “{translation.title}” — p: side by side"


def pair(original: Article, translation: Article) -> Pairing:
    """Align the two and link the translation's figures to the original's."""
    original_figures = extract_figures(original.text)
    translation_figures = extract_figures(translation.text)
    by_paragraph_o = _figures_by_paragraph(original, original_figures)
    by_paragraph_t = _figures_by_paragraph(translation, translation_figures)
    pairs = align_paragraphs(original.paragraphs, translation.paragraphs, by_paragraph_o, by_paragraph_t)
    links = link_figures(pairs, by_paragraph_o, by_paragraph_t)
    return Pairing(original, translation, pairs, links)


def significant(value: float | None) -> str:
    """38.6 -> '386', 386 -> '386', 0.0386 -> '386', 2100 -> '21'."""
    if value is None or not math.isfinite(value) or value == 0:
        return ""
    digits = re.sub(r"\D", "", f"{abs(value):.10g}".split("e")[0])
    return digits.strip("0")


def _figures_by_paragraph(article: Article, figures: list[Figure]) -> dict[int, list[Figure]]:
    out: dict[int, list[Figure]] = {}
    for figure in figures:
        if figure.kind in _NOT_LINKED or figure.value is None:
            continue
        paragraph = article.paragraph_at(figure.start)
        if paragraph is not None:
            out.setdefault(paragraph.index, []).append(figure)
    return out


def align_paragraphs(
    originals: list[Paragraph],
    translations: list[Paragraph],
    figures_o: dict[int, list[Figure]],
    figures_t: dict[int, list[Figure]],
) -> list[ParagraphPair]:
    """Order-keeping alignment scored by shared numbers and relative position."""
    n, m = len(originals), len(translations)
    keys_o = [{significant(f.value) for f in figures_o.get(i, [])} - {""} for i in range(n)]
    keys_t = [{significant(f.value) for f in figures_t.get(j, [])} - {""} for j in range(m)]
    NEG = float("-inf")
    score: dict[tuple[int, int], float] = {(0, 0): 0.0}
    step: dict[tuple[int, int], tuple[int, int]] = {}

    def in_band(i: int, j: int) -> bool:
        return abs(i * max(m, 1) - j * max(n, 1)) <= BAND * max(n, m, 1)

    for i in range(n + 1):
        for j in range(m + 1):
            if (i, j) == (0, 0) or not in_band(i, j):
                continue
            best, came = NEG, (0, 0)
            for di, dj in ((1, 1), (1, 0), (0, 1)):
                prev = (i - di, j - dj)
                if prev not in score:
                    continue
                gain = _pair_score(i - 1, j - 1, n, m, keys_o, keys_t) if (di, dj) == (1, 1) else GAP
                if score[prev] + gain > best:
                    best, came = score[prev] + gain, prev
            if best > NEG:
                score[(i, j)] = best
                step[(i, j)] = came
    out: list[ParagraphPair] = []
    at = (n, m)
    while at != (0, 0) and at in step:
        prev = step[at]
        i, j = at
        if prev == (i - 1, j - 1):
            shared = tuple(sorted(keys_o[i - 1] & keys_t[j - 1]))
            out.append(ParagraphPair(originals[i - 1], translations[j - 1], shared))
        elif prev == (i - 1, j):
            out.append(ParagraphPair(originals[i - 1], None))
        else:
            out.append(ParagraphPair(None, translations[j - 1]))
        at = prev
    out.reverse()
    return out


def _pair_score(i: int, j: int, n: int, m: int, keys_o: list[set[str]], keys_t: list[set[str]]) -> float:
    shared = len(keys_o[i] & keys_t[j])
    either = len(keys_o[i] | keys_t[j])
    numbers = 2.0 * shared / either if either else 0.0
    mismatch = 0.5 if either and not shared and keys_o[i] and keys_t[j] else 0.0
    drift = abs((i + 0.5) / max(n, 1) - (j + 0.5) / max(m, 1))
    return 0.5 + numbers - mismatch - drift


def _family(figure: Figure) -> str:
    unit = (figure.unit or "").split("/")[0]
    unit = _UNIT_ALIASES.get(unit, unit)
    if figure.kind in ("percent", "percentage_points", "money", "year", "duration", "multiple"):
        return f"{figure.kind}:{unit}"
    return f"unit:{unit}" if unit else "count"  # "386 micrograms" (a count) renders 38.6微克/立方米


def _power(translated: float, original: float) -> int | None:
    if translated == original:
        return 0
    if translated <= 0 or original <= 0:
        return None
    ratio = translated / original
    power = round(math.log10(ratio))
    if power != 0 and abs(ratio / 10.0**power - 1) < 0.005:
        return power
    return None


def link_figures(
    pairs: list[ParagraphPair], figures_o: dict[int, list[Figure]], figures_t: dict[int, list[Figure]]
) -> list[FigureLink]:
    """For each translated figure, the original figure it renders (equal, or off by 10**k)."""
    links: list[FigureLink] = []
    for position, pair_ in enumerate(pairs):
        if pair_.translation is None:
            continue
        near = [pairs[k].original for k in (position, position - 1, position + 1) if 0 <= k < len(pairs)]
        candidates = [f for p in near if p is not None for f in figures_o.get(p.index, [])]
        used: set[int] = set()
        for figure in figures_t.get(pair_.translation.index, []):
            best = _best_original(figure, candidates, used)
            if best is not None:
                used.add(best[0].start)
                links.append(FigureLink(figure, best[0], best[1]))
    return links


def _best_original(figure: Figure, candidates: list[Figure], used: set[int]) -> tuple[Figure, int] | None:
    found: list[tuple[int, Figure, int]] = []
    for rank, original in enumerate(candidates):
        if original.start in used or _family(original) != _family(figure):
            continue
        power = _power(figure.value or 0.0, original.value or 0.0)
        if power is not None and abs(power) <= 3:
            found.append((abs(power) * 1000 + rank, original, power))
    if not found:
        return None
    _, original, power = min(found, key=lambda item: item[0])
    return original, power


class Pairings:
    """:func:`pair`, remembered per (ids, texts): the reader asks for each figure it focuses.
    One per :class:`~jjj_brief.library.Library`; keeps the last :data:`KEEP_PAIRINGS`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._found: dict[tuple[object, ...], Pairing] = {}

    def pair(self, original: Article, translation: Article) -> Pairing:
        key = (
            original.id,
            len(original.text),
            hash(original.text),
            translation.id,
            len(translation.text),
            hash(translation.text),
        )
        with self._lock:
            found = self._found.get(key)
        if found is None:
            found = pair(original, translation)
            with self._lock:
                if len(self._found) >= KEEP_PAIRINGS:
                    self._found.pop(next(iter(self._found)))
                self._found[key] = found
        return found


KEEP_PAIRINGS = 16


def _paired(original: Article, translation: Article, pairings: Pairings | None) -> Pairing:
    return pairings.pair(original, translation) if pairings is not None else pair(original, translation)


def counterpart(
    article: Article, offset: int, corpus: Corpus, pairings: Pairings | None = None
) -> tuple[Article, Figure, FigureLink] | None:
    """The figure on the other side of a pair for the figure at ``offset`` in ``article``:
    (the other article, its figure, the link) — the original's figure for a translated one,
    the translation's for an original one."""
    found = find_pair(article, corpus)
    if found is None:
        return None
    original, translation = found
    pairing = _paired(original, translation, pairings)
    for link in pairing.links:
        if article is translation and link.translation.start <= offset < link.translation.end:
            return original, link.original, link
        if article is original and link.original.start <= offset < link.original.end:
            return translation, link.translation, link
    return None


def flag_translation(
    translation: Article, figures: list[Figure], corpus: Corpus, pairings: Pairings | None = None
) -> list[Figure]:
    """``figures`` of a translation, each one its original prints 10**k times smaller or larger
    flagged suspect with the original's value as the likely one (the figure layer's hook).
    The original is looked up in ``corpus``."""
    from dataclasses import replace

    from jjj_brief.figures.model import Suspect

    original = corpus.find(translation.translation_of or "")
    if original is None or original.id == translation.id:
        return figures
    links = {link.translation.start: link for link in _paired(original, translation, pairings).suspects}
    if not links:
        return figures
    out = []
    for figure in figures:
        link = links.get(figure.start)
        if link is None:
            out.append(figure)
            continue
        reason = f"translation: {original.id} prints '{link.original.text}' here ({link.relation})"
        old = figure.suspect
        out.append(
            replace(
                figure,
                suspect=Suspect(
                    reason if old is None else f"{old.reason}; {reason}",
                    link.original.value if old is None or old.likely is None else old.likely,
                ),
            )
        )
    return out
