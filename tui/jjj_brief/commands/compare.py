"""``jjj-brief compare FACT_ID``: a curated fact's sources side by side."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from rich.table import Table
from rich.text import Text

from jjj_brief import formatting
from jjj_brief.commands import default_library
from jjj_brief.compare import compare_fact
from jjj_brief.compare.facts import ClaimView, Comparison
from jjj_brief.output import emit_json, stdout_console
from jjj_brief.safety import one_line, styled

CONTEXT_CHARS = 160  # of paragraph shown either side of the quote
ASSESSMENT_STYLES = {
    "same-value": "green",
    "rounding": "green",
    "different-dates": "yellow",
    "conflict": "bold red",
    "transcription-error": "bold magenta",
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("compare", help="a curated fact's sources side by side")
    parser.add_argument("fact_id", metavar="FACT_ID", help="a fact id (see jjj-brief facts)")
    parser.add_argument("--json", action="store_true", help="print JSON to stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    comparison = compare_fact(args.fact_id, library=default_library())
    if args.json:
        emit_json(comparison.to_dict())
        return 0
    console = stdout_console()
    console.print(header(comparison), soft_wrap=True)
    console.print(side_by_side(comparison))
    return 0


def header(comparison: Comparison) -> Text:
    fact = comparison.fact
    out = Text()
    out.append(one_line(fact.id), style="bold")
    out.append(f"  {one_line(fact.subject)}\n")
    out.append("curated verdict  ", style="dim")
    out.append(one_line(comparison.verdict), style="bold")
    out.append(f"  {one_line(fact.explanation)}\n")
    out.append("computed         ", style="dim")
    out.append(one_line(comparison.assessment.label), style=ASSESSMENT_STYLES.get(comparison.assessment.code, ""))
    out.append(f"  {one_line(comparison.assessment.detail)}\n")
    out.append("spread           ", style="dim")
    out.append(one_line(comparison.spread.label))
    if comparison.disagreement:
        out.append("\nnote             ", style="dim")
        out.append(one_line(comparison.disagreement), style="yellow")
    for problem in comparison.problems:
        out.append("\nproblem          ", style="dim")
        out.append(one_line(problem), style="red")
    return out


def side_by_side(comparison: Comparison) -> Table:
    table = Table(show_lines=True, header_style="bold", expand=True)
    table.add_column(Text(""), style="dim", no_wrap=True)
    for view in comparison.claims:
        table.add_column(Text(one_line(view.outlet, 40)), ratio=1, overflow="fold")
    rows: list[tuple[str, Callable[[ClaimView], Text]]] = [
        ("date", lambda v: Text(one_line(v.date))),
        ("title", lambda v: Text(one_line(v.title, 120), style="italic")),
        ("value", lambda v: Text(formatting.quantity(v.value, v.unit), style="bold")),
        ("reads as", lambda v: Text(one_line(v.reading or "—"))),
        ("part", lambda v: Text(one_line(f"not compared: {v.part}" if v.part else "—"))),
        ("qualifier", lambda v: Text(one_line(v.qualifier or "—"))),
        ("as of", lambda v: Text(formatting.date(v.as_of) or "—")),
        ("figure", lambda v: figure_cell(v)),
        ("in context", context_cell),
    ]
    for label, make in rows:
        table.add_row(Text(label), *(make(view) for view in comparison.claims))
    return table


def figure_cell(view: ClaimView) -> Text:
    figure = view.figure
    if figure is None:
        return Text("not found in the quote", style="red")
    out = Text(one_line(figure.text), style="bold")
    if getattr(figure, "suspect", None) is not None:
        out.append(f"  suspect: {one_line(figure.suspect.reason, 120)}", style="bold red")
    return out


def context_cell(view: ClaimView) -> Text:
    """The quote in its paragraph (trimmed), quote underlined and the figure highlighted."""
    context = view.context
    if context is None or view.start is None or view.end is None:
        return Text(f"“{one_line(view.quote)}”  ({one_line(view.note or '')})", style="italic")
    lo = max(context.start, view.start - CONTEXT_CHARS)
    hi = min(context.end, view.end + CONTEXT_CHARS)
    text = context.text[lo - context.start : hi - context.start].replace("\n", " ")
    spans = [(view.start - lo, view.end - lo, "underline")]
    if context.figure_start is not None and context.figure_end is not None:
        spans.append((context.figure_start - lo, context.figure_end - lo, "bold reverse"))
    out = Text("…" if lo > context.start else "")
    out.append_text(styled(text, spans))
    if hi < context.end:
        out.append("…")
    return out
