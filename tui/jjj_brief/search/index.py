"""The index lifecycle: build, check, reuse, update incrementally, rebuild when broken.

Layout under ``paths.cache_dir()/search``::

    CURRENT            name of the live generation (replaced atomically)
    gen-<id>/          an engine's index files + manifest.json (engine, fingerprint,
                       files, imports stamp) + vocab.json + imports.json (import keys)
                       + aliases.json and glossary.json (the glossary spellings, their
                       words keys and phrases: see generation.glossary_analysis)
    build.lock         held (fcntl) by the one process building a generation

* **Engines.** Whoosh for small collections, tantivy above :data:`TANTIVY_PASSAGES`
  passages (see :func:`choose_engine`) or when the user's setting says so. Each
  generation is one engine's; changing engine is a rebuild (with progress) from the
  files of record, so no import is ever lost.
* **Staleness.** The *base* fingerprint covers the analyzer and schema versions, the seed
  articles (text and catalog metadata) and the briefing files. A different base means a
  full rebuild. Imports are reconciled *incrementally*: each imported article's documents
  carry an ``import_key`` (id + hash of the original); on open, keys missing from the
  index are added and keys no longer wanted are deleted, in one commit.
* **O(1) start.** The manifest records the imports folder's stamp (its generation number,
  bumped by every import or removal, and its modification time). When both still match,
  the start-up check reads two small files and nothing per import; otherwise the folder
  is listed, and only files whose size or time changed have their header read.
* **Atomic builds.** A generation is built in a temporary folder, renamed into place and
  only then named in ``CURRENT``. A process killed mid-build leaves a stray temporary
  folder (cleaned up later) and the previous generation still live.
* **Corruption.** ``manifest.json`` records every index file's size (and a CRC of small
  files, all of them for the seed-sized index). A missing, truncated or garbled file
  fails the check, or fails whoosh when read; either way the generation is rebuilt.
* **Concurrency.** Readers take no lock: they open the generation ``CURRENT`` names.
  One builder at a time holds ``build.lock`` (timeout :data:`BUILD_LOCK_TIMEOUT`); a
  process that cannot get it works with a private in-memory index for that run and says
  so. Incremental updates use whoosh's own writer lock with a timeout.
* **Read-only cache.** When the cache folder cannot be written the index lives in memory
  (whoosh ``RamStorage``) for that run.
"""

from __future__ import annotations

import errno
import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jjj_brief import paths
from jjj_brief.corpus import Corpus
from jjj_brief.paths import LibraryPaths, StorageWarnings
from jjj_brief.search import engine_choice
from jjj_brief.search.analyzer import IndexAnalyzer
from jjj_brief.search.documents import linked_article_ids
from jjj_brief.search.engine_choice import (
    ENGINE_SETTINGS,
    TANTIVY_PASSAGES,
    choose_engine,
    engine_setting,
    save_engine_setting,
)
from jjj_brief.search.errors import IndexUnavailable
from jjj_brief.search.generation import (
    ENGINES,
    Generation,
    Progress,
    build_generation,
    open_generation,
    store_for,
    write_import_files,
    write_manifest,
)
from jjj_brief.search.glossary_terms import glossary_phrases
from jjj_brief.search.index_status import IndexStatus
from jjj_brief.search.reconcile import (
    UPDATE_LOCK,
    WRITER_LOCK_TIMEOUT,
    TooBigForEngine,
    reconcile_imports,
    write_linked_articles,
)
from jjj_brief.search.sources import (
    ImportFiles,
    Sources,
    all_documents,
    collect_sources,
    glossary_spellings,
    imports_stamp,
)
from jjj_brief.storage import file_lock, fsync_dir

# The index's public face: the lifecycle lives here, its parts in search.sources (what is
# indexed), search.generation (one built index on disk), search.reconcile (imports) and
# search.engine_choice (which engine), search.index_status (what a check did).
__all__ = [
    "ENGINES",
    "ENGINE_SETTINGS",
    "TANTIVY_PASSAGES",
    "Generation",
    "ImportFiles",
    "IndexManager",
    "IndexStatus",
    "IndexUnavailable",
    "Progress",
    "Sources",
    "all_documents",
    "build_generation",
    "choose_engine",
    "collect_sources",
    "engine_setting",
    "file_lock",
    "glossary_spellings",
    "imports_stamp",
    "open_generation",
    "save_engine_setting",
    "store_for",
    "write_import_files",
    "write_manifest",
]

