"""One home for how jjj-brief presents things: figure kinds, verdicts, assessments, marks.

Each kind of thing has a :class:`Look`: its name (as the legend and help say it), the theme
colour it takes (a Textual theme variable, so a theme change recolours it) and its
attributes (bold, italic, underline...). The attributes alone tell the figure kinds apart,
so with ``NO_COLOR`` (no hue at all) a count still differs from a sum of money, and a
figure is never drawn in a grey close to the background.

:class:`Palette` turns looks into Rich styles for a theme. Presentation, above the core: the
app (:mod:`jjj_brief.app.styles`, with the theme's colours) and the CLI (:data:`TERMINAL`,
the terminal's own colours) print with the same looks. No Textual here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from rich.color import Color, ColorParseError
from rich.style import Style


@dataclass(frozen=True)
class Look:
    """``name`` as shown; ``role``: the theme variable giving its colour; ``attrs``: Rich
    attributes that mark it without colour."""

    name: str
    role: str
    attrs: str


#: Every figure kind the figures module extracts (``jjj_brief.figures.KINDS``). Attributes are
#: unique per kind (date and year are one thing to a reader).
FIGURE_LOOKS: dict[str, Look] = {
    "money": Look("money", "text-success", "bold underline"),
    "percent": Look("percent", "text-primary", "italic underline"),
    "percentage_points": Look("points", "text-primary", "bold italic underline"),
    "count": Look("count", "text-warning", "underline"),
    "measure": Look("measure", "text-secondary", "underline2"),
    "duration": Look("duration", "text-accent", "italic underline2"),
    "multiple": Look("multiple", "text-warning", "bold underline2"),
    "date": Look("date", "text-success", "overline"),
    "year": Look("year", "text-success", "overline"),
    "label": Look("label", "text-secondary", "italic"),
}
SUSPECT_LOOK = Look("suspect", "text-error", "bold italic reverse")

#: A curated or your own verdict (``jjj_brief.briefings.schema.Verdict``).
VERDICT_LOOKS: dict[str, Look] = {
    "consistent": Look("consistent", "text-success", "bold"),
    "rounding": Look("rounding", "text-primary", "bold"),
    "different-date-or-scope": Look("different date or scope", "text-warning", "bold italic"),
    "conflict": Look("conflict", "text-error", "bold reverse"),
    "transcription-error": Look("transcription error", "text-error", "bold underline"),
}

#: What the compare layer computed (``jjj_brief.compare.facts.ASSESSMENT_LABELS``).
ASSESSMENT_LOOKS: dict[str, Look] = {
    "same-value": Look("same value", "text-success", "bold"),
    "rounding": Look("within rounding", "text-primary", "bold"),
    "different-dates": Look("different dates", "text-warning", "bold italic"),
    "transcription-error": Look("likely transcription error", "text-error", "bold underline"),
    "conflict": Look("conflict", "text-error", "bold reverse"),
    "different-scopes": Look("different scopes", "text-warning", "bold italic"),
}

#: Search hit badges.
BADGE_LOOKS: dict[str, Look] = {
    "passage": Look("PASSAGE", "text-primary", "bold"),
    "topic": Look("TOPIC", "text-success", "bold"),
    "fact": Look("FACT", "text-accent", "bold"),
    "glossary": Look("GLOSSARY", "text-warning", "bold"),
}

FOCUS_STYLE = "reverse bold"  # the focused figure: no colour, reads in every theme
REPEAT_STYLE = "dim"
QUOTE_STYLE = "italic underline"


def figure_name(kind: str) -> str:
    look = FIGURE_LOOKS.get(kind)
    return look.name if look else kind.replace("_", " ")


@lru_cache(maxsize=64)
def _parsed(color: str) -> Color | None:
    try:
        return Color.parse(color)
    except ColorParseError:
        return None


class Palette:
    """Rich styles for one theme (``variables``: the app's CSS variables) and colour mode."""

    def __init__(self, variables: Mapping[str, str] | None = None, *, no_color: bool = False) -> None:
        self.variables = dict(variables or {})
        self.no_color = no_color

    def _color(self, role: str) -> Color | None:
        if self.no_color:
            return None
        value = self.variables.get(role)
        return _parsed(value) if value else None

    def style(self, look: Look) -> Style:
        return Style.parse(look.attrs) + Style(color=self._color(look.role))

    def figure(self, kind: str, suspect: bool = False) -> Style:
        if suspect:
            return self.style(SUSPECT_LOOK)
        look = FIGURE_LOOKS.get(kind)
        return self.style(look) if look else Style(underline=True)

    def verdict(self, verdict: str) -> Style:
        look = VERDICT_LOOKS.get(verdict)
        return self.style(look) if look else Style(bold=True)

    def assessment(self, code: str) -> Style:
        look = ASSESSMENT_LOOKS.get(code)
        return self.style(look) if look else Style(bold=True)

    def badge(self, kind: str) -> Style:
        look = BADGE_LOOKS.get(kind)
        return self.style(look) if look else Style(bold=True)

    @property
    def match(self) -> Style:
        """A search or find match: the warning colour behind dark text; reverse without colour."""
        if self.no_color:
            return Style(reverse=True)
        return Style(bold=True, color=self._color("background"), bgcolor=self._color("warning"))

    @property
    def current_match(self) -> Style:
        if self.no_color:
            return Style(reverse=True, bold=True, underline2=True)
        return Style(
            bold=True, color=self._color("background"), bgcolor=self._color("accent-lighten-2"), underline=True
        )

    @property
    def focus(self) -> Style:
        return Style.parse(FOCUS_STYLE)

    @property
    def warning(self) -> Style:
        return Style(color=self._color("text-warning"))

    @property
    def error(self) -> Style:
        return Style(bold=True, color=self._color("text-error"))

    @property
    def good(self) -> Style:
        return Style(bold=True, color=self._color("text-success"))


#: Colourless looks for code that runs before an app exists (tests, the CLI).
PLAIN = Palette(no_color=True)

#: The CLI's palette: each theme role as one of the terminal's own colours (Rich drops the
#: colours under ``NO_COLOR`` and keeps the attributes).
TERMINAL = Palette(
    {
        "text-success": "green",
        "text-primary": "cyan",
        "text-secondary": "magenta",
        "text-warning": "yellow",
        "text-accent": "blue",
        "text-error": "red",
        "warning": "yellow",
        "accent-lighten-2": "bright_blue",
        "background": "black",
    }
)
