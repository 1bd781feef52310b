"""Load the briefings: every ``*.yaml`` under the briefings folder, validated item by item.

:func:`load_briefings` never raises for content problems. Whatever is valid is loaded;
everything else becomes a :class:`Problem` naming the file, the field path
(``facts[3].claims[1].quote``) and the line, so the app and the CLI keep working with a
partly broken set and ``jjj-brief check`` lists what to fix.

A file's text becomes its items in :mod:`jjj_brief.briefings.yaml_items`, which also holds
the YAML safety rules (no Python objects, aliases refused, duplicate keys errors).
"""

from __future__ import annotations

import errno
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from jjj_brief import paths
from jjj_brief.briefings.schema import SECTION_MODELS, Fact, GlossaryTerm, TimelineEvent, Topic
from jjj_brief.briefings.yaml_items import PathKey, Problem, format_path, parse_sections

if TYPE_CHECKING:
    from jjj_brief.library import Library

__all__ = ["MAX_FILE_BYTES", "Briefings", "Problem", "Source", "briefings_stamp", "load_briefings", "shipped_briefings"]

MAX_FILE_BYTES = 5_000_000


@dataclass
class Source:
    """Where an item came from: file and the line of each of its fields."""

    file: str
    path: PathKey
    lines: dict[PathKey, int] = field(default_factory=dict, repr=False)

    def line_of(self, sub: Iterable[str | int] = ()) -> int | None:
        """The line of ``sub`` within this item, or of its nearest enclosing node."""
        key = self.path + tuple(sub)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), None)

    def problem(self, sub: Iterable[str | int], message: str) -> Problem:
        sub = tuple(sub)
        return Problem(self.file, format_path(self.path + sub), self.line_of(sub), message)


@dataclass
class Briefings:
    """The loaded briefings: valid items only, plus the problems found while loading."""

    topics: list[Topic] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    glossary: list[GlossaryTerm] = field(default_factory=list)
    timeline: list[TimelineEvent] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    directory: Path | None = None
    # id(item) -> where it was defined, for checks that report on loaded items.
    sources: dict[int, Source] = field(default_factory=dict, repr=False)

    def source_of(self, item: object) -> Source | None:
        return self.sources.get(id(item))

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)

    def fact(self, fact_id: str) -> Fact | None:
        return next((f for f in self.facts if f.id == fact_id), None)

    def term(self, term_id: str) -> GlossaryTerm | None:
        return next((g for g in self.glossary if g.id == term_id), None)

    @property
    def groups(self) -> list[Topic]:
        """Top-level topics (no parent), in file order."""
        return [t for t in self.topics if t.parent is None]

    def children(self, topic_id: str) -> list[Topic]:
        return [t for t in self.topics if t.parent == topic_id]

    def facts_of(self, topic_id: str) -> list[Fact]:
        return [f for f in self.facts if f.topic == topic_id]

    def alias_groups(self) -> list[list[str]]:
        """Spellings that name one thing (a term and its aliases; never ``see_also``),
        one group per glossary term with more than one spelling: what search expands."""
        return [term.spellings for term in self.glossary if len(term.spellings) > 1]


def load_briefings(directory: Path | None = None) -> Briefings:
    """Load every ``*.yaml`` file under ``directory`` (default: the shipped briefings)."""
    directory = Path(directory) if directory is not None else paths.briefings_dir()
    result = Briefings(directory=directory)
    if not directory.is_dir():
        result.problems.append(Problem(str(directory), "", None, "briefings folder not found"))
        return result
    for path in sorted(directory.rglob("*.yaml")):
        if path.name.startswith(".") or path.is_dir():
            continue
        # Anything else that is not a regular file (a FIFO, a link to /dev/zero, a dangling
        # link) is a problem to report, never silently "OK" (and never opened: a FIFO blocks).
        _load_file(path, _display_name(path, directory), result)
    return result


def shipped_briefings(library: Library) -> Briefings:
    """``library``'s briefings (parsed once and again only when a YAML file changes; the CLI
    passes the process default library). Shared: treat the result as read-only."""
    return library.briefings()


def briefings_stamp(directory: Path) -> tuple[object, ...]:
    """What changes when a briefing file is added, removed or rewritten (path, mtime, size)."""
    try:
        files = tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in sorted(directory.rglob("*.yaml")))
    except OSError:
        files = ()
    return (str(directory), files)


def _display_name(path: Path, directory: Path) -> str:
    """The file as a user would name it: relative to the briefings folder's parent."""
    try:
        return str(path.relative_to(directory.parent))
    except ValueError:
        return str(path)


def _load_file(path: Path, name: str, out: Briefings) -> None:
    try:
        text = paths.read_regular_file(path, MAX_FILE_BYTES).decode("utf-8")
    except paths.FileRefused as exc:
        if exc.errno == errno.EFBIG:
            out.problems.append(Problem(name, "", None, f"file larger than {MAX_FILE_BYTES} bytes; skipped"))
        else:
            out.problems.append(Problem(name, "", None, f"{exc.strerror}; skipped"))
        return
    except (OSError, UnicodeDecodeError) as exc:
        out.problems.append(Problem(name, "", None, f"cannot read: {exc}"))
        return
    for item_path, data, lines in parse_sections(text, name, out.problems):
        section = str(item_path[0])  # the first key of a path is always a section name
        model = SECTION_MODELS[section]
        source = Source(name, item_path, lines)
        try:
            item = model.model_validate(data)
        except ValidationError as exc:
            out.problems.extend(_validation_problems(exc, source))
            continue
        getattr(out, section).append(item)
        out.sources[id(item)] = source


def _validation_problems(exc: ValidationError, source: Source) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        loc = tuple(error.get("loc", ()))
        message = error.get("msg", "invalid")
        if error.get("type") == "extra_forbidden":
            message = "unknown field (check the spelling; see briefings/README.md)"
        elif error.get("type") == "literal_error":
            message = f"{message}, got {error.get('input')!r}"
        located = _FIELD_IN_MESSAGE.match(message)
        if located:  # a model-level rule names the field it is about: "claims[0].value: ..."
            loc = loc + _parse_path(located.group(1))
            message = message[located.end() :]
        problems.append(source.problem(loc, message))
    return problems


_FIELD_IN_MESSAGE = re.compile(r"(?:Value error, )?((?:[a-z_]+(?:\[\d+\])*)(?:\.[a-z_]+(?:\[\d+\])*)*): ")


def _parse_path(text: str) -> tuple[str | int, ...]:
    """``claims[0].value`` -> ``("claims", 0, "value")``."""
    out: list[str | int] = []
    for name, index in re.findall(r"([a-z_]+)|\[(\d+)\]", text):
        out.append(name if name else int(index))
    return tuple(out)
