"""``jjj-brief facts``: quantities reported by several sources, with each source's words."""

from __future__ import annotations

import argparse
from typing import Any

from rich.text import Text

from jjj_brief import formatting
from jjj_brief.briefings import load_briefings
from jjj_brief.briefings.views import fact_dict, facts_in_tree_order
from jjj_brief.commands import default_library
from jjj_brief.commands.reporting import report_problems
from jjj_brief.corpus import UserError, load_corpus
from jjj_brief.output import emit_json, stdout_console
from jjj_brief.safety import one_line

VERDICT_STYLES = {
    "consistent": "green",
    "rounding": "green",
    "different-date-or-scope": "yellow",
    "conflict": "bold red",
    "transcription-error": "bold magenta",
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("facts", help="list multi-source facts and how the sources compare")
    parser.add_argument("fact_id", nargs="?", metavar="FACT_ID", help="show only this fact")
    parser.add_argument("--json", action="store_true", help="print JSON to stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    briefings = load_briefings()
    report_problems(briefings)
    facts = facts_in_tree_order(briefings)
    if args.fact_id is not None:
        fact = briefings.fact(args.fact_id.strip())
        if fact is None:
            raise UserError(f"unknown fact {one_line(args.fact_id, 60)!r}; see jjj-brief facts for the list")
        facts = [fact]
    corpus = load_corpus(library=default_library())
    rows = [fact_dict(corpus, fact) for fact in facts]
    if args.json:
        emit_json({"facts": rows})
        return 0
    console = stdout_console()
    for row in rows:
        console.print(_fact_text(row), soft_wrap=True)
    return 0


def _fact_text(row: dict[str, Any]) -> Text:
    out = Text()
    out.append(one_line(row["id"]), style="bold")
    out.append("  ")
    out.append(one_line(row["verdict"]), style=VERDICT_STYLES.get(row["verdict"], ""))
    out.append(f"  [{one_line(row['topic'])}]\n", style="dim")
    out.append(f"  {one_line(row['subject'])}\n")
    for claim in row["claims"]:
        value = formatting.quantity(claim["value"], claim["unit"])
        if claim.get("reads_as"):
            value += f" (reads as {claim['reads_as']})"
        if claim.get("part"):
            value += f" [part, not compared: {claim['part']}]"
        when = f" ({formatting.date(claim['as_of'])})" if claim["as_of"] else ""
        out.append(f"    {one_line(claim['article'])}: ", style="cyan")
        out.append(one_line(value + when), style="bold")
        out.append(f"  “{one_line(claim['quote'], 160)}”\n", style="italic")
    out.append(f"  {one_line(row['explanation'])}\n", style="dim")
    return out
