"""Figures: every statistic in an article, normalized, with the suspect ones flagged.

This module is the single home of the figure grammar. The rules below are the contract;
the code under each heading implements exactly them, and ``docs/figures.md`` shows them
with examples from the corpus.

Coordinates
    A figure is a span ``[start, end)`` of the article text (Python ``str`` indices, the
    corpus coordinates), and ``text == article_text[start:end]``. Figures are sorted and
    never overlap. The text is never changed: a suspect flag is advice shown beside it.

What is a figure (``kind``)
    money              a number with ``yuan`` (optionally a scale word): "210 billion yuan",
                       "185,000 yuan/person" (unit ``yuan/person``), "10.4 trillion yuan".
                       "crossed five trillion yuan levels" counts steps: a count of 5 ``level``.
    percent            "58%", "5 percent", "5 per cent".
    percentage_points  "0.85 percentage points" (unit ``pp``).
    measure            a number with a physical unit: km, km2, m, m2, m3, ug/m3, TEU, kW,
                       W, t, mu, acre, ha, km/h — "2.5-kilometer" (hyphenated too).
    duration           a number with a time unit: "55 minutes", "ten years", "half an
                       hour", "half-hour", "1-1.5 hours" (a range, see below).
    multiple           "1.5 times", "12 times more" (unit ``times``). "N times" followed by
                       "in/per/a/each/every/when/…" counts occurrences instead ("invested
                       49,000 times in companies": a count of ``time``).
    count              any other quantity written in digits, with what is counted when the
                       words after it name it ("more than 10,000 branches" -> ``branch``);
                       ``unit`` is ``None`` when they do not ("from 123 to 39").
    date               a calendar date: "February 26, 2014", "June 2015", "February 27",
                       "2023-02-27". ``value`` is ``None``; ``as_of`` is the ISO date
                       ("2014-02-26", "2015-06", "--02-27" when no year is printed).
    year               a 4-digit number 1900-2099 with no unit: "in 2023", "2023 Hebei
                       Province", "the 2014 level". ``value`` is the year; ``as_of`` is the
                       year as a string. "2016-2035" is one year figure (a range). It counts
                       instead only before a plural noun with no year word ("in", "since",
                       "the", "with" …) in front: "2000 enterprises".
    label              a slogan made of numbers, "1+5+4+33", "1 + N", "3+2": a name, not a
                       sum; ``value`` is ``None``. A digit name broken by the translation
                       ("PM25") is also a label, so that it can carry its suspect flag.

Scale words multiply: thousand 1e3, million 1e6, "hundred million" 1e8, billion 1e9,
trillion 1e12 ("4.39 trillion yuan" -> 4.39e12). A number in a list before one that
carries a unit shares its scale and unit ("32, 41, and 38.6 micrograms/cubic meter").
A range "A-B unit" / "A to B unit" (not "from A to B", which is a change) is one figure;
its ``value`` is the upper bound B and its ``qualifier`` is "from A".

Word numbers (two … ninety-nine, "half") are figures when a unit or scale follows them
("ten years", "half an hour", "five trillion yuan"), or when they count something
("nine expressways", "three symposiums"), except:
    * "one" never counts on its own ("one core", "one blueprint" are idiom);
    * after a determiner — "the three places", "these two", "its four" — they name a
      known set rather than report a quantity;
    * "three or four times", "two to three" are vague;
    * inside a short quotation (up to 80 characters) they are slogans ("three districts
      and one base", "two wings", "one-hour traffic circle"); so is a count in digits
      there ("transformation of 10,000 enterprises" action: a programme's name);
    * "one hundred and five" is one number (105);
    * hyphenated they are adjectives or names: "two-photon", "two-way", "two-thirds",
      "Five-Year Plan", "three-year action plan", "Seven-year-old". Only a word number
      hyphenated to hour/minute/day/week is a duration ("half-hour").

What is NOT a figure (stays plain)
    * names with digits: "PM2.5", "5G", "G20", "COVID-19", and numbers after a name word:
      "Line 22", "No. 4", "Page 01", "Top 100", "Phase 2", "Route 1";
    * ordinals: "18th", "20th National Congress", "14th Five-Year Plan", "4th Games";
    * ages: "83-year-old"; version-like numbers "2.5.1"; clock times "10:30";
    * list numbering: a number opening a line followed by "." or ")" ("1. ", "(2)"); the
      words "First," "Second," are not numbers at all.

Unit of a count (the counted noun)
    The head noun of the words after the number: up to six words, stopping at a
    preposition, verb, determiner, punctuation or number, and after the first plural
    noun; the last word kept is the head. It is lowercased and made singular by an
    inflection library (people->person, buses->bus, statuses->status, analyses->analysis),
    so "292 key projects" -> ``project`` and "more than 10,000 branches" -> ``branch``.
    :func:`normalize_unit` applies the same lemma to a curator's unit, so "branches",
    "Branches" and "key projects" match.

Canonical units: yuan, yuan/person, %, pp, km, km2, m, m2, m3, ug/m3, TEU, kW, W, MW, GW,
kWh, t, mu, acre, ha, km/h, hour, minute, second, day, week, month, year, times, and the
counted-noun lemma for counts.

Qualifier: the hedge printed just before the number, lowercased, and part of the span
("more than 10,000 branches" is one figure, so a reader lands on the whole claim): "more than", "over",
"nearly", "about", "approximately", "around", "almost", "up to", "exceeded", "exceeds",
"exceed", "at least", "less than", "fewer than", "close to", "roughly", "above",
"below", "under", "no less than", "at most" — or "from A" for a range.

as_of (for every kind but date/year): the year or date the figure is stated for, from
the same sentence: a year right after it ("250,000 in 2015"; not a capitalised "In",
which opens a clause the translation did not punctuate), else the last year/date before
it in the sentence, else the first after it in its own clause (no comma between) —
skipping baselines ("from 2014", "compared with 2014", "than in 2014", and "since"
anywhere shortly before: "since its listing in April 2015") and years that name a plan
or its period (inside a short quotation, or a bracketed range: "(2016-2035)").
"ten years ago" is the year it names (2014) when the publication date is given to
:func:`extract_figures`; otherwise a duration.

Suspect figures (``suspect.reason``; ``suspect.likely`` when the intended value can be
inferred, in the figure's own scale, e.g. 4.39e12 for "439 trillion yuan")
    fused        a number glued to a word ("refused50,000", "59The", "GDP5%").
    split        a decimal part glued to a later word or year, whose whole part is an
                 earlier number in the same clause: "13 ... in 20141%" -> 13.1%,
                 "5 percent over the previous year5 per cent" -> 5.5%. Both halves flagged.
    yi-split     "59The 700 million cubic meter" -> 59.7 hundred million (亿) = 5.97e9.
    over-100     a decline or a share above 100% ("down 576%" -> 57.6).
    magnitude    a value impossible for its unit: an annual PM2.5-style concentration
                 above 250 ug/m3 (likely /10), a money figure above 200 trillion yuan
                 (more than China's whole GDP).
    decimal-neighbour  a whole-number percent or multiple of 10 or more in the same
                 sentence as a figure that lost its decimal point ("increased by 57%" next
                 to "5 percent ... year5 per cent") -> likely value/10.
    lost-wan     a hedged single-digit count ("more than 2 registered companies"): such a
                 hedge means a lost "ten thousand" (万); likely x10,000 when "Wan" follows.
    name-broken  "PM25" is PM2.5 with its decimal point lost.
    lost-year    a day and month with no year in a sentence that prints another month
                 with its year ("in May 2020 It will be implemented ... from January 1st").
    mu-as-acre   "1 million acres": Chinese land is measured in mu (亩, 1/15 ha).
    lost-unit    a count of an activity ("313 medical imaging inspection data sharing"):
                 the counted noun was lost.
    cross-article (in :func:`article_figures`) the same digits 10, 100 or 1000 times off a
                 figure with the same unit and year, on the same subject, in another
                 article ("386" vs "38.6" ug/m3 for Hebei 2023; "439 trillion" vs "4,394.41
                 billion" yuan) -> likely the other article's value, at this one's digits.
                 Only figures printed without a decimal point and with at least three
                 significant digits are candidates (round numbers like 100 vs 10 are
                 everywhere); "same subject" means the sentences around both share a
                 content word. Documents over 2 MB take no part (their own figures are
                 still found), so one huge import cannot slow every article down.

Performance: one linear scan with possessive/atomic patterns (no nested quantifiers that
can backtrack), then constant work per number; a 10 MB text is handled in seconds.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from jjj_brief.safety import display_safe

KINDS = (
    "money",
    "percent",
    "percentage_points",
    "count",
    "measure",
    "duration",
    "multiple",
    "date",
    "year",
    "label",
)


@dataclass(frozen=True)
class Suspect:
    reason: str
    likely: float | None


@dataclass(frozen=True)
class Figure:
    start: int
    end: int
    text: str
    kind: str
    value: float | None
    unit: str | None
    qualifier: str | None
    as_of: str | None
    suspect: Suspect | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "kind": self.kind,
            "value": self.value,
            "unit": self.unit,
            "qualifier": self.qualifier,
            "as_of": self.as_of,
            "suspect": None if self.suspect is None else {"reason": self.suspect.reason, "likely": self.suspect.likely},
        }


# --------------------------------------------------------------------------- vocabulary

SCALES = {
    "thousand": 1e3,
    "million": 1e6,
    "hundred million": 1e8,
    "billion": 1e9,
    "trillion": 1e12,
}

WORD_VALUES = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip

# (pattern, canonical unit, kind). Tried as one alternation, longest spellings first.
_UNIT_SPECS: list[tuple[str, str, str]] = [
    (r"percentage\s+points?|pct\.?\s+points?", "pp", "percentage_points"),
    (r"%|％|per\s*cent\b|percent\b", "%", "percent"),
    (r"yuan\s*/\s*(?:person|capita)|yuan\s+per\s+(?:person|capita)", "yuan/person", "money"),
    (r"yuan\b|RMB\b", "yuan", "money"),
    (
        r"(?:micrograms?|μg|µg|ug)\s*(?:/|per|of)\s*(?:cubic\s+met(?:er|re)s?|m3|m³)",
        "ug/m3",
        "measure",
    ),
    (r"square\s+kilomet(?:er|re)s?\b|sq\.?\s*km\b|km2\b|km²", "km2", "measure"),
    (r"square\s+met(?:er|re)s?\b|sq\.?\s*m\b|m2\b|m²", "m2", "measure"),
    (r"cubic\s+met(?:er|re)s?\b|m3\b|m³", "m3", "measure"),
    (r"kilomet(?:er|re)s?\s+(?:per|an|a)\s+hour\b|km/h\b|kph\b", "km/h", "measure"),
    (r"kilomet(?:er|re)s?\b|km\b", "km", "measure"),
    (r"met(?:er|re)s?\b", "m", "measure"),
    (r"TEUs?\b|standard\s+containers?\b", "TEU", "measure"),
    (r"kilowatt[\s-]hours?\b|kWh\b", "kWh", "measure"),
    (r"kilowatts?\b|kW\b", "kW", "measure"),
    (r"megawatts?\b|MW\b", "MW", "measure"),
    (r"gigawatts?\b|GW\b", "GW", "measure"),
    (r"watts?\b", "W", "measure"),
    (r"tonnes?\b|tons?\b", "t", "measure"),
    (r"hectares?\b|ha\b", "ha", "measure"),
    (r"acres?\b", "acre", "measure"),
    (r"mu\b", "mu", "measure"),
    (r"hours?\b|hrs?\b", "hour", "duration"),
    (r"minutes?\b|mins?\b", "minute", "duration"),
    (r"seconds?\b", "second", "duration"),
    (r"days?\b", "day", "duration"),
    (r"weeks?\b", "week", "duration"),
    (r"months?\b", "month", "duration"),
    (r"years?\b", "year", "duration"),
    (r"times\b", "times", "multiple"),
]
_UNIT_BY_GROUP = {f"u{i}": (canon, kind) for i, (_, canon, kind) in enumerate(_UNIT_SPECS)}
_CASE_SENSITIVE_UNITS = {"kW", "MW", "GW", "kWh", "TEU"}
_UNIT_ALTERNATION = "|".join(
    f"(?P<u{i}>{pattern})" if canon in _CASE_SENSITIVE_UNITS else f"(?P<u{i}>(?i:{pattern}))"
    for i, (pattern, canon, _) in enumerate(_UNIT_SPECS)
)
# Separator between number and unit: spaces, or a hyphen ("2.5-kilometer", "half-hour").
_UNIT_AFTER = re.compile(r"(?P<sep>[ \t\u00a0]{0,3}|-)(?:" + _UNIT_ALTERNATION + ")")
_UNIT_FULL = re.compile(r"(?:" + _UNIT_ALTERNATION + r")\Z")
_SCALE_AFTER = re.compile(r"[ \t\u00a0]{1,3}(?P<scale>(?i:hundred\s+million|thousand|million|billion|trillion))\b")

QUALIFIERS = (
    "no less than", "no more than", "more than", "less than", "fewer than", "at least",
    "at most", "up to", "close to", "nearly", "about", "approximately", "around", "almost",
    "roughly", "over", "above", "below", "under", "exceeded", "exceeds", "exceeding",
    "exceed",
)  # fmt: skip
_QUALIFIER_BEFORE = re.compile(r"(?i:\b(" + "|".join(q.replace(" ", r"\s+") for q in QUALIFIERS) + r"))[ \t\u00a0]+\Z")

# Words that end a counted-noun phrase (prepositions, verbs, determiners, conjunctions).
_PHRASE_STOP = frozenset(
    """a an the of in on at to from for with by into onto across including include includes
    included per between among within under over around than as and or but nor so yet
    that which who whom whose where when while this these those its their our his her my
    your have has had having is are was were be been being will would shall should can
    could may might must do does did done get got respectively each every all both more
    less most least about nearly some any no not only also still just very such other
    same than then there here it they we he she you i out up down off year years day days month months
    week weeks hour hours minute minutes time times percent yuan per cent""".split()
)
_TERMINAL_HEADS = {"people", "children", "staff", "personnel", "headquarters"}
_IRREGULAR = {
    "people": "person", "children": "child", "men": "man", "women": "woman",
    "feet": "foot", "teeth": "tooth", "mice": "mouse", "geese": "goose",
    "criteria": "criterion", "indices": "index", "series": "series", "species": "species",
    "data": "data", "media": "media", "staff": "staff", "personnel": "personnel",
    "headquarters": "headquarters", "news": "news", "means": "means",
}  # fmt: skip

_NAME_WORD_BEFORE = re.compile(
    r"(?:\b(?:Line|Lines|No|Nos|Page|Pages|Top|Phase|Route|Article|Room|Gate|Exit|Terminal|"
    r"Platform|Grade|Level|Class|Category|Section|Chapter|Item|Vol|Volume|Number|Block|"
    r"Building|Unit|Hall|Bus|Flight|Highway|Expressway|Road|Ring|Batch|Team|Group|Zone)"
    r"\.?[ \t\u00a0]*|#)\Z"
)
_DETERMINER_BEFORE = re.compile(
    r"(?i:\b(?:the|these|those|its|their|our|his|her|my|your|all|both|every|each|first|"
    r"last|same)[ \t\u00a0]+)\Z"
)
_YEAR_PREPOSITION_BEFORE = re.compile(
    r"(?i:\b(?:in|since|from|of|by|to|until|till|before|after|during|through|between|and|"
    r"end|early|late|mid|year|fiscal|until|as)[ \t\u00a0]+|[(\[])\Z"
)
_BASELINE_BEFORE = re.compile(
    r"(?i:\b(?:from|since|compared\s+with|compared\s+to|than|than\s+in|than\s+that\s+in|"
    r"over|versus|vs\.?|relative\s+to)[ \t\u00a0]+)\Z"
)
_DECLINE_BEFORE = re.compile(
    r"(?i:\b(?:down|decrease|decreased|decreases|decline|declined|declines|drop|dropped|"
    r"drops|fell|fall|falls|reduc\w*|lower|cut|shrank|shrink)\b)"
)
_SHARE_AROUND = re.compile(r"(?i:\baccount\w*\s+for\b|\bshare\b|\bproportion\b|\bof\s+whom\b)")

# --------------------------------------------------------------------------- the scanner

_MONTH_NAMES = "January|February|March|April|May|June|July|August|September|October|November|December"
_TOKEN = re.compile(
    rf"""
    (?=[0-9JFMASONDTtFfSsEeNnOoHh])  # cheap first-character filter before the alternatives
    (?:
    (?P<iso>(?<![\d.,])(?:19|20)\d\d-[01]\d-[0-3]\d(?![\d]))
  | (?P<mdate>\b(?=[JFMASOND])(?:{_MONTH_NAMES})[ \t\u00a0]++(?:
        (?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?![\d\w])(?:,?[ \t\u00a0]++(?P<dyear>(?:19|20)\d\d)(?!\d))?
      | (?:of[ \t\u00a0]++)?(?P<myear>(?:19|20)\d\d)(?!\d)))
  | (?P<label>(?<![\d.,])\d++(?:[ \t\u00a0]*+\+[ \t\u00a0]*+(?:\d++|N\b))++)
  | (?P<num>(?<![\d.,])\d++(?:[.,]\d++)*+)
  | (?P<half>\b(?=[Hh])(?i:half)(?:[ \t\u00a0]++an?[ \t\u00a0]++|-)(?=(?i:hour|day|year|month|week|minute)))
  | (?P<hundred>\b(?=[TtFfSsEeNnOo])(?i:(?:one|two|three|four|five|six|seven|eight|nine)[ \t\u00a0]++hundred
        (?:[ \t\u00a0]++(?:and[ \t\u00a0]++)?(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-(?:one|two|three|four|five|six|seven|eight|nine))?
        |one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen
        |sixteen|seventeen|eighteen|nineteen)(?![\w-]))?)\b)
  | (?P<word>\b(?=[TtFfSsEeNnOo])(?i:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-(?:one|two|three|four|five|six|seven|eight|nine))?
        |one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen
        |sixteen|seventeen|eighteen|nineteen)\b)
    )
    """,
    re.VERBOSE,
)

_SENTENCE_END = re.compile(r"[.!?;。！？]+(?=[\s\"”’)]|\Z)|\n")
_QUOTE_CHARS = re.compile(r"[\"“”]")
_MAX_QUOTE = 80


@dataclass
class _Draft:
    """A figure being built; frozen into a :class:`Figure` at the end."""

    start: int
    end: int
    kind: str
    value: float | None
    unit: str | None = None
    qualifier: str | None = None
    as_of: str | None = None
    reason: str | None = None
    likely: float | None = None
    bare: bool = False  # digits with no unit and no scale (may join a list or a split)
    fused_before: str | None = None  # word glued right before the digits
    fused_after: str | None = None  # word glued right after the digits
    digits: str = ""  # the printed number, for decimal-point reasoning
    scale: float = 1.0
    from_word: bool = False
    number_start: int = -1  # where the number itself starts (after any qualifier)

    def __post_init__(self) -> None:
        if self.number_start < 0:
            self.number_start = self.start

    def flag(self, reason: str, likely: float | None = None) -> None:
        if self.reason is None:
            self.reason, self.likely = reason, likely
        else:
            self.reason = f"{self.reason}; {reason}"
            if self.likely is None:
                self.likely = likely


class _Context:
    """Precomputed, linear-time facts about one text: sentences and short quotations."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sentence_starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)]
        self.quotes = _short_quotations(text)
        self.quote_starts = [s for s, _ in self.quotes]

    def sentence(self, offset: int) -> int:
        return bisect.bisect_right(self.sentence_starts, offset) - 1

    def in_short_quote(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.quote_starts, start) - 1
        return i >= 0 and self.quotes[i][0] <= start and end <= self.quotes[i][1]

    def before(self, offset: int, width: int = 40) -> str:
        return self.text[max(0, offset - width) : offset]


