"""The figure grammar: what a reader sees highlighted, normalized and flagged."""

from __future__ import annotations

import json

import pytest

from jjj_brief.cli import main
from jjj_brief.commands.libraries import default_library
from jjj_brief.corpus import Article, Corpus, load_corpus
from jjj_brief.figures import (
    Figure,
    FigureBook,
    article_figures,
    extract_figures,
    figure_at,
    normalize_unit,
)


def only(text: str) -> Figure:
    figures = extract_figures(text)
    assert len(figures) == 1, figures
    return figures[0]


def spans(text: str) -> list[str]:
    return [f.text for f in extract_figures(text)]


# --------------------------------------------------------------------------- kinds


@pytest.mark.parametrize(
    ("text", "figure_text", "kind", "value", "unit"),
    [
        ("GDP will achieve 4.39 trillion yuan this year", "4.39 trillion yuan", "money", 4.39e12, "yuan"),
        ("has exceeded 210 billion yuan.", "exceeded 210 billion yuan", "money", 2.1e11, "yuan"),
        ("labor productivity of 185,000 yuan/person", "185,000 yuan/person", "money", 185000, "yuan/person"),
        ("an increase of 58% from before", "58%", "percent", 58, "%"),
        ("grew by 5 percent", "5 percent", "percent", 5, "%"),
        ("grew by 5 per cent", "5 per cent", "percent", 5, "%"),
        ("an increase of 0.85 percentage points", "0.85 percentage points", "percentage_points", 0.85, "pp"),
        ("exceeded 22 million TEUs", "exceeded 22 million TEUs", "measure", 2.2e7, "TEU"),
        ("26 million kilowatts of capacity", "26 million kilowatts", "measure", 2.6e7, "kW"),
        ("covers 216,000 square kilometers", "216,000 square kilometers", "measure", 216000, "km2"),
        ("43.7 million square meters of floor", "43.7 million square meters", "measure", 4.37e7, "m2"),
        ("3.27 billion cubic meters of floods", "3.27 billion cubic meters", "measure", 3.27e9, "m3"),
        ("a 2.5-kilometer-long test line", "2.5-kilometer", "measure", 2.5, "km"),
        ("200,000 tons of storage", "200,000 tons", "measure", 200000, "t"),
        ("68.69 million mu of afforestation", "68.69 million mu", "measure", 6.869e7, "mu"),
        ("more than 9,200 hectares", "more than 9,200 hectares", "measure", 9200, "ha"),
        ("it takes 55 minutes", "55 minutes", "duration", 55, "minute"),
        ("output grew 1.5 times compared to", "1.5 times", "multiple", 1.5, "times"),
    ],
)
def test_kind_value_unit(text, figure_text, kind, value, unit):
    figure = only(text)
    assert (figure.text, figure.kind, figure.unit) == (figure_text, kind, unit)
    assert figure.value == pytest.approx(value)
    assert text[figure.start : figure.end] == figure.text


@pytest.mark.parametrize(
    "spelling",
    [
        "38.6 micrograms/cubic meter",
        "38.6 micrograms per cubic meter",
        "38.6 micrograms of cubic meters",
        "38.6 μg/m3",
    ],
)
def test_every_spelling_of_micrograms_is_one_unit(spelling):
    figure = only(f"PM2.5 was {spelling} last year")
    assert figure.unit == "ug/m3" and figure.value == pytest.approx(38.6)
    assert normalize_unit(spelling.split(" ", 1)[1]) == "ug/m3"


def test_counts_carry_the_counted_noun_as_a_singular_lemma():
    figures = extract_figures(
        "set up more than 10,000 branches, 292 key projects and 15 cross-regional "
        "vocational education groups, nearly 6,000 elderly people"
    )
    assert [(f.text, f.unit, f.qualifier) for f in figures] == [
        ("more than 10,000 branches", "branch", "more than"),
        ("292 key projects", "project", None),
        ("15 cross-regional vocational education groups", "group", None),
        ("nearly 6,000 elderly people", "person", "nearly"),
    ]


