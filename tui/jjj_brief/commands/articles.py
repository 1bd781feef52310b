"""``jjj-brief articles``: the corpus catalog."""

from __future__ import annotations

import argparse
from typing import Any

from rich.text import Text

from jjj_brief.commands import default_library
from jjj_brief.corpus import load_corpus
from jjj_brief.output import emit_json, stdout_console
from jjj_brief.safety import one_line


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("articles", help="list the articles in the corpus")
    parser.add_argument("--json", action="store_true", help="print JSON to stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    articles = list(load_corpus(library=default_library()))
    rows = [article.summary() for article in articles]
    if args.json:
        emit_json({"articles": rows})
        return 0
    console = stdout_console()
    for article, row in zip(articles, rows, strict=True):
        # Chinese has no spaces to count words by: its size is in characters, as import says
        size = f"{len(article.text):,} characters" if row["language"] == "zh" else f"{row['words']} words"
        console.print(_listing(row, size), soft_wrap=False)
    console.print(Text("* date partly or wholly inferred: see --json date_note", style="dim"))
    return 0


def _listing(row: dict[str, Any], size: str) -> Text:
    date = f"{row['date']}{'*' if row['date_inferred'] else ''} ({row['date_precision']})"
    repeats = f", {row['repeated_paragraphs']} repeated" if row["repeated_paragraphs"] else ""
    line = Text()
    line.append(one_line(row["id"]), style="bold")
    line.append(f"  {one_line(row['outlet'])} · {date} · {size} · ")
    line.append(f"{row['paragraphs']} paragraphs{repeats}\n")
    line.append(f"    {one_line(row['title'])}", style="italic")
    return line
