"""Figures in Chinese text: Arabic and Chinese numerals, 万/亿 multipliers, 百分之, units.

The English grammar in :mod:`jjj_brief.figures` (extraction) reads translations; this module reads the
originals they were translated from, so a figure in a translation can be checked against the
original's (``38.6微克/立方米`` beside "386 micrograms"). It produces the same
:class:`~jjj_brief.figures.Figure` objects with the same canonical units (``ug/m3``, ``km``,
``km2``, ``yuan``, ``%``, ``person``...), spans into the text as given.

What it reads:

- numbers: ``38.6``, ``１２３``, ``2,100``, ``三十八点六``, ``一千二百``, ``两万``, ``二〇二三``;
- multipliers after Arabic digits: 千, 万, 百万, 千万, 亿, 万亿 (``4.39万亿元`` is 4.39e12 yuan);
- percent: ``百分之十``, ``百分之38.6``, ``10%``/``10％``; ``个百分点`` is percentage points;
- units: 微克/立方米 (µg/m³), 平方公里/平方千米 (km²), 公里/千米 (km), 公顷, 立方米, 米, 吨,
  元 (with 万元/亿元), 人/人次, 倍, 天/个月/小时/分钟 and 年 (a duration, or a year after four
  digits), and counters (个, 家, 项, 座, 所, 条, 辆, 户) as plain counts;
- hedges before or after: 超过/逾/以上/多/余 (more than), 近/将近/接近 (nearly), 约/左右 (about).

Not figures: ordinals (第三), names with digits (PM2.5, 5G), and a bare Chinese numeral with
no unit and no 十/百/千/万/亿 in it (一体化 is not "1").
"""

from __future__ import annotations

import bisect
import re

from jjj_brief.figures.model import Figure

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_ZH_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_ZH_SMALL = {"十": 10, "百": 100, "千": 1000}
_ZH_BIG = {"万": 10_000, "亿": 100_000_000}
_MULTIPLIERS = {"千": 1e3, "万": 1e4, "百万": 1e6, "千万": 1e7, "亿": 1e8, "万亿": 1e12}
# zh unit -> (kind, canonical unit as figures.normalize_unit names it)
UNITS: dict[str, tuple[str, str | None]] = {
    "微克/立方米": ("measure", "ug/m3"),
    "微克每立方米": ("measure", "ug/m3"),
    "平方公里": ("measure", "km2"),
    "平方千米": ("measure", "km2"),
    "公里": ("measure", "km"),
    "千米": ("measure", "km"),
    "公顷": ("measure", "ha"),
    "立方米": ("measure", "m3"),
    "米": ("measure", "m"),
    "吨": ("measure", "t"),
    "千瓦": ("measure", "kW"),
    "元": ("money", "yuan"),
    "人次": ("count", "person-time"),
    "人": ("count", "person"),
    "倍": ("multiple", "times"),
    "个百分点": ("percentage_points", "pp"),
    "%": ("percent", "%"),
    "％": ("percent", "%"),
    "个月": ("duration", "month"),
    "天": ("duration", "day"),
    "小时": ("duration", "hour"),
    "分钟": ("duration", "minute"),
    "年": ("duration", "year"),
    "户": ("count", "household"),
    "家": ("count", "enterprise"),
    "项": ("count", "project"),
    "辆": ("count", "vehicle"),
    "个": ("count", None),
    "座": ("count", None),
    "所": ("count", None),
    "条": ("count", None),
}
_COUNTERS = frozenset({"个", "座", "所", "条", "家", "项", "户", "辆", "年"})
_QUALIFIERS_BEFORE = {
    "超过": "more than",
    "逾": "more than",
    "超": "more than",
    "将近": "nearly",
    "接近": "nearly",
    "近": "nearly",
    "大约": "about",
    "约": "about",
}
_QUALIFIERS_AFTER = {"多": "more than", "余": "more than"}

_ARABIC = r"[0-9０-９]+(?:[,，][0-9]{3})*(?:[.．][0-9０-９]+)?"
_CHINESE = r"[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?"
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_FIGURE = re.compile(
    rf"(?P<qual>{'|'.join(sorted(_QUALIFIERS_BEFORE, key=len, reverse=True))})?"
    rf"(?:百分之(?P<pct>{_ARABIC}|{_CHINESE})"
    rf"|(?P<arabic>{_ARABIC})(?P<mult>万亿|千万|百万|万|亿|千(?![米瓦克]))?|(?P<chinese>{_CHINESE}))"
    rf"(?P<more>多|余)?(?P<unit>{_UNIT_ALT})?"
)
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")


def has_han(text: str) -> bool:
    return HAN.search(text) is not None


def is_chinese(line: str) -> bool:
    """Han characters are at least a third of the line's letters (one stray 丨 is not)."""
    han = len(HAN.findall(line))
    if han < 2:
        return False
    letters = sum(1 for ch in line if ch.isalpha())
    return han * 3 >= letters


def chinese_numeral(text: str) -> float | None:
    """三十八点六 -> 38.6, 一千二百万 -> 12000000.0, 二〇二三 -> 2023.0; None if malformed."""
    whole, _, fraction = text.partition("点")
    if fraction and not all(ch in _ZH_DIGITS for ch in fraction):
        return None
    integer = _chinese_integer(whole)
    if integer is None:
        return None
    if fraction:
        return integer + float("0." + "".join(str(_ZH_DIGITS[ch]) for ch in fraction))
    return float(integer)