BUILD_LOCK_TIMEOUT = 30.0
STORAGE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG}


# ---------------------------------------------------------------- the live index


class IndexManager:
    """Finds, opens, builds and refreshes the live generation of one library's index.

    ``warnings``: the library's; an index kept in memory (unwritable cache, full disk) and a
    damaged import skipped are said there."""

    def __init__(
        self,
        on_refresh: Callable[[], None] | None = None,
        *,
        where: LibraryPaths | None = None,
        load_briefings: Callable[[], Any] | None = None,
        corpus: Callable[[], Corpus] | None = None,
        warnings: StorageWarnings,
    ) -> None:
        self.warnings = warnings
        self.lock = threading.RLock()
        # Called whenever the sources are read again: the owner's loaded corpus is then
        # forgotten (re-read on next use), as the index may now hold more.
        self.on_refresh = on_refresh
        # The library's folders, briefings and corpus (a fixture library indexes its own
        # seeds); None: this process's home and the shipped data, looked up at each use.
        self._where = where
        self._load_briefings = load_briefings
        self._corpus = corpus
        self.generation: Generation | None = None
        self._current_stamp: tuple[float, int] | None = None
        self._home: Path | None = None  # the cache location the open generation belongs to
        self._sources_stamp: tuple[int | None, ...] = ()

    # -- locations
    def where(self) -> LibraryPaths:
        """The folders indexed, and where the index is kept."""
        return self._where or LibraryPaths.current()

    def root(self) -> Path | None:
        return paths.writable_dir(self.where().search, "the search index", self.warnings)

    @staticmethod
    def _current_name(root: Path) -> str | None:
        try:
            name = (root / "CURRENT").read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return name if name.startswith("gen-") and "/" not in name else None

    @staticmethod
    def _stamp(root: Path) -> tuple[float, int] | None:
        try:
            st = (root / "CURRENT").stat()
        except OSError:
            return None
        return (st.st_mtime, st.st_ino)

    # -- public
    def ensure(self, progress: Progress | None = None, *, rebuild: bool = False) -> IndexStatus:
        with self.lock:
            started = time.perf_counter()
            where = self.where()
            self._sources_stamp = _sources_stamp(where)
            sources = collect_sources(
                where=where, load=self._load_briefings, corpus=self._corpus, warnings=self.warnings
            )
            if self.on_refresh is not None:
                self.on_refresh()
            base = sources.base_fingerprint()
            setting = engine_setting(where.data)
            home = where.search
            if home != self._home:
                self.generation, self._current_stamp, self._home = None, None, home
            root = self.root()
            if root is None:
                return self._ensure_memory(sources, base, progress, started, rebuild, setting)
            try:
                return self._ensure_on_disk(root, sources, base, progress, started, rebuild, setting)
            except OSError as exc:
                if exc.errno not in STORAGE_ERRNOS:
                    raise
                # A full disk (or a cache gone read-only under us): search from memory.
                note = (
                    f"cannot write the search index to {root} ({exc.strerror or exc}); working in memory for this run"
                )
                self.warnings.add(note)
                return self._ensure_memory(sources, base, progress, started, True, setting)

    def current(self) -> Generation:
        """The live generation, (re)opened if another process replaced or updated it."""
        with self.lock:
            generation, where = self.generation, self.where()
            if generation is None or where.search != self._home or _sources_stamp(where) != self._sources_stamp:
                self.ensure()
                assert self.generation is not None
                return self.generation
            if generation.folder is not None:
                root = generation.folder.parent
                if self._stamp(root) != self._current_stamp:
                    self.ensure()
            assert self.generation is not None
            return self.generation

    def discard(self) -> None:
        """Forget the open generation (after a read failure) so the next use rebuilds."""
        with self.lock:
            self.generation = None
            self._current_stamp = None

    # -- internals
    def _ensure_memory(
        self, sources: Sources, base: str, progress: Progress | None, started: float, rebuild: bool, setting: str
    ) -> IndexStatus:
        current = self.generation
        if current is not None and current.folder is None and current.base == base and not rebuild:
            added, removed = reconcile_imports(current, sources)
            wanted = choose_engine(current.passages(), setting, current.engine)
            if wanted == current.engine:
                action = "updated" if (added or removed) else "reused"
                return self._status(action, "in memory", current, started, added, removed, setting)
        generation = self._build_memory(sources, base, progress, setting)
        reason = "cache folder not writable; index kept in memory for this run"
        return self._status("memory", reason, generation, started, setting=setting)

    def _build_memory(self, sources: Sources, base: str, progress: Progress | None, setting: str) -> Generation:
        engine = choose_engine(sources.estimated_passages(), setting)
        files, stamp = sources.import_files(), imports_stamp(sources.where.imports)
        target = None
        if engine == "whoosh":  # Whoosh is imported only when it is the engine
            from jjj_brief.search.whoosh_engine import PrivateRamStorage

            target = PrivateRamStorage()
        aliases = glossary_spellings(sources.briefings)
        analyzer = IndexAnalyzer(glossary_phrases(aliases))
        index, vocab = build_generation(
            target,
            all_documents(sources, analyzer),
            total=sources.estimated_passages(),
            progress=progress,
            engine=engine,
            aliases=aliases,
            analyzer=analyzer,
        )
        self.generation = Generation(index, None, base, vocab, aliases, engine, files, stamp, glossary_terms=True)
        self._current_stamp = None
        return self.generation

    def _ensure_on_disk(
        self,
        root: Path,
        sources: Sources,
        base: str,
        progress: Progress | None,
        started: float,
        rebuild: bool,
        setting: str,
    ) -> IndexStatus:
        reason = "rebuild requested" if rebuild else None
        engine = None  # chosen by size when building
        if not rebuild:
            generation, reason = self._try_open(root, base)
            if generation is not None:
                status, reason, engine = self._reuse(generation, sources, started, root, setting)
                if status is not None:
                    return status
        try:
            with file_lock(root / "build.lock", BUILD_LOCK_TIMEOUT):
                if not rebuild:  # someone may have built it while we waited
                    generation, _ = self._try_open(root, base)
                    if generation is not None:
                        status, _, engine = self._reuse(generation, sources, started, root, setting)
                        if status is not None:
                            return status
                generation = self._build_on_disk(root, sources, base, progress, setting, engine)
        except TimeoutError:
            generation = self._build_memory(sources, base, progress, setting)
            status = self._status(
                "memory", "another jjj-brief is building the index", generation, started, setting=setting
            )
            status.messages.append(
                "another jjj-brief is building the search index; using a private in-memory index for this run"
            )
            return status
        action = "built" if reason == "missing" else "rebuilt"
        return self._status(action, reason or "missing", generation, started, setting=setting)

    @staticmethod
    def _engine_fits(generation: Generation, setting: str) -> bool:
        return setting not in ENGINES or generation.engine == setting

    def _reuse(
        self, generation: Generation, sources: Sources, started: float, root: Path, setting: str
    ) -> tuple[IndexStatus | None, str, str | None]:
        """(status, "", None) when the generation serves; (None, why, engine) when it
        needs a rebuild (on that engine)."""
        if not self._engine_fits(generation, setting):
            return None, f"engine setting: {setting}", setting
        self.generation = generation
        self._current_stamp = self._stamp(root)
        messages = []
        passages = generation.passages()
        room = None
        if setting == "auto" and generation.engine == "whoosh":
            room = max(0, engine_choice.TANTIVY_PASSAGES - passages)
        try:
            added, removed = reconcile_imports(generation, sources, room=room)
        except IndexUnavailable as exc:
            added = removed = 0
            messages.append(str(exc))
        except TooBigForEngine:
            return (
                None,
                f"imports take the collection past {engine_choice.TANTIVY_PASSAGES} passages: switching to tantivy",
                "tantivy",
            )
        if added or removed:
            passages = generation.passages()
        wanted = choose_engine(passages, setting, generation.engine)
        if wanted != generation.engine:
            return None, f"{passages} passages: switching to {wanted}", wanted
        action = "updated" if (added or removed) else "reused"
        status = self._status(
            action,
            "up to date" if action == "reused" else "imports changed",
            generation,
            started,
            added,
            removed,
            setting,
        )
        status.messages.extend(messages)
        return status, "", None

    def _try_open(self, root: Path, base: str) -> tuple[Generation | None, str]:
        name = self._current_name(root)
        if name is None:
            return None, "missing"
        folder = root / name
        if not folder.is_dir():
            return None, "missing"
        current = self.generation
        if current is not None and current.folder == folder and current.base == base:
            return current, "up to date"
        try:
            generation = open_generation(folder)
        except IndexUnavailable as exc:
            second_look = _open_between_updates(folder)
            if second_look is None:
                return None, str(exc)
            generation = second_look
        if generation.base != base:
            generation.close()
            return None, "stale: articles, briefings or analyzer changed"
        return generation, "up to date"

    def _build_on_disk(
        self,
        root: Path,
        sources: Sources,
        base: str,
        progress: Progress | None,
        setting: str,
        engine: str | None = None,
    ) -> Generation:
        import uuid  # only a build names folders (uuid imports platform: not on a search's path)

        _clean_stray(root, keep=self._current_name(root))
        temp = root / f".tmp-{uuid.uuid4().hex[:12]}"
        temp.mkdir()
        try:
            stamp = imports_stamp(sources.where.imports)
            files = sources.import_files()
            total = sources.estimated_passages()
            engine = engine or choose_engine(total, setting)
            target: Any = temp
            if engine == "whoosh":
                from whoosh.filedb.filestore import FileStorage

                target = FileStorage(str(temp))
            aliases = glossary_spellings(sources.briefings)
            analyzer = IndexAnalyzer(glossary_phrases(aliases))
            index, vocab = build_generation(
                target,
                all_documents(sources, analyzer),
                total=total,
                progress=progress,
                engine=engine,
                aliases=aliases,
                analyzer=analyzer,
            )
            store_for(engine).close(index)
            write_import_files(temp, files, stamp)
            write_manifest(temp, base, vocab, aliases, engine=engine, glossary_terms=True)
            write_linked_articles(temp, base, linked_article_ids(sources.briefings))
            final = root / f"gen-{base[:12]}-{uuid.uuid4().hex[:8]}"
            os.rename(temp, final)
            fsync_dir(root)
        except BaseException:
            shutil.rmtree(temp, ignore_errors=True)
            raise
        previous = self._current_name(root)
        paths.atomic_write(root / "CURRENT", final.name + "\n")
        _clean_stray(root, keep=final.name, also_keep=previous)
        generation = open_generation(final)
        self.generation = generation
        self._current_stamp = self._stamp(root)
        return generation

    @staticmethod
    def _status(
        action: str,
        reason: str,
        generation: Generation,
        started: float,
        added: int = 0,
        removed: int = 0,
        setting: str = "auto",
    ) -> IndexStatus:
        documents = generation.doc_count()
        location = str(generation.folder) if generation.folder else None
        return IndexStatus(
            action,
            reason,
            location,
            documents,
            time.perf_counter() - started,
            added,
            removed,
            engine=generation.engine,
            setting=setting,
        )


