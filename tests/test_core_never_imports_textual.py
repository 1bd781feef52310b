"""Core modules never import Textual: the CLI and tests stay light, and the app is one layer.

Two checks: every core module, imported for real in a fresh interpreter, leaves
``textual`` out of ``sys.modules``; and no source file outside ``jjj_brief/app`` mentions
an import of textual at all (so a lazy import inside a function is caught too).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import jjj_brief

PACKAGE_DIR = Path(jjj_brief.__file__).resolve().parent
APP_DIR = PACKAGE_DIR / "app"


def core_modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        if APP_DIR in path.parents:
            continue
        parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts[-1] == "__main__":
            continue
        names.append(".".join(parts))
    return names


def test_importing_every_core_module_leaves_textual_unloaded():
    modules = core_modules()
    assert "jjj_brief.corpus" in modules and "jjj_brief.cli" in modules
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"core modules imported Textual: {result.stdout.strip()}"


def _textual_imports(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
            "import_module",
            "__import__",
        ):
            names = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        else:
            continue
        if any(name == "textual" or name.startswith("textual.") for name in names):
            lines.append(node.lineno)
    return lines


def test_only_the_app_package_imports_textual():
    offenders = {
        str(path.relative_to(PACKAGE_DIR)): lines
        for path in PACKAGE_DIR.rglob("*.py")
        if APP_DIR not in path.parents and (lines := _textual_imports(path))
    }
    assert offenders == {}


def test_the_app_package_does_import_textual():
    """The check above would pass vacuously if the AST scan were broken."""
    assert _textual_imports(APP_DIR / "main.py")
