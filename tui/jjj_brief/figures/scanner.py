"""The scanner: one token pattern over the text, the figure draft it feeds, and the
linear-time sentence and quotation tables every pass looks things up in."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

# --------------------------------------------------------------------------- the scanner

_MONTH_NAMES = "January|February|March|April|May|June|July|August|September|October|November|December"
_TOKEN = re.compile(
    rf"""
    (?=[0-9]|\b[JFMASONDTtFfSsEeNnOoHh])  # cheap filter: every alternative starts so (inside words: no)
    (?:
    (?P<iso>(?<![\d.,])(?:19|20)\d\d-[01]\d-[0-3]\d(?![\d]))
  | (?P<mdate>\b(?=[JFMASOND])(?:{_MONTH_NAMES})[ \t\u00a0]++(?:
        (?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?![\d\w])(?:,?[ \t\u00a0]++(?P<dyear>(?:19|20)\d\d)(?!\d))?
      | (?:of[ \t\u00a0]++)?(?P<myear>(?:19|20)\d\d)(?!\d)))
  | (?P<label>(?<![\d.,])\d++(?:[ \t\u00a0]*+\+[ \t\u00a0]*+(?:\d++|N\b))++)
  | (?P<num>(?<![\d.,])\d++(?:[.,]\d++)*+)
  | (?P<half>\b(?=[Hh])(?i:half)(?:[ \t\u00a0]++an?[ \t\u00a0]++|-)(?=(?i:hour|day|year|month|week|minute)))
  | (?P<hundred>\b(?=[TtFfSsEeNnOo])(?i:(?:one|two|three|four|five|six|seven|eight|nine)[ \t\u00a0]++hundred
        (?:[ \t\u00a0]++(?:and[ \t\u00a0]++)?(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-(?:one|two|three|four|five|six|seven|eight|nine))?
        |one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen
        |sixteen|seventeen|eighteen|nineteen)(?![\w-]))?)\b)
  | (?P<word>\b(?=[TtFfSsEeNnOo])(?i:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-(?:one|two|three|four|five|six|seven|eight|nine))?
        |one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen
        |sixteen|seventeen|eighteen|nineteen)\b)
    )
    """,
    re.VERBOSE,
)

_SENTENCE_END = re.compile(r"[.!?;。！？]+(?=[\s\"”’)]|\Z)|\n")
_QUOTE_CHARS = re.compile(r"[\"“”]")
_MAX_QUOTE = 80


@dataclass
class _Draft:
    """A figure being built; frozen into a :class:`Figure` at the end."""

    start: int
    end: int
    kind: str
    value: float | None
    unit: str | None = None
    qualifier: str | None = None
    as_of: str | None = None
    reason: str | None = None
    likely: float | None = None
    bare: bool = False  # digits with no unit and no scale (may join a list or a split)
    fused_before: str | None = None  # word glued right before the digits
    fused_after: str | None = None  # word glued right after the digits
    digits: str = ""  # the printed number, for decimal-point reasoning
    scale: float = 1.0
    from_word: bool = False
    number_start: int = -1  # where the number itself starts (after any qualifier)

    def __post_init__(self) -> None:
        if self.number_start < 0:
            self.number_start = self.start

    def flag(self, reason: str, likely: float | None = None) -> None:
        if self.reason is None:
            self.reason, self.likely = reason, likely
        else:
            self.reason = f"{self.reason}; {reason}"
            if self.likely is None:
                self.likely = likely


class _Context:
    """Precomputed, linear-time facts about one text: sentences and short quotations."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sentence_starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)]
        self.quotes = _short_quotations(text)
        self.quote_starts = [s for s, _ in self.quotes]

    def sentence(self, offset: int) -> int:
        return bisect.bisect_right(self.sentence_starts, offset) - 1

    def in_short_quote(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.quote_starts, start) - 1
        return i >= 0 and self.quotes[i][0] <= start and end <= self.quotes[i][1]

    def before(self, offset: int, width: int = 40) -> str:
        return self.text[max(0, offset - width) : offset]


def _short_quotations(text: str) -> list[tuple[int, int]]:
    """Spans inside paired quotation marks on one line, at most ``_MAX_QUOTE`` long."""
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    open_char = ""
    previous = 0
    for match in _QUOTE_CHARS.finditer(text):
        char, pos = match.group(0), match.start()
        if open_at is not None and "\n" in text[previous:pos]:
            open_at = None  # quotations do not cross lines
        previous = pos
        if open_at is None:
            if char in '"“':
                open_at, open_char = pos, char
            continue
        if char == "”" or (char == '"' and open_char == '"'):
            if pos - open_at <= _MAX_QUOTE:
                spans.append((open_at + 1, pos))
            open_at = None
        elif char == "“":
            open_at, open_char = pos, char
    return spans
