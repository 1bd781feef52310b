"""Every sentence of a briefing traceable to the passages it cites.

The rules ``jjj-brief check`` applies to our own prose (topic summaries and key points,
fact subjects, explanations and notes, timeline titles and descriptions, glossary
glosses), each against the passages the item cites:

* a phrase in quotation marks ("...", “...”, ‘...’, '...') is printed verbatim in a cited
  passage — case, spacing and the style of quotation marks aside; "a ... b" is two
  pieces, each printed; a phrase with Chinese characters (an original) is exempt;
* an outlet named (Xinhua, CCTV, People's Daily, China News Service, Liaowang, or any
  name from the catalog) is the outlet of a cited passage;
* a number or year is printed in a cited quote (as a figure the figure layer reads
  there), or is the sum or difference of printed figures ("312 + 373 = 685"), or is
  the publication date of a cited article;
* an ordinal ("ninth", "10th") is printed in a cited quote, in words or digits;
* a place, body, person or road the glossary names (in any of its spellings) is named in
  a cited quote, unless every article prints it (the region itself); glosses are exempt
  from this one and have their own:
* a gloss states no such name and no year that no paragraph printing its term prints
  (nor an article printing it was published in): background the editors know goes after
  "Editors' note, not printed in the articles:", and a sentence about a Chinese original
  (what the characters mean, which rendering is wrong) is a linguistic note, exempt.

What an item cites: a topic, its passages and the claims of the facts filed under it or
its sub-topics; a fact, its claims; a timeline event, its quotes; a glossary term, the
articles that print one of its spellings (the term, an alias or a see-also phrase).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING

from jjj_brief.corpus import Article

if TYPE_CHECKING:
    from jjj_brief.figures import Figure

ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20,
}  # fmt: skip
_ORDINAL = re.compile(r"(?i)\b(?:(?P<word>" + "|".join(ORDINAL_WORDS) + r")|(?P<digits>\d{1,3})(?:st|nd|rd|th))\b")
# "first" is an ordinal only when it ranks something in a series a source could print
# ("the first batch"); "planning came first" is not checked.
_IDIOMATIC_FIRST = re.compile(
    r"(?i)\b(?:came|comes|come|put|at|is|goes|go)\s+first\b|\bfirst\s*(?:[,.;:!?)\"”]|$)|\bfirst\s+(?:step|time)\b"
)
_QUOTED = re.compile(r"\"([^\"\n]{2,300})\"|“([^”\n]{2,300})”|‘([^’\n]{2,300})’|(?<![\w'])'([^'\n]{2,300})'(?!\w)")
_CJK = re.compile(r"[\u3400-\u9fff]")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)\s*")
_SENTENCE = re.compile(r"(?<=[.!?;])\s+(?=[A-Z\"“'(0-9])")


@dataclass
class Cited:
    """What an item cites: quote texts, whole article texts, and the articles themselves."""

    quotes: list[tuple[Article, int, int]] = field(default_factory=list)  # (article, start, end)
    whole: list[Article] = field(default_factory=list)  # articles cited as a whole (glossary)

    @property
    def articles(self) -> list[Article]:
        seen: dict[str, Article] = {}
        for article, *_ in self.quotes:
            seen.setdefault(article.id, article)
        for article in self.whole:
            seen.setdefault(article.id, article)
        return list(seen.values())

    def texts(self) -> list[str]:
        return [a.text[s:e] for a, s, e in self.quotes] + [a.text for a in self.whole]


def normalise(text: str) -> str:
    """Case, spacing, dash and quotation-mark style aside."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = text.replace("–", "-").replace("—", "-")
    return " ".join(text.casefold().split())


def quoted_phrases(text: str) -> list[str]:
    return [next(g for g in m.groups() if g is not None) for m in _QUOTED.finditer(text)]


def unquoted_phrase_problems(text: str, cited: Cited) -> Iterator[str]:
    haystack = [normalise(t) for t in cited.texts()]
    for phrase in quoted_phrases(text):
        if _CJK.search(phrase):
            continue
        pieces = [p for p in _ELLIPSIS.split(phrase.strip(" ,.;:")) if p.strip(" ,.;:")]
        missing = [p for p in pieces if not any(normalise(p.strip(" ,.;:")) in h for h in haystack)]
        if missing:
            yield f"quoted phrase {phrase!r} is not printed verbatim in any passage this item cites"


