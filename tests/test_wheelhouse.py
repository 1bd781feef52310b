"""The air-gapped install: build a wheelhouse, install it with --no-index into a fresh venv,
and run the installed command outside the source tree."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheelhouse")
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_wheelhouse.py"), str(folder)],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return folder


def test_wheelhouse_installs_offline_and_serves_the_corpus(wheelhouse, tmp_path):
    names = {p.name.split("-")[0].lower() for p in wheelhouse.glob("*.whl")}
    assert {"jjj_brief", "textual", "rich", "whoosh_reloaded", "tantivy", "pyyaml", "pydantic", "platformdirs"} <= names
    assert (wheelhouse / "SHA256SUMS").read_text().count(".whl") == len(list(wheelhouse.glob("*.whl")))

    env_dir = tmp_path / "airgapped-venv"
    # A venv without its own pip (ensurepip costs seconds of CPU): this interpreter's pip
    # installs into it (--python), resolving for that interpreter exactly as its own would.
    venv.EnvBuilder(with_pip=False).create(env_dir)
    bin_dir = env_dir / "bin"
    # --no-index: nothing may come from a registry; a missing wheel fails the install.
    # --no-compile: the modules the commands below import are compiled as they are imported.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(bin_dir / "python"),
            "install",
            "--no-index",
            "--no-compile",
            "--find-links",
            str(wheelhouse),
            "--disable-pip-version-check",
            "-q",
            "jjj-brief",
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PIP_CONFIG_FILE": os.devnull},
    )
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {**os.environ, "JJJ_BRIEF_HOME": str(tmp_path / "home"), "PYTHONPATH": ""}
    version = subprocess.run(
        [str(bin_dir / "jjj-brief"), "--version"],
        cwd=outside,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert version.stdout.startswith("jjj-brief ")
    listing = subprocess.run(
        [str(bin_dir / "jjj-brief"), "articles", "--json"],
        cwd=outside,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert len(json.loads(listing.stdout)["articles"]) == 5

    # The installed package serves its own copies of the seeds, byte-identical to ours.
    where = subprocess.run(
        [str(bin_dir / "python"), "-c", "from jjj_brief import paths; print(paths.seeds_dir())"],
        cwd=outside,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.strip()
    installed = Path(where)
    assert env_dir in installed.parents, installed
    for seed in (REPO / "seeds").glob("*.txt"):
        assert (
            hashlib.sha256((installed / seed.name).read_bytes()).digest() == hashlib.sha256(seed.read_bytes()).digest()
        )
