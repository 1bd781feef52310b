"""``jjj-brief related ARTICLE OFFSET``: figures in other articles that report the same quantity."""

from __future__ import annotations

import argparse

from jjj_brief.commands import default_library
from jjj_brief.corpus import UserError
from jjj_brief.output import emit_json, stdout_console
from jjj_brief.safety import one_line


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "related", help="figures in other articles that likely report the same quantity as a figure"
    )
    parser.add_argument("article", metavar="ARTICLE", help="article id, file name or stem")
    parser.add_argument("offset", metavar="OFFSET", type=_offset, help="a character offset anywhere inside the figure")
    parser.add_argument("--limit", type=_limit, default=10, metavar="N", help="at most N candidates (default 10)")
    parser.add_argument("--json", action="store_true", help="print JSON to stdout")
    parser.set_defaults(handler=run)


def _offset(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise UserError(f"OFFSET must be a whole number, got {one_line(text, 40)!r}") from None
    if value < 0:
        raise UserError(f"OFFSET must not be negative, got {value}")
    return value


def _limit(text: str) -> int:
    value = _offset(text)
    if not 1 <= value <= 1000:
        raise UserError("--limit must be between 1 and 1000")
    return value


def run(args: argparse.Namespace) -> int:
    from jjj_brief.compare import related

    result = related(args.article, args.offset, limit=args.limit, library=default_library())
    if args.json:
        emit_json(result.to_dict())
        return 0
    from rich.table import Table  # Rich for text output only
    from rich.text import Text

    console = stdout_console()
    figure = result.figure
    head = Text()
    head.append(one_line(figure.text), style="bold")
    head.append(f"  ({one_line(figure.kind)}, {one_line(figure.unit or 'no unit')}) in {one_line(result.article)}")
    head.append(f" at {figure.start}-{figure.end}", style="dim")
    console.print(head)
    if result.note:
        console.print(Text(one_line(result.note), style="yellow"))
    if not result.candidates:
        console.print(Text("no related figures in other articles", style="dim"))
        return 0
    table = Table(header_style="bold", show_lines=False, expand=True)
    for column in ("#", "match", "article", "figure", "score", "why"):
        table.add_column(Text(column), overflow="fold")
    for rank, candidate in enumerate(result.candidates, 1):
        table.add_row(
            Text(str(rank)),
            Text("same fact", style="bold green") if candidate.same_fact else Text("related", style="dim"),
            Text(f"{one_line(candidate.article)}@{candidate.start}"),
            Text(one_line(candidate.text, 80), style="bold"),
            Text(f"{candidate.score:.2f}"),
            Text(one_line(candidate.reason, 300)),
        )
    console.print(table)
    return 0
