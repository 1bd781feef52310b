"""The figure model: what a figure is, as the rest of jjj-brief sees it.

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
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from typing import Any

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


def figure_at(figures: list[Figure], offset: int) -> Figure | None:
    """The figure whose span contains ``offset`` (figures sorted, non-overlapping)."""
    starts = [f.start for f in figures]
    i = bisect.bisect_right(starts, offset) - 1
    if i >= 0 and figures[i].start <= offset < figures[i].end:
        return figures[i]
    return None


def _tidy(value: float | None) -> float | None:
    """Round away binary noise (4.39 * 1e12 == 4390000000000.0005)."""
    if value is None or not math.isfinite(value):
        return None if value is None else value
    if value == 0:
        return 0.0
    digits = 12 - int(math.floor(math.log10(abs(value))))
    return float(round(value, digits)) if digits > 0 else float(round(value))
