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


_C_LOADER: type[yaml.SafeLoader] | None = getattr(yaml, "CSafeLoader", None)  # PyYAML built with libyaml

# Where libyaml's parser and PyYAML's own read a text differently: a tab, a byte order mark
# (as for front matter, ``import_text._PYTHON_PARSER_ONLY``; NEL/LS/PS are kept from there
# too, though no difference was found for this loader), a block scalar sign followed at once
# by "#" (``key: >#``: an error to PyYAML, an empty string to libyaml) and a "?" inside a
# flow collection (``[a ? b]``: an error to PyYAML, ``["a ? b"]`` to libyaml). A catalog
# with any of these is read by PyYAML's parser alone; ``tests/test_catalog_yaml.py`` checks
# on wild catalog-like text that otherwise the two give the same answer.
_PYTHON_PARSER_ONLY = re.compile("[\t\ufeff\u2028\u2029\x85?]|[|>][-+0-9]*#")


def parse_catalog(text: str) -> list[CatalogEntry]:
    """The entries of a catalog's text, exactly as ``yaml.safe_load`` and :class:`Catalog`
    read it (raises yaml.YAMLError, ValidationError, RecursionError as they do).

    libyaml's parser reads the shipped catalog in ~0.6 ms where PyYAML's took ~11 ms, and
    every process that loads the corpus reads it. Only a catalog that parses *and* validates
    is taken from it (a valid catalog nests 5 levels, far from where the two parsers' depth
    limits differ); anything else is read again by PyYAML's parser, whose verdict and error
    stand."""
    if _C_LOADER is not None and _PYTHON_PARSER_ONLY.search(text) is None:
        try:
            return Catalog.model_validate(yaml.load(text, Loader=_C_LOADER)).articles
        except (yaml.YAMLError, ValidationError, UnicodeEncodeError, RecursionError):
            pass  # PyYAML's parser decides, below
    return Catalog.model_validate(yaml.safe_load(text)).articles


def load_catalog(seeds: Path | None = None) -> list[CatalogEntry]:
    seeds = seeds or paths.seeds_dir()
    catalog_path = seeds / "catalog.yaml"
    try:
        return parse_catalog(catalog_path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise UserError(f"{catalog_path}: {exc}") from exc