def _short_quotations(text: str) -> list[tuple[int, int]]:
    """Spans inside paired quotation marks on one line, at most ``_MAX_QUOTE`` long."""
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    open_char = ""
    previous = 0
    for match in _QUOTE_CHARS.finditer(text):
        char, pos = match.group(0), match.start()
        if open_at is not None and "\n" in text[previous:pos]:
            open_at = None  # quotations do not cross lines
        previous = pos
        if open_at is None:
            if char in '"“':
                open_at, open_char = pos, char
            continue
        if char == "”" or (char == '"' and open_char == '"'):
            if pos - open_at <= _MAX_QUOTE:
                spans.append((open_at + 1, pos))
            open_at = None
        elif char == "“":
            open_at, open_char = pos, char
    return spans


# --------------------------------------------------------------------------- numbers


_THOUSANDS_GROUP = re.compile(r"\d{3}(?:\.\d+)?")


def _split_number_blob(blob: str) -> list[tuple[int, str]] | None:
    """Split a run like "4,376.07" or "32,41" into numbers (offset in blob, text).

    Thousands groups join only when exactly three digits follow each comma. Returns
    ``None`` for version-like runs ("2.5.1"), which are not figures.
    """
    numbers: list[tuple[int, str]] = []
    parts = blob.split(",")
    current_start, current = 0, parts[0]
    lead_ok = len(current) <= 3 and "." not in current
    for part in parts[1:]:
        part_start = current_start + len(current) + 1
        if lead_ok and _THOUSANDS_GROUP.fullmatch(part):
            current += "," + part
            lead_ok = "." not in part
        else:
            numbers.append((current_start, current))
            current_start, current = part_start, part
            lead_ok = len(current) <= 3 and "." not in current
    numbers.append((current_start, current))
    if any(number.count(".") > 1 for _, number in numbers):
        return None
    return numbers


