"""A hit's snippet on one line: its line breaks (between a fact's quotes, a topic's points)
shown as a dim mark, never as a space, with the lit words where they were."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jjj_brief.app.hit_text import snippet_text
from jjj_brief.app.safe_text import LINE_BREAK_MARK, highlighted_line
from jjj_brief.app.styles import PLAIN
from jjj_brief.search import Hit

QUOTES = "more than 9,500 branches in Tianjin and Hebei\nZhongguancun companies have set up more than 10,000"


def fact_hit(snippet: str, highlights: list[tuple[int, int]]) -> Hit:
    return Hit("fact", "zgc-branches", None, "Branches", "", "", 1.0, 0, len(snippet), snippet, highlights)


def test_two_quotes_of_a_fact_do_not_read_as_one_sentence():
    """Seen in a 160x48 try: "…in Tianjin and Hebei Zhongguancun companies…" read as one
    quote of one source, though they are two quotes of two."""
    lit = QUOTES.index("Zhongguancun")
    shown = snippet_text(fact_hit(QUOTES, [(lit, lit + len("Zhongguancun"))]), PLAIN, width=200, lines=None)
    assert "Hebei Zhongguancun" not in shown.plain
    assert f"Hebei{LINE_BREAK_MARK}Zhongguancun" in shown.plain
    (match,) = [span for span in shown.spans if span.style == PLAIN.match]
    assert shown.plain[match.start : match.end] == "Zhongguancun"


@given(
    text=st.text(alphabet="ab \n", max_size=40),
    cuts=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=4),
)
def test_each_character_is_shown_once_lit_as_it_was(text, cuts):
    spans = [(min(a, b), max(a, b)) for a, b in cuts]
    shown = highlighted_line(text, spans, "bold")
    lit_shown = {i for span in shown.spans if span.style == "bold" for i in range(span.start, span.end)}
    position = 0
    for index, char in enumerate(text):
        if char == "\n":
            assert shown.plain[position : position + len(LINE_BREAK_MARK)] == LINE_BREAK_MARK
            position += len(LINE_BREAK_MARK)
            continue
        assert shown.plain[position] == char
        assert (position in lit_shown) is any(start <= index < end for start, end in spans), (index, text, spans)
        position += 1
    assert position == len(shown.plain)
