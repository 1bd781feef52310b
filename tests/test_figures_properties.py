"""Property tests: the extractor survives any text and keeps its span contract."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jjj_brief.figures import KINDS, extract_figures, figure_at

# Text biased toward what the grammar reacts to: digits, separators, units, words.
_PIECES = st.sampled_from(
    [
        "0", "1", "5", "25", "2014", "20141", "4,394.41", "1,2", "1.2.3", ".", ",", "-", "+",
        " ", " ", "\n", "%", " percent", " per cent", " percentage points", " yuan",
        " billion", " million", " trillion", " times", " hour", "half an ", " kilometers",
        " micrograms of cubic meters", " square meters", "-kilometer-long", "-year-old",
        " more than ", " nearly ", " from ", " to ", " in ", " and ", " the ", "three",
        "ten", "one", "two-photon", "PM", "PM2.5", "5G", "Line ", "No. ", "th", "st",
        "February ", "June ", '"', "“", "”", "'", "(", ")", " branches", " key projects",
        "refused", "The", "GDP", "Wan", " or ", "N", ":", "µg/m3", "\x1b[31m", "\u202e",
    ]
)  # fmt: skip
figure_like_text = st.lists(_PIECES, max_size=60).map("".join)
any_text = st.one_of(st.text(max_size=300), figure_like_text)


def _check_contract(text: str) -> None:
    figures = extract_figures(text)
    previous_end = 0
    for figure in figures:
        assert 0 <= figure.start < figure.end <= len(text)
        assert text[figure.start : figure.end] == figure.text
        assert figure.start >= previous_end, "sorted and non-overlapping"
        assert figure.kind in KINDS
        assert figure.value is None or figure.value == figure.value  # not NaN
        previous_end = figure.end
    for figure in figures[:40]:
        assert figure_at(figures, figure.start) is figure
        figure.to_dict()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_text)
def test_any_text_keeps_the_span_contract(text):
    _check_contract(text)


# Catastrophic backtracking or a quadratic pass would not finish these within the timeout
# (a 1 MB line is 10^12 steps if quadratic). Speed itself is measured in bench/, not here.


@pytest.mark.timeout(120)
@settings(max_examples=25, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=8).map("".join), st.integers(300, 1500))
def test_long_repetitions_keep_the_contract(piece, times):
    _check_contract(piece * times)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("unit", ["1234567890", "1,2,3.4.5-6+7%", "2014-1+ ", "1 + N + ", "4,394.41,"])
def test_a_megabyte_line_of_digits_and_punctuation(unit):
    _check_contract(unit * (1_000_000 // len(unit)))