def _number_value(number: str) -> float:
    return float(number.replace(",", ""))


def _word_value(word: str) -> float:
    word = word.lower()
    if "-" in word:
        tens, ones = word.split("-", 1)
        return float(WORD_VALUES[tens] + WORD_VALUES[ones])
    return float(WORD_VALUES[word])


def _hundreds_value(phrase: str) -> float:
    """ "one hundred and five" -> 105.0."""
    words = [w for w in phrase.lower().split() if w != "and"]
    value = _word_value(words[0]) * 100
    return value + (_word_value(words[2]) if len(words) > 2 else 0.0)


def _scale_value(scale: str) -> float:
    return SCALES[" ".join(scale.lower().split())]


# --------------------------------------------------------------------------- units


# Singular words ending in "s" that a suffix-rule inflector would cut ("gas" -> "ga").
_SINGULAR_S = frozenset(
    """gas atlas canvas alias lens chassis means news series species status bus campus census
    virus bonus corpus focus surplus consensus apparatus analysis basis crisis thesis axis
    emphasis diagnosis""".split()
)


@lru_cache(maxsize=4096)
def singular(word: str) -> str:
    """The lemma used for counted nouns: lowercase and singular ("buses" -> "bus",
    "statuses" -> "status", "branches" -> "branch", "people" -> "person").

    The inflection rules come from the ``inflection`` package (the Rails inflector:
    irregular and Latin plurals, -ses/-xes/-ies/-ves), not from stripping an "s";
    :data:`_IRREGULAR` and :data:`_SINGULAR_S` hold the words it gets wrong for this
    corpus ("data" stays "data", "headquarters" and "staff" are their own singular).
    """
    word = word.lower().strip("\"'“”‘’()[],.;:")
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word in _SINGULAR_S or len(word) <= 2 or not word.isascii():
        return word
    return _inflector().singularize(word)


