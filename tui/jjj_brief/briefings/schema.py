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

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
ISO_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_NUMERIC = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")

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


ValueKind = Literal["number", "category", "date", "status"]
VALUE_KINDS: tuple[str, ...] = ValueKind.__args__  # type: ignore[attr-defined]


class Claim(_Model):
    """What one article printed about a fact: the words, and the value they state.

    A number fact's ``value`` is the number as printed, with its ``unit``. A category,
    date or status fact's ``value`` is the words as printed ("Class III", "June 2015",
    "capped"), found literally inside the quote; ``reads_as`` says what they mean when
    sources word the same thing differently ("Category III" for "Class III", an ISO date
    for a date), and is what the verdict is checked against.
    """

    article: str
    quote: NonBlank = Field(description="verbatim: one clause or sentence")
    value: float | str = Field(description="the number as PRINTED (a garbled '386' stays 386), or the words")
    unit: str | None = Field(default=None, min_length=1, description="canonical unit of the figure layer (numbers)")
    as_of: str | None = Field(default=None, description="YYYY, YYYY-MM or YYYY-MM-DD, or a span 'YYYY/YYYY'")
    qualifier: str | None = Field(default=None, description="more than, nearly, about, cumulative...")
    reads_as: str | None = Field(default=None, description="what a non-numeric value means, when worded differently")
    part: str | None = Field(
        default=None,
        description="this claim counts only part of what the others count ('Hebei only'): shown, "
        "but left out of the spread and the computed assessment",
    )
    note: str | None = None

    @field_validator("as_of")
    @classmethod
    def _as_of(cls, value: str | None) -> str | None:
        if value is not None and not all(ISO_DATE.fullmatch(part) for part in value.split("/")):
            raise ValueError("must be YYYY, YYYY-MM, YYYY-MM-DD or a span like 2014/2023")
        return value

    @property
    def is_number(self) -> bool:
        return isinstance(self.value, (int, float)) and not isinstance(self.value, bool)

    @property
    def reading(self) -> str:
        """A non-numeric value as the verdict compares it (case aside): ``reads_as``, else
        the words, with spacing normalised."""
        return " ".join(str(self.reads_as if self.reads_as is not None else self.value).split())


class Fact(_Model):
    """One statement reported by two or more sources, and how their claims relate.

    ``kind`` says what the claims state: a ``number`` (the default: a value with a unit),
    a ``category`` (a class or grade: "Category III"), a ``date`` or a ``status`` that
    can change between reports ("capped", "in operation").
    """

    id: str = Field(pattern=ID_PATTERN)
    topic: str
    subject: NonBlank
    kind: ValueKind = "number"
    verdict: Verdict
    explanation: NonBlank
    claims: list[Claim] = Field(min_length=2)

    @model_validator(mode="before")
    @classmethod
    def _numbers_from_yaml(cls, data: object) -> object:
        """YAML reads ``210e9`` (no dot) as text: a number fact's numeric text is a number."""
        if (
            not isinstance(data, dict)
            or data.get("kind", "number") != "number"
            or not isinstance(data.get("claims"), list)
        ):
            return data
        claims = []
        for claim in data["claims"]:
            value = claim.get("value") if isinstance(claim, dict) else None
            if isinstance(value, str) and _NUMERIC.fullmatch(value.strip()):
                claim = {**claim, "value": float(value)}
            claims.append(claim)
        return {**data, "claims": claims}

    @model_validator(mode="after")
    def _values_match_kind(self) -> Fact:
        for i, claim in enumerate(self.claims):
            if self.kind == "number":
                if not claim.is_number:
                    raise ValueError(f"claims[{i}].value: a number fact needs a valid number, got {claim.value!r}")
                if claim.unit is None:
                    raise ValueError(f"claims[{i}].unit: a number fact needs a unit")
            elif claim.is_number or not str(claim.value).strip():
                raise ValueError(f"claims[{i}].value: a {self.kind} fact's value is the words printed, in quotes")
        if self.kind != "number" and self.verdict == "rounding":
            raise ValueError(f"verdict 'rounding' applies to numbers, not to a {self.kind}")
        return self


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


