"""The one path by which corpus, briefing, imported and typed text reaches a widget.

Everything shown in the app that did not come from our own source code passes through
here. Each function returns a :class:`rich.text.Text` built from the display-safe text
(:func:`jjj_brief.safety.display_safe`: escapes and control characters blanked, offsets
kept) plus spans of *our* styles. Nothing is ever parsed as markup, so ``[@click=…]``,
``[link=…]`` or ``[/]`` in an article are just characters, and no span carries a link or
an action, so rendered text is inert.

Widgets that would parse a ``str`` as markup (Static, Label, Tree, DataTable, OptionList,
notify) only ever receive these ``Text`` objects.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

from rich.style import StyleType
from rich.text import Text

from jjj_brief.safety import display_safe, one_line, styled

#: Labels (tree nodes, list rows, headers) are cut here: a 2 MB title stays one short line.
LABEL_LIMIT = 160

Part = tuple[str, StyleType] | str


def block(text: str, spans: Iterable[tuple[int, int, StyleType]] = (), style: StyleType = "") -> Text:
    """Multi-line untrusted text with our ``(start, end, style)`` spans (offsets into ``text``)."""
    return styled(text, spans, base_style=style)


def line(text: str, style: StyleType = "", limit: int | None = LABEL_LIMIT) -> Text:
    """Untrusted text on one line, cut with an ellipsis at ``limit``."""
    result = Text(one_line(text, limit), style=style, no_wrap=True, overflow="ellipsis")
    return result


def parts(*pieces: Part, limit: int | None = LABEL_LIMIT) -> Text:
    """Join ``(text, style)`` pieces (or plain strings) into one line; each piece made safe."""
    result = Text(no_wrap=True, overflow="ellipsis")
    for piece in pieces:
        text, style = (piece, "") if isinstance(piece, str) else piece
        result.append(one_line(text, limit), style=style)
    return result


#: Shown where a one-line text has a line break (between a fact's quotes, a topic's points):
#: dim, and not a space, so that two separate lines never read as one sentence of a source.
LINE_BREAK_MARK = " · "


def highlighted_line(text: str, spans: Iterable[tuple[int, int]], style: StyleType, limit: int | None = None) -> Text:
    """One line of untrusted text with the given ``(start, end)`` spans (offsets into
    ``text``) lit in ``style``; each line break shown as :data:`LINE_BREAK_MARK`."""
    result = Text(no_wrap=False)
    starts: list[int] = []  # where each line of the text starts in ``result``
    for number, line in enumerate(display_safe(text).split("\n")):
        if number:
            result.append(LINE_BREAK_MARK, style="dim")
        starts.append(len(result))
        result.append(line)
    breaks = [i for i, char in enumerate(text) if char == "\n"]

    def shown(offset: int) -> int:
        line = bisect_right(breaks, offset - 1)  # the breaks before ``offset``
        return offset + line * (len(LINE_BREAK_MARK) - 1)

    size = len(result)
    for start, end in spans:
        start, end = max(0, shown(start)), min(size, shown(end))
        if start < end:
            result.stylize(style, start, end)
    if limit is not None and len(result) > limit:
        result.truncate(max(0, limit - 1))
        result.append("…")
    return result


def paragraphs(*pieces: Text) -> Text:
    """Stack already-safe ``Text`` pieces, one per line."""
    return Text("\n").join(pieces)
