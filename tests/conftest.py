"""Shared fixtures. Every test runs with its own JJJ_BRIEF_HOME, so no test touches the
user's real cache or data, and tests cannot see each other's state."""

from __future__ import annotations

import fcntl
import gc
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE_LIBRARY = Path(__file__).parent / "fixtures" / "library"


@pytest.fixture(autouse=True)
def no_textual_widget_kept_alive():
    """After each test, let go of every widget's render cache that Textual keeps.

    Textual 8.2.8's ``StylesCache.get_inner_outer`` is an ``lru_cache`` on an instance method
    (its first parameter is named ``cls`` but it is not a classmethod): the cache keeps up to
    1,024 StylesCache objects alive, each with the rendered lines of its dead widget. Across a
    worker's few hundred app tests the heap grew by ~20,000 objects a test and every full
    garbage collection scanned them all (tests/app/test_app_shell.py + test_app_views.py,
    -n 0: 26.0 s of CPU, of which ~9.5 s in full collections; 20.6-21.7 s with this and the
    freeze below). The app itself builds its widgets once, so the bound of 1,024 is harmless
    there.
    """
    yield
    styles_cache = sys.modules.get("textual._styles_cache")
    if styles_cache is not None:
        styles_cache.StylesCache.get_inner_outer.cache_clear()