def _chinese_integer(text: str) -> int | None:
    if not text:
        return 0
    if all(ch in _ZH_DIGITS for ch in text):  # digit by digit: 二〇二三
        return int("".join(str(_ZH_DIGITS[ch]) for ch in text))
    total = section = number = 0
    for ch in text:
        if ch in _ZH_DIGITS:
            number = _ZH_DIGITS[ch]
        elif ch in _ZH_SMALL:
            section += (number or 1) * _ZH_SMALL[ch]
            number = 0
        elif ch == "万":
            total += (section + number or 1) * 10_000
            section = number = 0
        elif ch == "亿":
            total = (total + section + number or 1) * 100_000_000
            section = number = 0
        else:
            return None
    return total + section + number


def _arabic(text: str) -> float:
    table = str.maketrans("０１２３４５６７８９．", "0123456789.")
    return float(text.translate(table).replace(",", "").replace("，", ""))


def extract_zh_figures(text: str) -> list[Figure]:
    """Figures in the Chinese parts of ``text`` (spans into ``text``), sorted."""
    figures: list[Figure] = []
    for match in _FIGURE.finditer(text):
        figure = _figure(text, match)
        if figure is not None:
            figures.append(figure)
    return _with_as_of(text, figures)


def _figure(text: str, m: re.Match[str]) -> Figure | None:
    start, end = m.start(), m.end()
    number_start = (
        m.start("pct") - 3 if m.group("pct") else m.start("arabic") if m.group("arabic") else m.start("chinese")
    )
    before = text[max(0, number_start - 1) : number_start]
    after = text[end : end + 1]
    if (
        before == "第"
        or re.fullmatch(r"[A-Za-z.]", before)
        or (not m.group("unit") and re.fullmatch(r"[A-Za-z]", after))
    ):
        return None  # ordinal, or part of a name (PM2.5, 5G)
    unit_text: str | None = m.group("unit")
    kind: str
    unit: str | None
    value: float | None
    if m.group("pct"):
        raw = m.group("pct")
        value = _arabic(raw) if raw[0] not in _ZH_DIGITS and raw[0] not in "十百千万亿" else chinese_numeral(raw)
        kind, unit = "percent", "%"
        end = m.end("pct")
    else:
        if m.group("arabic"):
            value = _arabic(m.group("arabic")) * _MULTIPLIERS.get(m.group("mult") or "", 1.0)
        else:
            chinese = m.group("chinese")
            value = chinese_numeral(chinese)
            plain = not re.search("[十百千万亿点]", chinese)
            if value is None or (plain and (not unit_text or unit_text in _COUNTERS)):
                return None
        kind, unit = UNITS.get(unit_text or "", ("count", None))
    if value is None:
        return None
    if (
        unit_text == "年"
        and m.group("arabic")
        and not m.group("mult")
        and re.fullmatch(r"[12]\d{3}", m.group("arabic"))
    ):
        kind, unit = "year", None
    qualifier = _QUALIFIERS_BEFORE.get(m.group("qual") or "") or _QUALIFIERS_AFTER.get(m.group("more") or "")
    if not m.group("qual"):
        start = number_start
    return Figure(start, end, text[start:end], kind, _tidy(value), unit, qualifier, None)


def _tidy(value: float) -> float:
    """Round away binary noise (4.39 * 1e12 == 4389999999999.9995)."""
    return float(f"{value:.12g}")


def _with_as_of(text: str, figures: list[Figure]) -> list[Figure]:
    """A figure's as-of year: the last year figure before it in its sentence."""
    out: list[Figure] = []
    year: str | None = None
    sentence_end = -1
    for figure in figures:
        if figure.start > sentence_end:
            year = None
            found = _SENTENCE_END.search(text, figure.start)
            sentence_end = found.start() if found else len(text)
        if figure.kind == "year":
            year = f"{figure.value:.0f}"
            out.append(figure)
            continue
        out.append(
            Figure(
                figure.start,
                figure.end,
                figure.text,
                figure.kind,
                figure.value,
                figure.unit,
                figure.qualifier,
                year,
                figure.suspect,
            )
        )
    return out


def merge(text: str, english: list[Figure]) -> list[Figure]:
    """The figures of a text that may hold Chinese: Chinese lines (:func:`is_chinese`) are read
    by this module (the English grammar's readings there are dropped), other lines keep theirs."""
    if not has_han(text):
        return english
    han_lines = [(line.start(), line.end()) for line in re.finditer(r"[^\n]+", text) if is_chinese(line.group(0))]
    if not han_lines:
        return english

    starts = [start for start, _ in han_lines]

    def in_han_line(figure: Figure) -> bool:
        i = bisect.bisect_right(starts, figure.start) - 1
        return i >= 0 and figure.start < han_lines[i][1]

    kept = [f for f in english if not in_han_line(f)]
    chinese = [f for start, end in han_lines for f in extract_zh_figures_span(text, start, end)]
    return sorted(kept + chinese, key=lambda f: f.start)


def extract_zh_figures_span(text: str, start: int, end: int) -> list[Figure]:
    """:func:`extract_zh_figures` on ``text[start:end]``, with offsets into ``text``."""
    return [
        Figure(f.start + start, f.end + start, f.text, f.kind, f.value, f.unit, f.qualifier, f.as_of, f.suspect)
        for f in extract_zh_figures(text[start:end])
    ]