def test_counted_noun_runs_through_and_between_modifiers_but_not_between_nouns():
    figures = extract_figures(
        "withdrew 3,000 general manufacturing and polluting enterprises and "
        "1,000 regional professional markets and logistics centers"
    )
    assert [f.unit for f in figures] == ["enterprise", "market"]


def test_durations_ranges_and_half_hours():
    figures = extract_figures(
        "Xiong'an is reachable within half an hour, a half-hour commute, and a 1-1.5 hour "
        "circle; in other words 1 to 1.5 hours."
    )
    assert [(f.text, f.kind, f.value, f.unit, f.qualifier) for f in figures] == [
        ("half an hour", "duration", 0.5, "hour", None),
        ("half-hour", "duration", 0.5, "hour", None),
        ("1-1.5 hour", "duration", 1.5, "hour", "from 1"),
        ("1 to 1.5 hours", "duration", 1.5, "hour", "from 1"),
    ]


def test_from_a_to_b_is_two_figures_not_a_range():
    figures = extract_figures("rose from 7.12 billion yuan in 2013 to 74.87 billion yuan in 2023")
    assert [(f.text, f.kind, f.as_of) for f in figures] == [
        ("7.12 billion yuan", "money", "2013"),
        ("2013", "year", "2013"),
        ("74.87 billion yuan", "money", "2023"),
        ("2023", "year", "2023"),
    ]


def test_dates_and_years_are_their_own_kinds():
    figures = extract_figures("On February 26, 2014 and in June 2015, then February 27, then in 2023. date 2023-02-27")
    assert [(f.text, f.kind, f.as_of) for f in figures] == [
        ("February 26, 2014", "date", "2014-02-26"),
        ("June 2015", "date", "2015-06"),
        ("February 27", "date", "--02-27"),
        ("2023", "year", "2023"),
        ("2023-02-27", "date", "2023-02-27"),
    ]
    assert figures[3].value == 2023


def test_slogans_are_labels_not_sums():
    figures = extract_figures('a "1+5+4+33" platform system, the "1 + N" policy and the "3+2" model')
    assert [(f.text, f.kind, f.value) for f in figures] == [
        ("1+5+4+33", "label", None),
        ("1 + N", "label", None),
        ("3+2", "label", None),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "PM2.5 levels fell",
        "5G base stations",
        "Beijing Rail Transit Line 22 (Pinggu Line)",
        "Beijing No. 4 Middle School",
        "the 20th National Congress",
        "the 14th Five-Year Plan",
        "the 2023 China Top 100 County Economies",
        "First, the planning policy framework",
        "a miniature two-photon microscope",
        "an 83-year-old resident",
        "the three places and the three northern counties",
        '"one core" and "two wings"',
        'the "three horizontal and four vertical" road network',
        "rest three or four times",
        "(Page 01, ",
        "COVID-19 cases",
        "1. The first item",
    ],
)
def test_not_figures(text):
    assert [f for f in extract_figures(text) if f.kind != "year"] == []


def test_word_numbers_count_when_they_report_a_quantity():
    figures = extract_figures(
        "Nine expressways were completed; he presided over three symposiums. In the past "
        "ten years the economy grew by five trillion yuan and signed one hundred and five projects."
    )
    assert [(f.text, f.kind, f.value, f.unit, f.qualifier) for f in figures] == [
        ("Nine expressways", "count", 9, "expressway", None),
        ("three symposiums", "count", 3, "symposium", None),
        ("ten years", "duration", 10, "year", None),
        ("five trillion yuan", "money", 5e12, "yuan", None),
        ("one hundred and five projects", "count", 105, "project", None),
    ]


def test_trillion_yuan_levels_are_steps_not_money():
    """People's Daily: output "has crossed five trillion yuan levels in a row, reaching 10.4
    trillion yuan" — five steps of a trillion each, not a sum of 5 trillion."""
    figures = extract_figures("output has crossed five trillion yuan levels in a row, reaching 10.4 trillion yuan")
    assert [(f.text, f.kind, f.value, f.unit) for f in figures] == [
        ("five trillion yuan levels", "count", 5, "level"),
        ("10.4 trillion yuan", "money", 10.4e12, "yuan"),
    ]


