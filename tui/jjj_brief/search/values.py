"""Numbers by value: index keys for figures, tolerance, and why a figure matched.

The figure layer (:mod:`jjj_brief.figures`) is the one reader of numbers: this module
never parses a printed number itself. It turns the figures of a passage into

* **keys** for the ``values`` keyword field (``documents.py``), so any engine finds
  candidates with plain term look-ups: ``<unit>:<exponent>:<mantissa>`` at 1, 2 and 3
  significant digits, for the figure's unit and for ``*`` (any unit), and ``u:<unit>``;
  a suspect figure's *likely* value gets keys too;
* a compact **stored** form (:class:`StoredFigure`), checked at hit time: a figure
  matches a :class:`ValueRange` when its value — or its likely value — lies in the
  range, widened by the rounding of its own printed precision when it prints three or
  more significant digits ("439 trillion" covers 438.5–439.5 trillion; "60%" is exact);
* the **reason** shown with the hit (``printed 439 trillion yuan, likely 4.39 trillion``).

A number typed in a query ("4.39 trillion") stands for the values it rounds from: its
printed precision is half a unit in its last digit (4.385–4.395 trillion). Units match
by canonical unit (``yuan``, ``%``, ``ug/m3`` …, or the counted noun); a query number
without a unit matches any unit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jjj_brief.figures import Figure

VALUE_KINDS = frozenset({"money", "percent", "percentage_points", "count", "measure", "duration", "multiple"})
MAX_KEYS = 400  # keys one range may expand to before coarser buckets are used
# Counted nouns a query may use for a canonical unit the figure grammar only reads in full
# ("38.6 micrograms" for "38.6 micrograms/cubic meter").
UNIT_SYNONYMS = {"microgram": "ug/m3", "percent": "%", "per cent": "%", "teu": "TEU"}
_DIGITS = re.compile(r"\d[\d,]*(?:\.\d+)?")
_SCALE_NAMES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


@dataclass(frozen=True, slots=True)
class StoredFigure:
    """One valued figure of a passage, as the index stores it (offsets in the passage)."""

    start: int
    end: int
    value: float
    unit: str | None
    tolerance: float  # how far the printed value's rounding reaches (0: read as exact)
    likely: float | None = None  # a suspect figure's likely value (figure layer)
    likely_tolerance: float = 0.0

    def as_tuple(self) -> tuple[int, int, float, str | None, float, float | None, float]:
        return (self.start, self.end, self.value, self.unit, self.tolerance, self.likely, self.likely_tolerance)

    @classmethod
    def from_tuple(cls, row: Sequence[Any]) -> StoredFigure:
        return cls(
            int(row[0]),
            int(row[1]),
            float(row[2]),
            row[3],
            float(row[4]),
            None if row[5] is None else float(row[5]),
            float(row[6]),
        )


@dataclass(frozen=True, slots=True)
class ValueMatch:
    start: int  # in the passage
    end: int
    reason: str


def canonical_unit(unit: str | None) -> str | None:
    if not unit:
        return None
    return UNIT_SYNONYMS.get(unit.lower(), unit)


# ---------------------------------------------------------------- precision


def _printed_number(text: str) -> str | None:
    """The last number printed in a figure's text (a range prints its bound last)."""
    found = _DIGITS.findall(text)
    return found[-1].rstrip(".,") if found else None


def _half_unit(number: str, scale: float) -> float:
    decimals = len(number.split(".", 1)[1]) if "." in number else 0
    return 0.5 * 10.0 ** (-decimals) * scale


def _significant_digits(number: str) -> int:
    digits = number.replace(",", "").replace(".", "").lstrip("0")
    if "." not in number:
        digits = digits.rstrip("0")
    return len(digits)


def printed_tolerance(text: str, value: float, *, query: bool = False) -> float:
    """Half a unit in the last printed digit, in the value's own scale.

    For a passage figure only when it prints three or more significant digits (a round
    "60%" or "10,000" is read as exact, or every near number would match it); for a
    number typed in a query always ("22 million" stands for 21.5–22.5 million).
    """
    number = _printed_number(text)
    if number is None:  # a word number ("five trillion")
        if not query or value <= 0:
            return 0.0
        return 0.5 * 10.0 ** math.floor(math.log10(value))
    try:
        printed = float(number.replace(",", ""))
    except ValueError:
        return 0.0
    scale = value / printed if printed else 1.0
    if not query and _significant_digits(number) < 3:
        return 0.0
    return _half_unit(number, scale)


def _likely_tolerance(value: float, tolerance: float, likely: float) -> float:
    return tolerance * likely / value if value else 0.0


# ---------------------------------------------------------------- figures -> stored + keys


def stored_figures(figures: Iterable[Figure], passage_start: int, passage_end: int) -> list[StoredFigure]:
    """The valued figures inside one passage (figure-layer objects -> stored form)."""
    out = []
    for figure in figures:
        if figure.start < passage_start or figure.end > passage_end:
            continue
        if figure.kind not in VALUE_KINDS or figure.value is None or figure.value <= 0:
            continue
        tolerance = printed_tolerance(figure.text, figure.value)
        likely = figure.suspect.likely if figure.suspect is not None else None
        if likely is not None and (likely <= 0 or likely == figure.value):
            likely = None
        out.append(
            StoredFigure(
                figure.start - passage_start,
                figure.end - passage_start,
                float(figure.value),
                figure.unit,
                tolerance,
                likely,
                _likely_tolerance(figure.value, tolerance, likely) if likely else 0.0,
            )
        )
    return out


