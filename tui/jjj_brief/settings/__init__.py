"""The user's ``settings.json`` (in the data folder): read, checked and written here.

Every reader (the app, ``import``, the search engine choice) goes through
:func:`load_settings`, and every writer through :func:`save_settings`, so the rules live
here once and nothing the user wrote is lost: keys this version does not know are kept as
they are, and a wrong value is replaced by its default for this run with one line naming
the file and the key (the other settings still apply).

The rules are one pydantic model (:mod:`jjj_brief.settings.model`), loaded only when the
file holds a value that is not of its field's type already: a file as the app writes it is
read by :func:`plain_settings`, which gives the model's answer without loading pydantic
(~0.15 s of the app's first paint). ``tests/test_settings.py`` checks, on wild input, that
whatever it reads the model reads the same.

The file is untrusted (anyone who could write it): every string is read back through
:func:`jjj_brief.safety.read_back`, so a query in the history cannot retitle the terminal.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, get_args

from jjj_brief import paths
from jjj_brief.safety import one_line, read_back

SETTINGS_FILE = paths.SETTINGS_FILE
MAX_BYTES = paths.SETTINGS_MAX_BYTES
QUERY_MAX_CHARS = 1000  # a query read back from the history longer than this is cut
HISTORY_LIMIT = 50

EngineSetting = Literal["auto", "whoosh", "tantivy"]


@dataclass
class Settings:
    """What ``settings.json`` may say (the model, :class:`jjj_brief.settings.model.SettingsModel`,
    has the same fields and defaults). ``resume``: reopen the last article at the last
    position; ``keep_import_originals``: ``import`` keeps each original file's bytes (off:
    only its SHA-256); ``search_engine``: ``jjj-brief index --engine``; ``database_url`` /
    ``database_replica_url``: team mode (checked by :mod:`jjj_brief.team.config`);
    ``unknown``: the keys this version does not know, written back as they were."""

    resume: bool = True
    last_article: str | None = None
    last_offset: int | None = None
    theme: str | None = None
    query_history: list[str] = field(default_factory=list)
    keep_import_originals: bool = True
    search_engine: EngineSetting = "auto"
    database_url: str | None = None
    database_replica_url: str | None = None
    unknown: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> Settings:
        """The settings of a JSON object's values (as the model dumps them): known keys to
        their fields, the others kept in :attr:`unknown`."""
        known = setting_names()
        return cls(
            **{key: value for key, value in values.items() if key in known},
            unknown={key: value for key, value in values.items() if key not in known},
        )

    def as_json(self) -> dict[str, Any]:
        """The JSON object written to the file: every setting in order, then the unknown keys."""
        return {**{name: getattr(self, name) for name in setting_names()}, **self.unknown}


def setting_names() -> tuple[str, ...]:
    """The settings' keys in the file, in order."""
    return tuple(f.name for f in fields(Settings) if f.name != "unknown")


def safe_string(value: object) -> str | None:
    """A one-line string setting (``last_article``, ``theme``) read back safe; blank is ``None``."""
    return read_back(value) or None if isinstance(value, str) else None


def safe_queries(value: list[Any]) -> list[str]:
    """The query history read back safe: strings only, each cut, the last :data:`HISTORY_LIMIT`."""
    queries = [read_back(q, QUERY_MAX_CHARS) for q in value if isinstance(q, str)]
    return [q for q in queries if q][-HISTORY_LIMIT:]


def engine_name(value: object) -> object:
    """``search_engine`` as written, case and spaces aside."""
    return value.strip().lower() if isinstance(value, str) else value


def plain_settings(raw: dict[str, Any]) -> Settings | None:
    """``raw`` read without the model when each known key already holds a value of its
    field's type (a bool, a non-negative int, a string or null, a list of queries, an engine
    name) and the unknown keys hold plain JSON: what the model would read, with no problem
    to report. ``None`` otherwise: the model decides (and names what is wrong)."""
    values: dict[str, Any] = {}
    known = setting_names()
    for key, value in raw.items():
        if key not in known:
            if not _plain_json(value) or key.startswith(("_", "model_")):
                return None
            values[key] = value
            continue
        read = _plain_value(key, value)
        if read is _NOT_PLAIN:
            return None
        values[key] = read
    return Settings.from_values({**Settings().as_json(), **values})