class Rendering(_Model):
    """One alias written out in full: ``{text: Beisan County, mistranslation: true, zh: 北三县}``."""

    text: NonBlank
    mistranslation: bool = False
    zh: str | None = Field(default=None, description="the Chinese the rendering translates, when known")
    note: str | None = None


class GlossaryTerm(_Model):
    """A term with every spelling the articles print, and what a reader should know.

    ``aliases`` name the SAME thing (search expands a query with them); ``see_also``
    lists related terms or phrases, shown with the term but never expanded ("one core"
    is part of the pattern "two wings" belongs to, not another name for it). An alias is
    a plain string, or a mapping marking a mistranslation and its Chinese original:
    ``{text: Beisan County, mistranslation: true, zh: 北三县}``.
    """

    id: str = Field(pattern=ID_PATTERN)
    term: NonBlank
    kind: GlossaryKind
    aliases: list[str] = Field(default_factory=list, description="other names of the same thing, as printed")
    see_also: list[str] = Field(default_factory=list, description="related terms (ids) or phrases: shown, not expanded")
    mistranslations: list[str] = Field(
        default_factory=list, description="the aliases that are translation errors (each also in aliases)"
    )
    originals: dict[str, str] = Field(default_factory=dict, description="alias -> the Chinese it renders")
    zh: str | None = Field(default=None, description="the Chinese original, when it explains the term")
    gloss: NonBlank

    @model_validator(mode="before")
    @classmethod
    def _expand_renderings(cls, data: object) -> object:
        """Turn ``{text, mistranslation, zh}`` alias mappings into the flat fields."""
        if not isinstance(data, dict) or not isinstance(data.get("aliases"), list):
            return data
        aliases, wrong, originals = [], list(data.get("mistranslations") or []), dict(data.get("originals") or {})
        for i, entry in enumerate(data["aliases"]):
            if isinstance(entry, dict):
                try:
                    rendering = Rendering(**entry)
                except ValidationError as exc:
                    detail = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'value'}: {e['msg']}" for e in exc.errors())
                    raise ValueError(f"aliases[{i}]: {detail}") from None
                aliases.append(rendering.text)
                if rendering.mistranslation and rendering.text not in wrong:
                    wrong.append(rendering.text)
                if rendering.zh:
                    originals[rendering.text] = rendering.zh
            else:
                aliases.append(entry)
        return {**data, "aliases": aliases, "mistranslations": wrong, "originals": originals}

    @model_validator(mode="after")
    def _mistranslations_are_aliases(self) -> GlossaryTerm:
        missing = [m for m in self.mistranslations if m not in self.aliases]
        if missing:
            raise ValueError(f"mistranslations not listed in aliases: {', '.join(missing)}")
        return self

    @property
    def spellings(self) -> list[str]:
        """The term and all its aliases, without duplicates, term first (never see_also)."""
        seen: dict[str, None] = {self.term: None}
        for alias in self.aliases:
            seen.setdefault(alias, None)
        return list(seen)

    def original_of(self, alias: str) -> str | None:
        """The Chinese an alias renders: its own, else the term's."""
        return self.originals.get(alias) or self.zh


class TimelineEvent(_Model):
    """A dated event with the words of every article that reports it."""

    id: str = Field(pattern=ID_PATTERN)
    date: str = Field(description="YYYY, YYYY-MM or YYYY-MM-DD, as precise as the sources allow")
    precision: DatePrecision
    title: NonBlank
    what: str | None = None
    topics: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(
        default_factory=list,
        description="words that identify the event; every quote must print the date or one of them",
    )
    quotes: list[Passage] = Field(min_length=1)

    @model_validator(mode="after")
    def _date_matches_precision(self) -> TimelineEvent:
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
