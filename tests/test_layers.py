"""The layer rules hold: import-linter's contracts in pyproject.toml ([tool.importlinter]).

A module may import only from the layers below its own (a cycle between layers needs an
upward import, so it fails too), the modules inside a package import each other without
cycles, and the core never imports Textual. Every top-level module has a place in the
layers, so a new module cannot slip past the rules unplaced.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import jjj_brief

pytest.importorskip("importlinter")

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(jjj_brief.__file__).resolve().parent


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]


def _lint(package_parent: Path, config: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` on the package found under ``package_parent``, in a fresh interpreter."""
    code = (
        "import sys; from importlinter.cli import lint_imports; "
        f"sys.exit(lint_imports(config_filename={str(config)!r}, no_cache=True, no_logo=True))"
    )
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=package_parent, timeout=240
    )


def test_the_layer_contracts_hold():
    run = _lint(PACKAGE.parent, ROOT / "pyproject.toml")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "3 kept, 0 broken" in run.stdout


def test_no_upward_import_is_excused():
    """No module imports upward, not even lazily: the core never reaches the commands layer
    (the process default Library) or the team layer (the Library hands it what it needs)."""
    (contract,) = [c for c in _config()["contracts"] if c["type"] == "layers"]
    assert contract.get("ignore_imports", []) == [], "the layer contract excuses no import (see ARCHITECTURE.md)"


def test_every_top_level_module_has_a_layer():
    (layers,) = [c["layers"] for c in _config()["contracts"] if c["type"] == "layers"]
    placed = {name.strip() for layer in layers for name in layer.replace(":", "|").split("|")}
    modules = {
        f"jjj_brief.{p.stem if p.is_file() else p.name}"
        for p in PACKAGE.iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p.is_dir() and (p / "__init__.py").is_file())
    }
    assert modules - placed == set(), "place these modules in [tool.importlinter] layers"


def _copy_package(tmp_path: Path) -> Path:
    shutil.copytree(PACKAGE, tmp_path / "jjj_brief", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


@pytest.mark.parametrize(
    ("module", "line", "says"),
    [
        # An upward import: the storage layer reaching for the corpus.
        ("storage.py", "from jjj_brief import corpus\n", "jjj_brief.storage is not allowed to import jjj_brief.corpus"),
        # A cycle between layers: figures <- corpus and now corpus -> figures.
        ("corpus.py", "import jjj_brief.figures\n", "jjj_brief.corpus is not allowed to import jjj_brief.figures"),
        # The core importing Textual.
        ("search/api.py", "import textual\n", "jjj_brief.search is not allowed to import textual"),
    ],
)
def test_a_broken_rule_fails_naming_the_import(tmp_path, module, line, says):
    root = _copy_package(tmp_path)
    target = root / "jjj_brief" / module
    source = target.read_text(encoding="utf-8")
    at = source.index("\nfrom __future__ import annotations\n") + len("\nfrom __future__ import annotations\n")
    target.write_text(source[:at] + line + source[at:], encoding="utf-8")
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    run = _lint(root, root / "pyproject.toml")
    assert run.returncode == 1, run.stdout + run.stderr
    assert says in " ".join(run.stdout.split()), run.stdout
