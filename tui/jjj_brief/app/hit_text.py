"""One search result as text: kind, outlet and date, the title, the snippet with its matched
words lit (cut to fit a short list), and a natural query's values and missing words."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from jjj_brief.app import safe_text
from jjj_brief.app.styles import BADGE_LOOKS, PLAIN, Palette

if TYPE_CHECKING:
    from jjj_brief.search import Hit


def hit_label(hit: Hit, width: int = 40, palette: Palette = PLAIN, lines: int | None = None) -> Text:
    """Kind, outlet and date; the title; then the snippet with the matched words lit (cut to
    ``lines`` lines of ``width`` around its first lit word when given)."""
    kind = str(hit.kind)
    look = BADGE_LOOKS.get(kind)
    head = safe_text.parts(
        (f"{look.name if look else kind.upper()} ", palette.badge(kind)),
        (str(hit.date or ""), "dim"),
        (" ", ""),
        (str(hit.outlet or ""), "bold"),
    )
    head.truncate(width, overflow="ellipsis")
    title = safe_text.line(str(hit.title or ""), style="italic")
    title.truncate(width, overflow="ellipsis")
    rows = [head, title, snippet_text(hit, palette, width, lines)]
    for reason in list(getattr(hit, "reasons", None) or [])[:2]:
        rows.append(safe_text.parts(("value: ", "bold cyan"), (str(reason), "cyan")))
    missing = list(getattr(hit, "missing", None) or [])
    if missing:
        rows.append(safe_text.parts(("missing: ", "bold yellow"), (", ".join(map(str, missing)), "yellow")))
    return safe_text.paragraphs(*rows)


#: Results are drawn so that at least this many show whole in the list's height: in a short
#: list (80x24) the snippets are cut to fit, around their first lit word.
HITS_IN_VIEW = 4


def snippet_lines(hit: Hit, height: int, count: int = HITS_IN_VIEW) -> int | None:
    """The snippet's lines for a list ``height`` rows high showing ``count`` hits (``None``:
    not laid out, all of it): what is left of a fourth of the height (or of its share, for
    fewer hits) after the hit's other lines (kind, title; values and what is missing)."""
    if height <= 0:
        return None
    others = 2 + len(list(getattr(hit, "reasons", None) or [])[:2]) + bool(getattr(hit, "missing", None))
    return max(1, height // max(1, min(count, HITS_IN_VIEW)) - others)


def snippet_text(hit: Hit, palette: Palette, width: int, lines: int | None) -> Text:
    text = str(hit.snippet or "")
    spans = [(int(s), int(e)) for s, e in (hit.highlights or [])]
    if lines is not None:
        text, spans = around_first_match(text, spans, width * lines)
    snippet = safe_text.highlighted_line(text, spans, palette.match, limit=240)
    return snippet if lines is None else clip_lines(snippet, width, lines)


def around_first_match(text: str, spans: list[tuple[int, int]], room: int) -> tuple[str, list[tuple[int, int]]]:
    """``text`` from a word a little before its first lit word, when that word is past the
    middle of ``room`` characters (``…`` marks the cut); the spans moved with it."""
    first = min((start for start, _ in spans), default=0)
    if first < room // 2:
        return text, spans
    cut = text.rfind(" ", 0, max(0, first - room // 4)) + 1 or max(0, first - room // 4)
    moved = [(start - cut + 1, end - cut + 1) for start, end in spans if end > cut]
    return "…" + text[cut:], moved


def clip_lines(text: Text, width: int, lines: int) -> Text:
    """``text`` wrapped at ``width`` cells, its first ``lines`` lines (the last ending in ``…``
    when some are left out)."""
    wrapped = text.wrap(Console(width=width, file=io.StringIO(), color_system=None), width)
    if len(wrapped) <= lines:
        return text
    kept = list(wrapped)[:lines]
    last = kept[-1]
    last.rstrip()
    last.truncate(max(1, width - 1))
    last.append("…")
    return Text("\n").join(kept)
