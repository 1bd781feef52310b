"""The corpus: seeds byte-identical, catalog defensible, offsets exact, repeats found."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from jjj_brief import paths
from jjj_brief.commands.libraries import default_library
from jjj_brief.corpus import UserError, load_corpus, split_paragraphs

REPO = Path(__file__).resolve().parent.parent
SHARED_SEEDS = REPO.parent / "shared" / "seeds"
EXPECTED_IDS = [
    "cctv-2023-02-27",
    "liaowang-2024",
    "chinanews-2024-02-27",
    "xinhua-2023-02-25",
    "peoples-daily-2024-02-26",
]


def test_catalog_lists_the_five_seed_files():
    corpus = load_corpus(library=default_library())
    assert corpus.ids() == EXPECTED_IDS
    files = sorted(p.name for p in paths.seeds_dir().glob("*.txt"))
    assert sorted(a.file for a in corpus) == files


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="../shared/seeds not beside this checkout")
def test_seeds_are_byte_identical_to_shared():
    for shared in SHARED_SEEDS.glob("*.txt"):
        ours = paths.seeds_dir() / shared.name
        assert hashlib.sha256(ours.read_bytes()).digest() == hashlib.sha256(shared.read_bytes()).digest()


def test_every_evidence_phrase_occurs_verbatim():
    for article in load_corpus(library=default_library()):
        assert set(article.evidence) >= {"outlet", "date"}, article.id
        for attribution, phrases in article.evidence.items():
            assert phrases, (article.id, attribution)
            for phrase in phrases:
                assert phrase in article.text, (article.id, attribution, phrase)


def test_attributions_read_from_the_text():
    corpus = load_corpus(library=default_library())
    cctv = corpus.get("cctv-2023-02-27")
    assert (cctv.date, cctv.date_precision, cctv.date_inferred) == ("2023-02-27", "day", False)
    daily = corpus.get("peoples-daily-2024-02-26")
    assert daily.outlet == "People's Daily" and "Jin Bo" in daily.byline
    # two articles print no year, one prints no date at all
    assert corpus.get("xinhua-2023-02-25").date_inferred
    assert corpus.get("chinanews-2024-02-27").date_inferred
    undated = corpus.get("liaowang-2024")
    assert undated.date_precision == "year" and undated.date_inferred and undated.date_note
    assert corpus.get("xinhua-2023-02-25").byline == ["An Bei", "Guo Yujing", "Wei Yukun"]


def test_every_paragraph_is_its_own_slice_of_the_text():
    for article in load_corpus(library=default_library()):
        assert article.paragraphs
        previous_end = 0
        for paragraph in article.paragraphs:
            assert article.text[paragraph.start : paragraph.end] == paragraph.text
            assert paragraph.text == paragraph.text.strip() and paragraph.text
            assert paragraph.start >= previous_end
            previous_end = paragraph.end


def test_offsets_are_string_indices_not_bytes():
    # 003 contains curly quotes (3 bytes each in UTF-8): byte and char offsets differ.
    article = load_corpus(library=default_library()).get("xinhua-2023-02-25")
    assert len(article.text) < article.path.stat().st_size
    index = article.text.index("34% .")
    assert article.text[index : index + 3] == "34%"


def test_verbatim_repeats_are_marked_not_removed():
    article = load_corpus(library=default_library()).get("liaowang-2024")
    repeats = [p for p in article.paragraphs if p.is_repeat]
    assert [(p.index, p.repeat_of) for p in repeats] == [(8, 0), (39, 3)]
    for p in repeats:
        assert p.text == article.paragraphs[p.repeat_of].text
    # near-repeats (same facts, reworded) are not verbatim repeats
    assert all(a.repeated_paragraphs == 0 for a in load_corpus(library=default_library()) if a.id != "liaowang-2024")


def test_repeat_detection_folds_whitespace_only():
    paras = split_paragraphs("  Alpha  beta\n\nGamma\nAlpha beta \n alpha beta\n")
    assert [p.repeat_of for p in paras] == [None, None, 0, None]


def test_paragraph_at_finds_the_paragraph_containing_an_offset():
    article = load_corpus(library=default_library()).get("chinanews-2024-02-27")
    for paragraph in article.paragraphs:
        assert article.paragraph_at(paragraph.start) == paragraph
        assert article.paragraph_at(paragraph.end - 1) == paragraph
    assert (
        article.paragraph_at(article.paragraphs[0].end) is None
        or article.paragraph_at(article.paragraphs[0].end) != article.paragraphs[0]
    )


@pytest.mark.parametrize(
    "ref",
    ["xinhua-2023-02-25", "003_184c9a77af7d8391.txt", "003_184c9a77af7d8391", "XINHUA-2023-02-25"],
)
def test_an_article_is_found_by_id_file_or_stem(ref):
    assert load_corpus(library=default_library()).get(ref).id == "xinhua-2023-02-25"


def test_unknown_article_is_a_user_error_naming_the_known_ones():
    with pytest.raises(UserError, match="unknown article 'nope'.*cctv-2023-02-27"):
        load_corpus(library=default_library()).get("nope")
