"""The prose rules behind `jjj-brief check` (jjj_brief.briefings.traceability)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jjj_brief.briefings import traceability as trace
from jjj_brief.commands.libraries import default_library
from jjj_brief.corpus import load_corpus


def _cited(article_id: str, *quotes: str) -> trace.Cited:
    article = load_corpus(library=default_library()).get(article_id)
    cited = trace.Cited()
    for quote in quotes:
        at = article.text.index(quote)
        cited.quotes.append((article, at, at + len(quote)))
    return cited


def test_a_quoted_phrase_must_be_printed_in_a_cited_passage():
    cited = _cited("peoples-daily-2024-02-26", 'can be "integrated into the city"')
    assert list(trace.unquoted_phrase_problems('services "integrated into the city"', cited)) == []
    assert list(trace.unquoted_phrase_problems("services “Integrated into the City”", cited)) == []
    assert len(list(trace.unquoted_phrase_problems('work "as if in the same city"', cited))) == 1


def test_ellipsis_splits_a_quote_and_chinese_originals_are_exempt():
    cited = _cited("liaowang-2024", "will increase by 5 percent over the previous year5 per cent")
    assert list(trace.unquoted_phrase_problems('growth "5 percent ... 5 per cent"', cited)) == []
    assert list(trace.unquoted_phrase_problems("the key link “牛鼻子”", cited)) == []
    assert list(trace.unquoted_phrase_problems("People's Daily's figures", cited)) == []  # an apostrophe


def test_an_outlet_named_must_be_cited():
    corpus = [a for a in load_corpus(library=default_library()) if a.source == "seed"]
    cited = _cited("xinhua-2023-02-25", "The land of Gyeonggi, the grand plan is drawn.")
    assert list(trace.outlet_problems("Xinhua says so.", cited, corpus)) == []
    problems = list(trace.outlet_problems("Xinhua says so; CCTV agrees.", cited, corpus))
    assert len(problems) == 1 and "CCTV" in problems[0]
    names = trace.outlet_names(load_corpus(library=default_library()).get("liaowang-2024"))
    assert "Liaowang" in names and "Outlook Weekly" in names


def test_an_outlet_named_by_its_short_name_must_be_cited():
    """ "China News" is China News Service, as "Xinhua" is Xinhua News Agency."""
    corpus = [a for a in load_corpus(library=default_library()) if a.source == "seed"]
    cited = _cited("xinhua-2023-02-25", "The land of Gyeonggi, the grand plan is drawn.")
    problems = list(trace.outlet_problems("Both agree (China News).", cited, corpus))
    assert len(problems) == 1 and "China News" in problems[0]
    assert "China News" in trace.outlet_names(load_corpus(library=default_library()).get("chinanews-2024-02-27"))


def test_ordinals_are_traced_in_words_or_digits_and_idioms_are_not_ordinals():
    cited = _cited("xinhua-2023-02-25", "a summary of the 9th anniversary")
    assert list(trace.ordinal_problems("its ninth anniversary", cited)) == []
    assert len(list(trace.ordinal_problems("its tenth anniversary", cited))) == 1
    assert trace.ordinals("Planning came first, transportation first.") == []


def test_explanations_may_add_up_printed_figures():
    values = trace.derived_values([312.0, 373.0, 4376.07e9, 1673.73e9, 4394.41e9])
    assert 685.0 in values and 61.0 in values
    assert any(abs(v - 10444.21e9) < 1 for v in values)


@given(st.text(max_size=300))
def test_the_prose_rules_never_raise_on_wild_text(text):
    cited = trace.Cited()
    list(trace.unquoted_phrase_problems(text, cited))
    list(trace.ordinal_problems(text, cited))
    trace.split_sentences(text)
