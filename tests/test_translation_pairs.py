"""An original beside its translation: Chinese figures read, paragraphs aligned, and a
suspect translated figure linked to the original's figure."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jjj_brief.cli import main
from jjj_brief.commands.libraries import default_library
from jjj_brief.corpus import load_corpus
from jjj_brief.figures import extract_figures
from jjj_brief.figures.translation import find_pair, pair
from jjj_brief.figures.zh import chinese_numeral


@pytest.fixture(autouse=True)
def fresh_corpus():
    """Imports made here must not leak into later tests through the per-process corpus."""
    yield
    from jjj_brief import corpus

    corpus._CORPUS = None  # reloaded on next use, from the next test's home


ORIGINAL = (
    "---\ntitle: 河北空气质量持续改善\noutlet: 河北日报\ndate: 2024-01-20\n---\n"
    "京津冀协同发展战略实施以来，河北省大气治理成效显著。\n\n"
    "2023年，河北省PM2.5平均浓度降至38.6微克/立方米，比上年下降百分之十。\n\n"
    "全省新增造林面积超过两千三百公顷，建成一条全长120公里的生态廊道。\n\n"
    "全年投入治理资金4.39亿元。\n"
)
TRANSLATION = (
    "---\ntitle: Hebei air quality keeps improving\noutlet: Hebei Daily (machine translation)\n"
    "translation_of: he-bei-kong-qi-zhi-liang-chi-xu-gai-shan\n---\n"
    "Since the Beijing-Tianjin-Hebei coordinated development strategy was implemented, Hebei's air governance has been remarkable.\n\n"
    "In 2023, the average concentration of PM2.5 in Hebei Province fell to 386 micrograms, a decrease of 10 percent over the previous year.\n\n"
    "The province added more than 2,300 hectares of forest and built a 120 kilometers ecological corridor.\n\n"
    "Governance funds of 439 million yuan were invested over the year.\n"
)


@pytest.mark.parametrize(
    ("text", "kind", "value", "unit"),
    [
        ("38.6微克/立方米", "measure", 38.6, "ug/m3"),
        ("三十八点六微克/立方米", "measure", 38.6, "ug/m3"),
        ("百分之十", "percent", 10.0, "%"),
        ("百分之三十八点六", "percent", 38.6, "%"),
        ("4.39亿元", "money", 439_000_000.0, "yuan"),
        ("4.39万亿元", "money", 4.39e12, "yuan"),
        ("2.16万平方公里", "measure", 21_600.0, "km2"),
        ("两千三百公顷", "measure", 2_300.0, "ha"),
        ("120公里", "measure", 120.0, "km"),
        ("１２０千米", "measure", 120.0, "km"),
        ("1.2万人", "count", 12_000.0, "person"),
        ("3个百分点", "percentage_points", 3.0, "pp"),
    ],
)
def test_chinese_figures_are_read_with_the_english_layers_units(text, kind, value, unit):
    [figure] = extract_figures(f"该地区{text}。")
    assert (figure.text, figure.kind, figure.value, figure.unit) == (text, kind, value, unit)


def test_chinese_ordinals_names_and_words_are_not_figures():
    text = "第三次会议讨论了一体化和PM2.5治理以及5G网络。"
    assert [f.text for f in extract_figures(text)] == []


@given(st.integers(min_value=0, max_value=99_999_999))
@settings(max_examples=200, deadline=None)
def test_chinese_numerals_read_back_every_integer(n):
    assert chinese_numeral(_to_chinese(n)) == n


def _to_chinese(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n == 0:
        return "零"

    def below_10000(k: int, leading: bool) -> str:
        out, zero = "", False
        for value, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = k // value % 10
            if d:
                if zero:
                    out += "零"
                out += digits[d] + name
                zero = False
            elif out or not leading:
                zero = bool(out) or not leading
        return out

    high, low = divmod(n, 10_000)
    text = below_10000(high, True) + "万" if high else ""
    if low:
        text += ("零" if high and low < 1000 else "") + below_10000(low, True)
    return text


@pytest.fixture
def paired(tmp_path, capsys):
    (tmp_path / "original.md").write_text(ORIGINAL, encoding="utf-8")
    (tmp_path / "translation.md").write_text(TRANSLATION, encoding="utf-8")
    assert main(["import", str(tmp_path / "original.md")]) == 0
    assert main(["import", str(tmp_path / "translation.md")]) == 0
    capsys.readouterr()
    corpus = load_corpus(refresh=True, library=default_library())
    return corpus.get("he-bei-kong-qi-zhi-liang-chi-xu-gai-shan"), corpus.get("hebei-air-quality-keeps-improving")


def test_the_suspect_386_micrograms_links_to_the_originals_38_6(paired):
    original, translation = paired
    assert find_pair(translation, load_corpus(library=default_library())) == (original, translation)
    assert find_pair(original, load_corpus(library=default_library())) == (original, translation)
    pairing = pair(original, translation)
    link = pairing.link_at(translation.text.index("386 micrograms"))
    assert link is not None and link.suspect and link.relation == "x10"
    assert original.text[link.original.start : link.original.end] == "38.6微克/立方米"
    assert link.original.value == 38.6
    assert "38.6微克/立方米" in link.explanation()
    others = {link.translation.text: link.relation for link in pairing.links if not link.suspect}
    assert others["10 percent"] == "same" and others["120 kilometers"] == "same"
    assert others["439 million yuan"] == "same"  # 4.39亿元 is 439 million
    assert [link.translation.text for link in pairing.suspects] == ["386 micrograms"]


def test_related_from_the_suspect_figure_puts_the_originals_figure_first(paired, capsys):
    original, translation = paired
    offset = translation.text.index("386 micrograms")
    assert main(["related", translation.id, str(offset), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)["related"][0]
    assert (first["article"], first["text"], first["same_fact"]) == (original.id, "38.6微克/立方米", True)
    assert "x10" in first["reason"]
    back = original.text.index("38.6微克")
    assert main(["related", original.id, str(back), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)["related"][0]
    assert (first["article"], first["text"]) == (translation.id, "386 micrograms")


def test_the_figure_layer_flags_the_translated_figure_with_the_originals_value(paired, capsys):
    _, translation = paired
    assert main(["figures", translation.id, "--json"]) == 0
    figures = {f["text"]: f for f in json.loads(capsys.readouterr().out)["figures"]}
    suspect = figures["386 micrograms"]["suspect"]
    assert suspect["likely"] == 38.6 and "38.6微克/立方米" in suspect["reason"]
    assert figures["10 percent"]["suspect"] is None


def test_paragraphs_are_aligned_by_order_and_shared_numbers(paired):
    original, translation = paired
    rows = pair(original, translation).paragraphs
    assert [(r.original.index, r.translation.index) for r in rows] == [(0, 0), (1, 1), (2, 2), (3, 3)]
    assert "386" in rows[1].shared  # 38.6 and 386 share their digits: the lost decimal still anchors


def test_alignment_skips_a_paragraph_the_translation_left_out(paired):
    original, translation = paired
    dropped = translation.text.replace(translation.paragraphs[2].text, "")
    translation.text = dropped
    translation.__dict__.pop("paragraphs", None)
    rows = pair(original, translation).paragraphs
    matched = [(r.original.index if r.original else None, r.translation.index if r.translation else None) for r in rows]
    assert (1, 1) in matched and (3, 2) in matched and (2, None) in matched


def test_parallel_command_json_and_text(paired, capsys):
    assert main(["parallel", "hebei-air-quality-keeps-improving", "--json", "--suspects"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["suspects"] == 1
    [link] = data["links"]
    assert (link["translation"]["text"], link["original"]["text"]) == ("386 micrograms", "38.6微克/立方米")
    assert main(["parallel", "he-bei-kong-qi-zhi-liang-chi-xu-gai-shan"]) == 0
    out = capsys.readouterr().out
    assert "⚠ 386 micrograms" in out and "38.6微克/立方米" in out
    assert main(["parallel", "cctv-2023-02-27"]) == 1
    assert "no translation" in capsys.readouterr().err


def test_translation_of_as_an_import_option(tmp_path, capsys):
    (tmp_path / "o.md").write_text(ORIGINAL, encoding="utf-8")
    (tmp_path / "t.md").write_text(
        TRANSLATION.replace("translation_of: he-bei-kong-qi-zhi-liang-chi-xu-gai-shan\n", ""), encoding="utf-8"
    )
    assert main(["import", str(tmp_path / "o.md")]) == 0
    assert main(["import", "--translation-of", "he-bei-kong-qi-zhi-liang-chi-xu-gai-shan", str(tmp_path / "t.md")]) == 0
    assert load_corpus(refresh=True, library=default_library()).get(
        "hebei-air-quality-keeps-improving"
    ).translation_of == ("he-bei-kong-qi-zhi-liang-chi-xu-gai-shan")
    assert main(["import", "--translation-of", "no-such-article", str(tmp_path / "t.md")]) == 1
    assert "unknown article" in capsys.readouterr().err
