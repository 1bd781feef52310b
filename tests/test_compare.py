"""The comparison engine: curated facts side by side, automatic alignment, export."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jjj_brief.commands.libraries import default_library
from jjj_brief.compare import compare_fact, export_markdown, fact_for_figure, related, state
from jjj_brief.compare.evaluate import claim_figures, evaluate
from jjj_brief.compare.facts import MATCHING_VERDICT
from jjj_brief.compare.values import agree_when_rounded, decimal_power, hedged_agreement, relate
from jjj_brief.corpus import UserError, load_corpus
from jjj_brief.figures import article_figures

# The bars the aligner reached on the curated facts (see the README's Compare section);
# the floor is recall@3 >= 0.9 and top-1 precision >= 0.8.
RECALL_AT_3_BAR = 0.95
TOP1_PRECISION_BAR = 0.9


def facts():
    return state.briefings(library=default_library()).facts


def offset_of(article_id: str, text: str, inside: int = 0) -> int:
    article = load_corpus(library=default_library()).get(article_id)
    at = article.text.find(text)
    assert at >= 0, text
    return at + inside


# ------------------------------------------------------------------ curated facts


@pytest.mark.parametrize("fact_id", [f.id for f in facts()])
def test_every_fact_compares_cleanly(fact_id):
    comparison = compare_fact(fact_id, library=default_library())
    fact = comparison.fact
    assert len(comparison.claims) == len(fact.claims) and not comparison.problems
    for view in comparison.claims:
        article = load_corpus(library=default_library()).get(view.article)
        assert article.text[view.start : view.end] == view.quote
        assert view.figure is not None, f"{view.article}: no figure carries {view.value}"
        assert view.start <= view.figure.start < view.figure.end <= view.end
        if fact.kind == "number":
            assert view.figure.value == pytest.approx(view.value)
        else:  # the words themselves are lit, as printed
            assert article.text[view.figure.start : view.figure.end] == view.value
        context = view.context
        assert context.text == article.text[context.start : context.end]
        assert context.start <= view.start and view.end <= context.end
    keys = [((v.as_of or v.date).split("/")[-1], v.date) for v in comparison.claims]
    assert keys == sorted(keys), "claims are ordered by as-of, then publication date"
    if fact.kind == "number":  # a part is shown but left out of the spread
        values = [c.value for c in fact.claims if not c.part] or [c.value for c in fact.claims]
        assert (comparison.spread.min, comparison.spread.max) == (min(values), max(values))
    else:
        assert set(comparison.spread.readings) <= {v.reading for v in comparison.claims}
    # The computed assessment matches the curated verdict, or the comparison says why not.
    if MATCHING_VERDICT[comparison.assessment.code] == comparison.verdict:
        assert comparison.disagreement is None
    else:
        assert comparison.verdict in comparison.disagreement
        assert comparison.assessment.label in comparison.disagreement


def test_assessments_agree_with_curated_verdicts_except_differences_of_scope():
    disagreeing = {}
    for fact in facts():
        comparison = compare_fact(fact.id, library=default_library())
        if comparison.disagreement:
            disagreeing[fact.id] = (comparison.assessment.code, comparison.verdict)
    # Only a difference of scope (same date, different quantity) is invisible to the numbers.
    assert all(pair == ("conflict", "different-date-or-scope") for pair in disagreeing.values()), disagreeing
    assert len(disagreeing) <= len(facts()) // 8


def test_lost_decimal_point_is_a_likely_transcription_error(library):
    comparison = compare_fact("pm25-hebei-2023", library)
    assert comparison.assessment.code == "transcription-error"
    assert "x10" in comparison.assessment.label
    assert comparison.spread.relative == pytest.approx(0.9)


def test_two_lower_bounds_for_one_date_are_a_conflict(library):
    comparison = compare_fact("outpatient-direct-settlement", library)
    assert comparison.assessment.code == "conflict"
    assert comparison.disagreement is None


def test_a_count_that_grew_between_dates_is_different_dates(library):
    comparison = compare_fact("zhongguancun-branches", library)
    assert comparison.assessment.code == "different-dates"
    assert [v.value for v in comparison.claims][0] == 9500  # the 2023 claim first


def test_unknown_fact_is_a_user_error(library):
    with pytest.raises(UserError, match="unknown fact"):
        compare_fact("no-such-fact", library)


def test_to_dict_carries_claims_contexts_spread_assessment_verdict():
    data = compare_fact("pm25-hebei-2023", library=default_library()).to_dict()
    assert {"claims", "spread", "assessment", "verdict", "disagreement", "explanation"} <= set(data)
    claim = data["claims"][0]
    lo, hi = claim["context"]["figure"]
    assert claim["context"]["text"][lo:hi] == claim["figure"]["text"]


@pytest.mark.parametrize(
    ("a", "qa", "b", "qb", "kind"),
    [
        (38.6, None, 386, None, "decimal"),
        (57.6, None, 576, None, "decimal"),
        (100, "more than", 105, "about", "rounding"),
        (3000, "more than", 3200, "about", "rounding"),
        (9500, "more than", 10000, None, "hedge"),
        (9300, "more than", 9900, "more than", "close"),
        (30, None, 32, None, "close"),  # an unhedged 30 is thirty, not "about 30"
        (465, None, 500, "more than", "close"),
        (35.69e9, None, 81e9, None, "different"),
    ],
)
def test_value_relations(a, qa, b, qb, kind):
    assert relate(a, b, qa, qb).kind == kind
    assert relate(b, a, qb, qa).kind == kind


@given(st.floats(min_value=0.01, max_value=1e12), st.integers(min_value=1, max_value=3))
def test_decimal_power_finds_any_power_of_ten(value, power):
    assert decimal_power(value, value * 10**power) == power
    assert not agree_when_rounded(value, value * 10**power)
    assert not hedged_agreement(value, "about", value * 10**power, None)


# ---------------------------------------------------------------------- alignment


def test_alignment_recall_and_precision_on_curated_facts():
    report = evaluate(library=default_library())
    assert report.pairs >= 100
    assert report.recall_at[3] >= RECALL_AT_3_BAR, report.misses(3)
    assert report.top1_precision >= TOP1_PRECISION_BAR, report.wrong_top1()


def test_offset_anywhere_inside_the_figure_gives_the_same_answer():
    start = offset_of("cctv-2023-02-27", "9,500 branches")
    answers = [
        related("cctv-2023-02-27", start + i, library=default_library()).to_dict()["related"] for i in (0, 3, 13)
    ]
    assert answers[0] == answers[1] == answers[2] and answers[0]


def test_same_fact_candidates_come_first_with_a_readable_reason(library):
    result = related("cctv-2023-02-27", offset_of("cctv-2023-02-27", "9,500 branches"), library=library)
    top = result.candidates[:3]
    assert {c.article for c in top} == {"chinanews-2024-02-27", "liaowang-2024", "peoples-daily-2024-02-26"}
    assert all(c.same_fact and c.text.endswith("10,000 branches") for c in top)
    reason = top[0].reason
    assert "same unit (branch)" in reason and "Zhongguancun" in reason and "9,500 vs 10,000" in reason
    flags = [c.same_fact for c in result.candidates]
    assert flags == sorted(flags, reverse=True)


def test_look_alikes_are_related_but_not_the_same_fact():
    """Liaowang's garbled "386" is Hebei's 38.6; other PM2.5 figures are other places."""
    result = related("liaowang-2024", offset_of("liaowang-2024", "386 micrograms", 1), library=default_library())
    first = result.candidates[0]
    assert (first.article, first.text, first.same_fact) == (
        "peoples-daily-2024-02-26",
        "38.6 micrograms/cubic meter",
        True,
    )
    assert "lost decimal" in first.reason
    others = {c.text: c for c in result.candidates[1:] if c.unit == "ug/m3"}
    assert {"32", "41", "38 micrograms/cubic meter"} <= set(others)
    assert not any(c.same_fact for c in others.values())
    assert "different place (Hebei vs Tianjin)" in others["41"].reason


def test_respectively_gives_each_figure_its_own_place():
    pd = "peoples-daily-2024-02-26"
    beijing = related(pd, offset_of(pd, "32, 41, and 38.6"), library=default_library())
    top = beijing.candidates[0]
    assert (top.article, top.text, top.same_fact) == ("chinanews-2024-02-27", "32 micrograms/cubic meter", True)
    regional = next(c for c in beijing.candidates if c.text == "38 micrograms/cubic meter")
    assert not regional.same_fact


def test_different_printed_years_are_related_not_the_same_fact():
    pd = "peoples-daily-2024-02-26"
    result = related(pd, offset_of(pd, "32, 41, and 38.6"), library=default_library())
    xinhua_2022 = next(c for c in result.candidates if c.article == "xinhua-2023-02-25")
    assert not xinhua_2022.same_fact and "2023 vs 2022" in xinhua_2022.reason


def test_no_figure_or_bad_reference_is_a_user_error():
    with pytest.raises(UserError, match="no figure"):
        related("cctv-2023-02-27", offset_of("cctv-2023-02-27", "Industry synergy"), library=default_library())
    with pytest.raises(UserError, match="outside"):
        related("cctv-2023-02-27", 10**7, library=default_library())
    with pytest.raises(UserError, match="unknown article"):
        related("nope", 0, library=default_library())


def test_dates_are_figures_but_not_aligned():
    result = related("cctv-2023-02-27", offset_of("cctv-2023-02-27", "2023-02-27"), library=default_library())
    assert result.figure.kind == "date" and result.candidates == [] and result.note


def test_related_json_shape():
    data = related(
        "cctv-2023-02-27", offset_of("cctv-2023-02-27", "465 projects"), limit=4, library=default_library()
    ).to_dict()
    assert set(data) >= {"article", "offset", "figure", "related"} and len(data["related"]) <= 4
    for row in data["related"]:
        assert set(row) == {"article", "file", "start", "end", "text", "value", "unit", "score", "same_fact", "reason"}


def test_index_is_built_once_and_reused():
    assert state.figure_index(library=default_library()) is state.figure_index(library=default_library())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_related_from_any_offset_is_an_answer_or_a_user_error(data):
    article = data.draw(st.sampled_from(load_corpus(library=default_library()).articles))
    offset = data.draw(st.integers(min_value=-5, max_value=len(article.text) + 5))
    try:
        result = related(article.id, offset, limit=data.draw(st.integers(0, 20)), library=default_library())
    except UserError:
        return
    figure = result.figure
    assert figure.start <= offset < figure.end
    corpus = load_corpus(library=default_library())
    for candidate in result.candidates:
        assert candidate.article != article.id
        assert corpus.get(candidate.article).text[candidate.start : candidate.end] == candidate.text
    keys = [(c.same_fact, c.score) for c in result.candidates]
    assert keys == sorted(keys, reverse=True)


# ------------------------------------------------------------------ fact_for_figure


def test_fact_for_figure_finds_the_fact_of_each_claim():
    for fact in facts():
        for article_id, figure in claim_figures(fact, library=default_library()):
            found = fact_for_figure(article_id, figure.start, figure.end, library=default_library())
            assert found is not None
            # a figure may be claimed by more than one fact; the one found claims it
            assert any(
                a == article_id and f.start == figure.start for a, f in claim_figures(found, library=default_library())
            )


def test_fact_for_an_unclaimed_figure_is_none():
    article = load_corpus(library=default_library()).get("cctv-2023-02-27")
    figure = next(
        f
        for f in article_figures(article, load_corpus(library=default_library()))
        if f.text == "More than 90 cooperation agreements"
    )
    assert fact_for_figure(article.id, figure.start, figure.end, library=default_library()) is None


def test_a_figure_inside_the_words_of_a_status_claim_finds_that_fact():
    article = load_corpus(library=default_library()).get("cctv-2023-02-27")
    figure = next(
        f for f in article_figures(article, load_corpus(library=default_library())) if f.text == "five key areas"
    )
    assert (
        fact_for_figure(article.id, figure.start, figure.end, library=default_library()).id
        == "business-environment-agreements"
    )


# ------------------------------------------------------------------------ export


def test_export_fact_quotes_and_cites_every_claim():
    text = export_markdown("zhongguancun-branches", library=default_library())
    comparison = compare_fact("zhongguancun-branches", library=default_library())
    assert text.startswith("# ")
    assert "**Verdict:** different-date-or-scope" in text
    for view in comparison.claims:
        assert view.quote.replace(".", "") in text.replace("\\", "").replace(".", "")
        assert view.outlet.replace("(", "").split()[0] in text


def test_export_topic_includes_its_facts_and_escapes_markdown():
    topic = next(
        t
        for t in state.briefings(library=default_library()).topics
        if state.briefings(library=default_library()).facts_of(t.id)
    )
    text = export_markdown(topic.id, library=default_library())
    for fact in state.briefings(library=default_library()).facts_of(topic.id):
        assert fact.subject.split()[0] in text
    group = next(t for t in state.briefings(library=default_library()).topics if t.parent is None)
    assert export_markdown(group.id, library=default_library()).count("**Verdict:**") >= 1


def test_markdown_escaping_keeps_untrusted_text_inert():
    from jjj_brief.compare.export import md

    assert md("[@click=app.quit] *x* `y` <b>") == "\\[@click=app.quit\\] \\*x\\* \\`y\\` \\<b\\>"
    assert md("line\nbreak\x1b[31m") == "line break     "


def test_export_unknown_id_is_a_user_error():
    with pytest.raises(UserError, match="unknown fact or topic"):
        export_markdown("nothing-here", library=default_library())


def test_a_part_is_shown_but_not_compared_with_the_whole():
    """Liaowang's 295 counts Hebei's institutions only; Xinhua's 313 the whole region.
    They must not read as a decline from 313 to 295."""
    comparison = compare_fact("imaging-data-sharing", library=default_library())
    assert comparison.assessment.code == "different-scopes" and comparison.disagreement is None
    assert (comparison.spread.min, comparison.spread.max) == (313, 313)
    assert "not compared" in comparison.spread.label
    parts = [v for v in comparison.claims if v.part]
    assert [v.value for v in parts] == [295] and "Hebei" in parts[0].part
    assert comparison.to_dict()["claims"][1]["part"] or comparison.to_dict()["claims"][0]["part"]


def test_a_flagged_figure_that_still_differs_once_repaired_is_compared_by_date():
    comparison = compare_fact("hebei-high-tech-share", library=default_library())
    assert comparison.assessment.code == "different-dates"
    assert "21.4" in comparison.assessment.detail and comparison.disagreement is None


def test_a_status_that_changes_between_reports_is_compared_side_by_side():
    comparison = compare_fact("minerals-hq-status", library=default_library())
    assert comparison.fact.kind == "status"
    assert comparison.assessment.code == "different-dates" and comparison.disagreement is None
    assert comparison.spread.readings == ["site selected", "land transferred, preparing for construction"]
    columns = comparison.to_dict()["claims"]
    assert [c["value"] for c in columns] == [
        "completed the headquarters site selection",
        "preparing for construction",
        "completed the land transfer",
    ]
    assert all(c["figure"]["kind"] == "words" for c in columns)


def test_renderings_that_read_the_same_are_one_value():
    comparison = compare_fact("key-link-name", library=default_library())
    assert comparison.assessment.code == "same-value"
    assert {v.value for v in comparison.claims} == {"nibble", "niubi", "native", "bull's nose", "narrow tip"}


@pytest.mark.parametrize(
    ("fact_id", "whole"),
    [("subcenter-staff-moved", 30_000), ("subcenter-departments-moved", 70), ("caofeidian-projects", 465)],
)
def test_a_subset_is_not_read_as_a_change_between_dates(fact_id, whole):
    """One batch of a cumulative move, or the large projects among all those signed, is a
    part: never 'the values differ between dates' (which reads as a fall or a jump)."""
    comparison = compare_fact(fact_id, library=default_library())
    assert comparison.assessment.code == "different-scopes", comparison.assessment
    assert (comparison.spread.min, comparison.spread.max) == (whole, whole)
    assert comparison.disagreement is None
