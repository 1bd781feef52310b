"""Your keys: ``keys.toml`` in the data folder rebinds any key by its binding id.

    [keys]
    "app.quit" = "ctrl+x"
    "reader.next_figure" = "j,right_square_bracket"

The file is validated by a pydantic model; a file that cannot be read or is wrong gives one
line naming the file and the line, and the app starts with its default keys. The model (and
pydantic, ~0.1 s) is loaded only when there is a file: not on the way to the first paint.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from jjj_brief import paths
from jjj_brief.safety import one_line

KEYMAP_FILE = "keys.toml"
MAX_BYTES = 100_000
_AT_LINE = re.compile(r"\(at line (\d+), column \d+\)")
_KEY = re.compile(r"^[a-z0-9_+\-]+$", re.IGNORECASE)


def _key_config() -> Any:
    """The model of the file, a pydantic model (built when there is a file to read)."""
    from pydantic import BaseModel, ConfigDict, Field, field_validator

    class KeyConfig(BaseModel):
        """The ``[keys]`` table: binding id -> comma-separated keys."""

        model_config = ConfigDict(extra="forbid")

        keys: dict[str, str] = Field(default_factory=dict)

        @field_validator("keys")
        @classmethod
        def _keys_are_keys(cls, keys: dict[str, str]) -> dict[str, str]:
            for binding_id, value in keys.items():
                parts = [part.strip() for part in value.split(",")]
                if not all(part and _KEY.match(part) for part in parts):
                    raise ValueError(f"{binding_id!r}: {value!r} is not a key (like ctrl+x, f2, j)")
            return keys

    return KeyConfig


def keymap_path(folder: Path | None = None) -> Path:
    return (folder or paths.data_dir()) / KEYMAP_FILE


def _line_of(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.split("\n"), 1):  # not splitlines: TOML ends lines at "\n" only
        if needle in line:
            return number
    return None


def _toml_line(error: tomllib.TOMLDecodeError) -> int:
    """The line a TOML error names (Python 3.11's error says it only in its message)."""
    found = _AT_LINE.search(str(error))
    return int(found.group(1)) if found else 1


def load_keymap(folder: Path | None = None, known: set[str] | None = None) -> tuple[dict[str, str], str | None]:
    """The keymap in ``keys.toml`` (empty when there is none), and a one-line problem or ``None``."""
    path = keymap_path(folder)
    try:
        text = paths.read_regular_file(path, MAX_BYTES).decode("utf-8")
    except FileNotFoundError:
        return {}, None
    except (OSError, ValueError) as exc:
        return {}, one_line(f"{path}: not read ({exc}); default keys used", 300)
    from pydantic import ValidationError

    try:
        config = _key_config().model_validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        return {}, one_line(f"{path}:{_toml_line(exc)}: {exc}; default keys used", 300)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = [str(part) for part in error["loc"]]
        line = _line_of(text, where[-1]) if where else None
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        return {}, one_line(f"{path}:{line or 1}: {'.'.join(where)}: {message}; default keys used", 300)
    unknown = [binding_id for binding_id in config.keys if known is not None and binding_id not in known]
    if unknown:
        line = _line_of(text, unknown[0])
        return {}, one_line(
            f"{path}:{line or 1}: no key has the id {unknown[0]!r} (ids are listed in help, ?); default keys used", 300
        )
    return dict(config.keys), None
