"""The seed catalog (``seeds/catalog.yaml``): each shipped article's curated metadata.

Apart from :mod:`jjj_brief.corpus` so that importing the corpus types costs no pydantic or
YAML: only reading the seeds does (the app does it in a worker, after its first paint).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from jjj_brief import paths
from jjj_brief.errors import UserError

# How precise a catalogued date is, and which fields the source itself printed (the
# corpus's Article carries both; defined here, below the corpus, which imports them).
DatePrecision = Literal["day", "month", "year", "unknown"]
AttributionField = Literal["title", "outlet", "date", "byline", "language"]


class CatalogEntry(BaseModel):
    """One article's metadata, as curated in ``seeds/catalog.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    file: str
    title: str
    title_printed: bool = Field(description="False when the title is ours, not the source's")
    outlet: str
    outlet_printed: bool = True
    date: str = Field(description="ISO date, as precise as the evidence allows: YYYY, YYYY-MM or YYYY-MM-DD")
    date_precision: DatePrecision
    date_inferred: bool = Field(description="True when any part of the date is not printed")
    date_note: str = ""
    byline: list[str] = Field(default_factory=list)
    language: str
    evidence: dict[AttributionField, list[str]]

    @field_validator("date")
    @classmethod
    def _iso_date(cls, value: str) -> str:
        if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
            raise ValueError("must be YYYY, YYYY-MM or YYYY-MM-DD")
        return value


class Catalog(BaseModel):
    model_config = ConfigDict(extra="forbid")
    articles: list[CatalogEntry]


def load_catalog(seeds: Path | None = None) -> list[CatalogEntry]:
    seeds = seeds or paths.seeds_dir()
    catalog_path = seeds / "catalog.yaml"
    try:
        raw = yaml.safe_load(catalog_path.read_text(encoding="utf-8"))
        return Catalog.model_validate(raw).articles
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise UserError(f"{catalog_path}: {exc}") from exc