# ----------------------------------------------------------------------- outlets


def outlet_names(article: Article) -> list[str]:
    """The names an outlet goes by: "Xinhua News Agency" -> Xinhua News Agency, Xinhua;
    "China News Service" -> China News Service, China News;
    "Liaowang (Outlook Weekly)" -> Liaowang, Outlook Weekly; "CCTV News (Xinwen Lianbo)" ->
    CCTV News, CCTV, Xinwen Lianbo."""
    names = []
    for part in re.split(r"\s*[()]\s*", article.outlet):
        part = part.strip()
        if not part:
            continue
        names.append(part)
        short = re.sub(r"\s+(?:News\s+Agency|News|Service)$", "", part)
        if short != part and short:
            names.append(short)
    return names


def outlet_problems(text: str, cited: Cited, corpus_articles: Iterable[Article]) -> Iterator[str]:
    cited_ids = {a.id for a in cited.articles}
    named: dict[str, set[str]] = {}
    for article in corpus_articles:
        for name in outlet_names(article):
            named.setdefault(name, set()).add(article.id)
    reported = set()
    for sentence in split_sentences(text):
        for name, ids in named.items():
            if name in reported or not re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", sentence):
                continue
            if not ids & cited_ids:
                reported.add(name)
                yield f"names {name} but cites no passage from it; cite one or drop the name"


def split_sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(" ".join(text.split())) if s]


# ----------------------------------------------------------------------- numbers


def ordinals(text: str) -> list[tuple[str, int]]:
    found = []
    for match in _ORDINAL.finditer(text):
        if match.group("word"):
            word = match.group("word").lower()
            if word == "first" and _IDIOMATIC_FIRST.search(text, max(0, match.start() - 8), match.end() + 8):
                continue
            found.append((match.group(0), ORDINAL_WORDS[word]))
        else:
            found.append((match.group(0), int(match.group("digits"))))
    return found


def printed_ordinals(cited: Cited) -> set[int]:
    return {value for text in cited.texts() for _, value in ordinals_anywhere(text)}


def ordinals_anywhere(text: str) -> list[tuple[str, int]]:
    """Every ordinal printed, idiom or not (what a source prints counts in full)."""
    out = []
    for match in _ORDINAL.finditer(text):
        word = match.group("word")
        out.append((match.group(0), ORDINAL_WORDS[word.lower()] if word else int(match.group("digits"))))
    return out


def ordinal_problems(text: str, cited: Cited) -> Iterator[str]:
    shown_ordinals = ordinals(text)
    if not shown_ordinals:
        return  # nothing to trace: the cited texts (whole articles, for a gloss) are not read
    printed = printed_ordinals(cited)
    for shown, value in shown_ordinals:
        if value not in printed:
            yield f"ordinal {shown!r} is not printed in any passage this item cites"


def derived_values(values: list[float], limit: int = 60) -> set[float]:
    """Values, and sums and differences of two (and sums of three) of them: an explanation
    may add up what the sources print ("312 + 373 = 685"). Capped for long lists."""
    base = sorted(set(values))[:limit]
    out = set(base)
    for a, b in combinations(base, 2):
        out.add(a + b)
        out.add(abs(a - b))
    if len(base) <= 25:
        for a, b, c in combinations(base, 3):
            out.add(a + b + c)
    return out


@dataclass
class Traceable:
    values: set[float]
    dates: list[str]


def traced(figure: Figure, traceable: Traceable) -> bool:
    """A figure of our prose is traced by a printed value (or one derived from them), or,
    for a date or year, by a printed date it abbreviates or a cited publication date."""
    if figure.kind in ("date", "year") and figure.as_of:
        wanted = figure.as_of.lstrip("-")
        if any(date.lstrip("-").startswith(wanted) or date.endswith(wanted) for date in traceable.dates):
            return True
    if figure.value is None:
        return figure.kind not in ("date", "year") or not figure.as_of
    return any(abs(figure.value - v) <= 1e-9 * max(1.0, abs(v)) for v in traceable.values)