_NOT_PLAIN = object()  # a value that only the model may judge


def _plain_value(key: str, value: object) -> object:
    """The model's reading of a known key's ``value``, or ``_NOT_PLAIN``."""
    if key in ("resume", "keep_import_originals"):
        return value if isinstance(value, bool) else _NOT_PLAIN
    if key in ("last_article", "theme"):
        return safe_string(value) if value is None or _plain_string(value) else _NOT_PLAIN
    if key == "last_offset":
        return value if value is None or (type(value) is int and value >= 0) else _NOT_PLAIN
    if key == "query_history":
        return safe_queries(value) if isinstance(value, list) else _NOT_PLAIN
    if key == "search_engine":
        name = engine_name(value)
        return name if name in get_args(EngineSetting) else _NOT_PLAIN
    return value if value is None or _plain_string(value) else _NOT_PLAIN  # the database URLs


def _plain_string(value: object) -> bool:
    """A string the model takes as it is (UTF-8 encodable: no lone surrogate)."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _plain_json(value: object) -> bool:
    """Null, a bool, a finite number, an encodable string, or lists and objects of them."""
    if value is None or isinstance(value, bool | int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        return _plain_string(value)
    if isinstance(value, list):
        return all(_plain_json(item) for item in value)
    if isinstance(value, dict):
        return all(_plain_string(key) and _plain_json(item) for key, item in value.items())
    return False


@dataclass
class SettingsRead:
    """The settings in force, and a one-line problem per key (or file) that could not be used."""

    settings: Settings
    path: Path
    problems: list[str] = field(default_factory=list)
    readable: bool = True  # False: something is there that could not be read (never rewrite it)


def settings_path(folder: Path | None = None) -> Path:
    return (folder or paths.data_dir()) / SETTINGS_FILE


def load_settings(folder: Path | None = None) -> SettingsRead:
    """The settings of the data ``folder`` (default: this home's); defaults when there is
    no file. Never raises for what is in the file: see :attr:`SettingsRead.problems`."""
    path = settings_path(folder)
    try:
        raw = json.loads(paths.read_regular_file(path, MAX_BYTES).decode("utf-8"))
    except FileNotFoundError:
        return SettingsRead(Settings(), path)
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        problem = one_line(f"{path}: not read ({reason}); left as it is, defaults used", 300)
        return SettingsRead(Settings(), path, [problem], readable=not os.path.lexists(path))
    if not isinstance(raw, dict):
        return SettingsRead(Settings(), path, [f"{path}: not a JSON object; left as it is, defaults used"], False)
    return _validated(raw, path)


def _validated(raw: dict[str, Any], path: Path) -> SettingsRead:
    """The settings of ``raw``: read plainly when it can be, else by the model (each key with
    a wrong value dropped, its default used, and named)."""
    plain = plain_settings(raw)
    if plain is not None:
        return SettingsRead(plain, path)
    from jjj_brief.settings.model import validated

    values, problems = validated(raw, path)
    return SettingsRead(Settings.from_values(values), path, problems)


def save_settings(settings: Settings, folder: Path | None = None) -> Path:
    """Write ``settings`` atomically (keys this version does not know included). Raises OSError."""
    path = settings_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    paths.atomic_write(path, json.dumps(settings.as_json(), indent=2, ensure_ascii=False) + "\n")
    return path


def update_settings(folder: Path | None = None, **values: Any) -> Path:
    """Set some settings in the file, keeping the others (``jjj-brief index --engine``).

    Raises :class:`ValueError` naming the key when a value is not allowed, and
    :class:`OSError` when the file cannot be written; a file that cannot be read is not
    replaced (``ValueError``)."""
    read = load_settings(folder)
    if not read.readable:
        raise ValueError(read.problems[0])
    from jjj_brief.settings.model import updated

    return save_settings(Settings.from_values(updated(read.settings.as_json(), values)), folder)
