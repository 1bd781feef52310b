"""Printing for the CLI: JSON on stdout, messages on stderr, tables from plain text.

Nothing here interprets text as markup. Rich renders a plain ``str`` cell as markup, so
table cells are always :class:`rich.text.Text` built from display-safe strings.
"""

from __future__ import annotations

import copy
import json
import os
import re
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from jjj_brief.safety import display_safe, one_line

if TYPE_CHECKING:  # Rich is imported when a table or console is made: `--json` never needs it
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

# json.dumps(ensure_ascii=False) leaves DEL, C1 controls, bidi controls and line/paragraph
# separators raw; a terminal acts on some of them. Escape those as \uXXXX (still valid JSON).
# Lone surrogates (undecodable argv bytes) too: written raw they make the output invalid UTF-8.
_JSON_RAW_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")


def to_json(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _JSON_RAW_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def emit_json(data: Any) -> None:
    if _writes_utf8(sys.stdout):
        sys.stdout.write(to_json(data) + "\n")
    else:  # a narrow encoding: \uXXXX escapes keep the JSON whole and exact
        sys.stdout.write(json.dumps(data, ensure_ascii=True, indent=2) + "\n")
    sys.stdout.flush()


def _writes_utf8(stream: Any) -> bool:
    encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("-", "").replace("_", "")
    return encoding in ("utf8", "utf8sig")


UNWRAPPED_WIDTH = 1_000_000  # "no width": lines as long as their text


def stdout_width() -> int | None:
    """How wide stdout's lines may be: ``None`` lets Rich measure (a terminal, or ``COLUMNS``
    set, which Rich honours); a pipe or file with no ``COLUMNS`` gets unwrapped lines, so ids,
    offsets and quotes stay whole for grep, cut and less -S."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return None
    try:
        if sys.stdout.isatty():
            return None
    except (AttributeError, ValueError):  # a closed or replaced stdout
        pass
    return UNWRAPPED_WIDTH


def _console(**options: Any) -> Console:
    """Rich's console, but a closed pipe (``| head -c 10``) is the CLI's business: Rich's own
    handler exits 1 with no message; we raise so the CLI ends as it does for ``--json``.
    With no width (a pipe), tables keep their natural width instead of expanding to it."""
    from rich.console import Console
    from rich.table import Table

    unwrapped = options.get("width") == UNWRAPPED_WIDTH

    class PipeAwareConsole(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

        def print(self, *objects: Any, **kwargs: Any) -> None:
            if unwrapped:
                objects = tuple(_natural_width(item) if isinstance(item, Table) else item for item in objects)
            super().print(*objects, **kwargs)

    return PipeAwareConsole(**options)


def _natural_width(table: Table) -> Table:
    narrow = copy.copy(table)
    narrow.expand = False
    return narrow


def stdout_console() -> Console:
    return _console(highlight=False, emoji=False, markup=False, soft_wrap=False, width=stdout_width())


def stderr_console() -> Console:
    return _console(stderr=True, highlight=False, emoji=False, markup=False)


def message(text: str) -> None:
    """A one-line message for the user, on stderr, display-safe."""
    sys.stderr.write(one_line(text) + "\n")


def cell(value: object, limit: int | None = None) -> Text:
    from rich.text import Text

    return Text(one_line("" if value is None else str(value), limit))


def table(columns: Sequence[str], rows: Iterable[Sequence[object]], title: str | None = None) -> Table:
    from rich.table import Table
    from rich.text import Text

    out = Table(title=Text(title) if title else None, show_lines=False, header_style="bold")
    for column in columns:
        out.add_column(Text(column))
    for row in rows:
        out.add_row(*(value if isinstance(value, Text) else cell(value) for value in row))
    return out


def safe_block(text: str) -> Text:
    """Multi-line untrusted text for printing (newlines kept, everything else safe)."""
    from rich.text import Text

    return Text(display_safe(text))