_INFLECTION = None


def _inflector():
    """``inflection``, imported on first use (it costs ~10 ms; most commands never count)."""
    global _INFLECTION
    if _INFLECTION is None:
        import inflection

        _INFLECTION = inflection
    return _INFLECTION


def normalize_unit(unit_text: str) -> str:
    """The canonical unit for any printed unit text ("micrograms of cubic meters" ->
    "ug/m3", "billion yuan" -> "yuan", "key projects" -> "project", "%" -> "%")."""
    text = " ".join((unit_text or "").split())
    text = re.sub(r"(?i)^(?:hundred\s+million|thousand|million|billion|trillion)\s*", "", text)
    if not text:
        return ""
    match = _UNIT_FULL.match(text)
    if match:
        return _UNIT_BY_GROUP[match.lastgroup][0]  # type: ignore[index]
    lowered = text.lower()
    if lowered in {"pp", "percentage point", "percentage points"}:
        return "pp"
    if lowered in {"ug/m3", "µg/m³", "μg/m³", "µg/m3", "μg/m3"}:
        return "ug/m3"
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", text)
    if not words:
        return lowered
    return singular(words[-1])


_PHRASE_WORD = re.compile(r"[ \t\u00a0]+([\"“‘']?)([A-Za-z](?:[A-Za-z-]|['’](?=[A-Za-z]))*+)([\"”’']?)")


def _counted_noun(text: str, pos: int) -> tuple[str | None, int, bool]:
    """The counted noun after ``pos``: (lemma, end offset, closed by a quote mark)."""
    words: list[tuple[str, int]] = []
    closing_quote = False
    for _ in range(8):
        match = _PHRASE_WORD.match(text, pos)
        if not match:
            break
        word = match.group(2)
        lower = word.lower()
        if lower in {"and", "or"} and words and not _is_plural(words[-1][0].lower()):
            nxt = _PHRASE_WORD.match(text, match.end())
            if nxt and nxt.group(2).lower() not in _PHRASE_STOP and nxt.group(2).lower() not in WORD_VALUES:
                pos = match.end()
                continue
        if lower in _PHRASE_STOP or lower in WORD_VALUES:
            break
        words.append((word, match.start(2) + len(word)))
        pos = match.end()
        if match.group(3):
            closing_quote = True
            break
        if lower in _TERMINAL_HEADS or _is_plural(lower):
            break
        after = text[pos : pos + 1]
        if after and after not in " \t\u00a0":
            break
    while words and not words[-1][0][:1].islower():
        words.pop()
    if not words:
        return None, pos, False
    head, end = words[-1]
    return singular(head), end, closing_quote


def _is_plural(word: str) -> bool:
    return (word.endswith("s") and not word.endswith(("ss", "us", "is", "ous"))) or word in _TERMINAL_HEADS


# --------------------------------------------------------------------------- extraction


def extract_figures(text: str, published: str | None = None) -> list[Figure]:
    """All figures in ``text``, sorted and non-overlapping. Pure; never raises.

    ``published`` (the document's date, ``YYYY``...) turns "ten years ago" into the year
    it names; without it that stays a duration. Figures are read from the text as it is
    shown (``safety.display_safe``: same length, escape sequences blanked), so the "52" of
    an OSC 52 or the "31" of ``CSI 31m`` is never a figure.
    """
    shown = display_safe(text)
    try:
        figures = _extract(shown, published)
    except Exception:
        figures = _extract_safely(shown)
    figures = _read_chinese_lines(shown, figures)
    if shown == text:
        return figures
    # A figure that spans a blanked character was read across a control or escape
    # sequence: it is not what the document prints, so it is no figure.
    return [f for f in figures if text[f.start : f.end] == shown[f.start : f.end]]


def _read_chinese_lines(text: str, figures: list[Figure]) -> list[Figure]:
    """Lines in Chinese (originals beside their translations) are read by :mod:`figures_zh`."""
    from jjj_brief import figures_zh

    try:
        return figures_zh.merge(text, figures)
    except Exception:
        return figures


def _extract_safely(text: str) -> list[Figure]:
    """Fallback when the full grammar fails on some input: keep only plain numbers."""
    figures = []
    for match in re.finditer(r"(?<![\d.,])\d++(?:\.\d++)?+", text):
        try:
            value = float(match.group(0))
        except ValueError:
            continue
        figures.append(Figure(match.start(), match.end(), match.group(0), "count", value, None, None, None))
    return figures


def _extract(text: str, published: str | None = None) -> list[Figure]:
    ctx = _Context(text)
    drafts: list[_Draft] = []
    last_end = 0
    for match in _TOKEN.finditer(text):
        if match.start() < last_end:
            continue
        for draft in _drafts_for_token(ctx, match, last_end):
            if draft.start < last_end <= draft.number_start:
                draft.start = draft.number_start  # the hedge belongs to the previous figure
            if draft.start >= last_end and draft.end > draft.start:
                drafts.append(draft)
                last_end = draft.end
    _share_list_units(ctx, drafts)
    _find_splits(ctx, drafts)
    _flag_single_figures(ctx, drafts)
    _flag_decimal_neighbours(ctx, drafts)
    _flag_lost_years(ctx, drafts)
    _years_ago(ctx, drafts, published)
    _assign_as_of(ctx, drafts)
    return [_freeze(text, d) for d in drafts]


def _freeze(text: str, d: _Draft) -> Figure:
    suspect = None if d.reason is None else Suspect(d.reason, _tidy(d.likely))
    return Figure(d.start, d.end, text[d.start : d.end], d.kind, _tidy(d.value), d.unit, d.qualifier, d.as_of, suspect)


def _tidy(value: float | None) -> float | None:
    """Round away binary noise (4.39 * 1e12 == 4390000000000.0005)."""
    if value is None or not math.isfinite(value):
        return None if value is None else value
    if value == 0:
        return 0.0
    digits = 12 - int(math.floor(math.log10(abs(value))))
    return float(round(value, digits)) if digits > 0 else float(round(value))


def _drafts_for_token(ctx: _Context, match: re.Match[str], last_end: int) -> list[_Draft]:
    kind = match.lastgroup
    if kind == "iso":
        return [_Draft(match.start(), match.end(), "date", None, as_of=match.group(0))]
    if kind == "mdate":
        return [_month_date(match)]
    if kind == "label":
        return [_Draft(match.start(), match.end(), "label", None)]
    if kind == "num":
        return _number_drafts(ctx, match)
    if kind == "half":
        return _word_draft(ctx, match.start(), match.end(), 0.5, half=True)
    if kind == "word":
        return _word_draft(ctx, match.start(), match.end(), _word_value(match.group(0)))
    if kind == "hundred":
        return _word_draft(ctx, match.start(), match.end(), _hundreds_value(match.group(0)))
    return []


def _month_date(match: re.Match[str]) -> _Draft:
    month = MONTHS[match.group(0).split()[0].lower()]
    if match.group("day"):
        day = int(match.group("day"))
        year = match.group("dyear")
        iso = f"{year}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
    else:
        iso = f"{match.group('myear')}-{month:02d}"
    return _Draft(match.start(), match.end(), "date", None, as_of=iso)