def test_a_count_inside_a_short_quotation_is_a_programme_name():
    figures = extract_figures(
        'carry out the "transformation of 10,000 enterprises" action, cultivate 12 leading industries'
    )
    assert [(f.text, f.kind, f.value) for f in figures] == [("12 leading industries", "count", 12)]


def test_counted_nouns_are_lemmatized_by_an_inflection_library():
    figures = extract_figures("It ran 12 buses, 3 statuses, 4 analyses and 5 branches.")
    assert [f.unit for f in figures if f.kind == "count"][-4:] == ["bus", "status", "analysis", "branch"]
    assert normalize_unit("Buses") == "bus" and normalize_unit("data") == "data" and normalize_unit("staff") == "staff"


def test_years_ago_is_a_year_when_the_publication_date_is_known():
    text = "Since February 26, ten years ago, he has presided over three symposiums."
    assert ("ten years", "duration") in [(f.text, f.kind) for f in extract_figures(text)]
    dated = extract_figures(text, published="2024-02-26")
    ago = next(f for f in dated if "ago" in f.text)
    assert (ago.text, ago.kind, ago.value, ago.as_of) == ("ten years ago", "year", 2014, "2014")
    assert next(f for f in dated if f.kind == "count").as_of is None  # "since" is a baseline
    hedged = extract_figures("More than 60 years ago, the three villages were one.", published="2024")
    assert hedged[0].kind == "duration"


def test_as_of_ignores_plan_periods_and_later_clauses():
    text = (
        '"Beijing Urban Master Plan (2016-2035)" collected 11,500 opinions. '
        "Hebei planted 68.69 million mu in the past ten years, and in 2022, the share exceeded 80%. "
        "It attracted 300 enterprises since its listing in April 2015."
    )
    as_of = {f.text: f.as_of for f in extract_figures(text) if f.kind not in {"year", "date"}}
    assert as_of["11,500 opinions"] is None
    assert as_of["68.69 million mu"] is None and as_of["exceeded 80%"] == "2022"
    assert as_of["300 enterprises"] is None


def test_suspect_translations_are_flagged():
    text = (
        "Hebei and Tianjin passed rules, and in May 2020 It will be implemented simultaneously from January 1st. "
        "Beijing supported the afforestation of 1 million acres. "
        "There are 313 medical imaging inspection data sharing."
    )
    reasons = {f.text: (f.suspect.reason.split(":")[0] if f.suspect else None) for f in extract_figures(text)}
    assert reasons["January 1st"] == "lost-year"
    assert reasons["May 2020"] is None
    assert reasons["1 million acres"] == "mu-as-acre"
    assert reasons["313 medical imaging inspection data sharing"] == "lost-unit"
    assert reasons.get("20 buildings") is None


def test_a_list_shares_the_unit_of_its_last_member():
    figures = extract_figures("PM2.5 was 32, 41, and 38.6 micrograms/cubic meter respectively")
    assert [(f.text, f.unit) for f in figures] == [
        ("32", "ug/m3"),
        ("41", "ug/m3"),
        ("38.6 micrograms/cubic meter", "ug/m3"),
    ]


def test_as_of_is_the_year_the_figure_is_stated_for_not_its_baseline():
    figures = extract_figures(
        "In 2023, throughput exceeded 22 million TEUs, an increase of 58% from 2014. "
        "It fell by 15% compared with 2014. Visits grew from 250,000 in 2015 to 720,000 in 2023."
    )
    by_text = {f.text: f for f in figures}
    assert by_text["exceeded 22 million TEUs"].as_of == "2023"
    assert by_text["58%"].as_of == "2023"
    assert by_text["15%"].as_of is None
    assert by_text["250,000"].as_of == "2015"
    assert by_text["720,000"].as_of == "2023"


def test_times_as_occurrences_is_a_count():
    figure = only("Beijing companies invested 49,000 times in companies in Tianjin")
    assert (figure.kind, figure.unit) == ("count", "time")


# --------------------------------------------------------------------------- suspects


