"""Suspect figures: the passes that flag a figure the translation probably garbled.

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
"""

from __future__ import annotations

import re

from jjj_brief.figures.lexicon import _DECLINE_BEFORE, _SHARE_AROUND
from jjj_brief.figures.scanner import _Context, _Draft

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


def _flag_lost_years(ctx: _Context, drafts: list[_Draft]) -> None:
    """A day and month printed with no year ("from January 1st") in a sentence that also
    prints another month with its year ("in May 2020 It will be implemented ... from
    January 1st"): the date was garbled in translation; the year (and likely the month)
    belongs to the other date."""
    months: dict[int, tuple[_Draft, str]] = {}  # sentence -> its first "Month YYYY" date and as-of
    for d in drafts:
        if d.kind == "date" and d.as_of and re.fullmatch(r"\d{4}-\d\d", d.as_of):
            months.setdefault(ctx.sentence(d.start), (d, d.as_of))
    for d in drafts:
        if d.kind != "date" or not d.as_of or not d.as_of.startswith("--"):
            continue
        found = months.get(ctx.sentence(d.start))
        if found is None:
            continue
        other, as_of = found
        if other.start > d.start or as_of[5:7] == d.as_of[2:4]:
            continue
        printed = ctx.text[other.start : other.end]
        d.flag(
            f"lost-year: '{ctx.text[d.start : d.end]}' has no year, in a sentence that prints "
            f"'{printed}': the date is garbled; the year {as_of[:4]} (and likely the "
            f"month) belongs to it"
        )
