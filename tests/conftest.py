"""Shared fixtures. Every test runs with its own JJJ_BRIEF_HOME, so no test touches the
user's real cache or data, and tests cannot see each other's state."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("jjj-home")
    monkeypatch.setenv("JJJ_BRIEF_HOME", str(home))
    return home
