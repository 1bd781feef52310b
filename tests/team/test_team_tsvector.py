"""The tsvector literal of a passage (no server needed): the fast builder in
:mod:`jjj_brief.team.corpus` gives exactly what the plain rule gives -- every term of our
analyzer with its first 255 positions (1-based, capped at 16383, repeats once), lexemes
quoted, over-long or NUL-holding terms left out."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from jjj_brief.search.analyzer import index_terms
from jjj_brief.team.corpus import MAX_LEXEME_BYTES, MAX_POSITION, MAX_POSITIONS_PER_TERM, _tsvector


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


WORDS = st.sampled_from(["Beijing", "it's", "a\\b", "PM2.5", "10,000", "x" * 600, "\x00", "Hebei's", "sub-center"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=60))
def test_the_fast_literal_is_the_plain_one(words):
    text = " ".join(words)
    assert _tsvector(text)[0] == _plain_literal(text)


def test_many_repeats_keep_the_first_positions_and_the_cap():
    text = " ".join(["capital"] * 300 + [f"w{i}" for i in range(17000)] + ["late", "late"])
    literal = _tsvector(text)[0]
    assert literal == _plain_literal(text)
    assert literal.startswith("'capit':1,2,3,") and literal.count(",", 0, literal.index(" ")) == 254
    assert literal.endswith(f"'late':{MAX_POSITION}")  # two positions past the cap: the cap, once
