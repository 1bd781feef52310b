"""The computed assessment of a curated fact's claims.

The assessment is made from the claims' values, qualifiers and as-of dates (and
the figure layer's suspect flags) alone, without reading the curated verdict:

``same value``       every claim prints the same number;
``likely transcription error (x10)``  two claims are 10/100/1000 times apart with the same
                     digits, or a claim's figure is flagged suspect and its likely value
                     agrees with the others (a lost decimal point, a split figure);
``conflict``         two claims for the same date differ beyond rounding and hedges;
``different dates``  the claims differ, and every pair that differs beyond rounding has
                     different as-of dates (a claim with no as-of is dated by its
                     article); a pair within rounding whose printed as-of dates differ
                     counts as different dates too ("more than 9,500" in 2023-02 and
                     "more than 10,000" in 2024-02: the count grew);
``within rounding``  the claims differ only as far as rounding or their hedges allow
                     ("more than 100 km" and "about 105 km");
``different scopes`` fewer than two claims count the same whole: the others count a
                     part (``part:`` "Hebei only"), which is shown but never compared —
                     295 Hebei institutions are not a decline from 313 region-wide.

A suspect figure whose likely value agrees with another claim is a transcription error;
one whose likely value still differs is compared at that likely value (Liaowang's "21 in
20234%" is read 21.4 against Xinhua's 20.6 of a year earlier: different dates).

A category, date or status fact (``kind`` not ``number``) is compared by its readings
(``reads_as``, else the words; a date by the date the figure layer reads in them): one
reading is ``same value``; readings that change between dates are ``different dates``;
otherwise ``conflict``. Its spread lists the readings.

When that assessment and the curated verdict disagree, :attr:`Comparison.disagreement`
says so: either a curation error, or a subtlety the numbers cannot show (a different
scope, a garbled figure the figure layer did not flag).
"""

from __future__ import annotations

import math
import re
from itertools import combinations

from jjj_brief import formatting
from jjj_brief.compare.model import ASSESSMENT_LABELS, MATCHING_VERDICT, Assessment, ClaimView
from jjj_brief.compare.values import agree_when_rounded, decimal_power, hedged_agreement

# ------------------------------------------------------------------- assessment


def _date_of(view: ClaimView) -> str:
    return (view.as_of or view.date or "").split("/")[-1]


def _dates_differ(a: ClaimView, b: ClaimView) -> bool:
    """Different as-of dates, compared at the precision both give ("2024" = "2024-02")."""
    da, db = _date_of(a), _date_of(b)
    if (a.as_of or "").count("/") or (b.as_of or "").count("/"):
        if (a.as_of or a.date) != (b.as_of or b.date):
            return True  # different spans ("2013/2022" vs "2014/2023")
    common = min(len(da), len(db))
    return bool(common) and da[:common] != db[:common]


def _agree(a: ClaimView, av: float, b: ClaimView, bv: float) -> bool:
    return (
        math.isclose(av, bv, rel_tol=1e-9)
        or agree_when_rounded(av, bv, a.qualifier, b.qualifier)
        or hedged_agreement(av, a.qualifier, bv, b.qualifier)
    )


def _likely(view: ClaimView) -> float | None:
    suspect = getattr(view.figure, "suspect", None)
    return getattr(suspect, "likely", None) if suspect else None


