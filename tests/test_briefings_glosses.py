"""Glosses say what the articles print of a term; what the editors know besides is labelled.

`jjj-brief check` flags a place, body, person, road or year a gloss states that no
paragraph printing the term prints, unless it stands after the editors' note label or in
a sentence about the Chinese original."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from jjj_brief.briefings import traceability as trace
from jjj_brief.briefings.check import check
from jjj_brief.briefings.load import load_briefings
from jjj_brief.commands.libraries import default_library

BRIEFINGS = Path(__file__).resolve().parent.parent / "briefings"
NOTE = trace.EDITORS_NOTE
NAMES = {"gyeonggi": ["Gyeonggi", "land of Gyeonggi"], "tongzhou": ["Tongzhou", "Tongzhou District"]}
PARAGRAPHS = ["The Jingxiong Expressway was opened to traffic (taken on December 28, 2023)."]


def test_a_year_no_paragraph_of_the_term_prints_is_flagged():
    problems = list(trace.gloss_problems("Expressway opened in 2019.", PARAGRAPHS, NAMES))
    assert len(problems) == 1 and "year 2019" in problems[0]
    assert list(trace.gloss_problems("Opened to traffic in 2023.", PARAGRAPHS, NAMES)) == []


def test_a_name_no_paragraph_of_the_term_prints_is_flagged_in_any_spelling():
    problems = list(trace.gloss_problems("Expressway to Tongzhou District.", PARAGRAPHS, NAMES))
    assert problems == [
        "gloss names 'Tongzhou' but no paragraph printing this term names it; "
        f"say what an article prints, or put it after {NOTE!r}"
    ]
    beside = ["The Jingxiong Expressway reaches Tongzhou."]
    assert list(trace.gloss_problems("Expressway to Tongzhou District.", beside, NAMES)) == []


def test_only_what_follows_the_exact_label_is_exempt():
    after = f"Expressway from Beijing. {NOTE} it opened in 2019 and runs past Tongzhou."
    assert list(trace.gloss_problems(after, PARAGRAPHS, NAMES)) == []
    before = f"Expressway opened in 2019. {NOTE} it runs past Tongzhou."
    assert [p[:33] for p in trace.gloss_problems(before, PARAGRAPHS, NAMES)] == ["gloss states the year 2019 but no"]
    loose = "Expressway opened in 2019 (editors' note: not printed in any article)."
    assert len(list(trace.gloss_problems(loose, PARAGRAPHS, NAMES))) == 1


def test_a_sentence_about_the_chinese_original_is_a_linguistic_note():
    gloss = "Expressway from Beijing. The name reads 京雄, Beijing–Xiong'an, as in Tongzhou 2019."
    assert list(trace.gloss_problems(gloss, PARAGRAPHS, NAMES)) == []


def test_the_publication_year_of_an_article_printing_the_term_is_traced():
    gloss = "People's Daily (February 2024) says it opened last year."
    assert list(trace.gloss_problems(gloss, PARAGRAPHS, NAMES, ["2024-02-26"])) == []
    assert len(list(trace.gloss_problems(gloss, PARAGRAPHS, NAMES, ["2023-02-25"]))) == 1


def _shipped_with(tmp_path: Path, old: str, new: str) -> list[str]:
    folder = tmp_path / "briefings"
    shutil.copytree(BRIEFINGS, folder)
    glossary = folder / "glossary.yaml"
    text = glossary.read_text(encoding="utf-8")
    assert old in text
    glossary.write_text(text.replace(old, new), encoding="utf-8")
    _, problems = check(folder, library=default_library())
    return [str(p) for p in problems]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # session 3's gloss: the Olympics year is printed by Xinhua, but never beside the line
        (f"{NOTE} it was built\n      for the 2022", "It was built\n      for the 2022", "year 2022"),
        # session 3's gloss: Binhai New Area, named where no article names the Jingbin line
        ("The name reads 京滨, Beijing–Binhai:\n      the", "It is\n      the", "'Binhai New Area'"),
    ],
    ids=["hsr-olympics", "jingbin-destination"],
)
def test_check_flags_the_background_the_glossary_used_to_carry(tmp_path, old, new, expected):
    problems = _shipped_with(tmp_path, old, new)
    assert len(problems) == 1 and "glossary.yaml" in problems[0] and expected in problems[0]


def test_every_editors_note_in_the_glossary_uses_the_one_label_and_comes_last():
    briefings = load_briefings(BRIEFINGS)
    noted = 0
    for term in briefings.glossary:
        gloss = " ".join(term.gloss.split())
        assert gloss.casefold().count("editors' note") == gloss.count(NOTE), term.id
        noted += gloss.count(NOTE)
        assert gloss.count(NOTE) <= 1, term.id
    assert noted >= 12


def test_every_gloss_has_a_review_row_with_a_reader_date_and_result():
    rows = {}
    for line in (BRIEFINGS / "REVIEW.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and "(session" in cells[1]:
            rows[cells[0]] = cells
    terms = [t.id for t in load_briefings(BRIEFINGS).glossary]
    assert [t for t in terms if t not in rows] == [], "add a REVIEW.md glossary row"
    assert all(rows[t][2] and rows[t][4] for t in terms)


def test_an_editors_note_credits_no_outlet():
    outlets = ["Xinhua News Agency", "Xinhua", "People's Daily"]
    gloss = f"Expressway. {NOTE} People's Daily calls it fast."
    assert list(trace.gloss_problems(gloss, PARAGRAPHS, NAMES, outlets=outlets)) == [
        "the editors' note names People's Daily; say it before the note, where it is checked, or drop the name"
    ]
    fine = f"Expressway (People's Daily). {NOTE} it is fast."
    assert list(trace.gloss_problems(fine, PARAGRAPHS, NAMES, outlets=outlets)) == []