def sentence_of(text: str, needle: str) -> str:
    for sentence in split_sentences(text):
        if needle in sentence:
            return sentence
    return text


# ----------------------------------------------------------------------- names

# Glossary kinds that name something a source must print: a place, a body, a person, a
# road or line. (Concepts and slogans are the editors' words for ideas.)
NAMED_KINDS = ("place", "organisation", "person", "infrastructure")
_HAN = re.compile(r"[\u3400-\u9fff]")


def names_in(text: str, spelling: str) -> bool:
    """``spelling`` occurs in ``text`` as a whole name (case aside; "Beijing-Zhangjiakou"
    does not name Zhangjiakou)."""
    return _names_folded(text.casefold(), spelling.casefold())


def _names_folded(text: str, spelling: str) -> bool:
    if spelling not in text:  # the cheap test first: most names are absent
        return False
    return re.search(rf"(?<![\w-]){re.escape(spelling)}(?![\w-])", text) is not None


def name_problems(text: str, cited: Cited, names: dict[str, list[str]]) -> Iterator[str]:
    """A name the prose uses (any spelling of a glossary term in ``names``: id -> spellings)
    is printed, in one of its spellings, in a quote the item cites."""
    prose, quotes = text.casefold(), " ".join(cited.texts()).casefold()
    for spellings in names.values():
        latin = [s for s in spellings if not _HAN.search(s)]
        shown = [s for s in latin if _names_folded(prose, s.casefold())]
        if shown and not any(_names_folded(quotes, s.casefold()) for s in latin):
            yield f"names {shown[0]} but no passage this item cites names it; cite one or drop the name"


# ----------------------------------------------------------------------- glosses

# A gloss may carry what no article prints only under this label, placed last: the note
# runs to the end of the gloss.
EDITORS_NOTE = "Editors' note, not printed in the articles:"
_YEAR = re.compile(r"(?<![\d.,])(?:1[89]|20)\d{2}(?![\d.,]\d)")


def sourced_part(gloss: str) -> str:
    """What a gloss presents as sourced: the text before its editors' note, without the
    sentences that discuss a Chinese original (a linguistic note: what 京畿 means, which
    rendering is wrong)."""
    head = gloss.split(EDITORS_NOTE, 1)[0]
    return " ".join(s for s in split_sentences(head) if not _CJK.search(s))


def gloss_problems(
    gloss: str,
    paragraphs: list[str],
    names: dict[str, list[str]],
    published: Iterable[str] = (),
    outlets: Iterable[str] = (),
) -> Iterator[str]:
    """A place, body, person or road (``names``: id -> spellings) or a year the sourced
    part of a gloss states is printed in a paragraph that prints the term (``paragraphs``),
    or the year is when such an article was published (``published``: ISO dates): what an
    article says of the term, not background the editors know."""
    years_published = {date[:4] for date in published}
    yield from _note_problems(gloss, outlets)
    text = sourced_part(gloss)
    if not text:
        return
    folded = [p.casefold() for p in paragraphs]
    for spellings in names.values():
        latin = [s for s in spellings if not _HAN.search(s)]
        shown = next((s for s in latin if _names_folded(text.casefold(), s.casefold())), None)
        if shown and not any(_names_folded(p, s.casefold()) for p in folded for s in latin):
            yield (
                f"gloss names {shown!r} but no paragraph printing this term names it; "
                f"say what an article prints, or put it after {EDITORS_NOTE!r}"
            )
    for year in dict.fromkeys(m.group(0) for m in _YEAR.finditer(text)):
        if year not in years_published and not any(re.search(rf"(?<!\d){year}(?!\d)", p) for p in paragraphs):
            yield (
                f"gloss states the year {year} but no paragraph printing this term prints it; "
                f"say what an article prints, or put it after {EDITORS_NOTE!r}"
            )


def _note_problems(gloss: str, outlets: Iterable[str]) -> Iterator[str]:
    """An editors' note credits no outlet: what it says is ours, and an outlet's name would
    make it look sourced."""
    if EDITORS_NOTE not in gloss:
        return
    note = gloss.split(EDITORS_NOTE, 1)[1]
    for name in dict.fromkeys(outlets):
        if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", note):
            yield f"the editors' note names {name}; say it before the note, where it is checked, or drop the name"
            return
