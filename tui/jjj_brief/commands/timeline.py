"""``jjj-brief timeline``: dated events, oldest first, with the words of each source."""

from __future__ import annotations

import argparse

from rich.text import Text

from jjj_brief.briefings import load_briefings
from jjj_brief.briefings.views import event_dict, timeline_order
from jjj_brief.commands import default_library
from jjj_brief.commands.reporting import report_problems
from jjj_brief.corpus import load_corpus
from jjj_brief.output import emit_json, stdout_console
from jjj_brief.safety import one_line


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("timeline", help="list dated events reported by the articles")
    parser.add_argument("--json", action="store_true", help="print JSON to stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    briefings = load_briefings()
    report_problems(briefings)
    corpus = load_corpus(library=default_library())
    rows = [event_dict(corpus, event) for event in timeline_order(briefings)]
    if args.json:
        emit_json({"events": rows})
        return 0
    console = stdout_console()
    for row in rows:
        line = Text()
        line.append(f"{one_line(row['date']):<10}", style="bold")
        line.append(f" {one_line(row['title'])}")
        sources = sorted({q["article"] for q in row["quotes"]})
        line.append(f"  ({', '.join(one_line(s) for s in sources)})", style="dim")
        console.print(line, soft_wrap=True)
    return 0
