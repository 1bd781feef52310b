"""Search over the seed corpus: hits point at the right characters, the query language
behaves, and no input makes it raise."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jjj_brief.cli import main
from jjj_brief.commands.libraries import default_library
from jjj_brief.corpus import load_corpus
from jjj_brief.search import ensure_index, match_spans, search
from jjj_brief.search.analyzer import terms as analyzed_terms

JSON_HIT_KEYS = {
    "kind",
    "article",
    "file",
    "title",
    "outlet",
    "date",
    "score",
    "start",
    "end",
    "snippet",
    "highlights",
    "parts",
    "match",
    "missing",
    "reasons",
}


@pytest.fixture(scope="session")
def seed_index_home(home_with_seed_index):
    """One real seed index per test session (read-only users share it)."""
    return home_with_seed_index("search-home")


@pytest.fixture
def indexed(seed_index_home, monkeypatch):
    monkeypatch.setenv("JJJ_BRIEF_HOME", str(seed_index_home))
    ensure_index(library=default_library())
    return load_corpus(refresh=True, library=default_library())


def articles_of(result) -> list[str]:
    return list(dict.fromkeys(hit.article for hit in result.hits if hit.kind == "passage"))


def test_hits_point_into_the_article_text(indexed):
    result = search("sub-center kind:passage", limit=50, library=default_library())
    assert result.total >= 10 and result.hits
    for hit in result.hits:
        article = indexed.get(hit.article)
        assert hit.file == article.file
        passage = article.text[hit.start : hit.end]
        assert passage == article.paragraph_at(hit.start).text
        snippet_at = hit.highlight_spans_in_article()
        assert " … ".join(article.text[a:b] for a, b in hit.parts) == hit.snippet
        assert all(hit.start <= a < b <= hit.end for a, b in hit.parts)
        assert hit.snippet_start == hit.parts[0][0]
        for (s, e), (a, b) in zip(hit.highlights, snippet_at):
            assert hit.snippet[s:e] == article.text[a:b]
        lit_terms = {t for s, e in hit.highlights for t in analyzed_terms(hit.snippet[s:e])}
        assert "subcent" in lit_terms  # the glossary may light other spellings too


def test_results_are_ranked_and_limited(indexed):
    result = search("Xiongan", limit=5, library=default_library())
    assert len(result.hits) == 5 and result.total > 5
    scores = [hit.score for hit in result.hits]
    assert scores == sorted(scores, reverse=True)


def test_asterisked_name_is_found(indexed):
    result = search("wilcox", library=default_library())
    assert articles_of(result) == ["liaowang-2024"]
    assert "Wilcox" in result.hits[0].snippet


def test_spelling_variants_find_the_same_passages(indexed):
    totals = {q: search(q, limit=200, library=default_library()).total for q in ("Xiong’an", "Xiong'an", "Xiongan")}
    assert len(set(totals.values())) == 1 and totals["Xiongan"] > 20


def test_phrase_is_stricter_than_words(indexed):
    words = search("22 million", limit=100, library=default_library())
    phrase = search('"22 million"', limit=100, library=default_library())
    assert 0 < phrase.total <= words.total
    assert all(re.search(r"22 million", hit.snippet) for hit in phrase.hits)


def test_or_not_and_negation(indexed):
    either = search("Caofeidian OR Zhangjiakou", limit=200, library=default_library()).total
    one = search("Caofeidian", limit=200, library=default_library()).total
    other = search("Zhangjiakou", limit=200, library=default_library()).total
    assert max(one, other) <= either <= one + other
    assert (
        search("Caofeidian -Zhangjiakou", limit=200, library=default_library()).total
        == search("Caofeidian NOT Zhangjiakou", limit=200, library=default_library()).total
    )
    without = search("Caofeidian -Zhangjiakou", limit=200, library=default_library())
    assert all("zhangjiakou" not in analyzed_terms(hit.snippet) for hit in without.hits)


def test_prefix_finds_inflections(indexed):
    result = search("coordinat*", limit=5, library=default_library())
    assert result.total > 50
    assert any(hit.highlights for hit in result.hits)


def test_filters(indexed):
    assert set(articles_of(search("Beijing outlet:xinhua", limit=100, library=default_library()))) == {
        "xinhua-2023-02-25"
    }
    in_2023 = set(articles_of(search("Beijing year:2023", limit=300, library=default_library())))
    assert in_2023 == {"cctv-2023-02-27", "xinhua-2023-02-25"}
    both = set(articles_of(search("Beijing year:2023..2024", limit=300, library=default_library())))
    assert both == {a.id for a in indexed}
    only = search("Tianjin article:002_5e612514b09793f5", limit=100, library=default_library())
    assert set(articles_of(only)) == {"chinanews-2024-02-27"}
    assert all(hit.kind == "passage" for hit in search("Beijing kind:passage", library=default_library()).hits)


def test_grouping_gives_one_hit_per_article(indexed):
    result = search("Xiongan", group_by_article=True, limit=100, library=default_library())
    keys = [(hit.kind, hit.article) for hit in result.hits]
    assert len(set(keys)) == len(keys) == result.total
    assert len(articles_of(result)) == 5


def test_did_you_mean_offers_corpus_words(indexed):
    result = search("Zhangjiakuo", library=default_library())
    assert result.total == 0
    assert result.suggestion and "Zhangjiakou".casefold() in result.suggestion.casefold()
    assert search(result.suggestion, library=default_library()).total > 0


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        "OR",
        "NOT",
        "-",
        "AND OR NOT",
        "foo:bar",
        "year:abc",
        "kind:nonsense",
        "((((",
        "*",
        "**",
        '""',
        "outlet:",
        "year:1..99999",
        "\x00\x1b[31m",
        "x" * 3000,
        "a OR",
        "OR b",
        "-" * 50,
        "topic:",
        'outlet:"unclosed',
        "article:nope beijing",
    ],
)
def test_awkward_queries_give_results_or_a_message(indexed, query):
    result = search(query, library=default_library())
    assert isinstance(result.total, int)
    assert result.hits or result.message or result.total == 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=200))
def test_search_never_raises(indexed, query):
    result = search(query, limit=3, library=default_library())
    json.dumps(result.to_dict())


def test_match_spans_light_the_terms_in_a_whole_article(indexed):
    article = indexed.get("cctv-2023-02-27")
    spans = match_spans("Xiongan sub-centre", article.text, library=default_library())
    lit = {article.text[s:e] for s, e in spans}
    assert "Xiong’an" in lit and "sub-center" in lit


def test_cli_search_json(indexed, capsys):
    assert main(["search", "Caofeidian", "--limit", "3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"query", "parsed", "total", "suggestion", "hits"} <= set(data)
    assert data["hits"] and all(set(hit) == JSON_HIT_KEYS for hit in data["hits"])
    for hit in data["hits"]:
        lit = [hit["snippet"][s:e].casefold() for s, e in hit["highlights"]]
        assert "caofeidian" in lit


def test_cli_search_text_shows_hits(indexed, capsys):
    assert main(["search", "Wilcox"]) == 0
    out = capsys.readouterr().out
    assert "liaowang-2024" in out and "Wilcox" in out


@pytest.mark.fresh_index
def test_cli_index_reports_what_it_did(capsys):
    assert main(["index", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["action"] == "built" and first["documents"] > 100
    assert main(["index", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["action"] == "reused"
    assert main(["index", "--rebuild"]) == 0
    assert "rebuilt" in capsys.readouterr().out


def test_glossary_alternatives_covered_by_a_word_are_not_searched_twice():
    from whoosh import query as wq

    from jjj_brief.search.query import prune_variants

    kept = prune_variants(
        [
            wq.Term("body", "xiongan"),
            wq.Phrase("body", ["xiongan", "new", "area"]),
            wq.Phrase("body", ["sub", "center"]),
            wq.Phrase("body", ["citi", "sub", "center"]),
        ]
    )
    assert kept == [wq.Term("body", "xiongan"), wq.Phrase("body", ["sub", "center"])]


def test_topic_filter_finds_the_topic_and_the_passages_it_quotes(indexed):
    from jjj_brief.briefings import load_briefings

    briefings = load_briefings()
    topic = next(t for t in briefings.topics if t.passages)
    parents = {t.id: t.parent for t in briefings.topics}

    def under(topic_id):  # the topic itself or one of its descendants
        while topic_id:
            if topic_id == topic.id:
                return True
            topic_id = parents.get(topic_id)
        return False

    quotes = [(p.article, p.quote) for t in briefings.topics if under(t.id) for p in t.passages]
    quotes += [(c.article, c.quote) for f in briefings.facts if under(f.topic) for c in f.claims]
    result = search(f"topic:{topic.id}", limit=200, library=default_library())
    kinds = {hit.kind for hit in result.hits}
    assert "topic" in kinds and any(h.article == topic.id for h in result.hits)
    passages = [h for h in result.hits if h.kind == "passage"]
    assert passages
    for hit in passages:
        text = indexed.get(hit.article).text
        assert any(
            article == hit.article and (at := text.find(quote)) >= 0 and at < hit.end and hit.start < at + len(quote)
            for article, quote in quotes
        ), hit
    assert all(
        h.kind == "fact" for h in search(f"topic:{topic.id} kind:fact", limit=50, library=default_library()).hits
    )
