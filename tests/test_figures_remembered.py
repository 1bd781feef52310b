"""A text's figures are remembered (extraction is a pure function): asked again, the same
figures come back, in a list of the caller's own; a text over the bound is not kept."""

from __future__ import annotations

from jjj_brief.corpus import load_seed_articles
from jjj_brief.figures import extraction
from jjj_brief.figures.extraction import REMEMBERED_MAX_CHARS, REMEMBERED_TEXTS, extract_figures


def test_asked_again_a_text_gives_the_same_figures_in_a_list_of_its_own():
    article = max(load_seed_articles(), key=lambda a: len(a.text))
    first = extract_figures(article.text, "2024-02-26")
    assert len(first) > 100
    first.clear()  # what one caller does to its list never reaches another's
    again = extract_figures(article.text, "2024-02-26")
    assert again == extraction._extract_figures(article.text, "2024-02-26")
    assert again is not extract_figures(article.text, "2024-02-26")
    # the date is part of what is remembered: "ten years ago" names a year only with it
    assert extract_figures("ten years ago", "2024") != extract_figures("ten years ago", None)


def test_the_memory_is_bounded():
    extraction._remembered.cache_clear()
    big = "In 2023 the output rose 5.2 percent. " * (REMEMBERED_MAX_CHARS // 37 + 1)
    assert len(big) > REMEMBERED_MAX_CHARS
    assert extract_figures(big)  # read, but not kept
    assert extraction._remembered.cache_info().currsize == 0
    for i in range(REMEMBERED_TEXTS + 10):
        extract_figures(f"{i} people")
    assert extraction._remembered.cache_info().currsize == REMEMBERED_TEXTS
