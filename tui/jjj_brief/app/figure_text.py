"""The reader's texts about figures: the legend, a figure's details, a related figure's label."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from jjj_brief import formatting
from jjj_brief.app import safe_text
from jjj_brief.app.data import AppData
from jjj_brief.app.styles import FIGURE_LOOKS, Palette, figure_name

if TYPE_CHECKING:
    from jjj_brief.compare import Candidate
    from jjj_brief.figures import Figure


def legend(palette: Palette) -> Text:
    """The key to the figure marks (only our own strings)."""
    text = Text()
    text.append("Figures: ", style="bold")  # a span: as the base style it made every name bold
    for kind, look in FIGURE_LOOKS.items():
        if kind == "year":
            continue
        text.append(look.name, style=palette.figure(kind))
        text.append(" ")
    text.append("suspect", style=palette.figure("", suspect=True))
    text.append("  ")
    text.append("search match", style=palette.match)
    return text


def year_or_number(figure: Figure) -> str:
    """The value as people write it: a year as a year (2023, not 2,023)."""
    value = figure.value
    if figure.kind == "year" and isinstance(value, float | int) and float(value).is_integer():
        return str(int(value))
    return formatting.number(value)


def figure_details(figure: Figure, palette: Palette) -> Text:
    """The focused figure's details for the side panel: a suspect's reason first, whole, then
    the likely value and the fields (under the text, below 110 columns, the panel has 7 lines:
    the reason after five fields was cut)."""
    style = palette.figure(figure.kind, suspect=figure.suspect is not None)
    rows: list[Text] = [safe_text.parts(("Figure ", "bold"), (figure.text, style))]
    suspect = figure.suspect
    if suspect is not None:
        reason = safe_text.parts(("⚠ suspect: ", palette.error), suspect.reason, limit=None)
        reason.no_wrap, reason.overflow = False, "fold"  # the whole reason, wrapped in the panel
        rows.append(reason)
        if suspect.likely is not None:
            rows.append(safe_text.parts(("  likely ", "dim"), formatting.quantity(suspect.likely, figure.unit)))
        rows.append(Text("  { } previous / next suspect", style="dim"))
    fields = [
        ("kind", figure_name(figure.kind)),
        ("value", year_or_number(figure)),
        ("unit", figure.unit or "—"),
        ("qualifier", figure.qualifier or "—"),
        ("as of", formatting.date(figure.as_of) or "—"),
    ]
    for name, value in fields:
        rows.append(safe_text.parts((f"{name:<10}", "dim"), str(value)))
    return safe_text.paragraphs(*rows)


def related_label(data: AppData, candidate: Candidate, palette: Palette) -> Text:
    article = data.article(candidate.article)
    outlet = article.outlet if article else candidate.article
    date = article.date if article else ""
    head = safe_text.parts(
        ("same fact " if candidate.same_fact else "related ", palette.good if candidate.same_fact else "dim"),
        (candidate.text, "bold"),
        ("  ", ""),
        (outlet, ""),
        (f" {date}", "dim"),
    )
    if candidate.reason:
        head.append("\n")
        head.append_text(safe_text.line(candidate.reason, style="dim", limit=120))
    return head
