"""Which engine indexes the collection: the user's setting, else by size.

An index is one engine's; changing engine is a rebuild (:mod:`jjj_brief.search.index`).
"""

from __future__ import annotations

import os
from pathlib import Path

from jjj_brief import paths
from jjj_brief.search.generation import ENGINES

ENGINE_SETTINGS = ("auto", *ENGINES)
# Above this many passages the collection is indexed with tantivy. Measured on the 2-core
# reference machine (bench/bench_search_report.md, engines interleaved, CPU per query, top
# 10 with snippets and facets): Whoosh's p95 is 30 ms at 542 passages, 49 ms at 1,061 and
# 82 ms at 2,126; tantivy's stays at 6 ms. So the shipped corpus (~350 passages) and
# small collections stay on Whoosh. Back to Whoosh only below half of it, so a
# collection near the line does not flip at every import.
TANTIVY_PASSAGES = 1_000


def engine_setting(data: Path | None = None) -> str:
    """The user's choice: ``auto`` (by size), ``whoosh`` or ``tantivy``.

    ``JJJ_BRIEF_SEARCH_ENGINE`` wins over ``search_engine`` in the settings file of the
    ``data`` folder (default: this home's; written by ``jjj-brief index --engine``, and by
    the app, which saves every setting), read as :mod:`jjj_brief.settings` reads it. That
    model (and pydantic, ~0.15 s) is loaded only when the file names an engine otherwise
    than ``save_settings`` writes it (one of :data:`ENGINE_SETTINGS`, which the model
    reads as it is, whatever the other keys say): a search stays cheap to start.
    """
    value = os.environ.get("JJJ_BRIEF_SEARCH_ENGINE", "").strip().lower()
    if value:
        return value if value in ENGINE_SETTINGS else "auto"
    folder = data or paths.data_dir()
    written = paths.saved_settings(folder).get("search_engine")
    if written is None:
        return "auto"  # what the model's default would say
    if written in ENGINE_SETTINGS:
        return str(written)
    from jjj_brief.settings import load_settings

    return load_settings(folder).settings.search_engine


def save_engine_setting(value: str, data: Path | None = None) -> None:
    """Record the engine choice in the settings file (other settings kept). Raises
    ValueError for an unknown engine or a settings file that cannot be read."""
    from jjj_brief.settings import update_settings

    if value not in ENGINE_SETTINGS:
        raise ValueError(f"engine must be one of {', '.join(ENGINE_SETTINGS)}")
    update_settings(data, search_engine=value)


def choose_engine(passages: int, setting: str = "auto", current: str | None = None) -> str:
    """Which engine indexes a collection of ``passages`` documents.

    An explicit setting wins. ``auto``: tantivy above :data:`TANTIVY_PASSAGES`; an index
    already on tantivy stays there until the collection falls below half of that.
    """
    if setting in ENGINES:
        return setting
    if current == "tantivy" and passages >= TANTIVY_PASSAGES // 2:
        return "tantivy"
    return "tantivy" if passages > TANTIVY_PASSAGES else "whoosh"
