"""App test fixtures: a session-wide JJJ_BRIEF_HOME (its search index a copy of the run's one
build), a per-test settings folder, and app factory."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def shared_home(home_with_seed_index):
    """One home for the worker's app tests, its cache a copy of the run's one index build
    (each worker built its own before: ~2.5 s of CPU)."""
    return home_with_seed_index("jjj-app-home")


@pytest.fixture(autouse=True)
def isolated_home(shared_home, monkeypatch):
    """Overrides the suite-wide fixture: a worker's app tests share one home (its index copied once)."""
    monkeypatch.setenv("JJJ_BRIEF_HOME", str(shared_home))
    return shared_home


@pytest.fixture
def make_app(tmp_path):
    from jjj_brief.app.main import BriefApp

    def factory(**kwargs):
        kwargs.setdefault("data_dir", tmp_path / "data")
        kwargs.setdefault("resume", False)
        return BriefApp(**kwargs)

    return factory
