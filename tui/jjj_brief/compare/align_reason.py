"""Why two figures were aligned, in words: the reason string of an alignment (see
:func:`jjj_brief.compare.align.FigureIndex.score_pair`), e.g. "same unit (yuan), shared
terms: investment; 150 billion vs 1.5 trillion (lost decimal point?)"."""

from __future__ import annotations

from jjj_brief import formatting
from jjj_brief.compare.entries import Entry
from jjj_brief.compare.values import Relation


def place_names(entry: Entry) -> str:
    names = {entry.subject.labels.get(p, p).casefold(): entry.subject.labels.get(p, p) for p in entry.subject.places}
    return "/".join(sorted(names.values()))


def unit_text(entry: Entry) -> str:
    figure = entry.figure
    if entry.family == "duration":
        return "a duration"
    if figure.kind == "count":
        return figure.unit or "a count"
    return figure.unit or figure.kind


def pair_reason(
    query: Entry, other: Entry, relation: Relation, shared: list[str], place_conflict: bool, years_differ: bool
) -> str:
    qu, ou = unit_text(query), unit_text(other)
    parts = [f"same unit ({ou})" if qu == ou else f"compatible units ({qu} / {ou})"]
    if shared:
        parts[0] += ", shared terms: " + ", ".join(shared[:5])
    else:
        parts[0] += ", no shared terms"
    values = f"{formatting.number(query.figure.value)} vs {formatting.number(other.figure.value)}"
    if relation.kind == "equal":
        values = f"same value ({formatting.number(other.figure.value)})"
    elif relation.kind in ("rounding", "hedge", "decimal"):
        values += f" ({relation.label})"
    detail = [values]
    if query.year is not None and other.year is not None and query.year != other.year:
        detail.append(f"{query.year} vs {other.year}")
    if place_conflict:
        q, o = place_names(query), place_names(other)
        detail.append(f"different place ({q} vs {o})")
    if years_differ:
        detail.append("different years: related, not the same figure")
    return "; ".join([parts[0], ", ".join(detail)])
