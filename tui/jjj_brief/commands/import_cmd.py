"""``jjj-brief import PATH...``: add your own .txt/.md documents (``--remove ID`` to drop one)."""

from __future__ import annotations

import argparse
import time

from rich.text import Text

from jjj_brief.corpus import UserError
from jjj_brief.output import emit_json, message, stdout_console
from jjj_brief.safety import one_line


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import",
        help="add your own .txt/.md documents to the corpus (searchable and readable)",
        description=(
            "Copies each file (or the .txt/.md files in a folder) into your data folder and "
            "indexes it. Optional YAML front matter gives title, outlet and date. "
            "Importing the same content again changes nothing."
        ),
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help=".txt or .md file, or a folder")
    parser.add_argument("--remove", action="append", default=[], metavar="ID", help="remove an import")
    parser.add_argument("--json", action="store_true", help="print JSON to stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from jjj_brief import imports
    from jjj_brief.search import ensure_index

    if not args.paths and not args.remove:
        raise UserError("give files or folders to import, or --remove ID")
    outcomes = [imports.remove(ref) for ref in args.remove]
    if args.paths:
        outcomes.extend(imports.add_files(args.paths))
    if not outcomes:
        raise UserError(f"no .txt or .md files found in {', '.join(args.paths)}")
    started = time.perf_counter()
    status = ensure_index()
    index_seconds = time.perf_counter() - started
    refused = [o for o in outcomes if o.status == "refused"]
    for outcome in outcomes:
        if outcome.message and (outcome.status == "refused" or not args.json):
            message(f"jjj-brief: {outcome.message}")
    for note in status.messages:
        message(f"jjj-brief: {note}")
    if args.json:
        emit_json({
            "results": [o.to_dict() for o in outcomes],
            "index": status.to_dict(),
            "index_seconds": round(index_seconds, 3),
        })
    else:
        console = stdout_console()
        for outcome in outcomes:
            line = Text(f"{outcome.status:<9} ", style="bold" if outcome.status != "refused" else "bold red")
            line.append(one_line(outcome.id or "-"))
            line.append(f"  {one_line(outcome.path, 100)}", style="dim")
            console.print(line)
        console.print(Text(
            f"index {status.action}: +{status.added} -{status.removed} imports in {index_seconds:.2f} s",
            style="dim",
        ))
    return 1 if refused else 0
