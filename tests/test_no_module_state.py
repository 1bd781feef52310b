"""The core keeps no state in its modules: what a process loads lives in a Library.

Every core module (all of ``jjj_brief`` but the app, the CLI and the commands layer, which
holds the process's default Library) is inspected:

* no ``global`` statement;
* no module-level lock, thread-local, or instance of one of our classes that can change;
* a module-level dict, list or set is a constant: it must be in :data:`CONSTANTS`, and no
  code of its module ever changes it (item assignment, ``del``, ``+=``, ``append``...).

:data:`PENDING` lists the state still held at module level, each with who removes it; an
entry there is debt, not an exception to the rule. It is empty: the last entry, the storage
warnings sink, is now each Library's (``library.warnings``).
"""

from __future__ import annotations

import ast
import collections
import dataclasses
import enum
import importlib
import pkgutil
import threading
from pathlib import Path

import jjj_brief

NOT_CORE = ("jjj_brief.app", "jjj_brief.cli", "jjj_brief.commands", "jjj_brief.styles", "jjj_brief.__main__")

# Read-only tables: module-level containers that are built once and only ever read.
CONSTANTS: dict[str, set[str]] = {
    # briefings: claim kinds by role, the YAML sections' models, ordinal words
    "briefings.readings": {"COUNT_KINDS", "VALUELESS_KINDS"},
    "briefings.schema": {"SECTION_MODELS"},
    "briefings.traceability": {"ORDINAL_WORDS"},
    # compare: unit conversions, noun families and weights of the aligner, labels
    "compare.align": {"DURATION_HOURS", "NOUN_FAMILIES", "WEIGHTS"},
    "compare.model": {"ASSESSMENT_LABELS", "MATCHING_VERDICT"},
    "compare.subject": {"_BASE_PLACES"},
    "compare.values": {"DURATION_HOURS"},
    # figures: the grammar's lexicon (numbers, scales, months, units) and styles by kind
    "figures.lexicon": {
        "MONTHS",
        "SCALES",
        "WORD_VALUES",
        "_CASE_SENSITIVE_UNITS",
        "_IRREGULAR",
        "_TERMINAL_HEADS",
        "_UNIT_BY_GROUP",
        "_UNIT_SPECS",
    },
    "figures.zh": {
        "UNITS",
        "_MULTIPLIERS",
        "_QUALIFIERS_AFTER",
        "_QUALIFIERS_BEFORE",
        "_ZH_BIG",
        "_ZH_DIGITS",
        "_ZH_SMALL",
    },
    # readers by suffix, unit words, transliteration table
    "formats": {"READERS"},
    "formatting": {"UNIT_WORDS"},
    "import_ids": {"_SYLLABIC"},
    # search: spelling table, facet fields, schema fields, sort and kind names, unit synonyms
    "search.engine": {"FACET_FIELDS"},
    "search.documents": {"FIELDS_BY_NAME"},
    "search.index": {"STORAGE_ERRNOS"},
    "search.query": {"KIND_NAMES", "SORTS", "_QUOTES"},
    "search.tantivy_engine": {"FIELDS_BY_NAME"},
    "search.values": {"UNIT_SYNONYMS"},
    # store: export suffixes, BibTeX escapes, migrations' backfills, SQLite error codes
    "store.briefs": {"SUFFIXES", "_BIBTEX_REPLACE"},
    "store.migrations": {"BACKFILL_AFTER"},
    "store.search_hook": {"OWN_KINDS"},
    "store.sqlite_conn": {"_CORRUPT_CODES"},
    "store.webanno": {"EXTRA_CONTEXT"},
    # team: event kinds, migration scripts and owners, column maps
    "team.live": {"_KINDS"},
    "team.migrations": {"OWNERS"},
    "team.migrations_corpus": {"MIGRATIONS"},
    "team.migrations_work": {"MIGRATIONS", "SCRIPTS"},
    "team.roles": {"SCRIPTS"},
    "team.search": {"ARRAY_COLUMNS", "FIELD_COLUMNS"},
    "text_rules": {"_BRITISH"},
    "figures.translation": {"_UNIT_ALIASES"},
}

# State still held at module level (debt, each with the helper who owns the module): none.
PENDING: dict[str, set[str]] = {}

MUTATORS = {
    "append", "extend", "insert", "remove", "pop", "popitem", "clear", "update", "setdefault",
    "add", "discard", "difference_update", "intersection_update", "symmetric_difference_update",
    "appendleft", "extendleft", "sort", "reverse",
}  # fmt: skip
MUTABLE_TYPES = (dict, list, set, bytearray, collections.deque)
LOCK_TYPES = (type(threading.Lock()), type(threading.RLock()), threading.local)


def core_modules() -> list[str]:
    names = [m.name for m in pkgutil.walk_packages(jjj_brief.__path__, "jjj_brief.")]
    return sorted(n for n in names if not n.startswith(NOT_CORE))


def _short(name: str) -> str:
    return name.removeprefix("jjj_brief.")


def _tree(module) -> ast.Module:
    return ast.parse(Path(module.__file__).read_text(encoding="utf-8"))


