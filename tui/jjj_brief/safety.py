"""Make untrusted text safe to show in a terminal, without moving a single offset.

Every article, imported file and YAML string is untrusted. Before it reaches a widget or
stdout it passes through :func:`display_safe`, which maps the text one character to one
character, so a span ``[start, end)`` computed on the original text (a search hit, a
figure, a quote) lights the same characters in the safe text.

What is replaced, each character by :data:`REPLACEMENT` (a space) unless noted:

* ANSI/ECMA-48 escape sequences: CSI (``ESC [`` … final byte), OSC (``ESC ]`` … BEL or
  ``ESC \\``), DCS/SOS/PM/APC strings, and two-character ``ESC x`` sequences — the whole
  sequence, so no parameter bytes are left to be read as text;
* C0 controls except ``\\n`` (``\\t`` and ``\\r`` included), DEL, and C1 controls U+0080–U+009F;
* every bidirectional control — marks (U+200E/U+200F LRM/RLM, U+061C ALM), embeddings and
  overrides (U+202A–U+202E), isolates (U+2066–U+2069) — which can reorder what a reader
  sees, and U+FEFF / zero-width characters that hide text boundaries;
* the line and paragraph separators U+2028/U+2029 (a terminal or a pasted-into editor
  may break the line there: one character of ours must stay one cell on one line);
* lone surrogates (U+D800–U+DFFF): Python's stand-ins for undecodable bytes (a query typed
  as raw bytes), which a surrogateescape stream writes back raw — ``0x9b`` is an 8-bit CSI.

Markup is not this module's business: text is never given to a widget as a markup
string. :func:`styled` builds a :class:`rich.text.Text` from spans instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.style import Style
    from rich.text import Text

REPLACEMENT = " "

_ESCAPE_SEQUENCE = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]?                 # CSI ... final byte (final may be missing at end)
  | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?       # OSC ... BEL or ST
  | \x1b[PX^_][^\x1b]*(?:\x1b\\)?            # DCS, SOS, PM, APC ... ST
  | \x9b[0-?]*[ -/]*[@-~]?                   # 8-bit CSI
  | \x9d[^\x07\x9c]*(?:\x07|\x9c)?           # 8-bit OSC
  | \x1b[ -~]?                               # ESC + one character (or a lone ESC)
    """,
    re.VERBOSE,
)

_UNSAFE_CHARS = (
    "[\x00-\x09\x0b-\x1f\x7f-\x9f"  # C0 except \n, DEL, C1
    "\u061c"  # ARABIC LETTER MARK (a bidi mark)
    "\u200b-\u200f"  # zero-width space/joiners, LRM/RLM
    "\u2028\u2029"  # line and paragraph separators
    "\u202a-\u202e"  # bidi embeddings and overrides
    "\u2066-\u2069"  # bidi isolates
    "\ufeff"  # zero-width no-break space / BOM
    "\ud800-\udfff"  # lone surrogates: undecodable argv/file bytes, written back raw (0x9b = CSI)
    "]"
)
_UNSAFE = re.compile(_UNSAFE_CHARS)


def _blank(match: re.Match[str]) -> str:
    return REPLACEMENT * len(match.group(0))


def display_safe(text: str) -> str:
    """Return ``text`` with escape sequences and control characters blanked, same length."""
    if not _needs_cleaning(text):
        return text
    text = _ESCAPE_SEQUENCE.sub(_blank, text)
    return _UNSAFE.sub(_blank, text)


_ANY_UNSAFE = re.compile(_UNSAFE_CHARS[:-1] + "\x1b]")


def _needs_cleaning(text: str) -> bool:
    return _ANY_UNSAFE.search(text) is not None


def read_back(text: object, limit: int | None = 300) -> str:
    """Text read back from a file we do not control — settings, query history, an import's
    front matter or stored header — made safe once, where it is read: display-safe, on one
    line, whitespace collapsed, at most ``limit`` characters. Anything not a string is ""."""
    if not isinstance(text, str):
        return ""
    flat = " ".join(display_safe(text).split())
    return flat[:limit] if limit is not None else flat


def one_line(text: str, limit: int | None = None) -> str:
    """Display-safe text on one line (newlines become spaces), optionally cut with an ellipsis."""
    flat = display_safe(text).replace("\n", " ")
    if limit is not None and len(flat) > limit:
        return flat[: max(0, limit - 1)] + "…"
    return flat


def styled(text: str, spans: Iterable[tuple[int, int, str | Style]] = (), base_style: str | Style = "") -> Text:
    """A :class:`rich.text.Text` of the display-safe ``text`` with ``(start, end, style)`` spans.

    Styles are our own style strings, never derived from the text. Spans outside the text
    are clipped; empty ones are ignored.
    """
    from rich.text import Text

    rich_text = Text(display_safe(text), style=base_style, no_wrap=False)
    size = len(rich_text)
    for start, end, style in spans:
        start, end = max(0, start), min(size, end)
        if start < end:
            rich_text.stylize(style, start, end)
    return rich_text
