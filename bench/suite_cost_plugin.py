"""A pytest plugin for bench/bench_suite.py (not a test): each test's CPU and wall, one JSON
line per test appended to the file named by ``SUITE_COST_OUT``.

CPU is this worker process's own (all its threads) plus every child process it waited for
during the test (``RUSAGE_CHILDREN``: the CLI runs, imports and app subprocesses a test
starts). A daemon a test leaves running (a PostgreSQL server) is not counted.
"""

from __future__ import annotations

import json
import os
import resource
import time

import pytest


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    target = os.environ.get("SUITE_COST_OUT")
    cpu, wall = _cpu_seconds(), time.monotonic()
    yield
    if target:
        line = {
            "test": item.nodeid,
            "cpu": round(_cpu_seconds() - cpu, 3),
            "wall": round(time.monotonic() - wall, 3),
            "worker": os.environ.get("PYTEST_XDIST_WORKER", "-"),
        }
        with open(target, "a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")
