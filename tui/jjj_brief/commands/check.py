"""``jjj-brief check``: verify the briefings against the corpus (exit 1 on any problem)."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.text import Text

from jjj_brief.briefings.check import check, figures_available
from jjj_brief.commands import default_library
from jjj_brief.output import emit_json, message, stdout_console
from jjj_brief.safety import one_line


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "check",
        help="verify the briefings: schema, references, verbatim quotes, values, sources",
        description=(
            "Check the briefings YAML: schema, unique ids, references, that every quote is "
            "verbatim, that claimed values match the figures in their quotes, that verdicts "
            "match values, that every article is used and every number in a summary is "
            "sourced. Exit 0 when clean, 1 with the list of problems."
        ),
    )
    parser.add_argument("--dir", type=Path, default=None, help="briefings folder (default: the shipped one)")
    parser.add_argument("--json", action="store_true", help="print JSON to stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    briefings, problems = check(args.dir, library=default_library())
    counts = {
        "topics": len(briefings.topics),
        "facts": len(briefings.facts),
        "claims": sum(len(f.claims) for f in briefings.facts),
        "glossary": len(briefings.glossary),
        "timeline": len(briefings.timeline),
    }
    if not figures_available():
        message("jjj-brief: note: the figure layer is not installed; claim values and summary numbers were not checked")
    if args.json:
        emit_json(
            {
                "ok": not problems,
                "counts": counts,
                "problems": [{"file": p.file, "path": p.path, "line": p.line, "message": p.message} for p in problems],
            }
        )
        return 1 if problems else 0
    console = stdout_console()
    for problem in problems:
        console.print(Text(one_line(str(problem))), soft_wrap=True)
    loaded = ", ".join(f"{n} {name}" for name, n in counts.items())
    if problems:
        files = len({p.file for p in problems})
        console.print(Text(f"{len(problems)} problem(s) in {files} file(s); loaded {loaded}", style="bold red"))
        return 1
    console.print(Text(f"briefings OK: {loaded}", style="green"))
    return 0
