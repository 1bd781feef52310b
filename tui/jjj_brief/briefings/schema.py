"""The briefings YAML schema: the one source of truth for what a briefing file may say.

A briefing file is a YAML mapping with any of four top-level lists — ``topics``,
``facts``, ``glossary``, ``timeline`` — so the set can be split over files as the editors
like. Each list item is validated on its own (see :mod:`jjj_brief.briefings.load`), so one
bad item costs that item, not the file.

Models forbid unknown keys: a typo (``qoute:``) is an error, not silently ignored data.
Cross-references (article ids, topic parents, quotes occurring in their article, values
agreeing with the figure layer) are not schema: ``jjj-brief check`` verifies them.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
ISO_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")

Verdict = Literal["consistent", "rounding", "different-date-or-scope", "conflict", "transcription-error"]
VERDICTS: tuple[str, ...] = Verdict.__args__  # type: ignore[attr-defined]

GlossaryKind = Literal[
    "place", "organisation", "person", "policy", "infrastructure", "concept", "slogan", "publication", "project"
]
DatePrecision = Literal["day", "month", "year"]

# Top-level keys of a briefing file, each a list of the model named.
SECTIONS = ("topics", "facts", "glossary", "timeline")


def _non_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


NonBlank = Annotated[str, AfterValidator(_non_blank)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Passage(_Model):
    """A verbatim quote from one article (``check`` proves it occurs there)."""

    article: str = Field(description="article id from seeds/catalog.yaml")
    quote: NonBlank = Field(description="verbatim substring of the article text")
    note: str | None = None


class Claim(_Model):
    """What one article printed about a quantity: the words, and the number they say."""

    article: str
    quote: NonBlank = Field(description="verbatim: one clause or sentence")
    value: float = Field(description="the number as PRINTED (a garbled '386' stays 386)")
    unit: str = Field(min_length=1, description="canonical unit of the figure layer")
    as_of: str | None = Field(default=None, description="YYYY, YYYY-MM or YYYY-MM-DD, or a span 'YYYY/YYYY'")
    qualifier: str | None = Field(default=None, description="more than, nearly, about, cumulative...")
    note: str | None = None

    @field_validator("as_of")
    @classmethod
    def _as_of(cls, value: str | None) -> str | None:
        if value is not None and not all(ISO_DATE.fullmatch(part) for part in value.split("/")):
            raise ValueError("must be YYYY, YYYY-MM, YYYY-MM-DD or a span like 2014/2023")
        return value


class Fact(_Model):
    """One quantity reported by two or more sources, and how their claims relate."""

    id: str = Field(pattern=ID_PATTERN)
    topic: str
    subject: NonBlank
    verdict: Verdict
    explanation: NonBlank
    claims: list[Claim] = Field(min_length=2)


class Topic(_Model):
    """A node of the topic tree. Groups (``parent: null``) hold topics."""

    id: str = Field(pattern=ID_PATTERN)
    title: NonBlank
    parent: str | None = None
    summary: NonBlank
    key_points: list[str] = Field(default_factory=list)
    passages: list[Passage] = Field(default_factory=list)

    @property
    def is_group(self) -> bool:
        return self.parent is None


class GlossaryTerm(_Model):
    """A term with every spelling the articles print, and what a reader should know."""

    id: str = Field(pattern=ID_PATTERN)
    term: NonBlank
    kind: GlossaryKind
    aliases: list[str] = Field(default_factory=list, description="variants and renderings, as printed")
    mistranslations: list[str] = Field(
        default_factory=list, description="the aliases that are translation errors (each also in aliases)"
    )
    zh: str | None = Field(default=None, description="the Chinese original, when it explains the term")
    gloss: NonBlank

    @model_validator(mode="after")
    def _mistranslations_are_aliases(self) -> "GlossaryTerm":
        missing = [m for m in self.mistranslations if m not in self.aliases]
        if missing:
            raise ValueError(f"mistranslations not listed in aliases: {', '.join(missing)}")
        return self

    @property
    def spellings(self) -> list[str]:
        """The term and all its aliases, without duplicates, term first."""
        seen: dict[str, None] = {self.term: None}
        for alias in self.aliases:
            seen.setdefault(alias, None)
        return list(seen)


class TimelineEvent(_Model):
    """A dated event with the words of every article that reports it."""

    id: str = Field(pattern=ID_PATTERN)
    date: str = Field(description="YYYY, YYYY-MM or YYYY-MM-DD, as precise as the sources allow")
    precision: DatePrecision
    title: NonBlank
    what: str | None = None
    topics: list[str] = Field(default_factory=list)
    quotes: list[Passage] = Field(min_length=1)

    @model_validator(mode="after")
    def _date_matches_precision(self) -> "TimelineEvent":
        if not ISO_DATE.fullmatch(self.date):
            raise ValueError("date must be YYYY, YYYY-MM or YYYY-MM-DD")
        parts = {"year": 1, "month": 2, "day": 3}[self.precision]
        if len(self.date.split("-")) != parts:
            raise ValueError(f"date {self.date!r} does not have {self.precision} precision")
        return self


SECTION_MODELS: dict[str, type[_Model]] = {
    "topics": Topic,
    "facts": Fact,
    "glossary": GlossaryTerm,
    "timeline": TimelineEvent,
}
