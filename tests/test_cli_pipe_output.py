"""CLI output through a pipe: whole lines, whole ids (issue 13, item 11).

A terminal gets lines wrapped to its width; a pipe or a file gets each line whole (ids,
offsets and quotes greppable), unless ``COLUMNS`` says how wide to wrap.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest


def piped(*args: str, columns: str | None = None) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    if columns is not None:
        env["COLUMNS"] = columns
    result = subprocess.run(
        [sys.executable, "-m", "jjj_brief", *args],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_related_table_keeps_ids_and_offsets_whole():
    lines = piped("related", "peoples-daily-2024-02-26", "34903")
    assert lines[0] == "38.6 micrograms/cubic meter  (measure, ug/m3) in peoples-daily-2024-02-26 at 34903-34930"
    rows = [line for line in lines if line.startswith("│")]
    assert any("liaowang-2024@2056" in row and "386 micrograms of cubic meters" in row for row in rows)
    assert all(re.search(r"[a-z]+-\d{4}(-\d\d-\d\d)?@\d+ ", row) for row in rows if re.match(r"│ \d", row))
    assert len(rows) == len([row for row in rows if re.match(r"│ \d+ ", row)]), "a row spilled onto a second line"


def test_search_hits_are_one_line_each():
    lines = piped("search", "Xiong'an", "--limit", "5")
    assert re.match(r"\d+ match(es)? for ", lines[0])
    hits = [line for line in lines if re.match(r" +\d+\. ", line)]
    assert len(hits) == 5
    assert all(re.search(r"score \d+\.\d\d$", line) for line in hits), hits


def test_articles_listing_is_one_line_per_article():
    lines = piped("articles")
    listings = [line for line in lines if not line.startswith((" ", "*"))]
    assert len(listings) == 5
    assert all(re.search(r" · \d+ words · \d+ paragraphs", line) for line in listings), listings


@pytest.mark.parametrize("columns", ["60", "100"])
def test_columns_is_honoured_when_set(columns):
    lines = piped("articles", columns=columns)
    assert max(len(line) for line in lines) <= int(columns)
    assert len(lines) > 10  # 5 articles and their titles, wrapped to fit


def test_facts_print_values_for_people():
    lines = piped("facts")
    values = [line.split("  “")[0] for line in lines if re.match(r"    [a-z0-9-]+: ", line)]  # before the quote
    text = "\n".join(values)
    assert "xinhua-2023-02-25: 9 years (February 2023)" in text and "10 years (February 2024)" in text
    assert "9 minutes" in text and "55 minutes" in text and " 1 year " not in text
    assert "4.39441 trillion yuan" in text and "439 trillion yuan" in text
    assert not re.search(r"\d+(\.\d+)?e[+-]?\d+", text)
    assert not re.search(r"\d{1,3}(,\d{3}){2,}", text), "a value of a million or more printed as digits"
    assert not re.search(r"\(-|--\d\d", text), "a date with its unknown year left as dashes"


def test_figures_give_the_likely_value_in_words():
    text = "\n".join(piped("figures", "liaowang-2024"))
    assert "439 trillion yuan (likely 4.39 trillion yuan)" in text
    assert "e+12" not in text
