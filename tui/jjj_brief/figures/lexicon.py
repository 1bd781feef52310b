"""The figure vocabulary: scale and word numbers, units, hedges, and the counted noun.

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
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jjj_brief.figures.scanner import _Context

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
    return _singularize(word)


def _singularize(word: str) -> str:
    """``inflection.singularize``, imported on first use (it costs ~10 ms; most commands never count)."""
    import inflection

    return str(inflection.singularize(word))


def normalize_unit(unit_text: str | None) -> str:
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


_YEAR_DIGITS = re.compile(r"(?:19|20)\d\d")


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