def _number_drafts(ctx: _Context, match: re.Match[str]) -> list[_Draft]:
    blob = match.group(0)
    pieces = _split_number_blob(blob)
    if pieces is None:
        return []
    drafts = []
    for offset, number in pieces:
        start = match.start() + offset
        drafts.extend(_one_number(ctx, start, start + len(number), number))
    return drafts


def _one_number(ctx: _Context, start: int, end: int, number: str) -> list[_Draft]:
    text = ctx.text
    before_char = text[start - 1 : start]
    after = text[end : end + 4]
    fused_before = None
    if before_char.isalpha():
        word = re.search(r"[A-Za-z]+\Z", ctx.before(start, 30))
        fused_before = word.group(0) if word else before_char
        if fused_before.upper() == "PM":
            if number != "25":
                return []  # PM2.5, PM10: names of pollutants
            return [
                _Draft(
                    start - len(fused_before),
                    end,
                    "label",
                    None,
                    reason="name-broken: 'PM25' is PM2.5 with its decimal point lost",
                )
            ]
    elif before_char == "-" and re.search(r"[A-Za-z]-\Z", ctx.before(start, 3)):
        return []  # COVID-19, Su-27
    if before_char in " \t\u00a0.#" and _NAME_WORD_BEFORE.search(ctx.before(start, 14)):
        return []
    fused_after = None
    if after[:1].isalpha():
        glued = re.match(r"[A-Za-z]+", text[end : end + 30]).group(0)  # type: ignore[union-attr]
        if glued.lower() in {"st", "nd", "rd", "th"}:
            return []  # ordinal
        if _UNIT_AFTER.match(text, end) is None and ((glued.isupper() and len(glued) <= 3) or glued in {"D", "G", "K"}):
            return []  # 5G, 3D, 4K
        if _UNIT_AFTER.match(text, end) is None:
            fused_after = glued
    if fused_before is not None and fused_before.isupper() and fused_after is None:
        unit_follows = _UNIT_AFTER.match(text, end) or _SCALE_AFTER.match(text, end)
        if not unit_follows:
            return []  # G20, A4: a name
    if after[:1] == ":" and re.match(r":\d\d", text[end : end + 3]):
        return []  # clock time
    if after[:1] == "-" and _AGE.match(text, end):
        return []  # an age
    if after[:1] in ".)" and _is_list_number(ctx, start, end):
        return []
    split = _split_year_and_decimal(ctx, start, end, number)
    if split is not None:
        return split
    value = _number_value(number)
    if not math.isfinite(value):
        return []  # a run of hundreds of digits is not a statistic
    draft = _Draft(start, end, "count", value, digits=number)
    draft.fused_before, draft.fused_after = fused_before, fused_after
    if fused_before is None:
        draft.qualifier, draft.start = _qualifier(ctx, start)
    _attach_unit(ctx, draft)
    if draft.kind == "count" and not draft.bare and ctx.in_short_quote(draft.number_start, draft.end):
        return []  # "transformation of 10,000 enterprises" action: a programme's name
    if _is_year(ctx, draft, number):
        draft.kind, draft.as_of, draft.value = "year", number, float(number)
        draft.start, draft.end, draft.qualifier, draft.unit = draft.number_start, end, None, None
        draft.bare = False
    if fused_before is not None:
        draft.flag(f"fused: the number is glued to the word '{fused_before}'")
    elif fused_after is not None:
        draft.flag(f"fused: the number is glued to the word '{fused_after}'")
    return [draft]


_AGE = re.compile(r"(?i:-year-old)")
_LINE_OPENING = re.compile(r"(?:\A|\n)[ \t]{0,8}\(?\Z")


def _is_list_number(ctx: _Context, start: int, end: int) -> bool:
    """ "1. " or "(2) " opening a line: list numbering, not a figure."""
    if not _LINE_OPENING.search(ctx.text[max(0, start - 10) : start]) and start > 10:
        return False
    if start <= 10 and not _LINE_OPENING.search(ctx.text[:start]):
        return False
    return re.match(r"[.)][ \t]", ctx.text[end : end + 2]) is not None


def _split_year_and_decimal(ctx: _Context, start: int, end: int, number: str) -> list[_Draft] | None:
    """ "in 20141%": the year 2014 with a decimal digit of another figure glued on."""
    if not (len(number) >= 5 and number[:4].isdigit() and number[:2] in {"19", "20"}):
        return None
    if "," in number[:5]:
        return None
    if not re.search(r"(?i:\bin|\bby|\bof)[ \t\u00a0]+\Z", ctx.before(start, 8)):
        return None
    unit = _UNIT_AFTER.match(ctx.text, end)
    if unit is None or _UNIT_BY_GROUP[unit.lastgroup][1] != "percent":  # type: ignore[index]
        return None
    year = _Draft(start, start + 4, "year", float(number[:4]), as_of=number[:4])
    rest = number[4:]
    part = _Draft(start + 4, end, "percent", _number_value(rest), digits=rest)
    part.end = unit.end()
    part.unit = "%"
    part.fused_before = number[:4]
    part.flag(f"fused: the figure is glued to the year {number[:4]}")
    return [year, part]


_OVER_VERBS = frozenset("presided preside presides presiding handed hand taken took take turned won win".split())


_QUALIFIER_SET = frozenset(QUALIFIERS)


def _qualifier(ctx: _Context, start: int) -> tuple[str | None, int]:
    """The hedge printed right before ``start`` ("more than", "nearly", ...), lowercased,
    and where it starts (``start`` when there is none)."""
    before = ctx.before(start, 40)
    if not before or before[-1] not in " \t\u00a0":
        return None, start
    words = before.split()[-4:]
    for size in (3, 2, 1):
        if len(words) < size:
            continue
        phrase = " ".join(words[-size:]).lower()
        if phrase in _QUALIFIER_SET:
            if phrase == "over" and len(words) > size and words[-size - 1].lower() in _OVER_VERBS:
                return None, start  # "presided over three symposiums"
            first = words[-size]
            at = before.rfind(first, 0, len(before) - len(" ".join(words[-size + 1 :])) if size > 1 else len(before))
            return phrase, start - len(before) + at
    return None, start


def _attach_unit(ctx: _Context, draft: _Draft) -> None:
    """Scale word, unit and kind after the number; a range; or the counted noun."""
    text = ctx.text
    pos = draft.end
    scale = _SCALE_AFTER.match(text, pos)
    if scale:
        draft.scale = _scale_value(scale.group("scale"))
        pos = scale.end()
    unit = _UNIT_AFTER.match(text, pos)
    if unit and unit.group("sep") == "-" and scale:
        unit = None
    if unit and not _unit_allowed(text, unit):
        unit = None
    if unit:
        canon, kind = _UNIT_BY_GROUP[unit.lastgroup]  # type: ignore[index]
        if kind == "multiple" and _counts_occurrences(text, unit.end()):
            canon, kind = "time", "count"
        draft.kind, draft.unit, draft.end = kind, canon, unit.end()
        steps = _STEPS_AFTER.match(text, unit.end()) if kind == "money" and scale else None
        if steps:  # "crossed five trillion yuan levels": five steps of a trillion, not 5e12
            draft.kind, draft.unit, draft.end = "count", "level", steps.end()
            return
        draft.value = (draft.value or 0.0) * draft.scale
        return
    if scale:
        draft.end = scale.end()
        draft.value = (draft.value or 0.0) * draft.scale
    if not scale and _try_range(ctx, draft):
        return
    noun, noun_end, _ = _counted_noun(text, draft.end)
    if noun is not None and not (draft.fused_after and not scale):
        draft.unit, draft.end = noun, noun_end
    elif not scale:
        draft.bare = True


_STEPS_AFTER = re.compile(r"[ \t\u00a0]+(?i:levels|steps)\b")


