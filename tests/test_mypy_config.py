"""The core stays strict under mypy: `[tool.mypy]` says so once, and no override lets a core
module off (issue 15: a module is fixed, never added to an ignore list)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
APP = "jjj_brief.app"
# Flags `strict` turns on; an override may turn them off for the app only.
STRICT_FLAGS = {
    "disallow_untyped_defs",
    "disallow_incomplete_defs",
    "disallow_untyped_calls",
    "disallow_any_generics",
    "disallow_untyped_decorators",
    "disallow_subclassing_any",
    "check_untyped_defs",
    "warn_return_any",
    "no_implicit_reexport",
    "strict_equality",
    "extra_checks",
    "warn_unused_ignores",
    "warn_redundant_casts",
}


def _mypy_config() -> dict[str, Any]:
    config: dict[str, Any] = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["mypy"]
    return config


def _modules(override: dict[str, Any]) -> list[str]:
    module = override["module"]
    return [module] if isinstance(module, str) else list(module)


def _is_app(pattern: str) -> bool:
    return pattern == APP or pattern.startswith(APP + ".")


def test_the_whole_package_is_strict() -> None:
    config = _mypy_config()
    assert config.get("strict") is True
    assert config.get("packages") == ["jjj_brief"]


def loosened_core_modules(config: dict[str, Any]) -> list[tuple[list[str], list[str]]]:
    """(core module patterns, the strict flags or ignore_errors an override loosens for them)."""
    loosened = []
    for override in config.get("overrides", []):
        relaxing = sorted(
            [flag for flag in STRICT_FLAGS if override.get(flag) is False]
            + (["ignore_errors"] if override.get("ignore_errors") else [])
        )
        core = [pattern for pattern in _modules(override) if not _is_app(pattern)]
        if relaxing and core:
            loosened.append((core, relaxing))
    return loosened


def test_no_override_lets_a_core_module_off() -> None:
    loosened = loosened_core_modules(_mypy_config())
    assert loosened == [], f"core modules let off strict mypy (fix their types instead): {loosened}"


def test_a_loosened_core_module_is_caught() -> None:
    """The check above finds what it is for: a core module on an ignore list, or beside the
    app in a relaxed override (and the app alone passes)."""
    config = {
        "overrides": [
            {"module": ["jjj_brief.app.*"], "check_untyped_defs": False, "ignore_errors": True},
            {"module": ["jjj_brief.app.*", "jjj_brief.search.engine"], "warn_return_any": False},
            {"module": "jjj_brief.apple", "ignore_errors": True},
        ]
    }
    assert loosened_core_modules(config) == [
        (["jjj_brief.search.engine"], ["warn_return_any"]),
        (["jjj_brief.apple"], ["ignore_errors"]),
    ]
