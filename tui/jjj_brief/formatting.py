"""Numbers, units, counts and dates written for people, one formatter per quantity.

``4.39e12`` yuan reads "4.39 trillion yuan", ``6.5e11`` "650 billion", ``9`` years "9 years",
one fact "1 fact", an ISO date "--02-26" (no year printed) "February 26". Never an exponent
(``4.39e+12``), never a bare run of digits past a million (``650,000,000,000``), never a date
with its unknown parts left as dashes (``--02-26``).

Used by the CLI, the exports and the app alike; no Textual here. The words are plain strings
(callers build rich Text from them): nothing returned contains a control character.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from types import ModuleType

from jjj_brief.safety import read_back

SIGNIFICANT = 9  # enough for any printed figure ("4,394.41 billion"), few enough to hide float noise
SCALES = ((Decimal("1e12"), "trillion"), (Decimal("1e9"), "billion"), (Decimal("1e6"), "million"))
TINY = Decimal("1e-6")  # below this a value is written as a bound, not as a row of zeros
DASH = "—"  # what a missing value shows

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Canonical figure units (see figures.py) as people write them. Symbols never take a plural.
UNIT_WORDS = {
    "km2": "km²",
    "m2": "m²",
    "m3": "m³",
    "ug/m3": "µg/m³",
    "yuan/person": "yuan per person",
    "pp": "percentage point",
    "t": "tonne",
}
INVARIABLE = frozenset(
    {"%", "yuan", "yuan per person", "km", "km²", "m", "m²", "m³", "µg/m³", "TEU", "kW", "W", "MW", "GW", "kWh"}
    | {"mu", "ha", "km/h", "times", "staff", "personnel"}
)
NO_SPACE = frozenset({"%"})

_ISO = re.compile(r"(?P<year>\d{4})?(?:-(?P<month>\d\d))?(?:-(?P<day>\d\d))?")


def number(value: float | int | str | None) -> str:
    """A value for people: 9500 -> "9,500"; 38.6 -> "38.6"; 6.5e11 -> "650 billion";
    4.39e12 -> "4.39 trillion"; 1e-9 -> "less than 0.000001". Words (a category, date or
    status fact's value) come back as they are, on one line; ``None`` is a dash."""
    if value is None:
        return DASH
    if isinstance(value, str):
        return _one_line(value)
    number_ = float(value)
    if math.isnan(number_):
        return "not a number"
    if math.isinf(number_):
        return "infinity" if number_ > 0 else "minus infinity"
    exact = _significant(Decimal(number_))
    if exact == 0:
        return "0"
    if abs(exact) < TINY:
        return "less than 0.000001" if exact > 0 else "more than -0.000001"
    for scale, word in SCALES:
        if abs(exact) >= scale:
            return f"{_digits(_significant(exact / scale))} {word}"
    return _digits(exact)


def unit(name: str | None, value: float | int | None = None) -> str:
    """A unit as people write it, in the plural unless ``value`` is one: ("year", 9) -> "years",
    ("person", 2) -> "people", ("km2", 5) -> "km²", ("branch", 1) -> "branch"."""
    if not name:
        return ""
    shown = UNIT_WORDS.get(name, _one_line(name))
    if shown in INVARIABLE or not _is_word(shown):
        return shown
    inflection = _inflection()
    if value is not None and _is_one(value):
        return str(inflection.singularize(shown))
    return str(inflection.pluralize(shown))


def quantity(value: float | int | str | None, unit_name: str | None) -> str:
    """A value with its unit: (4.39e12, "yuan") -> "4.39 trillion yuan"; (9, "year") -> "9 years";
    (5.5, "%") -> "5.5%". Words (a category or status) are shown as they are, without a unit."""
    if isinstance(value, str):
        return _one_line(value)
    shown = number(value)
    word = unit(unit_name, value)
    if not word:
        return shown
    return f"{shown}{'' if word in NO_SPACE else ' '}{word}"


def count(how_many: int, noun: str) -> str:
    """How many of something: (1, "fact") -> "1 fact"; (2, "fact") -> "2 facts";
    (1234, "article") -> "1,234 articles"."""
    inflection = _inflection()
    word = _one_line(noun)
    word = str(inflection.singularize(word) if how_many in (1, -1) else inflection.pluralize(word))
    return f"{how_many:,} {word}"


def date(iso: str | None) -> str:
    """An ISO date with its unknown parts left out: "2014-02-26" -> "February 26, 2014";
    "2015-06" -> "June 2015"; "--02-26" (no year printed) -> "February 26"; "2016/2035" ->
    "2016–2035"; ``None`` -> "". Text that is no ISO date comes back as it is, on one line."""
    if not iso:
        return ""
    text = iso.strip()
    if "/" in text:
        parts = [date(part) for part in text.split("/")]
        return "–".join(part for part in parts if part)
    if text.startswith("--"):
        text = text[1:]  # "--02-26": the year is unknown -> "-02-26"
    match = _ISO.fullmatch(text)
    if not match or not any(match.groups()):
        return _one_line(iso)
    year, month, day = match.group("year"), _month(match.group("month")), match.group("day")
    if month is None:
        return year or _one_line(iso)
    if day is not None and 1 <= int(day) <= 31:
        return f"{month} {int(day)}, {year}" if year else f"{month} {int(day)}"
    return f"{month} {year}" if year else month


def as_of(iso: str | None) -> str:
    """ "as of February 26, 2014" for a known date, "" for none."""
    shown = date(iso)
    return f"as of {shown}" if shown else ""


def _month(text: str | None) -> str | None:
    if text is None or not 1 <= int(text) <= 12:
        return None
    return MONTHS[int(text) - 1]


def _significant(value: Decimal) -> Decimal:
    """``value`` rounded to SIGNIFICANT digits (float noise such as 4.3900000000000004 gone)."""
    if value == 0:
        return Decimal(0)
    places = SIGNIFICANT - value.adjusted() - 1
    return value.quantize(Decimal(1).scaleb(-places)) if places > 0 else round(value, places)


def _digits(value: Decimal) -> str:
    """Grouped digits with no exponent and no trailing zeros after the point: 9500 -> "9,500"."""
    text = f"{value:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _is_one(value: float | int) -> bool:
    try:
        return abs(float(value)) == 1.0
    except (TypeError, ValueError):
        return False


def _is_word(text: str) -> bool:
    """A unit English inflects: letters and spaces, the last word not an acronym ("TEU")."""
    last = text.split(" ")[-1]
    return bool(last) and last.isascii() and last.replace("-", "").isalpha() and not last.isupper()


def _one_line(text: str) -> str:
    return read_back(text, limit=None)


def _inflection() -> ModuleType:
    """``inflection``, imported on first use (most commands never pluralize; Python keeps
    the module once imported, so no copy is kept here)."""
    import inflection

    return inflection
