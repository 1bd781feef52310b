"""What a comparison of a curated fact is made of: each claim resolved against its
article (:class:`ClaimView`), the spread of values or readings, the computed assessment,
and the labels of assessments with the curated verdict each corresponds to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, cast

from jjj_brief import formatting
from jjj_brief.briefings import Fact

if TYPE_CHECKING:
    from jjj_brief.corpus import Article

ASSESSMENT_LABELS = {
    "same-value": "same value",
    "rounding": "within rounding",
    "different-dates": "different dates",
    "transcription-error": "likely transcription error",
    "conflict": "conflict",
    "different-scopes": "different scopes",
}
# The curated verdict each computed assessment corresponds to.
MATCHING_VERDICT = {
    "same-value": "consistent",
    "rounding": "rounding",
    "different-dates": "different-date-or-scope",
    "transcription-error": "transcription-error",
    "conflict": "conflict",
    "different-scopes": "different-date-or-scope",
}


class Spanned(Protocol):
    """A figure or a run of words: where it stands in the article text."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


@dataclass
class Context:
    """The paragraph around a quote; all offsets are into the article text."""

    start: int
    end: int
    text: str
    quote_start: int
    quote_end: int
    figure_start: int | None
    figure_end: int | None

    @classmethod
    def around(cls, article: Article, span: tuple[int, int], figure: Spanned | None) -> Context:
        """The paragraph holding the quote at ``span`` (stretched to the quote's end), with
        the quote's and the figure's offsets: what a comparison shows of one source."""
        paragraph = article.paragraph_at(span[0])
        lo, hi = (paragraph.start, max(paragraph.end, span[1])) if paragraph else span
        return cls(
            lo,
            hi,
            article.text[lo:hi],
            span[0],
            span[1],
            figure.start if figure is not None else None,
            figure.end if figure is not None else None,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "quote": [self.quote_start - self.start, self.quote_end - self.start],
            "figure": None
            if self.figure_start is None
            else [self.figure_start - self.start, self.figure_end - self.start],  # type: ignore[operator]
        }


@dataclass
class ClaimView:
    """One source's claim, resolved against its article."""

    article: str
    file: str | None
    outlet: str
    date: str
    title: str
    quote: str
    start: int | None
    end: int | None
    figure: Any | None  # jjj_brief.figures.Figure inside the quote that carries the value (or WordsSpan)
    context: Context | None
    value: float | str
    unit: str | None
    qualifier: str | None
    as_of: str | None
    note: str | None = None
    part: str | None = None  # counts only part of what the others count: not compared
    reading: str | None = None  # a non-numeric value's reading (reads_as, the words, or an ISO date)

    @property
    def number(self) -> float:
        """The value of a number fact's claim (the schema makes it a number there)."""
        return cast(float, self.value)

    def to_dict(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "file": self.file,
            "outlet": self.outlet,
            "date": self.date,
            "title": self.title,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "figure": self.figure.to_dict() if self.figure is not None else None,
            "context": self.context.to_dict() if self.context else None,
            "value": self.value,
            "unit": self.unit,
            "qualifier": self.qualifier,
            "as_of": self.as_of,
            "note": self.note,
            "part": self.part,
            "reading": self.reading,
        }

    @property
    def is_number(self) -> bool:
        return isinstance(self.value, (int, float)) and not isinstance(self.value, bool)


@dataclass(frozen=True)
class WordsSpan:
    """Where a category, date or status value is printed: highlighted like a figure."""

    start: int
    end: int
    text: str
    value: None = None
    suspect: None = None

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "kind": "words"}


@dataclass
class ReadingSpread:
    """A non-numeric fact's spread: the distinct readings, in claim order."""

    readings: list[str]

    @property
    def label(self) -> str:
        if len(self.readings) == 1:
            return f"{self.readings[0]} (all claims)"
        return " / ".join(self.readings) + f" ({len(self.readings)} readings)"

    def __str__(self) -> str:
        return self.label

    def to_dict(self) -> dict[str, Any]:
        return {"readings": list(self.readings), "label": self.label}


@dataclass
class Spread:
    min: float
    max: float
    relative: float  # (max - min) / max
    parts: int = 0  # claims that count a part: left out of the spread

    @property
    def label(self) -> str:
        left_out = f"; {self.parts} part{'s' if self.parts > 1 else ''} not compared" if self.parts else ""
        if self.min == self.max:
            return f"{formatting.number(self.min)} ({'all claims' if not self.parts else 'the whole'}{left_out})"
        return f"{formatting.number(self.min)} – {formatting.number(self.max)} ({self.relative:.1%} relative difference{left_out})"

    def __str__(self) -> str:
        return self.label

    def to_dict(self) -> dict[str, Any]:
        return {"min": self.min, "max": self.max, "relative": round(self.relative, 6), "label": self.label}


@dataclass
class Assessment:
    code: str  # a key of ASSESSMENT_LABELS
    label: str
    detail: str

    def __str__(self) -> str:
        return self.label

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "label": self.label, "detail": self.detail}


@dataclass
class Comparison:
    fact: Fact
    claims: list[ClaimView]
    spread: Spread | ReadingSpread
    assessment: Assessment
    verdict: str
    disagreement: str | None = None
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.fact.id,
            "topic": self.fact.topic,
            "subject": self.fact.subject,
            "verdict": self.verdict,
            "explanation": self.fact.explanation,
            "assessment": self.assessment.to_dict(),
            "disagreement": self.disagreement,
            "spread": self.spread.to_dict(),
            "claims": [claim.to_dict() for claim in self.claims],
            "problems": list(self.problems),
        }
