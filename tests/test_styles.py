"""Presentation has one home above the core (jjj_brief.styles): the CLI and the app colour a
figure kind, a verdict and an assessment with the same look; the core carries no styles."""

from __future__ import annotations

import jjj_brief.figures as figures
from jjj_brief.commands.figures import highlighted, legend
from jjj_brief.styles import ASSESSMENT_LOOKS, FIGURE_LOOKS, TERMINAL, VERDICT_LOOKS


def test_the_core_figures_package_carries_no_styles():
    assert not [name for name in dir(figures) if name.endswith(("_STYLE", "_STYLES", "_LOOKS"))]


def test_every_figure_kind_has_its_own_look_in_the_cli():
    assert set(FIGURE_LOOKS) == set(figures.KINDS)
    styles = {kind: TERMINAL.figure(kind) for kind in figures.KINDS}
    assert all(style.color is not None for style in styles.values())  # nothing left white
    # date and year are one thing to a reader; every other kind differs by its attributes
    attrs = {kind: FIGURE_LOOKS[kind].attrs for kind in figures.KINDS if kind != "year"}
    assert len(set(attrs.values())) == len(attrs)
    assert TERMINAL.figure("count", suspect=True) != styles["count"]


def test_the_cli_legend_and_text_use_the_looks():
    line = legend()
    named = {line.plain[span.start : span.end]: span.style for span in line.spans}
    for kind in figures.KINDS:
        assert named[FIGURE_LOOKS[kind].name] == TERMINAL.figure(kind)
    text = "Caofeidian handled 45 million tonnes in 2023."
    found = figures.extract_figures(text)
    shown = highlighted(text, found)
    assert {str(span.style) for span in shown.spans} == {str(TERMINAL.figure(f.kind)) for f in found}


def test_verdicts_and_assessments_have_looks():
    from jjj_brief.briefings.schema import Verdict
    from jjj_brief.compare.facts import ASSESSMENT_LABELS

    assert set(VERDICT_LOOKS) == set(Verdict.__args__)
    assert set(ASSESSMENT_LOOKS) == set(ASSESSMENT_LABELS)