@pytest.fixture(autouse=True)
def isolated_home(request, tmp_path_factory, monkeypatch, shipped_index_cache):
    """This test's own JJJ_BRIEF_HOME. It starts with the shipped corpus's search index already
    in its cache (a copy of one build per run: that build is ~1 s of CPU, and ~140 tests
    searched a fresh home), unless the test is marked ``fresh_index``: a test about building,
    finding or repairing the index must say so and starts with an empty home."""
    home = tmp_path_factory.mktemp("jjj-home")
    if request.node.get_closest_marker("fresh_index") is None:
        shutil.copytree(shipped_index_cache, home / "cache")
    monkeypatch.setenv("JJJ_BRIEF_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def shipped_index_cache(tmp_path_factory) -> Path:
    """The cache folder of a home where ``jjj-brief index`` has run over the shipped seeds and
    briefings. Built once per run by the first pytest-xdist worker to get here (under a lock);
    the others wait for it and share it read-only (each test copies it)."""
    return _index_built_once(tmp_path_factory, "shipped-index", engine=None)


@pytest.fixture(scope="session")
def home_with_seed_index(tmp_path_factory, shipped_index_cache):
    """``make(name, engine=None)``: a new home whose cache is a copy of the run's one build of
    the shipped corpus's index (by ``engine``, or the default). For the module- and
    session-wide homes of the search tests: each built its own, in each worker (~2.5 s of
    CPU a build)."""

    def make(name: str, engine: str | None = None) -> Path:
        if engine in (None, "whoosh"):  # the shipped build's engine (5 articles: Whoosh)
            cache = shipped_index_cache
        else:
            cache = _index_built_once(tmp_path_factory, f"{engine}-index", engine)
        home = tmp_path_factory.mktemp(name)
        shutil.copytree(cache, home / "cache")
        return home

    return make


def _index_built_once(tmp_path_factory, name: str, engine: str | None) -> Path:
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's base folder, common to all workers
    root = shared / name
    root.mkdir(exist_ok=True)
    cache = root / "home" / "cache"
    with open(root / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (cache / "search" / "CURRENT").exists():
            shutil.rmtree(root / "home", ignore_errors=True)  # a failed attempt by another worker
            env = {**os.environ, "JJJ_BRIEF_HOME": str(root / "home")}
            if engine is not None:
                env["JJJ_BRIEF_SEARCH_ENGINE"] = engine
            built = subprocess.run(
                [sys.executable, "-m", "jjj_brief", "index"], env=env, capture_output=True, text=True, timeout=300
            )
            assert built.returncode == 0 and (cache / "search" / "CURRENT").exists(), built.stderr[-3000:]
    return cache


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


# ---------------------------------------------------------------- scheduling: long tests first
# The suite runs on 2 cores (`pytest -n auto`). A test of a minute started last leaves the
# other core idle for that minute. So modules run in the order of their longest test (seconds,
# from slowest_test_per_module.json; refresh it with `--save-slowest PATH`), longest first;
# tests keep their order inside a module, so a module's fixtures are still built once per
# worker; a module not in the file runs after the known ones, in file order. With
# `--maxschedchunk=1` (pyproject's addopts) pytest-xdist hands out one test at a time to
# whichever worker is free, so the short tests at the end fill the gaps.
SLOWEST_TEST_PER_MODULE = Path(__file__).parent / "slowest_test_per_module.json"
SHARED_BUILD_FIXTURE = "hostile_import"  # tests/faults/conftest.py: built by the first worker to ask


def _module_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def pytest_xdist_auto_num_workers(config):
    """``-n auto``: one worker more than the cores this process may use.

    Many tests wait: on a subprocess (the CLI, a killed import), on an app under tmux, on a
    file's fsync, on a thread. With one worker per core, each wait left its core idle: on
    2 cores the machine was ~87 % busy through the run (a /proc/stat sampler). A third worker
    fills those waits: in one idle window, 312.7 s with 2 workers and 292.5 s with 3, for the
    same CPU (``python bench/bench_suite.py --json [-- -n 3]``). ``PYTEST_XDIST_AUTO_NUM_WORKERS``
    still decides when set (pytest-xdist reads it)."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    return len(os.sched_getaffinity(0)) + 1


def pytest_addoption(parser):
    parser.addoption(
        "--save-slowest",
        metavar="PATH",
        help="write each test module's longest test (setup + call + teardown, seconds) as JSON to PATH",
    )


def pytest_collection_finish(session):
    """Everything alive once the tests are collected (modules, test items, fixtures' code)
    lives to the end: move it out of the garbage collector's sight, so each full collection
    scans what the tests create, not the whole test run's scaffolding."""
    gc.freeze()


def pytest_collection_modifyitems(config, items):
    known = SLOWEST_TEST_PER_MODULE
    slowest = json.loads(known.read_text(encoding="utf-8")) if known.exists() else {}
    items.sort(key=lambda item: -slowest.get(_module_of(item.nodeid), 0.0))  # a stable sort: file order within
    # The first test to ask for a fixture built once per run for all workers (the hostile
    # batch import, ~10 s) goes first: its worker builds it from the start while the other
    # runs other tests. When it came with its module, the second worker reached the module's
    # next test while the build ran and waited for it (4.9 s idle, in the last idle run).
    for index, item in enumerate(items):
        if SHARED_BUILD_FIXTURE in getattr(item, "fixturenames", ()):
            items.insert(0, items.pop(index))
            break


def pytest_configure(config):
    if not hasattr(config, "workerinput"):  # the controller, once per run
        _compile_package()
    # Keep pytest's assertion-rewritten test modules (tests/**/__pycache__, git-ignored) even
    # where PYTHONDONTWRITEBYTECODE is set, as _compile_package keeps the package's: otherwise
    # every worker rewrites and compiles all ~110 test modules on every run. Collection,
    # measured with the variable set (`pytest --collect-only`, twice each): 5.5-6.0 s of CPU
    # without the cache, 2.1-2.2 s with it. Only this process is affected, not the CLI
    # processes the tests start (they inherit the environment as it is).
    sys.dont_write_bytecode = False
    target = config.getoption("--save-slowest")
    if target and not hasattr(config, "workerinput"):  # the controller sees every worker's reports
        config.pluginmanager.register(_SlowestTests(Path(target)), "save-slowest")


def _compile_package() -> None:
    """Byte-compile jjj_brief once, before any test. Hundreds of tests start the CLI as a
    child process; where ``PYTHONDONTWRITEBYTECODE`` is set (some shells and CI images set
    it), each child compiled every module it imported from source. Python still reads a
    compiled file that is there. Measured (4 CLI-heavy modules, -n 0, in turns): 33.8 s of
    CPU without, 29.8 s with. Up-to-date files are skipped; a read-only tree is left as is."""
    import compileall

    package = Path(__file__).resolve().parent.parent / "tui" / "jjj_brief"
    compileall.compile_dir(str(package), quiet=2)


class _SlowestTests:
    """Seconds per test (its setup, call and teardown), and each module's longest, written at the end."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.seconds: dict[str, float] = {}

    def pytest_runtest_logreport(self, report):
        self.seconds[report.nodeid] = self.seconds.get(report.nodeid, 0.0) + report.duration

    def pytest_sessionfinish(self, session):
        longest: dict[str, float] = {}
        for nodeid, seconds in self.seconds.items():
            module = _module_of(nodeid)
            longest[module] = max(longest.get(module, 0.0), round(seconds, 1))
        ranked = dict(sorted(longest.items(), key=lambda kv: (-kv[1], kv[0])))
        partial = self.target.with_suffix(".tmp")
        partial.write_text(json.dumps(ranked, indent=1) + "\n", encoding="utf-8")
        partial.replace(self.target)
