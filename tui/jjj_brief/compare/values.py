"""How two printed numbers relate: equal, rounded, a lost decimal point, or just different.

One home for the value rules that both the aligner and the fact assessment use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

EQUAL_TOLERANCE = 1e-9
DECIMAL_TOLERANCE = 0.01  # "386" vs "38.6": the ratio is 10**k within 1%

# Hedges that make a printed number a bound rather than a value.
LOWER_BOUNDS = ("more than", "over", "exceeded", "exceeds", "exceed", "exceeding", "at least", "no less than", "above")
UPPER_BOUNDS = (
    "nearly",
    "almost",
    "up to",
    "less than",
    "fewer than",
    "at most",
    "no more than",
    "below",
    "under",
    "close to",
)
APPROXIMATE = ("about", "approximately", "around", "roughly")

DURATION_HOURS = {
    "second": 1 / 3600,
    "minute": 1 / 60,
    "hour": 1.0,
    "day": 24.0,
    "week": 168.0,
    "month": 730.0,
    "year": 8760.0,
}


@dataclass(frozen=True)
class Relation:
    """How value ``a`` relates to value ``b``."""

    kind: str  # equal | rounding | hedge | decimal | close | different
    ratio: float  # max/min (>= 1), inf when one is zero
    power: int = 0  # for kind == "decimal": the values are 10**power apart

    @property
    def label(self) -> str:
        return {
            "equal": "same value",
            "rounding": "within rounding",
            "hedge": "within its hedge",
            "decimal": f"x{10**self.power:g} apart (a lost decimal point?)",
            "close": f"{self.ratio:.2f}x apart",
            "different": f"{self.ratio:.2g}x apart",
        }[self.kind]


def significant_step(value: float) -> float:
    """The place of the last significant digit of a printed value: 10,000 -> 10,000; 38.6 -> 0.1."""
    if value == 0 or not math.isfinite(value):
        return 1.0
    text = f"{abs(value):.6f}".rstrip("0").rstrip(".")
    if "." in text:
        return 10.0 ** -len(text.split(".")[1])
    digits = text.rstrip("0")
    return 10.0 ** (len(text) - len(digits))


def significant_digits(value: float | None) -> int:
    """216,000 -> 3; 10,000 -> 1; 38.6 -> 3."""
    if not value or not math.isfinite(value):
        return 0
    return len(f"{abs(value):.6f}".replace(".", "").strip("0"))


def rounding_step(value: float, qualifier: str | None = None) -> float:
    """How coarsely a printed value may be rounded.

    Trailing zeros mean rounding only when the value is hedged ("about 3,000") or they are
    three or more ("10,000"): an unhedged "30" is thirty, not "somewhere near 30".
    """
    step = significant_step(value)
    if step >= 1000 or hedge_direction(qualifier) is not None:
        return step
    return min(step, 1.0)


def agree_when_rounded(a: float, b: float, qa: str | None = None, qb: str | None = None) -> bool:
    """Both values read the same at the precision of the coarser one (100 ~ about 105)."""
    step_a, step_b = rounding_step(a, qa), rounding_step(b, qb)
    step = max(step_a, step_b)
    if step <= 1e-12:
        return False
    coarse, qualifier, other = (a, qa, b) if step_a >= step_b else (b, qb, a)
    direction = hedge_direction(qualifier)
    if (direction == "lower" and other < coarse) or (direction == "upper" and other > coarse):
        return False  # "more than 500" is not 465, however it is rounded
    return round(a / step) == round(b / step) and step < max(abs(a), abs(b))


def hedge_direction(qualifier: str | None) -> str | None:
    """'lower' (more than…), 'upper' (nearly…), 'approximate' (about…) or None."""
    q = (qualifier or "").lower()
    if any(h in q for h in LOWER_BOUNDS):
        return "lower"
    if any(h in q for h in UPPER_BOUNDS):
        return "upper"
    if any(h in q for h in APPROXIMATE):
        return "approximate"
    return None


def hedged_agreement(a: float, qa: str | None, b: float, qb: str | None, tolerance: float = 0.1) -> bool:
    """A bound and a value that fits it, close enough ("more than 3,000" and "about 3,200").

    Two bounds of the same direction never reconcile different values: "more than 9,300"
    and "more than 9,900" for the same date are two different counts.
    """
    da, db = hedge_direction(qa), hedge_direction(qb)
    if da is not None and da == db and da != "approximate":
        return False
    if abs(a - b) > tolerance * max(abs(a), abs(b)):
        return False
    for x, dx, y in ((a, da, b), (b, db, a)):
        if (dx == "lower" and y >= x) or (dx == "upper" and y <= x) or dx == "approximate":
            return True
    return False


def decimal_power(a: float, b: float) -> int:
    """k when one value is 10**k (k = 1..3) times the other within 1%, else 0."""
    if a <= 0 or b <= 0:
        return 0
    ratio = max(a, b) / min(a, b)
    k = round(math.log10(ratio))
    if 1 <= k <= 3 and abs(ratio / 10**k - 1) <= DECIMAL_TOLERANCE:
        return k
    return 0


def relate(a: float, b: float, qa: str | None = None, qb: str | None = None) -> Relation:
    if math.isclose(a, b, rel_tol=EQUAL_TOLERANCE, abs_tol=EQUAL_TOLERANCE):
        return Relation("equal", 1.0)
    low, high = sorted((abs(a), abs(b)))
    ratio = high / low if low else math.inf
    if agree_when_rounded(a, b, qa, qb):
        return Relation("rounding", ratio)
    if hedged_agreement(a, qa, b, qb):
        return Relation("hedge", ratio)
    power = decimal_power(abs(a), abs(b))
    if power:
        return Relation("decimal", ratio, power)
    if ratio <= 2.0:
        return Relation("close", ratio)
    return Relation("different", ratio)
