"""The one analyzer: what counts as the same word for indexing, querying and highlighting."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jjj_brief.commands.libraries import default_library
from jjj_brief.search.analyzer import analyze, terms, words_key


def same_terms(a: str, b: str) -> bool:
    return set(terms(a)) & set(terms(b)) == set(terms(b))


def test_asterisks_are_not_part_of_words():
    assert "wilcox" in terms("Beijing Babcock Wilcox*** will build")


def test_apostrophe_variants_fold_together():
    forms = ["Xiong’an", "Xiong'an", "Xiongan", "Xiong‘an", "XIONGAN"]
    assert len({tuple(terms(form)) for form in forms}) == 1


def test_possessive_does_not_change_the_word():
    assert terms("Beijing’s") == terms("Beijing") == terms("beijing's")


def test_hyphenated_closed_and_british_compounds_match():
    closed = terms("subcenter")[0]
    for form in ("sub-center", "Sub-Center", "sub-centre", "sub-centers"):
        assert closed in terms(form), form


def test_compound_parts_are_searchable_and_consecutive():
    tokens = analyze("the Beijing-Tianjin-Hebei region")
    parts = [t for t in tokens if t.term in ("beij", "tianjin", "hebei")]
    assert [t.pos for t in parts] == [0, 1, 2]
    spaced = analyze("Beijing, Tianjin and Hebei")
    assert [t.term for t in spaced] == [t.term for t in parts]


def test_numbers_stay_whole():
    assert "10000" in terms("more than 10,000 branches") and "10000" in terms("10000")
    assert "38.6" in terms("38.6 micrograms")
    assert "pm2.5" in terms("PM2.5 dropped")
    assert terms("22 million")[:2] == ["22", "million"]
    assert "2023" in terms("In 2023, the port")


def test_stemming_joins_inflections():
    assert len({terms(w)[0] for w in ("relieve", "relieving", "relieved")}) == 1


def test_offsets_point_at_the_surface_word():
    text = "The Beijing sub-center, Xiong’an."
    for token in analyze(text):
        surface = text[token.start : token.end]
        assert surface and not surface[0].isspace() and "*" not in surface
    assert {text[t.start : t.end] for t in analyze(text)} >= {"sub-center", "sub", "center", "Xiong’an"}


def test_names_share_a_key_whatever_the_spelling():
    assert words_key("Beijing-Tianjin-Hebei") == words_key("Beijing, Tianjin and Hebei")
    assert words_key("Xiong’an") == words_key("xiongan")


@given(st.text(max_size=300))
def test_any_text_analyzes_with_valid_offsets(text):
    for token in analyze(text):
        assert 0 <= token.start < token.end <= len(text)
        assert token.term


@given(st.text(alphabet=st.sampled_from(list("ab’'-.,1 2\n*Xé丨")) | st.characters(), max_size=120))
def test_the_fast_indexing_path_agrees_with_the_analyzer(text):
    from jjj_brief.search.analyzer import _terms_and_positions

    assert list(_terms_and_positions(text)) == [(t.term, t.pos) for t in analyze(text)]


def test_han_text_is_indexed_as_overlapping_bigrams():
    tokens = analyze("京津冀协同发展, 北")
    assert [t.term for t in tokens] == ["京津", "津冀", "冀协", "协同", "同发", "发展", "北"]
    assert [t.pos for t in tokens] == list(range(7))
    assert [(t.start, t.end) for t in tokens[:2]] == [(0, 2), (1, 3)]


def test_a_chinese_query_finds_a_longer_chinese_run(tmp_path):
    from jjj_brief import imports
    from jjj_brief.search import search

    note = tmp_path / "cn.txt"
    note.write_text("推动京津冀协同发展走深走实。\n", encoding="utf-8")
    imports.add_files([str(note)])
    assert search("京津冀 kind:passage", library=default_library()).total == 1
    assert search("协同发展", library=default_library()).hits[0].snippet.startswith("推动")
    assert search("冀京 kind:passage", library=default_library()).total == 0


@given(
    st.text(alphabet=st.sampled_from(list("ab’'-.,1 2\nXé京津")) | st.characters(), max_size=120),
    st.sets(st.sampled_from(["a", "b", "ab", "2", "京津", "x"]), max_size=3),
)
def test_highlighting_agrees_with_the_analyzer(text, wanted):
    from jjj_brief.search.api import spans_for_terms

    tokens = analyze(text)
    terms = {(t,) for t in wanted}
    expected = sorted({(t.start, t.end) for t in tokens if t.term in wanted})
    merged: list[tuple[int, int]] = []
    for start, end in expected:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    assert spans_for_terms(text, terms) == merged


@given(st.lists(st.sampled_from(["new", "area", "xiong'an", "sub-center", "sub", "center", "of", "x"]), max_size=12))
def test_glossary_terms_mark_exactly_the_phrase_occurrences(words):
    from jjj_brief.search.analyzer import IndexAnalyzer, glossary_term

    phrases = [("xiongan", "new", "area"), ("sub", "center"), ("subcent", "new")]
    text = " ".join(words)
    plain = analyze(text)
    at: dict[int, set[str]] = {}
    for token in plain:
        at.setdefault(token.pos, set()).add(token.term)
    expected = sorted(
        (glossary_term(p), pos) for p in phrases for pos in at if all(w in at.get(pos + i, ()) for i, w in enumerate(p))
    )
    marked = [pair for pair in IndexAnalyzer(phrases).index_terms(text) if pair[0].startswith("§")]
    assert sorted(marked) == expected
    assert not [pair for pair in IndexAnalyzer().index_terms(text) if pair[0].startswith("§")]


def test_an_analyzer_sent_to_a_worker_process_marks_the_same_glossary_terms():
    import pickle

    from jjj_brief.search.analyzer import IndexAnalyzer

    analyzer = IndexAnalyzer([("sub", "center"), ("xiongan", "new", "area")])
    text = "Xiong'an New Area and the sub-center"
    copy = pickle.loads(pickle.dumps(analyzer))  # what a build's worker processes get with their tasks
    marked = [pair for pair in copy.index_terms(text) if pair[0].startswith("§")]
    assert copy.index_terms(text) == analyzer.index_terms(text)
    assert sorted(term for term, _ in marked) == ["§sub center", "§xiongan new area"]
