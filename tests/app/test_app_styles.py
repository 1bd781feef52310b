"""One home for presentation: every figure kind, verdict and assessment has a look (a name, a
theme colour, attributes), and without colour the figure kinds still differ."""

from __future__ import annotations

from textual.theme import BUILTIN_THEMES

from jjj_brief.app.styles import ASSESSMENT_LOOKS, FIGURE_LOOKS, SUSPECT_LOOK, VERDICT_LOOKS, Palette
from jjj_brief.compare.facts import ASSESSMENT_LABELS
from jjj_brief.figures import KINDS
from jjj_brief.store import VERDICTS


def test_every_figure_kind_verdict_and_assessment_has_a_name_and_a_style():
    assert set(KINDS) == set(FIGURE_LOOKS)
    assert set(VERDICTS) == set(VERDICT_LOOKS)
    assert set(ASSESSMENT_LABELS) == set(ASSESSMENT_LOOKS)
    palette = Palette(BUILTIN_THEMES["textual-dark"].to_color_system().generate())
    for looks, style_of in (
        (FIGURE_LOOKS, palette.figure),
        (VERDICT_LOOKS, palette.verdict),
        (ASSESSMENT_LOOKS, palette.assessment),
    ):
        for code, look in looks.items():
            assert look.name.strip()
            style = style_of(code)
            assert style.color is not None, code  # a colour from the theme, not default white


def test_without_colour_figure_kinds_differ_by_attributes_and_carry_no_colour():
    plain = Palette(BUILTIN_THEMES["textual-dark"].to_color_system().generate(), no_color=True)
    shown = {}
    for kind in KINDS:
        style = plain.figure(kind)
        assert style.color is None and style.bgcolor is None, kind
        shown.setdefault(str(style), set()).add(kind)
    assert all(kinds <= {"date", "year"} or len(kinds) == 1 for kinds in shown.values()), shown
    suspect = plain.figure("count", suspect=True)
    assert str(suspect) not in shown and suspect.color is None
    assert SUSPECT_LOOK.attrs not in {look.attrs for look in FIGURE_LOOKS.values()}
