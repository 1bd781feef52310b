"""A briefing file's text as its items: plain data, with the line of every field (an
editor's line), and the problems found on the way; :mod:`jjj_brief.briefings.load`
validates the items against the schema.

YAML safety: only the safe loader's node types are built (no Python objects), and
**aliases are refused** (``*name`` is an error at its line, and the item using it is
skipped; the rest of the file loads). Briefings never need them, and never following
them makes a "billion laughs" alias bomb cost nothing — there is no expansion to cap.
Duplicate mapping keys are errors too (YAML would silently keep the last).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from jjj_brief.briefings.schema import SECTIONS

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the briefings, located as precisely as we can."""

    file: str
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        message = " ".join(self.message.split())
        return f"{place}: {self.path}: {message}" if self.path else f"{place}: {message}"


def format_path(key: Iterable[str | int]) -> str:
    """``("facts", 3, "claims", 1, "quote")`` -> ``facts[3].claims[1].quote``."""
    out = ""
    for part in key:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


_ALIAS_TAG = "!jjj-refused-alias"


class _NoAliasComposer(Composer):
    """Composes nodes but never follows aliases: each ``*name`` becomes an inert marker
    node (no expansion ever happens), so only the items that use one are refused and the
    rest of the file still loads."""

    alias_lines: list[int]

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(AliasEvent):  # type: ignore[attr-defined]
            event = self.get_event()  # type: ignore[attr-defined]
            self.alias_lines.append(event.start_mark.line + 1)
            return ScalarNode(_ALIAS_TAG, event.anchor or "", event.start_mark, event.end_mark)
        return super().compose_node(parent, index)


if getattr(yaml, "__with_libyaml__", False):
    from yaml._yaml import CParser

    class _NoAliasLoader(_NoAliasComposer, CParser, SafeConstructor, Resolver):
        """libyaml scans and parses (the same events, with the same line marks, ~8x faster
        than the pure-Python scanner: parsing the shipped briefings was most of the first
        ``related`` after an import); the nodes are composed here, refusing aliases."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            self.alias_lines = []

    class _CComposer(CParser, Resolver):
        """libyaml's parser *and* composer (``CParser.get_single_node``, in C; the tags from
        the same resolver): it follows aliases, so its tree is taken only when it holds none
        (:func:`_compose_in_c`)."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Resolver.__init__(self)

else:  # PyYAML built without libyaml: the pure-Python scanner and parser

    class _NoAliasLoader(_NoAliasComposer, yaml.SafeLoader):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self.alias_lines = []

    CParser = None  # type: ignore[assignment,misc]


# Deeper than this, the tree is composed by the Python composer, whose verdict stands (a
# RecursionError somewhere past ~300 levels: "invalid YAML"); libyaml's goes to 1,000.
C_COMPOSER_TRUSTED_DEPTH = 100


