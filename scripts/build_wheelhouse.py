#!/usr/bin/env python3
"""Build a wheelhouse for installing jjj-brief on an air-gapped machine.

Run on a connected machine from the project folder:

    python3 scripts/build_wheelhouse.py wheelhouse/
    python3 scripts/build_wheelhouse.py wheelhouse/ --python-version 3.12 --platform manylinux2014_x86_64

It builds the project's wheel (seeds and briefings inside) and downloads a wheel for every
dependency, for this machine's Python and platform unless told otherwise, then writes
SHA256SUMS and INSTALL.txt beside them. Carry the folder over and install with:

    python3 -m venv .venv
    .venv/bin/pip install --no-index --find-links wheelhouse/ jjj-brief
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def pip(*args: str) -> None:
    command = [sys.executable, "-m", "pip", *args]
    print("+", " ".join(command), flush=True)
    subprocess.run(command, check=True)


def build(wheelhouse: Path, python_version: str | None, platforms: list[str], with_tests: bool) -> Path:
    wheelhouse.mkdir(parents=True, exist_ok=True)
    pip("wheel", "--no-deps", "--wheel-dir", str(wheelhouse), str(PROJECT))
    project_wheel = max(wheelhouse.glob("jjj_brief-*.whl"), key=lambda p: p.stat().st_mtime)
    target = str(project_wheel) + ("[test]" if with_tests else "")
    download = ["download", "--dest", str(wheelhouse), "--only-binary", ":all:"]
    if python_version:
        download += ["--python-version", python_version]
    for platform in platforms:
        download += ["--platform", platform]
    pip(*download, target)
    write_manifest(wheelhouse)
    return project_wheel


def write_manifest(wheelhouse: Path) -> None:
    wheels = sorted(wheelhouse.glob("*.whl"))
    sums = "".join(f"{hashlib.sha256(w.read_bytes()).hexdigest()}  {w.name}\n" for w in wheels)
    (wheelhouse / "SHA256SUMS").write_text(sums, encoding="utf-8")
    (wheelhouse / "INSTALL.txt").write_text(
        "Verify:   cd THIS_FOLDER && sha256sum -c SHA256SUMS\n"
        "Install:  python3 -m venv .venv && .venv/bin/pip install --no-index "
        "--find-links THIS_FOLDER jjj-brief\n"
        "Run:      .venv/bin/jjj-brief\n",
        encoding="utf-8",
    )
    print(f"{len(wheels)} wheels in {wheelhouse}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wheelhouse", type=Path, help="folder to fill with wheels")
    parser.add_argument("--python-version", help="target Python, e.g. 3.12 (default: this one)")
    parser.add_argument("--platform", action="append", default=[], help="target platform tag (repeatable)")
    parser.add_argument("--with-tests", action="store_true", help="also carry the test dependencies")
    args = parser.parse_args()
    try:
        build(args.wheelhouse, args.python_version, args.platform, args.with_tests)
    except subprocess.CalledProcessError as exc:
        print(f"build_wheelhouse: pip failed ({exc.returncode}); see its output above", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
