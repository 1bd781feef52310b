"""What an imported text says about itself: its front matter (title, outlet, date), its
first line and its language. Pure functions of the text; untrusted input throughout."""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

import yaml

from jjj_brief.safety import read_back

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
DATE_FORMAT = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")  # YYYY, YYYY-MM or YYYY-MM-DD
_NOT_LETTER = re.compile(r"[\W\d_]+")
_NOT_CJK = re.compile(r"[^\u3400-\u9fff\uf900-\ufaff]+")
_NOT_LATIN = re.compile(r"[^A-Za-z]+")


def guess_language(text: str) -> str:
    """'zh' when Han characters dominate the letters of the text's start, else 'en'/'unknown'."""
    sample = text[:20_000]
    # Counted by deleting runs of everything else (C-level): a per-character loop cost
    # ~10 ms a file, a findall of single characters ~1 ms.
    letters = len(_NOT_LETTER.sub("", sample))
    if not letters:
        return "unknown"
    han = len(_NOT_CJK.sub("", sample))
    if han / letters > 0.3:
        return "zh"
    latin = len(_NOT_LATIN.sub("", sample))
    return "en" if latin / letters > 0.8 else "unknown"


def _first_line(text: str) -> str:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:120]
    return ""


FRONT_MATTER_MAX = 64_000  # characters: a front matter larger than this is not read
_FRONT_MATTER_FIELDS = ("title", "outlet", "date", "translation_of")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ][\d:.]+(?:[Zz]|[+-]\d{2}:?\d{2})?")


class _StringsLoader(yaml.SafeLoader):
    """The safe loader with no implicit types: every plain value is a string (YAML 1.1 read
    ``yes`` as True and ``190:20:30`` as 685230). An explicit tag it does not know
    (``!!python/object``) is still an error: that front matter is not used."""

    yaml_implicit_resolvers: dict[str, list[tuple[str, Any]]] = {}


def split_front_matter(text: str) -> tuple[dict[str, str], str, str | None]:
    """(title/outlet/date found, the text after the front matter, a note if part of it was unusable).

    The front matter is read as YAML with every value a plain string (YAML 1.1 would turn
    ``title: yes`` into True and ``190:20:30`` into 685230); only ``date`` is then checked
    as a date. A leading byte order mark is skipped. A front matter over
    :data:`FRONT_MATTER_MAX` characters, nested too deeply or not valid YAML is not used:
    the file is imported as plain text with one line saying why.
    """
    body_start = 1 if text.startswith("\ufeff") else 0
    if not text.startswith("---", body_start):
        return {}, text, None
    match = _FRONT_MATTER.match(text[body_start : body_start + FRONT_MATTER_MAX + 16])
    if not match:
        if len(text) - body_start > FRONT_MATTER_MAX and _FRONT_MATTER.match(text[body_start:]):
            return {}, text, f"front matter is over {FRONT_MATTER_MAX} characters; not read, imported as plain text"
        return {}, text, None
    try:
        data = yaml.load(match.group(1), Loader=_StringsLoader)
    except yaml.YAMLError:
        return {}, text, "front matter is not valid YAML; imported as plain text"
    except RecursionError:
        return {}, text, "front matter is nested too deeply; imported as plain text"
    if not isinstance(data, dict):
        return {}, text, "front matter is not a mapping; imported as plain text"
    found: dict[str, str] = {}
    for key in _FRONT_MATTER_FIELDS:
        value = data.get(key)
        if read_back(value):
            found[key] = read_back(value)
    note = None
    if "date" in found:
        date, problem = _front_matter_date(found["date"])
        if date:
            found["date"] = date
        else:
            note = f"date {found['date'][:40]!r} {problem}; ignored"
            del found["date"]
    return found, text[body_start + match.end() :], note


def _front_matter_date(value: str) -> tuple[str | None, str]:
    """A front matter date as YYYY, YYYY-MM or YYYY-MM-DD, or (None, what is wrong with it)."""
    if _TIMESTAMP.fullmatch(value):
        try:
            return _dt.datetime.fromisoformat(value.replace("t", "T").replace("z", "Z")).date().isoformat(), ""
        except ValueError:
            return None, "is not a real date and time"
    if not DATE_FORMAT.fullmatch(value):
        return None, "is not YYYY, YYYY-MM or YYYY-MM-DD"
    year, month, day = (value.split("-") + ["01", "01"])[:3]
    try:
        _dt.date(int(year), int(month), int(day))
    except ValueError:
        return None, "is not a real date"
    return value, ""
