"""The user's ``settings.json`` (in the data folder), validated by one pydantic model.

Every reader (the app, ``import``, the search engine choice) goes through
:func:`load_settings`, and every writer through :func:`save_settings`, so the rules live
here once and nothing the user wrote is lost: keys this version does not know are kept as
they are, and a wrong value is replaced by its default for this run with one line naming
the file and the key (the other settings still apply).

The file is untrusted (anyone who could write it): every string is read back through
:func:`jjj_brief.safety.read_back`, so a query in the history cannot retitle the terminal.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from jjj_brief import paths
from jjj_brief.safety import one_line, read_back

SETTINGS_FILE = paths.SETTINGS_FILE
MAX_BYTES = paths.SETTINGS_MAX_BYTES
QUERY_MAX_CHARS = 1000  # a query read back from the history longer than this is cut
HISTORY_LIMIT = 50

EngineSetting = Literal["auto", "whoosh", "tantivy"]


class Settings(BaseModel):
    """What ``settings.json`` may say. ``resume``: reopen the last article at the last
    position; ``keep_import_originals``: ``import`` keeps each original file's bytes (off:
    only its SHA-256); ``search_engine``: ``jjj-brief index --engine``; ``database_url`` /
    ``database_replica_url``: team mode (checked by :mod:`jjj_brief.team.config`)."""

    model_config = ConfigDict(extra="allow", validate_assignment=False)

    resume: bool = True
    last_article: str | None = None
    last_offset: int | None = Field(default=None, ge=0)
    theme: str | None = None
    query_history: list[str] = Field(default_factory=list)
    keep_import_originals: bool = True
    search_engine: EngineSetting = "auto"
    database_url: str | None = None
    database_replica_url: str | None = None

    @field_validator("last_article", "theme", mode="before")
    @classmethod
    def _one_safe_string(cls, value: object) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValueError("must be a string")
        return read_back(value) or None

    @field_validator("query_history", mode="before")
    @classmethod
    def _safe_queries(cls, value: object) -> list[str]:
        if not isinstance(value, list):
            raise ValueError("must be a list of queries")
        queries = [read_back(q, QUERY_MAX_CHARS) for q in value if isinstance(q, str)]
        return [q for q in queries if q][-HISTORY_LIMIT:]

    @field_validator("search_engine", mode="before")
    @classmethod
    def _engine_name(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value


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
    """The model of ``raw``; each key with a wrong value is dropped (its default used) and named."""
    problems: list[str] = []
    for _ in range(len(raw) + 1):
        try:
            return SettingsRead(Settings.model_validate(raw), path, problems)
        except ValidationError as exc:
            wrong = {str(error["loc"][0]) for error in exc.errors() if error["loc"]}
            for error in exc.errors():
                key = str(error["loc"][0]) if error["loc"] else "?"
                message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
                problems.append(one_line(f"{path}: {key}: {message}; the default is used", 300))
            raw = {key: value for key, value in raw.items() if key not in wrong}
    return SettingsRead(Settings(), path, problems)  # pragma: no cover - every pass drops a key


def save_settings(settings: Settings, folder: Path | None = None) -> Path:
    """Write ``settings`` atomically (keys this version does not know included). Raises OSError."""
    path = settings_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = settings.model_dump(mode="json", exclude_defaults=False)
    paths.atomic_write(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return path


def update_settings(folder: Path | None = None, **values: Any) -> Path:
    """Set some settings in the file, keeping the others (``jjj-brief index --engine``).

    Raises :class:`ValueError` naming the key when a value is not allowed, and
    :class:`OSError` when the file cannot be written; a file that cannot be read is not
    replaced (``ValueError``)."""
    read = load_settings(folder)
    if not read.readable:
        raise ValueError(read.problems[0])
    try:
        updated = Settings.model_validate({**read.settings.model_dump(), **values})
    except ValidationError as exc:
        error = exc.errors()[0]
        key = str(error["loc"][0]) if error["loc"] else "?"
        raise ValueError(f"{key}: {str(error.get('msg', 'invalid')).removeprefix('Value error, ')}") from None
    return save_settings(updated, folder)
