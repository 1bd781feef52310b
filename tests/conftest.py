"""Shared fixtures. Every test runs with its own JJJ_BRIEF_HOME, so no test touches the
user's real cache or data, and tests cannot see each other's state."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURE_LIBRARY = Path(__file__).parent / "fixtures" / "library"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("jjj-home")
    monkeypatch.setenv("JJJ_BRIEF_HOME", str(home))
    return home


@pytest.fixture
def library(isolated_home):
    """A Library of its own for this test: the shipped seeds and briefings, this test's home.
    Pass it to the core (``compare_fact(id, library)``, ``library.search.search(q)``...)."""
    from jjj_brief.library import Library

    built = Library()
    yield built
    built.close()


@pytest.fixture
def fixture_library(isolated_home):
    """A Library over ``tests/fixtures/library``: two short articles (one prints the other's
    45 million tonnes as 4.5) and one curated fact about them. No shipped data."""
    from jjj_brief.library import Library, LibraryPaths

    built = Library(LibraryPaths.current(seeds=FIXTURE_LIBRARY / "seeds", briefings=FIXTURE_LIBRARY / "briefings"))
    yield built
    built.close()


class NetworkAttempt(RuntimeError):
    """Raised when code under test tries to open a network connection."""


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """jjj-brief never touches the network: any outbound IP connection fails the test.

    Unix-domain sockets (asyncio's self-pipe, tmux) are allowed; IPv4/IPv6 are not,
    loopback included.
    """
    import socket

    attempts: list[object] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded(real):
        def connect(self, address):
            if self.family in (socket.AF_INET, socket.AF_INET6):
                attempts.append(address)
                raise NetworkAttempt(f"network connection attempted to {address!r}")
            return real(self, address)

        return connect

    monkeypatch.setattr(socket.socket, "connect", guarded(real_connect))
    monkeypatch.setattr(socket.socket, "connect_ex", guarded(real_connect_ex))
    yield attempts
    assert not attempts, f"code tried to reach the network: {attempts}"