def test_suspects_in_a_single_text():
    text = (
        "The average concentration dropped to 386 micrograms of cubic meters, down 576%. "
        "GDP will increase by 5 percent over the previous year5 per cent, and revenues "
        "increased by 57%. It accounted for 13 of the industries in 20141% to 21 in 20234%. "
        "More than 2 new establishments have been refused50,000 pieces."
    )
    flagged = {f.text: f.suspect for f in extract_figures(text) if f.suspect}
    assert flagged["386 micrograms of cubic meters"].likely == pytest.approx(38.6)
    assert flagged["576%"].likely == pytest.approx(57.6)
    assert flagged["5 percent"].likely == pytest.approx(5.5)
    assert flagged["5 per cent"].likely == pytest.approx(5.5)
    assert flagged["57%"].likely == pytest.approx(5.7)
    assert flagged["13"].likely == pytest.approx(13.1)
    assert flagged["1%"].likely == pytest.approx(13.1)
    assert flagged["21"].likely == pytest.approx(21.4)
    assert flagged["4%"].likely == pytest.approx(21.4)
    assert flagged["More than 2 new establishments"].reason.startswith("lost-wan")
    assert flagged["50,000 pieces"].reason.startswith("fused")


def test_clean_figures_are_not_suspect():
    text = "In 2023 GDP grew 5.2%, 4.3%, and 5.5%; PM2.5 fell 57.6% to 38.6 micrograms/cubic meter."
    assert [f.text for f in extract_figures(text) if f.suspect] == []


def test_cross_article_flags_use_the_other_articles_value():
    liaowang = load_corpus(library=default_library()).get("liaowang-2024")
    flagged = {
        f.text: f.suspect for f in article_figures(liaowang, load_corpus(library=default_library())) if f.suspect
    }
    gdp = flagged["439 trillion yuan"]
    assert "peoples-daily-2024-02-26" in gdp.reason and gdp.likely == pytest.approx(4.39e12)
    assert "cross-article" in flagged["386 micrograms of cubic meters"].reason


def test_every_article_figure_slices_its_own_text():
    for article in load_corpus(library=default_library()):
        figures = article_figures(article, load_corpus(library=default_library()))
        assert figures, article.id
        assert all(article.text[f.start : f.end] == f.text for f in figures)
        assert all(a.end <= b.start for a, b in zip(figures, figures[1:]))


def _article(article_id: str, text: str) -> Article:
    return Article(
        article_id,
        f"{article_id}.txt",
        load_corpus(library=default_library()).articles[0].path,
        text,
        article_id,
        "Desk",
        "2024-02-26",
        "day",
    )


HEBEI_186 = "In 2023 the PM2.5 concentration in Hebei was 186 micrograms per cubic meter, the report said."
HEBEI_18_6 = "Hebei's PM2.5 concentration in 2023 was 18.6 micrograms per cubic meter, down 2.1%."


def _cross(figures: list[Figure]) -> dict[str, str]:
    return {f.text: f.suspect.reason for f in figures if f.suspect and "cross-article" in f.suspect.reason}


def test_cross_article_flags_come_from_the_corpus_given_not_the_shipped_one():
    wrong, right = _article("wrong", HEBEI_186), _article("right", HEBEI_18_6)
    assert _cross(article_figures(wrong, [wrong, right])) == {
        "186 micrograms per cubic meter": "cross-article: right prints '18.6 micrograms per cubic meter' for the "
        "same subject; this one is 10 times larger"
    }
    assert _cross(article_figures(wrong, [wrong])) == {}
    assert (
        _cross(article_figures(wrong, load_corpus(library=default_library()))) == {}
    )  # the seeds print no 18.6 for it


def test_the_first_contradicting_article_in_corpus_order_is_cited():
    wrong = _article("wrong", HEBEI_186)
    first, second = _article("first", HEBEI_18_6), _article("second", HEBEI_18_6.replace("Hebei's", "Hebei"))
    assert "first prints" in _cross(article_figures(wrong, [first, wrong, second]))["186 micrograms per cubic meter"]
    assert "second prints" in _cross(article_figures(wrong, [second, wrong, first]))["186 micrograms per cubic meter"]


