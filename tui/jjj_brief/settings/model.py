"""The pydantic model of ``settings.json``: the rules for every value that is not already
of its field's type (``"resume": "no"``, ``"last_offset": -4``, ``"search_engine":
"lucene"``), and for what ``update_settings`` is asked to set.

Imported only when such a value is met (pydantic and the model cost ~0.15 s to load): a
file as the app writes it is read by :func:`jjj_brief.settings.plain_settings`, which gives
the model's answer without it (``tests/test_settings.py`` checks the two agree).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from jjj_brief.safety import one_line
from jjj_brief.settings import EngineSetting, engine_name, safe_queries, safe_string


class SettingsModel(BaseModel):
    """What ``settings.json`` may say; see :class:`jjj_brief.settings.Settings` for each key."""

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
        if value is not None and not isinstance(value, str):
            raise ValueError("must be a string")
        return safe_string(value)

    @field_validator("query_history", mode="before")
    @classmethod
    def _safe_queries(cls, value: object) -> list[str]:
        if not isinstance(value, list):
            raise ValueError("must be a list of queries")
        return safe_queries(value)

    @field_validator("search_engine", mode="before")
    @classmethod
    def _engine_name(cls, value: object) -> object:
        return engine_name(value)


def validated(raw: dict[str, Any], path: Path) -> tuple[dict[str, Any], list[str]]:
    """The values the model reads from ``raw`` (its fields, then the keys it does not know;
    as JSON, as the file is written), and one line per key with a wrong value: that key is dropped (its default used)."""
    problems: list[str] = []
    for _ in range(len(raw) + 1):
        try:
            return SettingsModel.model_validate(raw).model_dump(mode="json"), problems
        except ValidationError as exc:
            wrong = {str(error["loc"][0]) for error in exc.errors() if error["loc"]}
            for error in exc.errors():
                key = str(error["loc"][0]) if error["loc"] else "?"
                message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
                problems.append(one_line(f"{path}: {key}: {message}; the default is used", 300))
            raw = {key: value for key, value in raw.items() if key not in wrong}
    return SettingsModel().model_dump(mode="json"), problems  # pragma: no cover - every pass drops a key


def updated(current: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """``current`` with ``values`` set, as the model reads them; :class:`ValueError` naming
    the key when a value is not allowed."""
    try:
        return SettingsModel.model_validate({**current, **values}).model_dump(mode="json")
    except ValidationError as exc:
        error = exc.errors()[0]
        key = str(error["loc"][0]) if error["loc"] else "?"
        raise ValueError(f"{key}: {str(error.get('msg', 'invalid')).removeprefix('Value error, ')}") from None
