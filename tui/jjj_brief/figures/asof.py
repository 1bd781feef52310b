"""As-of: the year or date each figure is stated for.

as_of (for every kind but date/year): the year or date the figure is stated for, from
the same sentence: a year right after it ("250,000 in 2015"; not a capitalised "In",
which opens a clause the translation did not punctuate), else the last year/date before
it in the sentence, else the first after it in its own clause (no comma between) —
skipping baselines ("from 2014", "compared with 2014", "than in 2014", and "since"
anywhere shortly before: "since its listing in April 2015") and years that name a plan
or its period (inside a short quotation, or a bracketed range: "(2016-2035)").
"ten years ago" is the year it names (2014) when the publication date is given to
:func:`extract_figures`; otherwise a duration.
"""

from __future__ import annotations

import bisect
import re

from jjj_brief.figures.lexicon import _BASELINE_BEFORE
from jjj_brief.figures.scanner import _Context, _Draft

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