def _compose_in_c(text: str) -> tuple[bool, Node | None]:
    """(taken, root): the node tree libyaml composes, taken only where it is exactly the
    one :class:`_NoAliasLoader` composes in Python.

    Composing was most of reading a briefing (the shipped ones: ~21 of ~37 ms CPU). Both
    composers build the same nodes from the same libyaml events (same tags from the same
    resolver, same marks) except where the Python one refuses or cannot follow: an alias
    (libyaml shares the anchored node, so a node met twice is an alias), nesting past
    :data:`C_COMPOSER_TRUSTED_DEPTH`, and any error (whose message must be the Python
    composer's). Those are composed again in Python, as before. Only with libyaml's parser
    beneath :class:`_NoAliasLoader` (a test swaps in PyYAML's parser to compare the two)."""
    if CParser is None or not issubclass(_NoAliasLoader, CParser):
        return False, None
    loader = _CComposer(text)
    try:
        root: Node | None = loader.get_single_node()
    except Exception:  # the Python composer decides, with its own error
        return False, None
    finally:
        loader.dispose()
    seen: set[int] = set()
    stack: list[tuple[Node, int]] = [(root, 1)] if root is not None else []
    while stack:
        node, depth = stack.pop()
        if id(node) in seen or depth > C_COMPOSER_TRUSTED_DEPTH:
            return False, None  # an alias, or deeper than trusted
        seen.add(id(node))
        if isinstance(node, MappingNode):
            for key, value in node.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))
        elif isinstance(node, SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
    return True, root


#: Line breaks to YAML that are none to an editor: NEL, LS, PS and a CR not before a LF.
_UNUSUAL_BREAK = re.compile("[\x85\u2028\u2029]|\r(?!\n)")
_YAML_BREAK = re.compile("\r\n|[\n\x85\u2028\u2029\r]")


def editor_lines(text: str) -> Callable[[int], int] | None:
    """The map from YAML's line numbers in ``text`` to an editor's (lines end at "\n" only,
    as everywhere else in the product), or ``None`` when the two agree. YAML also ends a
    line at NEL, LS, PS and a lone CR: with one of those in a file, its problems were
    reported lines below where they are, past the end of the file."""
    if _UNUSUAL_BREAK.search(text) is None:
        return None
    newlines_before = [0]  # for each YAML line (from 0), the "\n" before its start
    for found in _YAML_BREAK.finditer(text):
        newlines_before.append(newlines_before[-1] + ("\n" in found.group()))

    def to_editor(line: int) -> int:
        return newlines_before[min(max(line, 1), len(newlines_before)) - 1] + 1

    return to_editor


# A file's parse is remembered, like a text's figures (figures.extraction): a pure function of
# (text, name) and the loader, shared by every Library of the process (each reads the same
# shipped briefings). Callers get lists of their own; the items' data and line maps are shared
# and only read (model_validate copies; the schema's "before" validators build new dicts; a
# Source only looks lines up). Bounded: at most REMEMBERED_FILES files of at most
# REMEMBERED_MAX_CHARS characters each (a larger one is parsed each time, as before).
REMEMBERED_FILES = 16
REMEMBERED_MAX_CHARS = 100_000


def parse_sections(text: str, name: str, problems: list[Problem]) -> list[tuple[PathKey, Any, dict[PathKey, int]]]:
    """Parse one file into ``(item path, plain data, {sub-path: line})`` per list item.

    Problems that make an item unusable (bad YAML, a duplicate key, a non-list section)
    are appended to ``problems``; the rest of the file still loads. Lines are an editor's
    (:func:`editor_lines`).
    """
    if len(text) > REMEMBERED_MAX_CHARS:
        return _parse_with_lines(text, name, problems)
    items, found = _remembered(text, name, _NoAliasLoader)  # a test swaps the loader: part of the key
    problems.extend(found)
    return list(items)


@lru_cache(maxsize=REMEMBERED_FILES)
def _remembered(
    text: str, name: str, loader: type
) -> tuple[tuple[tuple[PathKey, Any, dict[PathKey, int]], ...], tuple[Problem, ...]]:
    problems: list[Problem] = []
    items = _parse_with_lines(text, name, problems)
    return tuple(items), tuple(problems)


def _parse_with_lines(text: str, name: str, problems: list[Problem]) -> list[tuple[PathKey, Any, dict[PathKey, int]]]:
    first = len(problems)
    items = _parse_sections(text, name, problems)
    to_editor = editor_lines(text)
    if to_editor is None:
        return items
    problems[first:] = [replace(p, line=to_editor(p.line)) if p.line else p for p in problems[first:]]
    return [(path, data, {key: to_editor(line) for key, line in lines.items()}) for path, data, lines in items]


def _parse_sections(
    text: str, name: str, problems: list[Problem], *, c_composer: bool = True
) -> list[tuple[PathKey, Any, dict[PathKey, int]]]:
    """:func:`parse_sections` before the editor's line numbers (``c_composer=False``: always
    the Python composer, the reference :func:`_compose_in_c` is checked against)."""
    taken, root = _compose_in_c(text) if c_composer else (False, None)
    if not taken:
        composed, root = _compose_in_python(text, name, problems)
        if not composed:
            return []
    if root is None:
        return []
    if not isinstance(root, MappingNode):
        problems.append(Problem(name, "", _line(root), f"a briefing file is a mapping with keys {', '.join(SECTIONS)}"))
        return []
    items = []
    for key_node, value_node in _pairs(root, (), name, problems):
        key = key_node.value
        if key not in SECTIONS:
            problems.append(
                Problem(name, key, _line(key_node), f"unknown section; expected one of {', '.join(SECTIONS)}")
            )
            continue
        if isinstance(value_node, ScalarNode) and value_node.tag.endswith(":null"):
            continue
        if not isinstance(value_node, SequenceNode):
            problems.append(Problem(name, key, _line(value_node), "must be a list"))
            continue
        for index, item_node in enumerate(value_node.value):
            item_path: PathKey = (key, index)
            lines: dict[PathKey, int] = {}
            item_problems: list[Problem] = []
            try:
                data = _to_python(item_node, item_path, lines, name, item_problems)
            except RecursionError:
                item_problems.append(Problem(name, format_path(item_path), _line(item_node), "nested too deeply"))
            problems.extend(item_problems)
            if not item_problems:
                items.append((item_path, data, lines))
    return items


def _compose_in_python(text: str, name: str, problems: list[Problem]) -> tuple[bool, Node | None]:
    """(composed, root) by :class:`_NoAliasLoader`, aliases refused; a file it cannot
    compose is a problem (and ``composed`` is false)."""
    try:
        loader = _NoAliasLoader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
        if loader.alias_lines:
            problems.append(
                Problem(
                    name,
                    "",
                    loader.alias_lines[0],
                    "YAML aliases (*name) are not allowed in briefings; items using them are skipped",
                )
            )
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        context = exc.context or ""
        if exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
            from_line = exc.context_mark.line + 1
            to_editor = editor_lines(text)
            context += f" (from line {to_editor(from_line) if to_editor else from_line})"
        detail = " ".join(part for part in (context, exc.problem) if part)
        problems.append(Problem(name, "", line, f"invalid YAML: {detail or exc}"))
        return False, None
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        problems.append(Problem(name, "", None, f"invalid YAML: {exc}"))
        return False, None
    return True, root


def _line(node: Node) -> int:
    return node.start_mark.line + 1


_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_STR = "tag:yaml.org,2002:str"


def _pairs(node: MappingNode, path: PathKey, name: str, problems: list[Problem]) -> Iterator[tuple[ScalarNode, Node]]:
    """The (key, value) node pairs of a mapping whose keys are unique strings."""
    seen: set[str] = set()
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
            problems.append(Problem(name, format_path(path), _line(key_node), "keys must be plain strings"))
            continue
        if key_node.value in seen:
            problems.append(Problem(name, format_path(path + (key_node.value,)), _line(key_node), "duplicate key"))
            continue
        seen.add(key_node.value)
        yield key_node, value_node


def _to_python(node: Node, path: PathKey, lines: dict[PathKey, int], name: str, problems: list[Problem]) -> Any:
    """Build plain data from a node, recording the line of every node by its path."""
    lines[path] = _line(node)
    if isinstance(node, MappingNode):
        return {
            key.value: _to_python(value, path + (key.value,), lines, name, problems)
            for key, value in _pairs(node, path, name, problems)
        }
    if isinstance(node, SequenceNode):
        return [_to_python(child, path + (i,), lines, name, problems) for i, child in enumerate(node.value)]
    if node.tag == _STR:
        return node.value  # what SafeConstructor's construct_yaml_str gives a scalar, without making one
    if node.tag == _TIMESTAMP:
        return node.value  # dates stay text ("2014-02-26"), as the schema expects
    if node.tag == _ALIAS_TAG:
        problems.append(Problem(name, format_path(path), _line(node), "uses a YAML alias (*name); not allowed"))
        return None
    try:
        return yaml.constructor.SafeConstructor().construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        problems.append(Problem(name, format_path(path), _line(node), f"bad value: {exc}"))
        return None