def assess(views: list[ClaimView]) -> Assessment:
    values = [v.number for v in views]
    if all(math.isclose(x, values[0], rel_tol=1e-9, abs_tol=1e-9) for x in values):
        return Assessment(
            "same-value", ASSESSMENT_LABELS["same-value"], f"every source prints {formatting.number(values[0])}"
        )
    for a, b in combinations(views, 2):
        power = decimal_power(abs(a.number), abs(b.number))
        if power:
            low, high = sorted((a, b), key=lambda v: v.number)
            return Assessment(
                "transcription-error",
                f"likely transcription error (x{10**power:g})",
                f"{high.outlet} prints {formatting.number(high.number)}, {10**power:g} times {low.outlet}'s "
                f"{formatting.number(low.number)}: a lost decimal point",
            )
    repaired: dict[int, float] = {}
    for view in views:
        likely = _likely(view)
        if likely is None:
            continue
        others = [o for o in views if o is not view]
        if any(_agree(view, likely, o, o.number) for o in others):
            assert view.figure is not None  # a likely value comes from the figure's suspect flag
            reason = view.figure.suspect.reason.split(":")[0]
            return Assessment(
                "transcription-error",
                f"likely transcription error ({reason})",
                f"the figure layer flags {view.outlet}'s {view.figure.text!r} ({reason}); "
                f"likely {formatting.number(likely)}",
            )
        repaired[id(view)] = likely  # still differs once repaired: compare the repaired value

    def value(view: ClaimView) -> float:
        return repaired.get(id(view), view.number)

    conflicts, by_date = [], []
    for a, b in combinations(views, 2):
        if math.isclose(value(a), value(b), rel_tol=1e-9):
            continue
        if _agree(a, value(a), b, value(b)):
            # rounding explains it — unless both sources date their figures differently
            if a.as_of and b.as_of and _dates_differ(a, b):
                by_date.append((a, b))
        elif _dates_differ(a, b):
            by_date.append((a, b))
        else:
            conflicts.append((a, b))
    if conflicts:
        a, b = conflicts[0]
        return Assessment(
            "conflict",
            ASSESSMENT_LABELS["conflict"],
            f"{a.outlet} {formatting.number(value(a))} vs {b.outlet} {formatting.number(value(b))}, "
            f"{'both as of' if a.as_of and b.as_of else 'no as-of printed; both published in'} "
            f"{_date_of(a) if len(_date_of(a)) <= len(_date_of(b)) else _date_of(b)}",
        )
    if by_date:
        a, b = by_date[0]
        return Assessment(
            "different-dates",
            ASSESSMENT_LABELS["different-dates"],
            f"the values differ between dates ({formatting.number(value(a))} as of {_date_of(a)}, "
            f"{formatting.number(value(b))} as of {_date_of(b)})"
            + (" once the flagged figure is read at its likely value" if repaired else ""),
        )
    return Assessment(
        "rounding", ASSESSMENT_LABELS["rounding"], "the values differ only as rounding or their hedges allow"
    )


def assess_readings(views: list[ClaimView]) -> Assessment:
    """A category, date or status: same reading, readings that change between dates, or
    a conflict."""

    def same(a: ClaimView, b: ClaimView) -> bool:
        ra, rb = a.reading or "", b.reading or ""
        return ra.casefold() == rb.casefold() or (
            _ISO.fullmatch(ra) is not None
            and _ISO.fullmatch(rb) is not None
            and (ra.startswith(rb) or rb.startswith(ra))
        )

    if all(same(v, views[0]) for v in views):
        return Assessment("same-value", ASSESSMENT_LABELS["same-value"], f"every source says {views[0].reading}")
    differing = [(a, b) for a, b in combinations(views, 2) if not same(a, b)]
    if all(_dates_differ(a, b) for a, b in differing):
        a, b = differing[0]
        return Assessment(
            "different-dates",
            ASSESSMENT_LABELS["different-dates"],
            f"the readings change between dates ({a.reading} as of {_date_of(a)}, {b.reading} as of {_date_of(b)})",
        )
    a, b = next((a, b) for a, b in differing if not _dates_differ(a, b))
    return Assessment(
        "conflict",
        ASSESSMENT_LABELS["conflict"],
        f"{a.outlet} says {a.reading}, {b.outlet} {b.reading}, for the same date",
    )


def scopes(views: list[ClaimView]) -> Assessment:
    parts = ", ".join(f"{v.outlet}: {v.part}" for v in views if v.part)
    return Assessment(
        "different-scopes",
        ASSESSMENT_LABELS["different-scopes"],
        f"fewer than two claims count the same whole; the others count a part ({parts})",
    )


_ISO = re.compile(r"\d{4}(?:-\d\d(?:-\d\d)?)?")


def disagreement(assessment: Assessment, verdict: str) -> str | None:
    expected = MATCHING_VERDICT[assessment.code]
    if expected == verdict:
        return None
    hint = {
        ("conflict", "different-date-or-scope"): "the numbers differ for the same date; the curator reads a "
        "different scope, which the numbers alone cannot show",
        ("different-dates", "transcription-error"): "the numbers differ between dates; the curator reads a "
        "garbled figure the figure layer did not flag",
        ("different-dates", "conflict"): "the numbers differ between dates; the curator still counts them "
        "as conflicting",
        ("rounding", "different-date-or-scope"): "the values agree within rounding; the curator reads a "
        "different date or scope",
    }.get((assessment.code, verdict), "check the claims' values, qualifiers and as-of dates")
    return f"computed '{assessment.label}' but curated '{verdict}': {hint}"
