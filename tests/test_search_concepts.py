"""A hit's concepts read in one pass: :func:`read_hit` and :func:`held_concepts` give, on wild
text and queries, what reading every token gave (:func:`term_spans` over :func:`iter_tokens`,
and every term's positions)."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from jjj_brief.search.analyzer import _terms_and_positions, iter_tokens
from jjj_brief.search.concepts import _has_sequence, held_concepts, read_hit, term_spans
from jjj_brief.search.query import parse

# Words that stem together, compounds, stop words, CJK runs, numbers, apostrophes.
_WORDS = ["Beijing", "Tianjin", "Hebei", "Beijing-Tianjin-Hebei", "sub-center", "subcenter", "the", "and", "of"]
_WORDS += ["relieve", "relieving", "relieved", "Xiong’an", "Xiongan", "PM2.5", "10,000", "38.6", "北京天津", "京津冀"]
_WORDS += ["协同", "centre", "center", "New", "Area", "a-the", "re-use", "1-2", "Co.", "non-capital", "functions"]
_TEXT = st.lists(st.sampled_from(_WORDS) | st.text(max_size=4), max_size=40).map(" ".join)
_QUERY = st.lists(
    st.sampled_from(_WORDS + ['"Beijing Tianjin"', '"New Area"', "OR", "-", "pm2.5"]), min_size=1, max_size=4
)


def _reference_spans(body, parsed, loose):
    tokens = list(iter_tokens(body))
    return [
        term_spans(tokens, c.terms | c.loose_terms if loose else c.terms) if c.terms else [] for c in parsed.concepts
    ]


def _reference_held(body, parsed, loose):
    positions: dict[str, set[int]] = {}
    for term, pos in _terms_and_positions(body):
        positions.setdefault(term, set()).add(pos)
    return [
        any(_has_sequence(positions, seq) for seq in (c.terms | c.loose_terms if loose else c.terms))
        for c in parsed.concepts
    ]


@settings(max_examples=200, deadline=None)
@given(body=_TEXT, words=_QUERY, loose=st.booleans())
@example(body="Beijing-Tianjin-Hebei and the Xiong'an New Area", words=['"Beijing Tianjin"', "Area"], loose=False)
@example(body="relieving the non-capital functions of Beijing", words=["relieve", "capital", "Hebei"], loose=True)
@example(body="北京天津 京津冀 协同", words=["京津冀", "北京"], loose=False)
@example(body="the new sub-center", words=['"new subcenter"'], loose=False)  # a closed form in a phrase
def test_one_pass_reads_the_concepts_every_token_gave(body, words, loose):
    parsed = parse(" ".join(words))
    if parsed.query is None:
        return
    reading = read_hit(body, parsed, None, loose=loose)
    spans = [reading.spans[i] for i in range(len(parsed.concepts))]
    assert spans == _reference_spans(body, parsed, loose)
    assert reading.held == [bool(s) for s in spans]
    held, valid = held_concepts(body, parsed, None, loose=loose)
    assert held == _reference_held(body, parsed, loose) == reading.held
    assert valid
