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
_ASCII = re.compile(r"[\x00-\x7f]+")
_ALL_BUT_ASCII_LETTERS = bytes(range(256)).translate(None, b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def guess_language(text: str) -> str:
    """'zh' when Han characters dominate the letters of the text's start, else 'en'/'unknown'.

    Letters are what ``[^\\W\\d_]`` matches, Han what ``[\\u3400-\\u9fff\\uf900-\\ufaff]``
    does, Latin ``[A-Za-z]``. The ASCII letters are counted on the UTF-8 bytes (C-level, with
    every other byte deleted) and the classes matched on the rest, the non-ASCII characters
    only: 0.2 ms for 16 KB of English, where deleting runs of non-letters over the whole
    sample cost 4-5 ms (a third of storing an import). ``tests/test_import_text.py`` checks
    it against that on wild text."""
    sample = text[:20_000]
    latin = len(sample.encode("utf-8", "surrogatepass").translate(None, _ALL_BUT_ASCII_LETTERS))
    rest = _ASCII.sub("", sample)
    letters = latin + len(_NOT_LETTER.sub("", rest))
    if not letters:
        return "unknown"
    han = len(_NOT_CJK.sub("", rest))
    if han / letters > 0.3:
        return "zh"
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


_C_LOADER: Any = getattr(yaml, "CSafeLoader", None)  # libyaml's parser, when PyYAML was built with it


class _CStringsLoader(_C_LOADER or yaml.SafeLoader):  # type: ignore[misc]
    """:class:`_StringsLoader` on libyaml's C parser: ~0.1 ms a front matter where the Python
    parser took 1.4-2 ms (a third of storing an import)."""

    yaml_implicit_resolvers: dict[str, list[tuple[str, Any]]] = {}


# The two parsers read some inputs differently: a tab after "key:" (libyaml takes it), byte
# order marks inside the text, block scalars ("|", ">") with a comment, the Unicode line
# separators; and libyaml refuses lone surrogates. A front matter with any of these is read
# by the Python parser alone. ``tests/test_import_text.py`` checks, on wild front matter,
# that otherwise the C parser gives what the Python parser gives.
_PYTHON_PARSER_ONLY = frozenset("\t\ufeff|>\u2028\u2029\x85")


# libyaml reads up to 1,000 levels of nesting; PyYAML's own parser runs out of Python stack
# somewhere past ~400 (it depends on the stack in use). Deeper than this, the C parser's
# answer is not trusted: the Python parser's verdict ("too deep" or its reading) stands.
C_PARSER_TRUSTED_DEPTH = 100


def load_front_matter(text: str) -> Any:
    """The YAML of a front matter, every plain value a string (raises yaml.YAMLError, RecursionError)."""
    if _C_LOADER is not None and _PYTHON_PARSER_ONLY.isdisjoint(text):
        try:
            data = yaml.load(text, Loader=_CStringsLoader)
        except (yaml.YAMLError, UnicodeEncodeError, RecursionError):
            pass  # the Python parser's verdict (and its error) stands
        else:
            if not nested_deeper_than(data, C_PARSER_TRUSTED_DEPTH):
                return data
    return yaml.load(text, Loader=_StringsLoader)


def nested_deeper_than(value: Any, limit: int) -> bool:
    """Whether lists and mappings nest more than ``limit`` levels in ``value``.

    Without recursion, and each container looked at once however often YAML's aliases share
    it (a "billion laughs" document is small as objects); an alias cycle counts as too deep."""
    depth: dict[int, int] = {}  # id of a container -> its levels, once known
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        node, children_done = stack.pop()
        if not isinstance(node, (list, dict)):
            continue
        key = id(node)
        children = list(node.values()) + list(node.keys()) if isinstance(node, dict) else node
        if children_done:
            on_path.discard(key)
            inner = [depth.get(id(child), 0) for child in children if isinstance(child, (list, dict))]
            depth[key] = 1 + max(inner, default=0)
            if depth[key] > limit:
                return True
            continue
        if key in depth:
            continue
        if key in on_path or len(on_path) >= limit:
            return True
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children if isinstance(child, (list, dict)) and id(child) not in depth)
    return False


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
        data = load_front_matter(match.group(1))
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
