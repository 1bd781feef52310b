"""Extraction: from text to figures, one linear scan and then constant work per number.

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

Performance: one linear scan with possessive/atomic patterns (no nested quantifiers that
can backtrack), then constant work per number; a 10 MB text is handled in seconds.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from jjj_brief.figures.asof import _assign_as_of, _years_ago
from jjj_brief.figures.lexicon import (
    _DETERMINER_BEFORE,
    _NAME_WORD_BEFORE,
    _SCALE_AFTER,
    _UNIT_AFTER,
    _UNIT_BY_GROUP,
    _YEAR_DIGITS,
    _YEAR_PREPOSITION_BEFORE,
    MONTHS,
    WORD_VALUES,
    _counted_noun,
    _hundreds_value,
    _number_value,
    _qualifier,
    _scale_value,
    _split_number_blob,
    _word_value,
)
from jjj_brief.figures.model import Figure, Suspect, _tidy
from jjj_brief.figures.scanner import _TOKEN, _Context, _Draft
from jjj_brief.figures.suspects import (
    _find_splits,
    _flag_decimal_neighbours,
    _flag_lost_years,
    _flag_single_figures,
    _share_list_units,
)
from jjj_brief.safety import display_safe

# --------------------------------------------------------------------------- extraction


# A text's figures are remembered, like the word rules of text_rules and the paragraph words
# of compare.subject: a pure function of (text, published), shared by every caller in the
# process, which gets a list of its own (the figures themselves are frozen). Every Library
# extracts its corpus (the crosscheck book, the search index's figure fields, the briefings'
# readings): a second Library of the same seeds in one process, a query's typed numbers
# asked again, cost a look-up. Bounded: at most REMEMBERED_TEXTS texts of at most
# REMEMBERED_MAX_CHARS characters each (a larger one is extracted each time, as before).
REMEMBERED_TEXTS = 64
REMEMBERED_MAX_CHARS = 100_000


def extract_figures(text: str, published: str | None = None) -> list[Figure]:
    """All figures in ``text``, sorted and non-overlapping. Pure; never raises.

    ``published`` (the document's date, ``YYYY``...) turns "ten years ago" into the year
    it names; without it that stays a duration. Figures are read from the text as it is
    shown (``safety.display_safe``: same length, escape sequences blanked), so the "52" of
    an OSC 52 or the "31" of ``CSI 31m`` is never a figure.
    """
    if len(text) <= REMEMBERED_MAX_CHARS:
        return list(_remembered(text, published))
    return _extract_figures(text, published)


@lru_cache(maxsize=REMEMBERED_TEXTS)
def _remembered(text: str, published: str | None) -> tuple[Figure, ...]:
    return tuple(_extract_figures(text, published))


def _extract_figures(text: str, published: str | None) -> list[Figure]:
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
    """Lines in Chinese (originals beside their translations) are read by :mod:`jjj_brief.figures.zh`."""
    from jjj_brief.figures import zh

    try:
        return zh.merge(text, figures)
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
    """The figure (or, for "in 20141%", two) that the digits ``text[start:end]`` print."""
    fused_before = _word_glued_before(ctx, start)
    if fused_before is not None and fused_before.upper() == "PM":
        return _pollutant_name(start, end, number, fused_before)
    if _names_something(ctx, start, end, fused_before) or _not_a_quantity(ctx, start, end):
        return []
    split = _split_year_and_decimal(ctx, start, end, number)
    if split is not None:
        return split
    value = _number_value(number)
    if not math.isfinite(value):
        return []  # a run of hundreds of digits is not a statistic
    draft = _Draft(start, end, "count", value, digits=number)
    draft.fused_before, draft.fused_after = fused_before, _word_glued_after(ctx.text, end)
    return _measured(ctx, draft, number)


def _word_glued_before(ctx: _Context, start: int) -> str | None:
    """The word printed right against the digits ("refused50,000" -> "refused")."""
    if not ctx.text[start - 1 : start].isalpha():
        return None
    word = re.search(r"[A-Za-z]+\Z", ctx.before(start, 30))
    return word.group(0) if word else ctx.text[start - 1]


def _word_glued_after(text: str, end: int) -> str | None:
    """The word printed right after the digits when it is no unit ("59The" -> "The")."""
    if not text[end : end + 1].isalpha() or _UNIT_AFTER.match(text, end) is not None:
        return None
    return re.match(r"[A-Za-z]+", text[end : end + 30]).group(0)  # type: ignore[union-attr]


def _pollutant_name(start: int, end: int, number: str, prefix: str) -> list[_Draft]:
    """PM2.5, PM10 are names; "PM25" is PM2.5 whose decimal point was lost."""
    if number != "25":
        return []
    reason = "name-broken: 'PM25' is PM2.5 with its decimal point lost"
    return [_Draft(start - len(prefix), end, "label", None, reason=reason)]


def _names_something(ctx: _Context, start: int, end: int, fused_before: str | None) -> bool:
    """Digits in a name: COVID-19, Line 22, No. 4, 18th, 5G, 3D, G20, A4."""
    text = ctx.text
    before_char = text[start - 1 : start]
    if fused_before is None and before_char == "-" and re.search(r"[A-Za-z]-\Z", ctx.before(start, 3)):
        return True  # COVID-19, Su-27
    if before_char in " \t\u00a0.#" and _NAME_WORD_BEFORE.search(ctx.before(start, 14)):
        return True
    unit_after = _UNIT_AFTER.match(text, end) is not None
    if text[end : end + 1].isalpha():
        glued = re.match(r"[A-Za-z]+", text[end : end + 30]).group(0)  # type: ignore[union-attr]
        if glued.lower() in {"st", "nd", "rd", "th"}:
            return True  # ordinal
        if not unit_after and ((glued.isupper() and len(glued) <= 3) or glued in {"D", "G", "K"}):
            return True  # 5G, 3D, 4K
    if fused_before is not None and fused_before.isupper() and _word_glued_after(text, end) is None:
        return not (unit_after or _SCALE_AFTER.match(text, end))  # G20, A4
    return False


def _not_a_quantity(ctx: _Context, start: int, end: int) -> bool:
    """A clock time ("10:30"), an age ("83-year-old") or list numbering ("1. ")."""
    after = ctx.text[end : end + 1]
    if after == ":" and re.match(r":\d\d", ctx.text[end : end + 3]):
        return True
    if after == "-" and _AGE.match(ctx.text, end):
        return True
    return after in {".", ")"} and _is_list_number(ctx, start, end)


def _measured(ctx: _Context, draft: _Draft, number: str) -> list[_Draft]:
    """Hedge, scale, unit or counted noun for a plain number; a year when it is one."""
    end = draft.end
    if draft.fused_before is None:
        draft.qualifier, draft.start = _qualifier(ctx, draft.start)
    _attach_unit(ctx, draft)
    if draft.kind == "count" and not draft.bare and ctx.in_short_quote(draft.number_start, draft.end):
        return []  # "transformation of 10,000 enterprises" action: a programme's name
    if _is_year(ctx, draft, number):
        draft.kind, draft.as_of, draft.value = "year", number, float(number)
        draft.start, draft.end, draft.qualifier, draft.unit = draft.number_start, end, None, None
        draft.bare = False
    glued = draft.fused_before if draft.fused_before is not None else draft.fused_after
    if glued is not None:
        draft.flag(f"fused: the number is glued to the word '{glued}'")
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