def _defined_here(tree: ast.Module) -> set[str]:
    """Names bound at the top level of the module's own source (not imported)."""
    names: set[str] = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def _changeable(value: object) -> str | None:
    """Why a module-level value is state, or None for a value that cannot change."""
    if isinstance(value, MUTABLE_TYPES):
        return type(value).__name__
    if isinstance(value, LOCK_TYPES):
        return "a lock or thread-local: it guards state"
    cls = type(value)
    if not cls.__module__.startswith("jjj_brief") or isinstance(value, (type, enum.Enum, tuple)):
        return None
    if dataclasses.is_dataclass(value) and cls.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        return None
    return f"an instance of {cls.__name__}"


def test_no_global_statements_in_the_core():
    found = []
    for name in core_modules():
        module = importlib.import_module(name)
        for node in ast.walk(_tree(module)):
            if isinstance(node, ast.Global):
                unexpected = set(node.names) - PENDING.get(_short(name), set())
                if unexpected:
                    found.append(f"{name}:{node.lineno}: global {', '.join(sorted(unexpected))}")
    assert found == [], "module-level state belongs in the Library:\n" + "\n".join(found)


def test_no_module_level_mutable_state_in_the_core():
    found = []
    for name in core_modules():
        module = importlib.import_module(name)
        allowed = CONSTANTS.get(_short(name), set()) | PENDING.get(_short(name), set())
        for attr in sorted(_defined_here(_tree(module))):
            if attr.startswith("__"):  # __all__ and the like: read by Python, never changed
                continue
            value = getattr(module, attr, None)
            why = _changeable(value)
            if why is not None and attr not in allowed:
                found.append(f"{name}.{attr}: {why}")
            elif (
                why is not None and attr in CONSTANTS.get(_short(name), set()) and not isinstance(value, MUTABLE_TYPES)
            ):
                found.append(f"{name}.{attr}: listed as a constant but is {why}")
    assert found == [], (
        "module-level state belongs in the Library (or, for a read-only table, list it in CONSTANTS):\n"
        + "\n".join(found)
    )


def _mutations(tree: ast.Module, names: set[str]) -> list[tuple[str, int]]:
    """(name, line) of each change the source makes to one of ``names``."""

    def base(node: ast.AST) -> str | None:
        while isinstance(node, ast.Subscript):
            node = node.value
        return node.id if isinstance(node, ast.Name) and node.id in names else None

    found = []
    for node in ast.walk(tree):
        targets: list[ast.AST] = []
        if isinstance(node, ast.Assign):
            targets = [t for t in node.targets if isinstance(t, ast.Subscript)]
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and isinstance(node.target, ast.Subscript):
            targets = [node.target]
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = [t for t in node.targets if isinstance(t, ast.Subscript)]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MUTATORS:
            targets = [node.func.value]
        for target in targets:
            hit = base(target)
            if hit is not None:
                found.append((hit, node.lineno))
    return found


def _changed_inside_functions(tree: ast.Module, names: set[str]) -> list[tuple[str, int]]:
    """Changes made by code that runs after import (a table filled at import time is fine)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            local = {a.arg for a in node.args.args + node.args.kwonlyargs}
            local |= {
                t.id for n in ast.walk(node) if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)
            }
            found += [(name, line) for name, line in _mutations(node, names - local)]  # type: ignore[arg-type]
    return found


def test_the_listed_constants_are_never_changed():
    found = []
    for short, names in CONSTANTS.items():
        module = importlib.import_module(f"jjj_brief.{short}")
        for name, line in sorted(set(_changed_inside_functions(_tree(module), names))):
            found.append(f"jjj_brief.{short}:{line}: changes {name}")
    assert found == [], "a table that changes is state: move it into the Library\n" + "\n".join(found)


def test_every_pending_entry_is_still_state():
    """The debt list cannot outlive the debt: a name that is gone (or no longer state) must
    leave PENDING, so the list always says what is left."""
    stale = []
    for short, names in PENDING.items():
        module = importlib.import_module(f"jjj_brief.{short}")
        tree = _tree(module)
        rebound = {name for node in ast.walk(tree) if isinstance(node, ast.Global) for name in node.names}
        for name in sorted(names):
            if name not in _defined_here(tree) or (
                name not in rebound and _changeable(getattr(module, name, None)) is None
            ):
                stale.append(f"jjj_brief.{short}.{name}")
    assert stale == [], "no longer module state: remove from PENDING\n" + "\n".join(stale)


def test_the_inspection_sees_state():
    """The checks are not vacuous: the kinds of state the core used to hold are caught."""
    tree = ast.parse("_CACHE = {}\ndef get(key):\n    _CACHE[key] = 1\n    _CACHE.setdefault(key, 2)\n")
    assert [name for name, _ in _changed_inside_functions(tree, {"_CACHE"})] == ["_CACHE", "_CACHE"]
    assert _changeable({}) == "dict" and _changeable(threading.RLock()) is not None
    from jjj_brief.library import Library

    assert _changeable(Library.__new__(Library)) == "an instance of Library"
    assert _changeable(frozenset()) is None and _changeable((1, 2)) is None