def _open_between_updates(folder: Path) -> Generation | None:
    """Open ``folder`` again once no incremental update is under way; None if it still fails.

    An update in another process commits its index files (whoosh replaces its table of
    contents) and then rewrites the manifest, holding ``update.lock`` across both. A check
    that falls between the two finds a file missing; without this second look that process
    rebuilt the whole index (~1.5 s for the seeds, ~25 s at 10,000 articles)."""
    try:
        with file_lock(folder / UPDATE_LOCK, WRITER_LOCK_TIMEOUT):
            return open_generation(folder)
    except (TimeoutError, OSError, IndexUnavailable):
        return None


def _sources_stamp(where: LibraryPaths) -> tuple[int | None, ...]:
    """Cheap change detector for the files of record: their folders' modification times.

    Adding, removing or atomically replacing a file (imports, briefings) changes its
    folder's mtime; then the next search re-checks the fingerprint and reconciles.
    """
    stamp: list[int | None] = []
    for folder in (where.imports, where.briefings, where.seeds):
        try:
            stamp.append(folder.stat().st_mtime_ns)
        except OSError:
            stamp.append(None)
    return tuple(stamp)


def _clean_stray(root: Path, keep: str | None, also_keep: str | None = None) -> None:
    """Remove old generations and abandoned temporary builds (not the live or previous one).

    The previous generation is kept so a reader that opened it just before the switch
    can finish; it goes at the next build.
    """
    for entry in root.iterdir():
        if entry.name in (keep, also_keep) or not entry.is_dir():
            continue
        if entry.name.startswith(("gen-", ".tmp-")):
            # We hold the build lock here, so a temporary folder is an abandoned build.
            shutil.rmtree(entry, ignore_errors=True)
