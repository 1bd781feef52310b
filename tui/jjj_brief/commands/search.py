"""``jjj-brief search QUERY``: ranked passages and briefing items with the words lit."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from jjj_brief.commands import default_library
from jjj_brief.output import emit_json, message, stdout_console
from jjj_brief.safety import one_line

if TYPE_CHECKING:  # Rich is imported for text output only: `--json` never needs it
    from rich.text import Text

    from jjj_brief.search.api import Hit


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "search",
        help="search the articles and briefings",
        description=(
            'Query language: words (all must match), OR, NOT or -word, "exact phrase", prefix*, '
            "and filters outlet:, year:2023 or year:2023..2024, article:ID, topic:ID, "
            "kind:passage|topic|fact|glossary, value:4e12..5e12, unit:yuan; sort:date|-date|relevance. "
            "A number with a scale or unit (4.39 trillion, 57.6%%) also finds its value in any printed form. "
            "When few passages hold every word, passages holding most of them follow, each with what it lacks."
        ),
    )
    parser.add_argument("query", nargs="+", help="what to search for (quote it in the shell)")
    parser.add_argument("--limit", type=int, default=20, help="at most this many hits (default 20)")
    parser.add_argument("--group", action="store_true", help="one hit per article (its best passage)")
    parser.add_argument("--json", action="store_true", help="print JSON to stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from jjj_brief.search import search

    query = " ".join(args.query)
    result = search(
        query, limit=max(1, args.limit), group_by_article=args.group, facets=True, library=default_library()
    )
    if args.json:
        emit_json(result.to_dict())
        return 0
    if result.message:
        message(f"jjj-brief: {result.message}")
    from rich.text import Text

    console = stdout_console()
    header = Text()
    header.append(f"{result.total_label} match{'es' if result.total != 1 else ''}", style="bold")
    header.append(f" for {one_line(result.parsed or query, 120)}")
    if result.suggestion:
        header.append("  did you mean: ", style="dim")
        header.append(one_line(result.suggestion, 120), style="bold yellow")
    if result.sort != "relevance":
        header.append(f"  sorted by {'newest' if result.sort == '-date' else 'oldest'} first", style="dim")
    console.print(header)
    facets = _facets_text(result.facets)
    if facets.plain:
        console.print(facets)
    for number, hit in enumerate(result.hits, 1):
        console.print(_hit_text(number, hit))
    return 0


def _hit_text(number: int, hit: Hit) -> Text:
    from rich.text import Text

    line = Text()
    line.append(f"{number:>3}. ", style="dim")
    where = hit.article if hit.kind == "passage" else f"{hit.kind} {hit.article}"
    line.append(one_line(where), style="bold")
    if hit.kind == "passage":
        line.append(f" @{hit.start}  {one_line(hit.outlet, 40)} · {one_line(hit.date)}", style="dim")
    else:
        line.append(f"  {one_line(hit.title, 80)}", style="dim")
    line.append(f"  score {hit.score:.2f}\n", style="dim")
    line.append("     ")
    line.append_text(_snippet_text(hit.snippet, hit.highlights))
    for reason in hit.reasons:
        line.append("\n     ")
        line.append(f"value: {one_line(reason, 160)}", style="cyan")
    if hit.missing:
        line.append("\n     ")
        line.append(f"missing: {one_line(', '.join(hit.missing), 160)}", style="yellow")
    return line


def _facets_text(facets: dict[str, dict[str, int]]) -> Text:
    """``outlet: People's Daily 12 · Xinhua 3   year: 2024 15   kind: passage 14 · fact 1``."""
    from rich.text import Text

    text = Text()
    for name in ("outlet", "year", "kind"):
        counts = facets.get(name) or {}
        if not counts:
            continue
        if text.plain:
            text.append("   ")
        text.append(f"{name}: ", style="dim")
        text.append(" · ".join(f"{one_line(value, 40)} {count}" for value, count in list(counts.items())[:6]))
    return text


def _snippet_text(snippet: str, highlights: list[tuple[int, int]]) -> Text:
    """The snippet on one line, display-safe, with the matched words in bold (from spans)."""
    from rich.text import Text

    text = Text(one_line(snippet))
    for start, end in highlights:
        text.stylize("bold reverse", start, end)
    return text