def test_a_new_corpus_generation_gets_a_new_book_and_an_import_changes_the_flags():
    wrong = _article("wrong", HEBEI_186)
    before = Corpus([wrong])
    assert _cross(article_figures(wrong, before)) == {}
    after = Corpus([wrong, _article("imported", HEBEI_18_6)])  # an import makes a new corpus
    assert "imported prints" in _cross(article_figures(wrong, after))["186 micrograms per cubic meter"]
    assert _cross(article_figures(wrong, before)) == {}  # the old generation is unchanged


def test_a_figure_book_keeps_the_extraction_cache_across_generations():
    wrong, right = _article("wrong", HEBEI_186), _article("right", HEBEI_18_6)
    old = FigureBook([wrong])
    own = old.own_figures(wrong)
    new = FigureBook([wrong, right], cache=old.cache)
    assert new.own_figures(wrong) is own  # not extracted again
    assert _cross(new.article_figures(wrong)) and not _cross(old.article_figures(wrong))


def test_no_cross_flag_across_years_units_or_subjects():
    wrong = _article("wrong", HEBEI_186)
    other_year = _article("year", HEBEI_18_6.replace("2023", "2019"))
    other_unit = _article("unit", "Hebei's PM2.5 concentration in 2023 was 18.6 kilometers, down 2.1%.")
    other_subject = _article("subject", "In 2023 grain output in Yunnan reached 18.6 ug/m3.")
    assert _cross(article_figures(wrong, [wrong, other_year, other_unit, other_subject])) == {}


# --------------------------------------------------------------------------- API helpers


def test_the_span_includes_the_printed_hedge():
    figure = only("Zhongguancun enterprises have set up more than 9,500 branches")
    assert figure.text == "more than 9,500 branches" and figure.qualifier == "more than"
    assert figure.value == 9500


def test_figure_at_finds_the_span_containing_an_offset():
    text = "It exceeded 210 billion yuan and 58%"
    figures = extract_figures(text)
    money = figures[0]
    assert figure_at(figures, money.start) is money
    assert figure_at(figures, money.end - 1) is money
    assert figure_at(figures, money.end) is None
    assert figure_at(figures, 0) is None
    assert figure_at(figures, text.index("58")) is figures[1]
    assert figure_at([], 3) is None


@pytest.mark.parametrize(
    ("printed", "canonical"),
    [
        ("branches", "branch"),
        ("Branches", "branch"),
        ("key projects", "project"),
        ("enterprises", "enterprise"),
        ("companies", "company"),
        ("elderly people", "person"),
        ("billion yuan", "yuan"),
        ("yuan", "yuan"),
        ("percent", "%"),
        ("%", "%"),
        ("percentage points", "pp"),
        ("square kilometers", "km2"),
        ("micrograms/cubic meter", "ug/m3"),
        ("micrograms of cubic meters", "ug/m3"),
        ("million TEUs", "TEU"),
        ("kilowatts", "kW"),
        ("tons", "t"),
        ("hectares", "ha"),
        ("hours", "hour"),
        ("times", "times"),
        ("yuan/person", "yuan/person"),
    ],
)
def test_normalize_unit(printed, canonical):
    assert normalize_unit(printed) == canonical


def test_to_dict_has_the_documented_shape():
    figure = only("down 576% this year")
    data = figure.to_dict()
    assert set(data) == {"start", "end", "text", "kind", "value", "unit", "qualifier", "as_of", "suspect"}
    assert set(data["suspect"]) == {"reason", "likely"}


# --------------------------------------------------------------------------- CLI


def test_cli_json(capsys):
    assert main(["figures", "liaowang-2024", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["article"] == "liaowang-2024" and data["file"].startswith("001_")
    text = load_corpus(library=default_library()).get("liaowang-2024").text
    assert data["figures"] and all(text[f["start"] : f["end"]] == f["text"] for f in data["figures"])
    assert any(f["suspect"] and f["text"] == "576%" for f in data["figures"])


def test_cli_text_marks_suspects_and_prints_a_legend(capsys):
    assert main(["figures", "001_0a0484aff5f38808"]) == 0
    out = capsys.readouterr().out
    assert "legend:" in out and "suspect" in out
    assert "576%⚠" in out


def test_cli_unknown_article_is_a_user_error(capsys):
    assert main(["figures", "no-such-article"]) == 1
    assert "unknown article" in capsys.readouterr().err