def _unit_allowed(text: str, unit: re.Match[str]) -> bool:
    """Hyphenated years are names or ages ("Five-Year Plan"); "5-%" is not a percent."""
    canon, _ = _UNIT_BY_GROUP[unit.lastgroup]  # type: ignore[index]
    return not (unit.group("sep") == "-" and canon in {"year", "%", "yuan", "times"})


def _counts_occurrences(text: str, pos: int) -> bool:
    """ "invested 49,000 times in companies": times as occurrences, not a multiple."""
    return re.match(r"[ \t]+(?i:in|per|a|an|each|every|when|while|during|at|on)\b", text[pos : pos + 12]) is not None


_RANGE_SEP = re.compile(r"[ \t\u00a0]*(?:-|–|—|~|to)[ \t\u00a0]*")


def _try_range(ctx: _Context, draft: _Draft) -> bool:
    """ "1-1.5 hours", "1 to 1.5 hours", "2016-2035": one figure, value = upper bound."""
    text = ctx.text
    sep = _RANGE_SEP.match(text, draft.end)
    if not sep or sep.end() == draft.end:
        return False
    if re.search(r"(?i:\bfrom)[ \t\u00a0]+\Z", ctx.before(draft.number_start, 8)):
        return False
    upper = re.match(r"\d++(?:[.,]\d++)*+", text[sep.end() : sep.end() + 40])
    if not upper:
        return False
    pieces = _split_number_blob(upper.group(0))
    if not pieces:
        return False
    upper_text = pieces[0][1]
    upper_end = sep.end() + len(upper_text)
    low_text = text[draft.number_start : draft.end]
    if re.fullmatch(r"(?:19|20)\d\d", low_text) and re.fullmatch(r"(?:19|20)\d\d", upper_text):
        if "to" in sep.group(0) or text[upper_end : upper_end + 1].isalnum():
            return False
        draft.kind, draft.end, draft.value = "year", upper_end, float(upper_text)
        draft.qualifier, draft.as_of = f"from {low_text}", f"{low_text}/{upper_text}"
        return True
    if re.fullmatch(r"(?:19|20)\d\d", low_text):
        return False  # "in 2013 to 74.87 billion yuan": a year, then another figure
    probe = _Draft(sep.end(), upper_end, "count", _number_value(upper_text), digits=upper_text)
    _attach_unit(ctx, probe)
    if probe.unit is None or probe.kind == "count" or probe.bare:
        return False
    draft.kind, draft.unit, draft.end, draft.value = probe.kind, probe.unit, probe.end, probe.value
    draft.qualifier = f"from {low_text}"
    return True


def _is_year(ctx: _Context, draft: _Draft, number: str) -> bool:
    """A 4-digit 1900-2099 number is a year unless it carries a unit, or counts a plural
    noun without a year word before it ("2014 level", "compared with 2015 levels" are years;
    "2000 enterprises" is a count)."""
    if not _YEAR_DIGITS.fullmatch(number) or draft.scale != 1.0:
        return False
    if draft.bare:
        return True
    if draft.kind != "count" or draft.unit is None:
        return False
    before = ctx.before(draft.number_start, 24)
    if (
        _YEAR_PREPOSITION_BEFORE.search(before)
        or _DETERMINER_BEFORE.search(before)
        or re.search(r"(?i:\bwith[ \t]+)\Z", before)
    ):
        return True
    head = ctx.text[draft.end - 1 : draft.end]
    return head.lower() != "s"


_YEAR_DIGITS = re.compile(r"(?:19|20)\d\d")


def _word_draft(ctx: _Context, start: int, end: int, value: float, half: bool = False) -> list[_Draft]:
    text = ctx.text
    if ctx.in_short_quote(start, end):
        return []
    if text[start - 1 : start] == "-":
        return []  # "one-third", "Beijing-two"
    if not half and _vague_pair(ctx, start, end):
        return []
    draft = _Draft(start, end, "count", value, from_word=True)
    draft.qualifier, draft.start = _qualifier(ctx, start)
    if half:
        unit = re.match(r"(?i:hour|day|year|month|week|minute)s?\b", text[end : end + 8])
        if not unit:
            return []
        canon = unit.group(0).lower().rstrip("s")
        draft.kind, draft.unit, draft.end = "duration", canon, end + unit.end()
        return [draft]
    hyphen = text[end : end + 1] == "-"
    scale = None if hyphen else _SCALE_AFTER.match(text, end)
    pos = scale.end() if scale else end
    unit = _UNIT_AFTER.match(text, pos)
    if unit:
        canon, kind = _UNIT_BY_GROUP[unit.lastgroup]  # type: ignore[index]
        if hyphen and (unit.group("sep") != "-" or canon not in {"hour", "minute", "day", "week"}):
            return []
        if kind == "multiple" and _counts_occurrences(text, unit.end()):
            canon, kind = "time", "count"
        if kind == "count" and value == 1:
            return []
        draft.kind, draft.unit, draft.end = kind, canon, unit.end()
        steps = _STEPS_AFTER.match(text, unit.end()) if kind == "money" and scale else None
        if steps:  # "crossed five trillion yuan levels": five steps of a trillion, not 5e12
            draft.kind, draft.unit, draft.end = "count", "level", steps.end()
            return [draft]
        draft.value = value * (_scale_value(scale.group("scale")) if scale else 1.0)
        return [draft]
    if hyphen:
        return []
    if scale:
        draft.end, draft.value = scale.end(), value * _scale_value(scale.group("scale"))
        return [draft]
    if value == 1 or _DETERMINER_BEFORE.search(ctx.before(start, 12)):
        return []
    noun, noun_end, quoted = _counted_noun(text, end)
    if noun is None or quoted:
        return []
    if text[end : end + 1] in '"“':
        return []
    draft.unit, draft.end = noun, noun_end
    return [draft]


def _vague_pair(ctx: _Context, start: int, end: int) -> bool:
    """ "three or four", "two to three": a vague estimate, not a figure."""
    words = "|".join(WORD_VALUES)
    before = re.search(rf"(?i:\b(?:{words})[ \t]+(?:or|to)[ \t]+)\Z", ctx.before(start, 20))
    after = re.match(rf"[ \t]+(?i:or|to)[ \t]+(?i:{words})\b", ctx.text[end : end + 20])
    return bool(before or after)


# --------------------------------------------------------------------------- passes


def _share_list_units(ctx: _Context, drafts: list[_Draft]) -> None:
    """ "32, 41, and 38.6 micrograms": bare numbers in a list take the last one's unit."""
    text = ctx.text
    for i in range(len(drafts) - 2, -1, -1):
        draft, nxt = drafts[i], drafts[i + 1]
        if (
            not draft.bare
            or draft.kind != "count"
            or nxt.unit is None
            or nxt.kind in {"count", "year", "date", "label"}
        ):
            continue
        gap = text[draft.end : nxt.start]
        if re.fullmatch(r"[ \t]*,[ \t]*(?:(?:and|or)[ \t]+)?|[ \t]+(?:and|or)[ \t]+", gap):
            draft.kind, draft.unit, draft.bare = nxt.kind, nxt.unit, False
            draft.value = (draft.value or 0.0) * nxt.scale
            draft.scale = nxt.scale


def _find_splits(ctx: _Context, drafts: list[_Draft]) -> None:
    """A decimal part glued to a later word, whose whole part is an earlier number.

    "13 of the industries ... in 20141%" -> 13.1%; "15 percent of GDP5%" -> 15.5%.
    """
    for i, part in enumerate(drafts):
        if part.kind != "percent" or part.fused_before is None or "." in part.digits:
            continue
        for j in range(i - 1, max(-1, i - 4), -1):
            whole = drafts[j]
            if ctx.sentence(whole.start) != ctx.sentence(part.start):
                break
            if part.start - whole.end > 90:
                break
            if whole.kind == "year" or "." in whole.digits or not whole.digits:
                continue
            if whole.kind not in {"percent", "count"} or (whole.kind == "count" and not whole.bare):
                continue
            likely = float(f"{whole.digits.replace(',', '')}.{part.digits}")
            reason = (
                f"split: '{whole.digits}' and '{part.digits}' look like one figure "
                f"{likely:g}% whose decimal point was lost"
            )
            if whole.kind == "count":
                whole.kind, whole.unit, whole.bare = "percent", "%", False
            whole.flag(reason, likely)
            part.reason = None
            part.flag(reason, likely)
            break


