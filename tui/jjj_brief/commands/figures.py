"""``jjj-brief figures ARTICLE``: the article's figures, highlighted by kind, suspects marked."""

from __future__ import annotations

import argparse

from rich.text import Text

from jjj_brief import formatting
from jjj_brief.commands import default_library
from jjj_brief.corpus import load_corpus
from jjj_brief.figures import KINDS, Figure, article_figures
from jjj_brief.output import emit_json, stdout_console
from jjj_brief.safety import display_safe, one_line
from jjj_brief.styles import TERMINAL, figure_name

SUSPECT_MARK = "⚠"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "figures",
        help="an article's figures (money, percents, counts, measures, dates…), suspects flagged",
    )
    parser.add_argument("article", metavar="ARTICLE", help="article id, file name or stem")
    parser.add_argument("--json", action="store_true", help="print JSON to stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    corpus = load_corpus(library=default_library())
    article = corpus.get(args.article)
    figures = article_figures(article, corpus)
    if args.json:
        emit_json(
            {
                "article": article.id,
                "file": article.file,
                "figures": [figure.to_dict() for figure in figures],
            }
        )
        return 0
    console = stdout_console()
    console.print(highlighted(article.text, figures), soft_wrap=True)
    console.print(legend())
    suspects = [f for f in figures if f.suspect is not None]
    console.print(Text(f"{len(figures)} figures, {len(suspects)} suspect", style="bold"))
    for figure in suspects:
        console.print(suspect_line(figure))
    return 0


def highlighted(text: str, figures: list[Figure]) -> Text:
    """The article as rich Text, each figure styled by kind; a suspect one is shown in the
    alarm style and followed by a ``SUSPECT_MARK`` (display only: offsets are the JSON's)."""
    safe = display_safe(text)
    out = Text()
    cursor = 0
    for figure in figures:
        out.append(safe[cursor : figure.start])
        style = TERMINAL.figure(figure.kind, figure.suspect is not None)
        out.append(safe[figure.start : figure.end], style=style)
        if figure.suspect:
            out.append(SUSPECT_MARK, style=style)
        cursor = figure.end
    out.append(safe[cursor:])
    return out


def legend() -> Text:
    line = Text("legend: ")
    for kind in KINDS:
        line.append(figure_name(kind), style=TERMINAL.figure(kind))
        line.append("  ")
    line.append(f"suspect{SUSPECT_MARK}", style=TERMINAL.figure("", suspect=True))
    return line


def suspect_line(figure: Figure) -> Text:
    assert figure.suspect is not None
    likely = (
        "" if figure.suspect.likely is None else f" (likely {formatting.quantity(figure.suspect.likely, figure.unit)})"
    )
    line = Text(f"  @{figure.start} ")
    line.append(one_line(figure.text), style=TERMINAL.figure(figure.kind, suspect=True))
    line.append(f"{likely}: {one_line(figure.suspect.reason)}")
    return line
