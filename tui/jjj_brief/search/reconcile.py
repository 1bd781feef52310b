"""Incremental imports: add to a generation the imports missing from it, delete the
ones no longer wanted, in one commit (see :mod:`jjj_brief.search.index`)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from jjj_brief import paths
from jjj_brief.search.analyzer import IndexAnalyzer
from jjj_brief.search.documents import (
    Doc,
    article_documents,
    import_figure_fields,
    linked_article_ids,
    topic_links,
    with_analysis,
)
from jjj_brief.search.errors import IndexUnavailable
from jjj_brief.search.generation import (
    LINKED_FILE,
    Generation,
    read_import_files,
    read_imports_stamp,
    words_from_surfaces,
    write_import_files,
    write_manifest,
)
from jjj_brief.search.glossary_terms import glossary_phrases
from jjj_brief.search.sources import Sources, imports_stamp
from jjj_brief.storage import file_lock

WRITER_LOCK_TIMEOUT = 10.0
UPDATE_LOCK = "update.lock"  # in the generation folder: held across an update's commit and manifest write


# ---------------------------------------------------------------- incremental imports


def indexed_import_keys(generation: Generation) -> set[str]:
    """Import keys the generation holds (from its side file: no postings are read)."""
    return {entry[2] for entry in generation.import_files.values()}


class TooBigForEngine(Exception):
    """The imports to add would take the collection past its engine's size."""


def reconcile_imports(generation: Generation, sources: Sources, *, room: int | None = None) -> tuple[int, int]:
    """Add imports missing from the index, delete ones no longer wanted. (added, removed).

    ``room``: how many passages may be added before the collection should change engine;
    beyond it :class:`TooBigForEngine` is raised and nothing is added (a rebuild on the
    other engine is cheaper than adding them twice).

    O(1) when nothing changed: the imports folder's stamp is compared with the one the
    generation recorded. Otherwise the folder is listed and only the difference indexed.
    """
    stamp = imports_stamp(sources.where.imports)
    if sources._imports is None and generation.imports_stamp == stamp:
        return 0, 0
    if generation.folder is None:
        return _reconcile(generation, sources, stamp, room)
    try:
        with file_lock(generation.folder / UPDATE_LOCK, WRITER_LOCK_TIMEOUT):
            # Re-read under the lock: another process may have reconciled meanwhile
            # (adding what it added would index those imports twice).
            try:
                generation.imports_stamp = read_imports_stamp(generation.folder)
                generation.import_files = read_import_files(generation.folder)
            except (OSError, ValueError, KeyError, TypeError):
                pass
            return _reconcile(generation, sources, stamp, room)
    except TimeoutError as exc:
        raise IndexUnavailable("the search index is being updated by another jjj-brief; try again in a moment") from exc


def _reconcile(generation: Generation, sources: Sources, stamp: list[int | None], room: int | None) -> tuple[int, int]:
    sources.rescan_imports()  # the listing must follow the stamp it is recorded with
    wanted = sources.import_files(generation.import_files, generation.imports_stamp, stamp)
    wanted_keys = {entry[2] for entry in wanted.values()}
    have = indexed_import_keys(generation)
    add_files = {name: entry for name, entry in wanted.items() if entry[2] not in have}
    remove_keys = sorted(have - wanted_keys)
    if room is not None and sum(entry[3] if len(entry) > 3 else 1 for entry in add_files.values()) > room:
        raise TooBigForEngine
    added = 0
    if add_files or remove_keys:
        loaded: set[str] = set()
        size = sources.collection_size()

        linked = _linked_articles(generation, sources)
        analyzer = IndexAnalyzer(glossary_phrases(generation.aliases) if generation.glossary_terms else ())

        def docs() -> Iterator[Doc]:  # one import in memory at a time, however many are added
            from jjj_brief.search.figure_cache import open_cache  # SQLite: only when imports change

            surfaces: Counter[str] = Counter()
            with open_cache(sources.where.search) as cache:
                cache.forget(remove_keys)
                for key, article in sources.iter_imports(add_files):
                    links = topic_links(sources.briefings, [article]) if article.id in linked else None
                    fields = import_figure_fields(article, key, size, cache, sources.corpus)
                    for doc in article_documents(article, links, fields=fields, key=key):
                        yield with_analysis(doc, analyzer)
                        surfaces.update(doc["_surfaces"])
                    loaded.add(key)
            words_from_surfaces(surfaces, generation.vocab)

        # Keys being added are deleted first: a process that died after its commit but
        # before recording it must not leave them indexed twice.
        adding = [entry[2] for entry in add_files.values()]
        generation.store.update(generation.index, [*remove_keys, *adding], docs())
        added = len(loaded)
        wanted = {name: entry for name, entry in wanted.items() if entry[2] in have or entry[2] in loaded}
    generation.import_files, generation.imports_stamp = wanted, stamp
    if generation.folder is not None:
        if add_files or remove_keys:
            write_manifest(  # the glossary's side files are the build's: unchanged by imports
                generation.folder,
                generation.base,
                generation.vocab,
                None,
                engine=generation.engine,
                glossary_terms=generation.glossary_terms,
            )
        write_import_files(generation.folder, wanted, stamp)
    return added, len(remove_keys)


def _linked_articles(generation: Generation, sources: Sources) -> set[str]:
    """The article ids the briefings link to topics, kept beside the generation (the
    briefings are part of its fingerprint): adding an import the briefings do not name
    parses no briefing file."""
    path = generation.folder / LINKED_FILE if generation.folder is not None else None
    if path is not None:
        try:
            kept = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(kept, dict) and kept.get("base") == generation.base and isinstance(kept.get("ids"), list):
                return set(kept["ids"])
        except (OSError, ValueError):
            pass
    ids = linked_article_ids(sources.briefings)
    if generation.folder is not None:
        write_linked_articles(generation.folder, generation.base, ids)
    return ids


def write_linked_articles(folder: Path, base: str, ids: set[str]) -> None:
    """Keep :func:`_linked_articles`' answer beside a generation (a build writes it, as it
    has the briefings loaded anyway: the first import after a build parses none either)."""
    try:
        paths.atomic_write(folder / LINKED_FILE, json.dumps({"base": base, "ids": sorted(ids)}))
    except OSError:
        pass