def _flag_single_figures(ctx: _Context, drafts: list[_Draft]) -> None:
    text = ctx.text
    for i, draft in enumerate(drafts):
        value = draft.value
        if value is None:
            continue
        if draft.kind == "percent" and value > 100:
            clause = text[max(ctx.sentence_starts[ctx.sentence(draft.start)], draft.start - 60) : draft.start]
            if _DECLINE_BEFORE.search(clause) or _SHARE_AROUND.search(clause):
                draft.flag(
                    "over-100: a decline or share above 100% is impossible",
                    _shrink_below(value, 100),
                )
        if draft.unit == "ug/m3" and value > 250:
            draft.flag(
                "magnitude: an average concentration above 250 ug/m3 is implausible",
                _shrink_below(value, 250),
            )
        if draft.unit == "acre":
            draft.flag(
                f"mu-as-acre: Chinese land is measured in mu (亩, 1/15 ha); a translated 'acre' "
                f"is almost always a mu, so read {value:,g} mu = {value / 15:,.0f} ha "
                f"(not {value * 0.404686:,.0f} ha)"
            )
        if draft.kind == "count" and value > 1 and _lost_counted_noun(draft.unit):
            draft.flag(
                f"lost-unit: '{draft.unit}' cannot be counted; the counted noun (项, 家 ...) "
                "was lost in translation, so it is unclear what the number counts"
            )
        if draft.unit == "yuan" and value > 200e12:
            draft.flag("magnitude: more than 200 trillion yuan exceeds China's whole GDP")
        if (
            draft.kind == "count"
            and draft.unit is not None
            and draft.qualifier in {"more than", "over", "nearly", "about", "almost"}
            and value < 10
            and draft.scale == 1.0
            and not draft.from_word
            and "." not in draft.digits
        ):
            wan = re.search(r"\bWan", text[draft.end : draft.end + 30])
            draft.flag(
                "lost-wan: a hedged single-digit count usually lost its 'ten thousand' (万)",
                value * 1e4 if wan else None,
            )
        if draft.fused_after and i + 1 < len(drafts):
            nxt = drafts[i + 1]
            digit = _hundred_million_digit(nxt)
            if digit is not None and nxt.start - draft.end <= 16 and "." not in draft.digits:
                likely = (float(draft.digits.replace(",", "")) + digit / 10) * 1e8
                reason = (
                    f"yi-split: '{draft.digits}' and '{text[nxt.start : nxt.end]}' look like one "
                    f"figure, {draft.digits}.{digit} hundred million (亿)"
                )
                draft.flag(reason, likely)
                nxt.flag(reason, likely)


_COUNTABLE_ING = frozenset("building meeting crossing listing offering setting painting opening".split())


def _lost_counted_noun(unit: str | None) -> bool:
    """A gerund head ("313 ... data sharing"): an activity, not a thing counted."""
    return bool(unit) and unit.endswith("ing") and unit not in _COUNTABLE_ING  # type: ignore[union-attr]


def _hundred_million_digit(draft: _Draft) -> int | None:
    if draft.value is None or draft.scale != 1e6 or "." in draft.digits:
        return None
    digits = draft.digits.replace(",", "")
    if len(digits) == 3 and digits.endswith("00") and digits[0] != "0":
        return int(digits[0])
    return None


def _shrink_below(value: float, limit: float) -> float:
    while value > limit:
        value /= 10
    return value


_DECIMAL_LOSS = ("split", "over-100", "magnitude")


def _flag_decimal_neighbours(ctx: _Context, drafts: list[_Draft]) -> None:
    """Whole-number percents/multiples >= 10 sharing a sentence with a lost decimal point."""
    broken = {
        ctx.sentence(d.start)
        for d in drafts
        if d.reason and any(d.reason.startswith(tag) or f"; {tag}" in d.reason for tag in _DECIMAL_LOSS)
    }
    for draft in drafts:
        if draft.reason or draft.value is None or ctx.sentence(draft.start) not in broken:
            continue
        if draft.kind in {"percent", "multiple"} and draft.value >= 10 and "." not in draft.digits and draft.digits:
            draft.flag(
                "decimal-neighbour: a whole number in a sentence where another figure lost its decimal point",
                draft.value / 10,
            )


_AGO_AFTER = re.compile(r"[ \t\u00a0]+ago\b")


def _years_ago(ctx: _Context, drafts: list[_Draft], published: str | None) -> None:
    """ "ten years ago" in a document published in 2024 is the year 2014, not a duration.
    Hedged ("more than 60 years ago") stays a duration: it names no one year."""
    if not published:
        return
    year = int(published[:4])
    for draft in drafts:
        if draft.kind != "duration" or draft.unit != "year" or draft.qualifier or draft.value is None:
            continue
        ago = _AGO_AFTER.match(ctx.text, draft.end)
        if ago is None or not float(draft.value).is_integer():
            continue
        named = year - int(draft.value)
        draft.kind, draft.unit, draft.end = "year", None, ago.end()
        draft.value, draft.as_of = float(named), str(named)


def _flag_lost_years(ctx: _Context, drafts: list[_Draft]) -> None:
    """A day and month printed with no year ("from January 1st") in a sentence that also
    prints another month with its year ("in May 2020 It will be implemented ... from
    January 1st"): the date was garbled in translation; the year (and likely the month)
    belongs to the other date."""
    months = {}
    for d in drafts:
        if d.kind == "date" and d.as_of and re.fullmatch(r"\d{4}-\d\d", d.as_of):
            months.setdefault(ctx.sentence(d.start), d)
    for d in drafts:
        if d.kind != "date" or not d.as_of or not d.as_of.startswith("--"):
            continue
        other = months.get(ctx.sentence(d.start))
        if other is None or other.start > d.start or other.as_of[5:7] == d.as_of[2:4]:
            continue
        printed = ctx.text[other.start : other.end]
        d.flag(
            f"lost-year: '{ctx.text[d.start : d.end]}' has no year, in a sentence that prints "
            f"'{printed}': the date is garbled; the year {other.as_of[:4]} (and likely the "
            f"month) belongs to it"
        )


_MAX_LOOK = 12  # how many dates back/forward as_of considers (keeps the pass linear)


def _assign_as_of(ctx: _Context, drafts: list[_Draft]) -> None:
    text = ctx.text
    dated = [
        d
        for d in drafts
        if d.kind in {"year", "date"} and d.as_of and not d.as_of.startswith("--") and not _names_a_period(ctx, d)
    ]
    starts = [d.start for d in dated]
    for draft in drafts:
        if draft.kind in {"year", "date", "label"}:
            continue
        sentence = ctx.sentence(draft.start)
        i = bisect.bisect_left(starts, draft.end)
        if i < len(dated) and ctx.sentence(dated[i].start) == sentence:
            gap = text[draft.end : dated[i].start]
            if _DIRECTLY_DATED.fullmatch(gap) and len(gap) <= 16:
                draft.as_of = dated[i].as_of
                continue
        chosen = None
        first = bisect.bisect_left(starts, draft.start) - 1
        for j in range(first, max(-1, first - _MAX_LOOK), -1):
            if ctx.sentence(dated[j].start) != sentence:
                break
            if not _is_baseline(ctx, dated[j]):
                chosen = dated[j]
                break
        if chosen is None:
            for j in range(i, min(len(dated), i + _MAX_LOOK)):
                if ctx.sentence(dated[j].start) != sentence or _CLAUSE_BREAK.search(text, draft.end, dated[j].start):
                    break  # only a date in the figure's own clause dates it forward
                if not _is_baseline(ctx, dated[j]):
                    chosen = dated[j]
                    break
        if chosen is not None:
            draft.as_of = chosen.as_of