def _bucket(value: float, digits: int) -> tuple[int, int]:
    exponent = math.floor(math.log10(value))
    mantissa = int(value / 10.0 ** (exponent - digits + 1) + 1e-9)
    if mantissa >= 10**digits:  # float edge: 9.999... rounded up
        exponent, mantissa = exponent + 1, 10 ** (digits - 1)
    return exponent, mantissa


def _unit_key(unit: str | None) -> str:
    return (unit or "*").replace(" ", "_")


def figure_keys(figures: Iterable[StoredFigure]) -> list[str]:
    """The ``values`` field's terms for a passage's figures: per value, its buckets at 1,
    2 and 3 significant digits, plus the 3-digit buckets its printed rounding reaches
    (for the figure's unit and for ``*``), and ``u:<unit>``."""
    keys: set[str] = set()
    for figure in figures:
        unit_key = _unit_key(figure.unit) if figure.unit else None
        units: tuple[str, ...] = ("*", unit_key) if unit_key is not None else ("*",)
        if unit_key is not None:
            keys.add(f"u:{unit_key}")
        for value, tolerance in ((figure.value, figure.tolerance), (figure.likely, figure.likely_tolerance)):
            if value is None or value <= 0:
                continue
            exponent, mantissa = _bucket(value, 3)
            buckets = {
                (exponent, f"{mantissa // 100}"),
                (exponent, f"{mantissa // 10:02d}"),
                (exponent, f"{mantissa:03d}"),
            }
            if tolerance:
                for edge in (value - tolerance, value + tolerance):
                    if edge > 0:
                        edge_exponent, edge_mantissa = _bucket(edge, 3)
                        buckets.add((edge_exponent, f"{edge_mantissa:03d}"))
            for unit in units:
                keys.update(f"{unit}:{e}:{m}" for e, m in buckets)
    return sorted(keys)


def range_keys(low: float, high: float, unit: str | None) -> tuple[str, ...]:
    """Terms whose buckets cover ``[low, high]`` (exact at the edges to 3 significant
    digits; whole decades and tens of buckets by their coarser keys)."""
    if unit is not None and high == math.inf and low <= 0:
        return (f"u:{_unit_key(unit)}",)
    low = max(low, 1e-12)
    high = min(high, 1e30)
    if high < low:
        return ()
    prefix = _unit_key(unit)
    keys: list[str] = []
    lo_exp, hi_exp = math.floor(math.log10(low)), math.floor(math.log10(high))
    for exponent in range(lo_exp, hi_exp + 1):
        first = 100 if exponent > lo_exp else _bucket(low, 3)[1]
        last = 999 if exponent < hi_exp else _bucket(high, 3)[1]
        keys.extend(_cover(prefix, exponent, first, last))
        if len(keys) > MAX_KEYS:
            return (f"u:{prefix}",) if unit else tuple(keys[:MAX_KEYS])
    return tuple(keys)


def _cover(prefix: str, exponent: int, first: int, last: int) -> list[str]:
    """3-digit mantissas first..last as few keys as possible (whole tens/hundreds coarser)."""
    if first == 100 and last == 999:
        return [f"{prefix}:{exponent}:{d}" for d in range(1, 10)]
    keys = []
    m = first
    while m <= last:
        if m % 100 == 0 and m + 99 <= last:
            keys.append(f"{prefix}:{exponent}:{m // 100}")
            m += 100
        elif m % 10 == 0 and m + 9 <= last:
            keys.append(f"{prefix}:{exponent}:{m // 10:02d}")
            m += 10
        else:
            keys.append(f"{prefix}:{exponent}:{m:03d}")
            m += 1
    return keys


# ---------------------------------------------------------------- hit time


def matches(figure: StoredFigure, low: float, high: float, unit: str | None, widen: bool) -> str | None:
    """'printed' or 'likely' when the figure's value or likely value is in the range."""
    if unit is not None and canonical_unit(figure.unit) != unit:
        return None
    if low - (figure.tolerance if widen else 0) <= figure.value <= high + (figure.tolerance if widen else 0):
        return "printed"
    if figure.likely is not None:
        reach = figure.likely_tolerance if widen else 0
        if low - reach <= figure.likely <= high + reach:
            return "likely"
    return None


def format_value(value: float, like: str = "") -> str:
    """A value as an analyst writes it, in the scale word the printed figure uses."""
    for scale, name in _SCALE_NAMES:
        if value >= scale and (name in like.lower() or not like):
            return f"{_plain(value / scale)} {name}"
    return _plain(value)


def _plain(number: float) -> str:
    text = f"{number:,.4f}".rstrip("0").rstrip(".")
    return text


def reason(figure: StoredFigure, printed: str, how: str) -> str:
    printed = " ".join(printed.split())
    if how == "likely" and figure.likely is not None:
        return f"printed {printed}, likely {format_value(figure.likely, printed)}"
    return f"printed {printed}"
