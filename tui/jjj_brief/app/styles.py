"""The app's styles: the looks of :mod:`jjj_brief.styles` (their one home, shared with the
CLI) in the colours of the app's current theme (:func:`palette_for`). No Textual import here.
"""

from __future__ import annotations

from typing import Protocol

from jjj_brief.styles import (
    ASSESSMENT_LOOKS,
    BADGE_LOOKS,
    FIGURE_LOOKS,
    FOCUS_STYLE,
    PLAIN,
    QUOTE_STYLE,
    REPEAT_STYLE,
    SUSPECT_LOOK,
    VERDICT_LOOKS,
    Look,
    Palette,
    figure_name,
)

__all__ = [
    "ASSESSMENT_LOOKS",
    "BADGE_LOOKS",
    "FIGURE_LOOKS",
    "FOCUS_STYLE",
    "PLAIN",
    "QUOTE_STYLE",
    "REPEAT_STYLE",
    "SUSPECT_LOOK",
    "VERDICT_LOOKS",
    "Look",
    "Palette",
    "Themed",
    "figure_name",
    "palette_for",
]


class Themed(Protocol):
    """What :func:`palette_for` needs of the app (a Textual ``App``)."""

    theme: str
    no_color: bool

    def get_css_variables(self) -> dict[str, str]: ...


_PALETTES: dict[tuple[str, bool], Palette] = {}


def palette_for(app: Themed) -> Palette:
    """The palette of the app's current theme and colour mode (made once per theme)."""
    key = (app.theme, app.no_color)
    palette = _PALETTES.get(key)
    if palette is None:
        palette = _PALETTES[key] = Palette(app.get_css_variables(), no_color=app.no_color)
    return palette