# "250,000 in 2015", "(2014)": a date right after the figure. A capital "In" opens a new
# clause the translation forgot to punctuate ("5 million orders In 2023, ...").
_DIRECTLY_DATED = re.compile(r"[ \t]*(?:\(|,)?[ \t]*(?:in|as\s+of|by|at\s+the\s+end\s+of|end\s+of)?[ \t]*")
_CLAUSE_BREAK = re.compile(r"[,;:]")
_SINCE_IN_CLAUSE = re.compile(r"(?i:\bsince\b)[^;:.]{0,30}\Z")


def _is_baseline(ctx: _Context, dated: _Draft) -> bool:
    """ "from 2014", "compared with 2014", and "since" anywhere in the clause before the
    date ("since its listing in April 2015"): a starting point, not the as-of date."""
    before = ctx.before(dated.start, 50)
    return bool(_BASELINE_BEFORE.search(before[-20:]) or _SINCE_IN_CLAUSE.search(before))


def _names_a_period(ctx: _Context, dated: _Draft) -> bool:
    """A year inside a short quotation ("Beijing Urban Master Plan (2016-2035)") or a
    bracketed year range names a plan or its period; it dates nothing around it."""
    if ctx.in_short_quote(dated.start, dated.end):
        return True
    bracketed = ctx.text[dated.start - 1 : dated.start] == "(" and ctx.text[dated.end : dated.end + 1] == ")"
    return bracketed and "/" in (dated.as_of or "")


# --------------------------------------------------------------------------- lookup


def figure_at(figures: list[Figure], offset: int) -> Figure | None:
    """The figure whose span contains ``offset`` (figures sorted, non-overlapping)."""
    starts = [f.start for f in figures]
    i = bisect.bisect_right(starts, offset) - 1
    if i >= 0 and figures[i].start <= offset < figures[i].end:
        return figures[i]
    return None


# --------------------------------------------------------------------------- corpus level

_CACHE: dict[tuple, list[Figure]] = {}
CROSS_ARTICLE_MAX_CHARS = 2_000_000  # larger documents keep their own figures, skip the cross check


def _cached_extract(article_id: str, text: str, published: str | None = None) -> list[Figure]:
    key = ("text", article_id, len(text), hash(text), published)
    figures = _CACHE.get(key)
    if figures is None:
        figures = extract_figures(text, published)
        _CACHE[key] = figures
    return figures


def article_figures(article) -> list[Figure]:
    """An article's figures, with cross-article suspect flags computed over
    :func:`load_corpus` (documents over ``CROSS_ARTICLE_MAX_CHARS`` take no part).

    Cached per article id and text, and per state of the rest of the corpus (an import
    can change which figures another article contradicts).
    """
    from jjj_brief.corpus import load_corpus

    try:
        others = [
            other for other in load_corpus() if other.id != article.id and len(other.text) <= CROSS_ARTICLE_MAX_CHARS
        ]
    except Exception:
        others = []
    key = (
        "article",
        article.id,
        len(article.text),
        hash(article.text),
        tuple((o.id, len(o.text), hash(o.text)) for o in others),
    )
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    own = _cached_extract(article.id, article.text, _published(article))
    if len(article.text) <= CROSS_ARTICLE_MAX_CHARS:
        pool = [(other, _cached_extract(other.id, other.text, _published(other))) for other in others]
        result = _cross_article_flags(article.text, own, pool)
    else:
        result = own
    if getattr(article, "translation_of", None):
        result = _translation_flags(article, result)
    _CACHE[key] = result
    return result


def _translation_flags(article, figures: list[Figure]) -> list[Figure]:
    """A translation's figure that is its original's times 10**k is suspect (see :mod:`translation`)."""
    from jjj_brief.translation import flag_translation

    try:
        return flag_translation(article, figures)
    except Exception:
        return figures


def _published(article) -> str | None:
    """The article's publication date (``YYYY``...), when the catalog gives one."""
    date = getattr(article, "date", None)
    return date if isinstance(date, str) and _YEAR_DIGITS.match(date) else None


_KEYWORD = re.compile(r"[A-Za-z][A-Za-z0-9.]*")
_COMMON = frozenset(
    """beijing tianjin hebei beijing-tianjin-hebei coordinated development will have has
    been with from that this than which were more total year years province region
    regional areas area three places also further""".split()
)


def _keywords(text: str, start: int, end: int) -> set[str]:
    window = text[max(0, start - 160) : end + 80]
    words = {w.lower().rstrip(".") for w in _KEYWORD.findall(window)}
    words = {"pm2.5" if w in {"pm25", "pm2.5"} else w for w in words}
    return {w for w in words if len(w) >= 4 and w not in _PHRASE_STOP and w not in _COMMON} | (
        {"hebei"} if "Hebei" in window else set()
    )


_PRINTED_NUMBER = re.compile(r"\d[\d,.]*")


def _printed_number(figure: Figure) -> str:
    match = _PRINTED_NUMBER.search(figure.text)
    return match.group(0).rstrip(".,") if match else ""


def _significant(figure: Figure) -> str:
    return re.sub(r"\D", "", _printed_number(figure)).lstrip("0")


def _cross_article_flags(text: str, own: list[Figure], others) -> list[Figure]:
    """Flag a figure whose digits equal another article's same-unit figure, x10^k off."""
    candidates = [
        f
        for f in own
        if f.value
        and f.unit
        and f.kind not in {"year", "date", "label", "count"}
        and "." not in _printed_number(f)
        and len(_significant(f).rstrip("0")) >= 3
    ]
    if not candidates:
        return own
    pool: dict[tuple[str, str], list] = {}
    for other, figures in others:
        for g in figures:
            if g.value and g.unit and g.kind not in {"year", "date", "label"}:
                pool.setdefault((g.unit, _significant(g)[:3]), []).append((other, g))
    updates: dict[int, Figure] = {}
    for f in candidates:
        mine = _significant(f).rstrip("0")
        for other, g in pool.get((f.unit, mine[:3]), ()):
            if f.as_of and g.as_of and f.as_of[:4] != g.as_of[:4]:
                continue
            ratio = f.value / g.value
            k = round(math.log10(ratio)) if ratio > 0 else 0
            if k < 1 or abs(ratio / 10**k - 1) > 0.01 or not _significant(g).startswith(mine):
                continue
            if not (_keywords(text, f.start, f.end) & _keywords(other.text, g.start, g.end)):
                continue
            updates[f.start] = _with_cross_flag(f, other.id, g, k)
            break
    return [updates.get(f.start, f) for f in own]


def _with_cross_flag(f: Figure, other_id: str, g: Figure, k: int) -> Figure:
    reason = f"cross-article: {other_id} prints '{g.text}' for the same subject; this one is {10**k:g} times larger"
    likely = _tidy(f.value / 10**k) if f.value is not None else None
    old = f.suspect
    suspect = Suspect(
        reason if old is None else f"{old.reason}; {reason}",
        likely if old is None or old.likely is None else old.likely,
    )
    return replace(f, suspect=suspect)


KIND_STYLES = {
    "money": "bold green",
    "percent": "bold cyan",
    "percentage_points": "cyan",
    "count": "bold yellow",
    "measure": "bold magenta",
    "duration": "blue",
    "multiple": "bold blue",
    "date": "underline",
    "year": "underline",
    "label": "italic",
}
SUSPECT_STYLE = "bold white on red"
