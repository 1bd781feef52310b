"""What the app remembers: where you are (history), your settings, and saved citations.

No Textual here: history is a list with a cursor, settings a small JSON file written
atomically into the data dir (kept in memory when the data dir is not writable), and a
citation is plain text appended to ``citations.txt`` in the data dir.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from jjj_brief import paths
from jjj_brief.safety import display_safe
from jjj_brief.settings import HISTORY_LIMIT, SETTINGS_FILE, Settings, load_settings, save_settings

LocationKind = Literal[
    "home", "article", "topic", "fact", "alignment", "timeline", "parallel", "work", "claim", "saved"
]


@dataclass(frozen=True)
class Location:
    """Something the main pane can show. ``ref`` is an article, topic or fact id."""

    kind: LocationKind
    ref: str = ""
    offset: int | None = None  # article offset to scroll to / figure to align
    query: str = ""  # search query whose matches are lit in the reader

    def at(self, offset: int | None) -> Location:
        return replace(self, offset=offset)


class History:
    """Back/forward through what was opened, like a browser."""

    def __init__(self, limit: int = 200) -> None:
        self._items: list[Location] = []
        self._index = -1
        self._limit = limit

    @property
    def current(self) -> Location | None:
        return self._items[self._index] if self._index >= 0 else None

    def push(self, location: Location) -> None:
        del self._items[self._index + 1 :]
        if self.current == location:
            return
        self._items.append(location)
        if len(self._items) > self._limit:
            del self._items[0]
        self._index = len(self._items) - 1

    def update_current(self, location: Location) -> None:
        """Remember a new position (scroll offset) without adding a history step."""
        if self._index >= 0:
            self._items[self._index] = location

    def back(self) -> Location | None:
        if self._index <= 0:
            return None
        self._index -= 1
        return self.current

    def forward(self) -> Location | None:
        if self._index >= len(self._items) - 1:
            return None
        self._index += 1
        return self.current


class SettingsStore:
    """The user's settings (:class:`jjj_brief.settings.Settings`, validated by its pydantic
    model) for the app: loaded once, saved atomically; memory-only if unwritable (said once
    in ``warnings``: the library's, which the app shows)."""

    FILE_NAME = SETTINGS_FILE
    HISTORY_LIMIT = HISTORY_LIMIT

    def __init__(self, folder: Path | None = None, *, warnings: paths.StorageWarnings) -> None:
        self._requested = folder
        self._warnings = warnings
        self.path: Path | None = None
        read = load_settings(folder)
        self.settings: Settings = read.settings
        # One line: the first problem (file and key), and how many more there were.
        more = f" (and {len(read.problems) - 1} more)" if len(read.problems) > 1 else ""
        self.warning: str | None = read.problems[0] + more if read.problems else None
        # Never rewritten after a failed read: this run keeps its settings in memory.
        self._read_failed = not read.readable

    def _folder(self) -> Path | None:
        folder = self._requested or paths.data_dir()
        return paths.writable_dir(folder, "settings", self._warnings)

    def save(self) -> bool:
        """Write the settings atomically; ``False`` when they stay in memory only (the data
        dir is not writable, or the settings file there could not be read: not replaced)."""
        if self._read_failed:
            return False
        folder = self._folder()
        if folder is None:
            return False
        try:
            self.path = save_settings(self.settings, folder)
        except OSError:
            return False
        return True


# ------------------------------------------------------------------ citations
CITATIONS_FILE = "citations.txt"


def format_citation(outlet: str, date: str, title: str, quote: str, locator: str | None = None) -> str:
    """One citation, ready to paste: the quote verbatim, then outlet, date and title.

    Control characters and escape sequences are blanked (as on screen), so neither the
    clipboard nor ``citations.txt`` can carry something that drives a terminal.
    """
    quote = " ".join(display_safe(quote).split())
    outlet, date, title = (" ".join(display_safe(part).split()) for part in (outlet, date, title))
    where = f", {' '.join(display_safe(locator).split())}" if locator else ""
    return f"“{quote}” — {outlet}, {date}, “{title}”{where}"


CITATION_MAX_CHARS = 600  # a quote longer than this (no sentence break) is cut around its anchor
_SENTENCE_BREAK = re.compile(r"[.!?。！？](?=\s|$)")


def quote_around(text: str, offset: int, limit: int = CITATION_MAX_CHARS) -> tuple[str, bool]:
    """The sentence of ``text`` (a paragraph) holding ``offset``, and whether it was cut.

    Sentence breaks are looked for only within ``limit`` characters of ``offset``; a
    sentence longer than that (a text with no sentence breaks) becomes a ``limit``-character
    window around the offset, with "…" where it was cut. Cost: bounded by ``limit``.
    """
    offset = max(0, min(offset, len(text)))
    low, high = max(0, offset - limit), min(len(text), offset + limit)
    start = low
    for match in _SENTENCE_BREAK.finditer(text, low, offset):
        start = match.end()
    found = _SENTENCE_BREAK.search(text, offset, high)
    end = found.end() if found else high
    start_cut = start == low and low > 0
    end_cut = found is None and high < len(text)
    if end - start > limit:
        start = max(start, offset - limit // 2)
        end = min(end, start + limit)
        start_cut, end_cut = start_cut or start > 0, end_cut or end < len(text)
    quote = text[start:end].strip()
    cut = start_cut or end_cut
    if cut:
        quote = ("…" if start_cut else "") + quote + ("…" if end_cut else "")
    return quote, cut


def save_citation(citation: str, folder: Path | None = None, *, warnings: paths.StorageWarnings) -> Path | None:
    """Append ``citation`` to the citations file; its path, or None (an unwritable data dir
    is said once in ``warnings``).

    Only ever appended (``O_APPEND``): what is in the file already is never read back and
    rewritten, so a byte in it that is not UTF-8 (or anything else we do not understand)
    cannot cost the user a line. A citations file that is not a regular file is left alone.
    """
    target = paths.writable_dir(folder or paths.data_dir(), "citations", warnings)
    if target is None:
        return None
    path = target / CITATIONS_FILE
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    line = f"[{stamp}] {citation}\n".encode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NONBLOCK", 0), 0o644)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        if info.st_size and _last_byte(path) != b"\n":
            line = b"\n" + line  # the last line had no newline: keep it a line of its own
        os.write(fd, line)
        os.fsync(fd)
    except OSError:
        return None
    finally:
        os.close(fd)
    return path


def _last_byte(path: Path) -> bytes:
    with open(path, "rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1)


def save_export(
    name: str, markdown: str, folder: Path | None = None, *, warnings: paths.StorageWarnings
) -> Path | None:
    """Write an exported Markdown brief into ``exports/`` in the data dir, atomically (an
    unwritable one: None, said once in ``warnings``)."""
    target = paths.writable_dir((folder or paths.data_dir()) / "exports", "exports", warnings)
    if target is None:
        return None
    safe_name = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in name)[:80] or "export"
    path = target / f"{safe_name}.md"
    try:
        write_export(path, markdown)
    except OSError:
        return None
    return path


def write_export(path: Path, data: str | bytes) -> None:
    """Write an export into the data dir's ``exports/``: a new file, or a regular file replaced.

    Whatever else stands at that name (a FIFO, a device, a symlink to elsewhere) is not ours: it
    is refused, never replaced or streamed into (a FIFO with no reader would hang the app)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise OSError(errno.EEXIST, f"{path.name} exists and is not a regular file; it was left alone")
    paths.write_user_file(path, data)
