"""The tsvector literal of a passage: the builders in :mod:`jjj_brief.team.corpus` mean
exactly what the plain rule says -- every term of our analyzer with its first 255
positions (1-based, capped at 16383, repeats once), lexemes quoted, over-long or
NUL-holding terms left out. The grouped literal is the plain rule's text itself; the fast
one (an entry per occurrence, merged by the server's tsvector input) is read here as the
server reads it, and on a real server (``pg``) cast to the same tsvector."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jjj_brief.search.analyzer import index_terms
from jjj_brief.team.corpus import (
    MAX_LEXEME_BYTES,
    MAX_POSITION,
    MAX_POSITIONS_PER_TERM,
    _grouped_tsvector,
    _tsvector,
)

SERVER_POSITIONS = 256  # a lexeme's positions the server keeps (MAXNUMPOS)
ENTRY = re.compile(r"'((?:[^']|'')*)'(?::([0-9,]+))?(?: |$)")


def _plain_literal(text: str) -> str:
    positions: dict[str, list[int]] = {}
    for term, pos in index_terms(text):
        if len(term.encode("utf-8", "surrogatepass")) > MAX_LEXEME_BYTES or "\x00" in term:
            continue
        at = positions.setdefault(term, [])
        if len(at) < MAX_POSITIONS_PER_TERM:
            at.append(min(pos + 1, MAX_POSITION))
    quoted = ("'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in positions)
    return " ".join(f"{q}:{','.join(map(str, dict.fromkeys(at)))}" for q, at in zip(quoted, positions.values()))


def _as_the_server_reads(literal: str) -> dict[str, list[int]]:
    """A literal as tsvector input takes it: a lexeme's entries merged, its positions
    capped at MAX_POSITION, sorted, repeats dropped, the first SERVER_POSITIONS kept."""
    read: dict[str, set[int]] = {}
    at = 0
    while at < len(literal):
        entry = ENTRY.match(literal, at)
        assert entry is not None, literal[at : at + 80]
        positions = read.setdefault(entry.group(1).replace("''", "'").replace("\\\\", "\\"), set())
        positions.update(min(int(p), MAX_POSITION) for p in (entry.group(2) or "").split(",") if p)
        at = entry.end()
    return {term: sorted(positions)[:SERVER_POSITIONS] for term, positions in read.items()}


WORDS = st.sampled_from(["Beijing", "it's", "a\\b", "PM2.5", "10,000", "x" * 600, "\x00", "Hebei's", "sub-center"])
TEXTS = st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=60).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(TEXTS)
def test_the_grouped_literal_is_the_plain_one(text):
    assert _grouped_tsvector(index_terms(text))[0] == _plain_literal(text)


@settings(max_examples=150, deadline=None)
@given(TEXTS)
def test_the_fast_literal_means_the_plain_one(text):
    literal, kept = _tsvector(text)
    plain = _plain_literal(text)
    assert _as_the_server_reads(literal) == _as_the_server_reads(plain)
    assert sorted(kept) == sorted(_as_the_server_reads(plain))


def test_plain_words_take_the_fast_literal_and_quotes_the_grouped_one():
    assert _tsvector("Beijing and Tianjin, Beijing")[0] == "'beij':1 'tianjin':2 'beij':3"
    assert _tsvector("Hebei's plan")[0] == _plain_literal("Hebei's plan")


@pytest.mark.pg
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.one_of(
        TEXTS, st.lists(st.sampled_from(["capital", "Beijing", "city", "x-y", "10,000"]), max_size=700).map(" ".join)
    )
)
def test_the_server_reads_the_fast_literal_as_the_plain_one(team_db, text):
    from jjj_brief.team.connection import connect

    with connect(team_db, autocommit=True) as conn:
        fast, plain = conn.execute(
            "SELECT %s::tsvector::text, %s::tsvector::text", (_tsvector(text)[0], _plain_literal(text))
        ).fetchone()
    assert fast == plain


def test_many_repeats_keep_the_first_positions_and_the_cap():
    text = " ".join(["capital"] * 300 + [f"w{i}" for i in range(17000)] + ["late", "late"])
    literal = _tsvector(text)[0]
    assert literal == _plain_literal(text)  # more than 255 of one term: the grouped literal
    assert literal.startswith("'capit':1,2,3,") and literal.count(",", 0, literal.index(" ")) == 254
    assert literal.endswith(f"'late':{MAX_POSITION}")  # two positions past the cap: the cap, once
