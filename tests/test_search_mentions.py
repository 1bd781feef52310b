"""Mentions, not words: a phrase or a glossary spelling is one match (issue 13, item 5)."""

from __future__ import annotations

from jjj_brief.commands.libraries import default_library
from jjj_brief.search import match_spans, query_mentions
from jjj_brief.search.concepts import mention_spans
from jjj_brief.search.query import QueryContext, parse

XIONGAN = ["Xiong'an New Area", "Xiongan New Area", "Xiong'an", "Xiongan", "Hebei Xiong'an New Area"]
CONTEXT = QueryContext.build([XIONGAN], [])
TEXT = (
    "京津冀 The Xiong'an New Area grew. Hebei Xiong'an New Area plans. Xiongan, a new city; "
    "new areas elsewhere. The new area of Tianjin and the New Area of Xiongan."
)


def mentions(query: str, text: str = TEXT) -> list[str]:
    return [text[s:e] for s, e in mention_spans(text, parse(query, CONTEXT).terms)]


def test_a_glossary_spelling_is_one_mention():
    assert mentions("Xiongan") == ["Xiong'an New Area", "Hebei Xiong'an New Area", "Xiongan", "Xiongan"]


def test_any_spelling_typed_finds_the_same_mentions():
    assert mentions("xiong'an new area") == mentions("Xiongan") == mentions("Hebei Xiong'an New Area")


def test_a_quoted_phrase_is_one_mention_from_first_to_last_word():
    assert mentions('"new area"') == ["New Area", "New Area", "new areas", "new area", "New Area"]


def test_words_of_an_unquoted_query_each_count():
    assert mentions("Tianjin city") == ["city", "Tianjin"]


def test_spans_are_offsets_into_the_text_after_non_ascii():
    text = "京津冀协同发展 Xiong'an New Area"
    (span,) = mention_spans(text, parse("xiongan", CONTEXT).terms)
    assert span == (text.index("Xiong"), len(text))


def test_nothing_to_find_is_no_mention():
    assert mention_spans(TEXT, set()) == []
    assert mention_spans("", parse("xiongan", CONTEXT).terms) == []
    assert mentions("-xiongan") == []  # an exclusion lights nothing
    assert mentions("Shenzhen") == []


def test_the_corpus_reader_counts_mentions_not_words():
    """The real glossary over a real article: fewer mentions than words lit, each a
    whole spelling (the status used to say 59/68 walking Xiongan, New, Area)."""
    from jjj_brief.corpus import load_corpus

    article = load_corpus(library=default_library()).find("peoples-daily-2024-02-26")
    assert article is not None
    found = query_mentions("Xiongan New Area", article.text, library=default_library())
    words = match_spans("Xiongan New Area", article.text, library=default_library())
    assert 0 < len(found) < len(words)
    texts = {article.text[s:e] for s, e in found}
    assert "Xiongan New Area" in texts and "New" not in texts and "Area" not in texts
    assert all(e <= s2 for (_, e), (s2, _) in zip(found, found[1:])), "mentions never overlap"
