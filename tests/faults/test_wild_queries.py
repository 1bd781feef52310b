"""Item 2 — wild queries (hypothesis) into the search API and the CLI: never an exception,
always an answer (hits, or none and a message), within a time bound; the worst case is
recorded for the report."""

from __future__ import annotations

import json
import time

import pytest
from fault_tools import QUERY_BOUND_S, SCALE, WALL_BACKSTOP_S, Cost, cli_env, record, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jjj_brief.cli import main
from jjj_brief.commands.libraries import default_library
from jjj_brief.search import ensure_index, match_spans, search

OPERATORS = [
    "OR",
    "AND",
    "NOT",
    "-",
    "+",
    "TO",
    "*",
    "?",
    "~",
    "^",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    '"',
    "'",
    ":",
    "..",
    "\\",
    "/",
    "!",
    "&&",
    "||",
]
FIELDS = [
    "outlet:",
    "year:",
    "article:",
    "topic:",
    "kind:",
    "body:",
    "title:",
    "import_key:",
    "start:",
    "nofield:",
    "year:2023..",
    "year:..2024",
    "year:9999999999999999999..1",
    "kind:fact",
]
WORDS = [
    "Beijing",
    "Xiong'an",
    "Xiong’an",
    "sub-center",
    "10,000",
    "PM2.5",
    "22 million",
    "relieving",
    "Jing-Jin-Ji",
    "Caofeidian",
    "the",
    "a",
    "zzzz",
    "é",
    "北京",
    "🙂",
]

token = st.one_of(
    st.sampled_from(OPERATORS),
    st.sampled_from(FIELDS),
    st.sampled_from(WORDS),
    st.text(min_size=1, max_size=12),  # any unicode, controls included
    st.sampled_from(["\udcff", "\udc9b2J", "\ud800", "a\udfffb"]),  # undecodable argv bytes
    st.builds(lambda w: w + "*", st.sampled_from(WORDS)),
    st.builds(lambda w: '"' + w, st.sampled_from(WORDS)),
)
wild_query = st.one_of(
    st.lists(token, max_size=30).map(" ".join),
    st.lists(token, max_size=30).map("".join),
    st.text(max_size=300),
    st.builds(lambda w, n: (w + " ") * n, st.sampled_from(WORDS + OPERATORS + FIELDS), st.integers(50, 700)),
)

_WORST = {"api": 0.0, "cli": 0.0}
_COUNT = {"api": 0, "cli": 0}


@pytest.fixture(scope="module")
def built_index(home_with_seed_index):
    return home_with_seed_index("wild-home")


@pytest.fixture
def ready(built_index, in_home):
    in_home(built_index)
    ensure_index(library=default_library())


def _timed_search(query: str):
    with Cost() as cost:
        result = search(query, limit=10, library=default_library())
    assert cost.wall < WALL_BACKSTOP_S, (query[:100], cost.wall)
    _WORST["api"] = max(_WORST["api"], cost.cpu)
    _COUNT["api"] += 1
    return result, cost.cpu


@settings(max_examples=150 * SCALE, deadline=None, suppress_health_check=list(HealthCheck))
@given(query=wild_query)
def test_any_query_gives_an_answer_in_bounded_time(ready, query):
    result, took = _timed_search(query)
    assert took < QUERY_BOUND_S, (query[:100], took)
    assert result.total >= len(result.hits) >= 0
    assert result.hits or result.message or result.total == 0
    assert not (result.message or "").startswith("search failed"), result.message
    for hit in result.hits:
        for start, end in hit.highlights:
            assert 0 <= start < end <= len(hit.snippet)
    match_spans(query, "Beijing, Tianjin and Hebei: 10,000 jobs moved to Xiong'an.", library=default_library())


def test_record_api_worst_case(ready):
    """Reports the API worst case (runs after the property test in this module)."""
    result, took = _timed_search("a* " * 400)
    assert took < QUERY_BOUND_S
    record("wild queries", attacks=_COUNT["api"], worst_query_s=_WORST["api"], note="search() API, hypothesis")


@settings(max_examples=40 * SCALE, deadline=None, suppress_health_check=list(HealthCheck))
@given(query=wild_query)
def test_any_query_through_the_cli_exits_cleanly(ready, query, capsys):
    query = query.replace("\x00", "")  # argv cannot hold NUL
    with Cost() as cost:
        code = main(["search", "--json", "--", query or " "])
    took = cost.cpu
    assert cost.wall < WALL_BACKSTOP_S, (query[:100], cost.wall)
    _WORST["cli"] = max(_WORST["cli"], took)
    _COUNT["cli"] += 1
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    assert "Traceback" not in err
    if code == 0:
        data = json.loads(out)
        assert set(data) >= {"query", "parsed", "total", "suggestion", "hits"}
    assert took < QUERY_BOUND_S


def test_wild_argv_in_real_processes(ready, built_index):
    """Bytes that are not UTF-8, option-looking words and huge argv, as a shell passes them."""
    env = cli_env(JJJ_BRIEF_HOME=str(built_index))
    queries = [
        b"\xff\xfe",
        b"beijing \xc3(",
        b"--help",
        b"-",
        b"--",
        b"-x beijing",
        ("x" * 20_000).encode(),
        b"\x1b]0;pwned\x07",
        "北京 OR ‘Xiong’an’".encode(),
    ]
    import subprocess
    import sys

    worst = 0.0
    for raw in queries:
        for extra in ([], ["--json"]):
            started = time.perf_counter()
            proc = subprocess.run(
                [sys.executable.encode(), b"-m", b"jjj_brief", b"search", *[e.encode() for e in extra], b"--", raw],
                capture_output=True,
                env=env,
                timeout=60,
            )
            worst = max(worst, time.perf_counter() - started)
            assert proc.returncode in (0, 1), proc.stderr[-500:]
            assert b"Traceback" not in proc.stderr
            assert b"\x1b]0;pwned" not in proc.stdout + proc.stderr
            if extra and proc.returncode == 0:
                json.loads(proc.stdout)
    record(
        "wild queries",
        attacks=len(queries) * 2 + _COUNT["cli"],
        worst_query_s=max(_WORST["cli"], 0.0),
        note=f"CLI: in-process hypothesis + real argv bytes (process worst {worst:.2f} s incl. start-up)",
    )


def test_a_query_cannot_be_read_as_an_option(ready):
    proc = run_cli("search", "--help.txt")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
