"""Numbers, units, counts and dates as people read them (issue 13, item 11)."""

from __future__ import annotations

import math
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jjj_brief import formatting
from jjj_brief.formatting import count, date, number, quantity, unit
from jjj_brief.safety import display_safe

SCALE_WORDS = {"trillion": Decimal("1e12"), "billion": Decimal("1e9"), "million": Decimal("1e6")}
CANONICAL_UNITS = ["yuan", "yuan/person", "%", "pp", "km", "km2", "m", "m2", "m3", "ug/m3", "TEU", "kW", "W", "MW"]
CANONICAL_UNITS += ["GW", "kWh", "t", "mu", "acre", "ha", "km/h", "hour", "minute", "second", "day", "week", "month"]
CANONICAL_UNITS += ["year", "times", "branch", "person", "enterprise", "key project", "time", "passenger"]


def read_back(text: str) -> float:
    """The value a person reads in ``number``'s output ("4.39 trillion" -> 4.39e12)."""
    digits, _, word = text.partition(" ")
    return float(Decimal(digits.replace(",", "")) * SCALE_WORDS.get(word, Decimal(1)))


@pytest.mark.parametrize(
    "value, shown",
    [
        (4.39e12, "4.39 trillion"),
        (650_000_000_000, "650 billion"),
        (6.5e11, "650 billion"),
        (2.1e11, "210 billion"),
        (4394.41e9, "4.39441 trillion"),
        (1.1e6, "1.1 million"),
        (999_999.9999999, "1 million"),
        (216_000, "216,000"),
        (9500, "9,500"),
        (38.6, "38.6"),
        (0.5, "0.5"),
        (3, "3"),
        (0.0, "0"),
        (-0.0, "0"),
        (-2.5e9, "-2.5 billion"),
        (1e15, "1,000 trillion"),
        (None, "—"),
        ("major national strategy", "major national strategy"),
    ],
)
def test_numbers_read_as_people_write_them(value, shown):
    assert number(value) == shown


@pytest.mark.parametrize(
    "value, name, shown",
    [
        (4.39e12, "yuan", "4.39 trillion yuan"),
        (9, "year", "9 years"),
        (1, "year", "1 year"),
        (9, "minute", "9 minutes"),
        (1.0, "minute", "1 minute"),
        (0.5, "hour", "0.5 hours"),
        (10_000, "branch", "10,000 branches"),
        (1.1e6, "person", "1.1 million people"),
        (1, "person", "1 person"),
        (5.5, "%", "5.5%"),
        (216_000, "km2", "216,000 km²"),
        (38.6, "ug/m3", "38.6 µg/m³"),
        (22e6, "TEU", "22 million TEU"),
        (0.5, "pp", "0.5 percentage points"),
        (4.7e8, "t", "470 million tonnes"),
        (1.5, "times", "1.5 times"),
        (100e9, "yuan", "100 billion yuan"),
        (3, None, "3"),
        ("national strategy", "status", "national strategy"),
    ],
)
def test_quantities_carry_their_unit_in_the_right_number(value, name, shown):
    assert quantity(value, name) == shown


def test_units_agree_with_one_and_many():
    assert unit("years", 1) == "year" and unit("year", 2) == "years"
    assert unit("people", 1) == "person"
    assert unit("mu", 5) == "mu" and unit("yuan", 2) == "yuan"  # no English plural for these
    assert unit(None, 3) == "" and unit("", 3) == ""


@pytest.mark.parametrize(
    "how_many, noun, shown",
    [(1, "fact", "1 fact"), (2, "fact", "2 facts"), (0, "topic", "0 topics"), (1234, "article", "1,234 articles")],
)
def test_counts_agree_with_their_noun(how_many, noun, shown):
    assert count(how_many, noun) == shown


@pytest.mark.parametrize(
    "iso, shown",
    [
        ("2014-02-26", "February 26, 2014"),
        ("2015-06", "June 2015"),
        ("2014", "2014"),
        ("--02-26", "February 26"),
        ("2016/2035", "2016–2035"),
        ("2023-02/2024", "February 2023–2024"),
        (None, ""),
        ("", ""),
        ("2024-13", "2024"),  # an impossible month is left out, not printed as 13
        ("not a date", "not a date"),
    ],
)
def test_dates_leave_unknown_parts_out(iso, shown):
    assert date(iso) == shown
    assert "--" not in date(iso)


def test_as_of_is_empty_without_a_date():
    assert formatting.as_of("--02-26") == "as of February 26"
    assert formatting.as_of(None) == ""


def test_control_characters_never_reach_the_output():
    assert number("a\x1b[31mb\nc") == "a b c"  # the whole escape sequence, not just ESC
    assert quantity(3, "bad\x07unit") == "3 bad units"
    assert count(2, "row\x00") == "2 rows"


# Property tests: every float, every unit.
readable = re.compile(r"-?\d{1,3}(,\d{3})*(\.\d+)?( (million|billion|trillion))?")


@settings(max_examples=500, deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_any_float_is_readable(value):
    text = number(value)
    assert text and "e+" not in text and "e-" not in text and "E" not in text
    assert not re.search(r"[\x00-\x1f\x7f-\x9f]", text)
    assert len(text) < 450  # even 1.8e308 is digits, not an exponent
    if math.isfinite(value) and 1e-6 <= abs(value):
        assert readable.fullmatch(text), text
        assert not re.search(r"\d{1,3}(,\d{3}){2,}", text.split(" ")[0]) or abs(value) >= 1e15, text


@settings(max_examples=500, deadline=None)
@given(st.floats(min_value=1e-6, max_value=1e18) | st.floats(min_value=-1e18, max_value=-1e-6))
def test_numbers_read_back_to_their_value(value):
    assert math.isclose(read_back(number(value)), value, rel_tol=1e-8)


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(CANONICAL_UNITS))
def test_any_quantity_is_one_readable_line(value, name):
    text = quantity(value, name)
    assert text.startswith(number(value))
    assert "e+" not in text and "\n" not in text and not re.search(r"[\x00-\x1f\x7f-\x9f]", text)
    shown_unit = text[len(number(value)) :].strip()
    assert shown_unit == unit(name, value)
    if abs(value) != 1 and name in ("year", "minute", "branch", "person"):
        assert shown_unit in ("years", "minutes", "branches", "people")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_value_is_one_safe_line(text):
    for shown in (number(text), quantity(text, "yuan"), date(text)):
        assert "\n" not in shown and display_safe(shown) == shown
