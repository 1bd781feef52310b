"""``jjj-brief parallel ARTICLE``: an original and its translation side by side, paragraphs
aligned, each translated figure linked to the original's (suspects first)."""

from __future__ import annotations

import argparse

from rich.table import Table
from rich.text import Text

from jjj_brief.commands import default_library
from jjj_brief.corpus import UserError, load_corpus
from jjj_brief.output import emit_json, stdout_console
from jjj_brief.safety import one_line


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "parallel",
        help="an original beside its translation: aligned paragraphs, figures linked (x10 suspects)",
        description=(
            "ARTICLE is either side of a pair (an import with translation_of: ID, or "
            "imported with --translation-of ID). Prints the aligned paragraphs and every "
            "translated figure with the original figure it renders; a figure off by a power "
            "of ten is marked ⚠."
        ),
    )
    parser.add_argument("article", metavar="ARTICLE", help="the original or the translation (id, file name or stem)")
    parser.add_argument("--suspects", action="store_true", help="only the figures that differ from the original")
    parser.add_argument("--json", action="store_true", help="print JSON to stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from jjj_brief.figures.translation import find_pair, pair

    corpus = load_corpus(library=default_library())
    article = corpus.get(args.article)
    found = find_pair(article, corpus)
    if found is None:
        raise UserError(
            f"{article.id} has no translation or original paired with it "
            "(import the translation with 'translation_of: ID' front matter or --translation-of ID)"
        )
    pairing = pair(*found)
    if args.json:
        data = pairing.to_dict()
        if args.suspects:
            data["links"] = [link.to_dict() for link in pairing.suspects]
        emit_json(data)
        return 0
    console = stdout_console()
    console.print(Text(f"{one_line(pairing.original.id)}  ⇄  {one_line(pairing.translation.id)}", style="bold"))
    if not args.suspects:
        table = Table(header_style="bold", show_lines=True, expand=True)
        table.add_column(Text("original"), ratio=1, overflow="fold")
        table.add_column(Text("translation"), ratio=1, overflow="fold")
        for row in pairing.paragraphs:
            table.add_row(
                Text(one_line(row.original.text if row.original else "—", 2000)),
                Text(one_line(row.translation.text if row.translation else "—", 2000)),
            )
        console.print(table)
    suspects = pairing.suspects
    console.print(Text(f"{len(pairing.links)} figures linked, {len(suspects)} differ from the original", style="dim"))
    for link in suspects:
        line = Text("⚠ ", style="bold red")
        line.append(one_line(link.translation.text), style="bold")
        line.append(f" @{link.translation.start}  ←  ")
        line.append(one_line(link.original.text), style="bold")
        line.append(f" @{link.original.start}  ({link.relation})", style="dim")
        console.print(line)
    return 0
