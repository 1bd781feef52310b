"""``jjj-brief topics``: the topic tree."""

from __future__ import annotations

import argparse

from rich.text import Text

from jjj_brief.briefings import load_briefings
from jjj_brief.briefings.views import topic_articles, topic_dict, tree_order
from jjj_brief.commands import default_library
from jjj_brief.commands.reporting import report_problems
from jjj_brief.corpus import load_corpus
from jjj_brief.output import emit_json, stdout_console
from jjj_brief.safety import one_line


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("topics", help="list the briefing topics as a tree")
    parser.add_argument("--json", action="store_true", help="print JSON to stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    briefings = load_briefings()
    report_problems(briefings)
    ordered = tree_order(briefings)
    if args.json:
        corpus = load_corpus(library=default_library())
        emit_json({"topics": [topic_dict(briefings, topic, corpus) for _, topic in ordered]})
        return 0
    console = stdout_console()
    for depth, topic in ordered:
        line = Text("  " * depth)
        line.append(one_line(topic.id), style="bold" if depth == 0 else "")
        line.append(f"  {one_line(topic.title)}")
        facts = len(briefings.facts_of(topic.id))
        articles = len(topic_articles(briefings, topic))
        line.append(f"  ({articles} articles, {facts} facts)", style="dim")
        console.print(line, soft_wrap=True)
    return 0
