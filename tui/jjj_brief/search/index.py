"""The index lifecycle: build, check, reuse, update incrementally, rebuild when broken.

Layout under ``paths.cache_dir()/search``::

    CURRENT            name of the live generation (replaced atomically)
    gen-<id>/          an engine's index files + manifest.json (engine, fingerprint,
                       files, imports stamp) + vocab.json + imports.json (import keys)
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
import hashlib
import json
import os
import shutil
import threading
import time
import uuid
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage

from jjj_brief import paths
from jjj_brief.corpus import Article, load_seed_articles
from jjj_brief.search.analyzer import (
    ANALYZER_VERSION,
    TOKEN_PATTERN,
    set_glossary_phrases,
    surface_analysis,
    surfaces_of,
)
from jjj_brief.search.documents import (
    SCHEMA_VERSION,
    Doc,
    article_documents,
    article_figures_for_index,
    briefing_documents,
    import_figure_fields,
    import_key,
    linked_article_ids,
    topic_links,
)
from jjj_brief.search.errors import IndexUnavailable
from jjj_brief.search.figure_cache import open_cache
from jjj_brief.search.glossary_terms import glossary_phrases
from jjj_brief.search.whoosh_engine import PrivateRamStorage, WhooshStore
from jjj_brief.storage import file_lock, fsync_dir

Progress = Callable[[int, int], None]

ENGINES = ("whoosh", "tantivy")
ENGINE_SETTINGS = ("auto", *ENGINES)
# Above this many passages the collection is indexed with tantivy. Measured on the 2-core
# reference machine (bench/bench_search_report.md, engines interleaved, CPU per query, top
# 10 with snippets and facets): Whoosh's p95 is 30 ms at 542 passages, 49 ms at 1,061 and
# 82 ms at 2,126; tantivy's stays at 6 ms. So the shipped corpus (~350 passages) and
# small collections stay on Whoosh. Back to Whoosh only below half of it, so a
# collection near the line does not flip at every import.
TANTIVY_PASSAGES = 1_000
BUILD_LOCK_TIMEOUT = 30.0
WRITER_LOCK_TIMEOUT = 10.0
FULL_CRC_LIMIT = 8_000_000  # bytes of index below which every file is CRC-checked on open
SEARCH_DIR = "search"
STORAGE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG}


@dataclass
class IndexStatus:
    """What :func:`ensure_index` found and did."""

    action: str  # "reused", "built", "rebuilt", "updated", "memory"
    reason: str  # why (e.g. "missing", "stale: seeds changed", "corrupt: ...")
    location: str | None  # folder of the live generation, None when in memory
    documents: int
    seconds: float
    added: int = 0
    removed: int = 0
    messages: list[str] = field(default_factory=list)
    engine: str = "whoosh"
    setting: str = "auto"

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "engine": self.engine,
            "engine_setting": self.setting,
            "tantivy_threshold_passages": TANTIVY_PASSAGES,
            "reason": self.reason,
            "location": self.location,
            "documents": self.documents,
            "seconds": round(self.seconds, 3),
            "imports_added": self.added,
            "imports_removed": self.removed,
            "messages": list(self.messages),
        }


# ---------------------------------------------------------------- engines


def store_for(engine: str) -> Any:
    """The engine's index store (tantivy is imported only when used)."""
    if engine == "tantivy":
        from jjj_brief.search.tantivy_engine import TantivyStore

        return TantivyStore
    return WhooshStore


def engine_setting() -> str:
    """The user's choice: ``auto`` (by size), ``whoosh`` or ``tantivy``.

    ``JJJ_BRIEF_SEARCH_ENGINE`` wins over ``search_engine`` in the settings file
    (written by ``jjj-brief index --engine``).
    """
    value = os.environ.get("JJJ_BRIEF_SEARCH_ENGINE", "").strip().lower()
    if not value:
        try:
            raw = json.loads((paths.data_dir() / SETTINGS_FILE).read_text(encoding="utf-8"))
            value = str(raw.get("search_engine", "") if isinstance(raw, dict) else "").strip().lower()
        except (OSError, ValueError):
            value = ""
    return value if value in ENGINE_SETTINGS else "auto"


def save_engine_setting(value: str) -> None:
    """Record the engine choice in the settings file (other settings kept)."""
    if value not in ENGINE_SETTINGS:
        raise ValueError(f"engine must be one of {', '.join(ENGINE_SETTINGS)}")
    path = paths.data_dir() / SETTINGS_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raw = {}
    raw = raw if isinstance(raw, dict) else {}
    raw["search_engine"] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    paths.atomic_write(path, json.dumps(raw, indent=2) + "\n")


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


SETTINGS_FILE = "settings.json"


# ---------------------------------------------------------------- sources and fingerprint


ImportFiles = dict[str, list]  # import file name -> [size, mtime_ns, import key, lines]


def _imports_dir() -> Path:
    """``jjj_brief.imports.imports_dir()``, without importing that module (and its readers)
    into every process that only checks the index."""
    return paths.data_dir() / "imports"


def imports_stamp() -> list:
    """[generation number, folder mtime]: changes whenever an import is added or removed
    (``jjj_brief.imports.bump_generation`` writes the number)."""
    folder = _imports_dir()
    try:
        generation = int((folder / ".generation").read_text(encoding="ascii").strip() or 0)
    except (OSError, ValueError):
        generation = 0
    try:
        mtime = folder.stat().st_mtime_ns
    except OSError:
        mtime = None
    return [generation, mtime]


def scan_import_files(previous: ImportFiles | None = None) -> ImportFiles:
    """Every stored import's file stamp, key and line count (an upper bound of its
    passages); only new or changed files are read."""
    from jjj_brief.imports import imports_dir, stored_key

    previous = previous or {}
    found: ImportFiles = {}
    try:
        entries = list(os.scandir(imports_dir()))
    except OSError:
        return found
    for entry in entries:
        name = entry.name
        if name.startswith(".") or not name.endswith(".txt"):
            continue
        try:
            st = entry.stat()
            known = previous.get(name)
            if known and len(known) == 4 and known[0] == st.st_size and known[1] == st.st_mtime_ns:
                found[name] = known
            else:
                path = Path(entry.path)
                data = path.read_bytes()
                # An upper bound of its passages (non-blank lines) that a blank line between
                # paragraphs does not double: the index build's "time left" reads it.
                lines = data.count(b"\n") + 1 - data.count(b"\n\n")
                found[name] = [st.st_size, st.st_mtime_ns, stored_key(path), lines]
        except (OSError, ValueError, UnicodeDecodeError):
            continue  # damaged: the corpus loader reports it
    return found


class Sources:
    """Everything the index is derived from. Imports and briefings are read only when
    needed (building, or adding imports): the fingerprint reads seeds and briefing files."""

    def __init__(
        self,
        articles: list[Article] | None = None,
        briefings: Any = None,
        briefing_files: list[Path] | None = None,
        *,
        load: Callable[[], Any] | None = None,
        seed_files: list[Path] | None = None,
    ) -> None:
        self.briefing_files = briefing_files or []
        self._briefings = briefings
        self._load = load
        self._import_files: ImportFiles | None = None
        self.seed_files = seed_files  # fingerprint from these bytes (no catalog parse at start)
        self._seeds: list[Article] | None
        if articles is not None:
            self._seeds = [a for a in articles if a.source != "import"]
            self._imports: list[Article] | None = [a for a in articles if a.source == "import"]
        else:
            self._seeds = None
            self._imports = None

    @property
    def briefings(self) -> Any:
        if self._load is not None:
            self._briefings, self._load = self._load(), None
        return self._briefings

    @property
    def seeds(self) -> list[Article]:
        if self._seeds is None:
            self._seeds = load_seed_articles()
        return self._seeds

    @property
    def imports(self) -> list[Article]:
        if self._imports is None:
            self._imports = [article for _, article in self.load_imports(self.import_files())]
        return self._imports

    @property
    def articles(self) -> list[Article]:
        return self.seeds + self.imports

    def import_files(self, previous: ImportFiles | None = None) -> ImportFiles:
        """The stored imports (file name -> [size, mtime, key]); for given articles, their keys."""
        if self._import_files is None:
            if self._imports is not None:  # articles given directly (tests, benchmarks)
                self._import_files = {f"{a.id}.txt": [0, 0, import_key(a), len(a.paragraphs)] for a in self._imports}
            else:
                self._import_files = scan_import_files(previous)
        return self._import_files

    def rescan_imports(self) -> None:
        """Forget the scanned imports folder, so the next :meth:`import_files` lists it anew.

        A reconcile reads the imports stamp first and lists the folder after it: a listing
        made before the stamp (to estimate the size, say) could miss an import written in
        between, and the index would then record a stamp that claims it."""
        if self._imports is None:
            self._import_files = None

    def key_of(self, article: Article) -> str | None:
        if article.source != "import":
            return None
        entry = self.import_files().get(article.path.name) or self.import_files().get(f"{article.id}.txt")
        return entry[2] if entry else import_key(article)

    def load_imports(self, files: ImportFiles) -> list[tuple[str, Article]]:
        """(key, article) for the named import files (damaged ones skipped, with a warning)."""
        return list(self.iter_imports(files))

    def iter_imports(self, files: ImportFiles | None = None) -> Iterator[tuple[str, Article]]:
        """(key, article) one at a time, so a build holds one import in memory, not all."""
        files = self.import_files() if files is None else files
        if self._imports is not None:
            by_name = {f"{a.id}.txt": a for a in self._imports}
            yield from ((entry[2], by_name[name]) for name, entry in files.items() if name in by_name)
            return
        from jjj_brief.imports import imports_dir, load_import

        folder = imports_dir()
        for name in sorted(files):
            try:
                article = load_import(folder / name)
            except (OSError, ValueError, UnicodeDecodeError) as exc:
                paths.STORAGE_WARNINGS.add(f"skipped damaged import {folder / name} ({exc.__class__.__name__})")
                continue
            yield files[name][2], article

    def base_fingerprint(self) -> str:
        digest = hashlib.sha256()
        for part in (ANALYZER_VERSION, SCHEMA_VERSION):
            _feed(digest, part)
        if self.seed_files is not None:  # the seed folder's bytes: catalog and texts
            for path in self.seed_files:
                _feed(digest, path.name)
                try:
                    digest.update(path.read_bytes())
                except OSError:
                    _feed(digest, "<unreadable>")
        else:
            for article in self.seeds:
                for part in (article.id, article.file, article.title, article.outlet, article.date, article.text):
                    _feed(digest, part)
        for path in self.briefing_files:
            _feed(digest, path.name)
            try:
                digest.update(path.read_bytes())
            except OSError:
                _feed(digest, "<unreadable>")
        return digest.hexdigest()[:32]

    def collection_size(self) -> int:
        """Articles in the collection (seeds plus stored imports), no import read."""
        return len(self.seeds) + len(self.import_files())

    def estimated_passages(self) -> int:
        """Seed passages plus the imports' line counts (an upper bound): no import is read."""
        imported = sum(entry[3] if len(entry) > 3 else 1 for entry in self.import_files().values())
        return sum(len(a.paragraphs) for a in self.seeds) + imported + 50


def _feed(digest: Any, text: str) -> None:
    digest.update(text.encode("utf-8", "surrogatepass"))
    digest.update(b"\0")


def collect_sources(*, refresh: bool = True) -> Sources:
    """The sources, with no import read. (``refresh`` is kept for callers; forgetting the
    loaded corpus is the index manager's ``on_refresh`` hook, see :class:`IndexManager`.)"""
    folder = paths.briefings_dir()
    files = sorted(folder.rglob("*.yaml")) + sorted(folder.rglob("*.yml")) if folder.is_dir() else []
    seeds = paths.seeds_dir()
    seed_files = (
        sorted(p for p in seeds.iterdir() if p.is_file() and not p.name.startswith(".")) if seeds.is_dir() else []
    )
    return Sources(None, None, files, load=_load_briefings, seed_files=seed_files)


def _load_briefings() -> Any:
    try:
        from jjj_brief.briefings import shipped_briefings  # type: ignore[attr-defined]
    except ImportError:
        return None
    try:
        return shipped_briefings()
    except Exception:
        return None


def glossary_spellings(briefings: Any) -> list[list[str]]:
    """Groups of spellings that name one thing (glossary term + aliases, never see_also),
    for query expansion: the briefings layer's own groups when it offers them."""
    if callable(getattr(briefings, "alias_groups", None)):
        return briefings.alias_groups()
    groups = []
    for term in getattr(briefings, "glossary", None) or []:
        spellings = [term.term, *getattr(term, "aliases", [])]
        if len(spellings) > 1:
            groups.append(spellings)
    return groups


def all_documents(sources: Sources) -> Iterator[Doc]:
    """Every document, imports read one at a time (memory does not grow with their number).

    The imports' figure fields come from the figure cache when it has them
    (:mod:`jjj_brief.search.figure_cache`): a rebuild does not read every number again."""
    briefings = sources.briefings
    links = topic_links(briefings, sources.seeds)
    size = sources.collection_size()
    for article in sources.seeds:
        yield from article_documents(article, links, article_figures=article_figures_for_index(article, size))
    files = sources.import_files()
    if sources._imports is None and len(files) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        linked = linked_article_ids(briefings)
        yield from _prepared_in_workers(sources, files, size, lambda article: topic_links(briefings, [article]), linked)
    else:
        with open_cache() as cache:
            for key, article in sources.iter_imports():
                fields = import_figure_fields(article, key, size, cache)
                yield from article_documents(article, topic_links(briefings, [article]), fields=fields, key=key)
    yield from briefing_documents(briefings)


PARALLEL_FROM = 400  # imports to build from at which they are read and analyzed in worker processes
PARALLEL_CHUNK = 8


def _prepared_in_workers(
    sources: Sources, files: ImportFiles, size: int, links: Callable, linked: set[str]
) -> Iterator[Doc]:
    """The imports' documents, each read, given its figure fields and analyzed (terms and
    positions, surface words) in a worker process; this process only hands them to the
    engine's writer. Same documents, same order as the serial path. The workers are forked
    when the glossary phrases are already set (they inherit them). An import the briefings
    name is done here (it needs the briefings for its topics)."""
    import multiprocessing

    from jjj_brief.imports import imports_dir

    folder = imports_dir()
    tasks = [(folder / name, files[name][2], size) for name in sorted(files)]
    workers = max(1, min((os.cpu_count() or 1), 4))
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for prepared in pool.imap(_prepare_import, tasks, chunksize=PARALLEL_CHUNK):
            if prepared is None:
                continue
            key, article_id, docs, problem = prepared
            if problem:
                paths.STORAGE_WARNINGS.add(problem)
                continue
            if article_id in linked:  # rare: redo it here, with its topics
                yield from _documents_here(folder / f"{article_id}.txt", key, size, links)
                continue
            yield from docs


def _documents_here(path: Path, key: str, size: int, links: Callable) -> Iterator[Doc]:
    from jjj_brief.imports import load_import

    article = load_import(path)
    with open_cache() as cache:
        fields = import_figure_fields(article, key, size, cache)
    yield from article_documents(article, links(article), fields=fields, key=key)


def _prepare_import(task: tuple[Path, str, int]) -> tuple[str, str, list[Doc], str | None] | None:
    """In a worker: one import's documents with their analysis (``_terms``, ``_surfaces``)."""
    from jjj_brief.imports import load_import
    from jjj_brief.search.analyzer import index_terms

    path, key, size = task
    try:
        article = load_import(path)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        return key, "", [], f"skipped damaged import {path} ({exc.__class__.__name__})"
    with open_cache() as cache:
        fields = import_figure_fields(article, key, size, cache)
    docs = list(article_documents(article, None, fields=fields, key=key))
    outlet = index_terms(article.outlet) if article.outlet else []
    for doc in docs:
        doc["_terms"] = {"body": index_terms(doc["body"]), "outlet_terms": outlet}
        doc["_surfaces"] = set(surfaces_of(doc["body"]))
    return key, article.id, docs, None


def count_units(sources: Sources) -> int:
    return len(sources.articles) + 1


# ---------------------------------------------------------------- vocabulary


def vocabulary_of(texts: Iterable[str], counts: Counter | None = None) -> Counter:
    """Folded, unstemmed words -> (roughly) the number of documents they occur in."""
    surfaces: Counter = Counter()
    for text in texts:
        surfaces.update(set(TOKEN_PATTERN.findall(text)))
    return words_from_surfaces(surfaces, counts)


def words_from_surfaces(surfaces: Counter, counts: Counter | None = None) -> Counter:
    counts = counts if counts is not None else Counter()
    for surface, n in surfaces.items():
        parts, closed = surface_analysis(surface)
        for _, word in parts:
            counts[word] += n
        if closed is not None:
            counts[closed[1]] += n
    return counts


# ---------------------------------------------------------------- a built generation


@dataclass
class Generation:
    """An opened index plus its side files."""

    index: Any  # the engine's index object
    folder: Path | None  # None: in memory
    base: str
    _vocab: Counter | None  # None: not read yet (vocab.json, read on first use)
    aliases: list[list[str]] | None = None  # glossary spellings at build time (None: unknown)
    engine: str = "whoosh"
    _files: ImportFiles | None = None  # what the index holds of the imports (None: not read yet)
    imports_stamp: list | None = None  # imports_stamp() when import_files was last made true
    glossary_terms: bool = False  # the aliases' multi-word spellings are indexed as single terms

    @property
    def name(self) -> str:
        return self.folder.name if self.folder else "memory"

    @property
    def vocab(self) -> Counter:
        """Folded words -> document counts (read when first needed: prefixes, "did you mean")."""
        if self._vocab is None:
            assert self.folder is not None
            self._vocab = Counter(json.loads((self.folder / "vocab.json").read_text(encoding="utf-8")))
        return self._vocab

    @property
    def import_files(self) -> ImportFiles:
        """Import file -> [size, mtime, key, lines] the index holds (read when imports changed)."""
        if self._files is None:
            self._files = _read_import_files(self.folder) if self.folder is not None else {}
        return self._files

    @import_files.setter
    def import_files(self, files: ImportFiles) -> None:
        self._files = files

    @property
    def store(self) -> Any:
        return store_for(self.engine)

    def doc_count(self) -> int:
        return self.store.doc_count(self.index)

    def passages(self) -> int:
        return self.store.passages(self.index)

    def close(self) -> None:
        self.store.close(self.index)


def build_generation(
    storage: Any,
    docs: Iterable[Doc],
    *,
    total: int = 0,
    progress: Progress | None = None,
    procs: int = 1,
    limitmb: int = 128,
    engine: str = "whoosh",
    aliases: list[list[str]] | None = None,
) -> tuple[Any, Counter]:
    """Create an index from ``docs``; returns it and its vocabulary.

    ``storage`` is where: a folder (``Path``) or ``None`` for memory; for Whoosh also a
    Whoosh storage object. ``aliases``: the glossary groups whose multi-word spellings
    are indexed as single terms (:mod:`jjj_brief.search.glossary_terms`); record them
    as the generation's aliases.
    """
    folder: Path | None
    if storage is None or isinstance(storage, Path):
        folder = storage
    elif isinstance(storage, PrivateRamStorage) or not hasattr(storage, "folder"):
        folder = None
    else:
        folder = Path(storage.folder)
    surfaces: Counter = Counter()
    done = 0

    def on_doc(doc: Doc) -> None:
        nonlocal done
        found = doc.get("_surfaces")  # from a worker process, or from the engine's analysis just now
        surfaces.update(found if found is not None else set(surfaces_of(doc["body"])))
        done += 1
        if progress and (done % 200 == 0):
            progress(done, max(total, done))

    set_glossary_phrases(glossary_phrases(aliases))
    try:
        index = store_for(engine).build(folder, docs, procs=procs, limitmb=limitmb, on_doc=on_doc)
    finally:
        set_glossary_phrases(())
    if progress:
        progress(done, max(total, done))
    return index, words_from_surfaces(surfaces)


def write_manifest(
    folder: Path,
    base: str,
    vocab: Counter,
    aliases: list[list[str]] | None = None,
    *,
    engine: str | None = None,
    glossary_terms: bool | None = None,
) -> None:
    """Side files (vocabulary, glossary spellings), then the manifest that vouches for all files.

    ``engine`` and ``glossary_terms`` (whether the aliases' phrases were indexed as terms)
    default to what the folder's manifest says.
    """
    paths.atomic_write(folder / "vocab.json", json.dumps(vocab, ensure_ascii=False))
    if aliases is not None:
        paths.atomic_write(folder / "aliases.json", json.dumps(aliases, ensure_ascii=False))
    if engine is None:
        engine = _read_engine(folder)
    if glossary_terms is None:
        glossary_terms = _read_manifest(folder).get("glossary_terms") is True
    _write_manifest_file(folder, base, engine, glossary_terms)


def _read_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def _write_manifest_file(folder: Path, base: str, engine: str, glossary_terms: bool = False) -> None:
    files = {}
    total = sum(p.stat().st_size for p in folder.iterdir() if _is_index_file(p))
    for path in sorted(folder.iterdir()):
        if _is_index_file(path):
            files[path.name] = _file_check(path, full=total <= FULL_CRC_LIMIT)
    manifest = {
        "base": base,
        "analyzer": ANALYZER_VERSION,
        "schema": SCHEMA_VERSION,
        "engine": engine,
        "glossary_terms": glossary_terms,
        "files": files,
    }
    paths.atomic_write(folder / "manifest.json", json.dumps(manifest, indent=1))


def _read_engine(folder: Path) -> str:
    try:
        engine = json.loads((folder / "manifest.json").read_text(encoding="utf-8")).get("engine", "whoosh")
    except (OSError, ValueError, AttributeError):
        engine = "tantivy" if (folder / "meta.json").exists() else "whoosh"
    return engine if engine in ENGINES else "whoosh"


def write_import_files(folder: Path, files: ImportFiles, stamp: list | None) -> None:
    """What the generation holds of the imports (instead of reading postings), then the
    small stamp file a start-up check reads (written last: it never vouches for more)."""
    paths.atomic_write(folder / "imports.json", json.dumps({"files": files}))
    paths.atomic_write(folder / "imports-stamp.json", json.dumps({"stamp": stamp, "count": len(files)}))


def _read_import_files(folder: Path) -> ImportFiles:
    return dict(json.loads((folder / "imports.json").read_text(encoding="utf-8"))["files"])


def _read_imports_stamp(folder: Path) -> list | None:
    stamp = json.loads((folder / "imports-stamp.json").read_text(encoding="utf-8"))["stamp"]
    return stamp if isinstance(stamp, list) else None


def _is_index_file(path: Path) -> bool:
    if path.name.endswith("WRITELOCK"):  # whoosh's lock file: not index content
        return False
    return (
        path.is_file()
        and not path.name.startswith(".")
        and path.suffix != ".lock"
        and path.name
        not in (
            "manifest.json",
            "vocab.json",
            "aliases.json",
            "imports.json",
            "imports-stamp.json",
            LINKED_FILE,
        )
    )


def _file_check(path: Path, *, full: bool) -> list[int]:
    """[size, crc32] where the CRC covers the whole file, or head and tail of a big one."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        if full or size <= 65536:
            crc = zlib.crc32(handle.read())
        else:
            crc = zlib.crc32(handle.read(32768))
            handle.seek(size - 32768)
            crc = zlib.crc32(handle.read(), crc)
    return [size, crc]


def verify_generation(folder: Path) -> tuple[dict, str | None]:
    """(manifest, problem or None): cheap checks that the files are what was written."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        files = manifest["files"]
        total = sum(size for size, _ in files.values())
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return {}, f"manifest unreadable ({exc.__class__.__name__})"
    engine = manifest.get("engine", "whoosh")
    if engine not in ENGINES:
        return manifest, f"unknown engine {engine!r}"
    toc = store_for(engine).table_of_contents
    if not any(name.endswith(toc) for name in files):
        return manifest, "no table of contents"
    for name, (size, crc) in files.items():
        path = folder / name
        try:
            if path.stat().st_size != size:
                return manifest, f"{name} has the wrong size"
            if _file_check(path, full=total <= FULL_CRC_LIMIT)[1] != crc:
                return manifest, f"{name} is garbled"
        except FileNotFoundError:
            return manifest, f"{name} is missing"
        except OSError as exc:
            return manifest, f"{name}: {exc.strerror or exc}"
    return manifest, None


def open_generation(folder: Path) -> Generation:
    """Open a built generation; raises :class:`IndexUnavailable` naming what is wrong."""
    manifest, problem = verify_generation(folder)
    if problem:
        raise IndexUnavailable(f"corrupt: {problem}")
    engine = manifest.get("engine", "whoosh")
    try:
        index = store_for(engine).open(folder)
        if not (folder / "vocab.json").is_file() or not (folder / "imports.json").is_file():
            raise IndexUnavailable("corrupt: a side file is missing")
        aliases_file = folder / "aliases.json"
        aliases = json.loads(aliases_file.read_text(encoding="utf-8")) if aliases_file.exists() else None
        stamp = _read_imports_stamp(folder)  # vocabulary and import list: read when needed
    except IndexUnavailable:
        raise
    except ImportError as exc:
        raise IndexUnavailable(f"the {engine} engine is not installed ({exc})") from exc
    except Exception as exc:
        raise IndexUnavailable(f"corrupt: cannot open ({exc.__class__.__name__})") from exc
    return Generation(
        index,
        folder,
        manifest.get("base", ""),
        None,
        aliases,
        engine,
        None,
        stamp,
        glossary_terms=manifest.get("glossary_terms") is True and aliases is not None,
    )


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
    stamp = imports_stamp()
    if sources._imports is None and generation.imports_stamp == stamp:
        return 0, 0
    if generation.folder is None:
        return _reconcile(generation, sources, stamp, room)
    try:
        with file_lock(generation.folder / "update.lock", WRITER_LOCK_TIMEOUT):
            # Re-read under the lock: another process may have reconciled meanwhile
            # (adding what it added would index those imports twice).
            try:
                generation.imports_stamp = _read_imports_stamp(generation.folder)
                generation.import_files = _read_import_files(generation.folder)
            except (OSError, ValueError, KeyError, TypeError):
                pass
            return _reconcile(generation, sources, stamp, room)
    except TimeoutError as exc:
        raise IndexUnavailable("the search index is being updated by another jjj-brief; try again in a moment") from exc


def _reconcile(generation: Generation, sources: Sources, stamp: list, room: int | None) -> tuple[int, int]:
    sources.rescan_imports()  # the listing must follow the stamp it is recorded with
    wanted = sources.import_files(generation.import_files)
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

        def docs() -> Iterator[Doc]:  # one import in memory at a time, however many are added
            surfaces: Counter = Counter()
            with open_cache() as cache:
                cache.forget(remove_keys)
                for key, article in sources.iter_imports(add_files):
                    links = topic_links(sources.briefings, [article]) if article.id in linked else None
                    fields = import_figure_fields(article, key, size, cache)
                    for doc in article_documents(article, links, fields=fields, key=key):
                        yield doc
                        surfaces.update(set(surfaces_of(doc["body"])))  # the engine just analyzed it
                    loaded.add(key)
            words_from_surfaces(surfaces, generation.vocab)

        # Keys being added are deleted first: a process that died after its commit but
        # before recording it must not leave them indexed twice.
        adding = [entry[2] for entry in add_files.values()]
        set_glossary_phrases(glossary_phrases(generation.aliases) if generation.glossary_terms else ())
        try:
            generation.store.update(generation.index, [*remove_keys, *adding], docs())
        finally:
            set_glossary_phrases(())
        added = len(loaded)
        wanted = {name: entry for name, entry in wanted.items() if entry[2] in have or entry[2] in loaded}
    generation.import_files, generation.imports_stamp = wanted, stamp
    if generation.folder is not None:
        if add_files or remove_keys:
            write_manifest(
                generation.folder,
                generation.base,
                generation.vocab,
                generation.aliases,
                engine=generation.engine,
                glossary_terms=generation.glossary_terms,
            )
        write_import_files(generation.folder, wanted, stamp)
    return added, len(remove_keys)


# ---------------------------------------------------------------- the live index


LINKED_FILE = "linked.json"


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
    if path is not None:
        try:
            paths.atomic_write(path, json.dumps({"base": generation.base, "ids": sorted(ids)}))
        except OSError:
            pass
    return ids


class IndexManager:
    """Finds, opens, builds and refreshes the live generation for this process."""

    def __init__(self, on_refresh: Callable[[], None] | None = None) -> None:
        self.lock = threading.RLock()
        # Called whenever the sources are read again: the owner's loaded corpus is then
        # forgotten (re-read on next use), as the index may now hold more.
        self.on_refresh = on_refresh
        self.generation: Generation | None = None
        self._current_stamp: tuple[float, int] | None = None
        self._home: Path | None = None  # the cache location the open generation belongs to
        self._sources_stamp: tuple = ()

    # -- locations
    @staticmethod
    def root() -> Path | None:
        return paths.writable_dir(paths.cache_dir() / SEARCH_DIR, "the search index")

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
            self._sources_stamp = _sources_stamp()
            sources = collect_sources()
            if self.on_refresh is not None:
                self.on_refresh()
            base = sources.base_fingerprint()
            setting = engine_setting()
            home = paths.cache_dir() / SEARCH_DIR
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
                paths.STORAGE_WARNINGS.add(note)
                return self._ensure_memory(sources, base, progress, started, True, setting)

    def current(self) -> Generation:
        """The live generation, (re)opened if another process replaced or updated it."""
        with self.lock:
            generation = self.generation
            if (
                generation is None
                or paths.cache_dir() / SEARCH_DIR != self._home
                or _sources_stamp() != self._sources_stamp
            ):
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
    def _ensure_memory(self, sources, base, progress, started, rebuild, setting) -> IndexStatus:
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

    def _build_memory(self, sources, base, progress, setting) -> Generation:
        engine = choose_engine(sources.estimated_passages(), setting)
        files, stamp = sources.import_files(), imports_stamp()
        target = PrivateRamStorage() if engine == "whoosh" else None
        aliases = glossary_spellings(sources.briefings)
        index, vocab = build_generation(
            target,
            all_documents(sources),
            total=sources.estimated_passages(),
            progress=progress,
            engine=engine,
            aliases=aliases,
        )
        self.generation = Generation(index, None, base, vocab, aliases, engine, files, stamp, glossary_terms=True)
        self._current_stamp = None
        return self.generation

    def _ensure_on_disk(self, root, sources, base, progress, started, rebuild, setting) -> IndexStatus:
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
            room = max(0, TANTIVY_PASSAGES - passages)
        try:
            added, removed = reconcile_imports(generation, sources, room=room)
        except IndexUnavailable as exc:
            added = removed = 0
            messages.append(str(exc))
        except TooBigForEngine:
            return (
                None,
                f"imports take the collection past {TANTIVY_PASSAGES} passages: switching to tantivy",
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
            return None, str(exc)
        if generation.base != base:
            generation.close()
            return None, "stale: articles, briefings or analyzer changed"
        return generation, "up to date"

    def _build_on_disk(
        self, root: Path, sources: Sources, base: str, progress, setting: str, engine: str | None = None
    ) -> Generation:
        _clean_stray(root, keep=self._current_name(root))
        temp = root / f".tmp-{uuid.uuid4().hex[:12]}"
        temp.mkdir()
        try:
            stamp = imports_stamp()
            files = sources.import_files()
            total = sources.estimated_passages()
            engine = engine or choose_engine(total, setting)
            target: Any = temp if engine != "whoosh" else FileStorage(str(temp))
            aliases = glossary_spellings(sources.briefings)
            index, vocab = build_generation(
                target, all_documents(sources), total=total, progress=progress, engine=engine, aliases=aliases
            )
            store_for(engine).close(index)
            write_import_files(temp, files, stamp)
            write_manifest(temp, base, vocab, aliases, engine=engine, glossary_terms=True)
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
    def _status(action, reason, generation: Generation, started, added=0, removed=0, setting="auto") -> IndexStatus:
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


def _sources_stamp() -> tuple:
    """Cheap change detector for the files of record: their folders' modification times.

    Adding, removing or atomically replacing a file (imports, briefings) changes its
    folder's mtime; then the next search re-checks the fingerprint and reconciles.
    """
    stamp = []
    for folder in (_imports_dir(), paths.briefings_dir(), paths.seeds_dir()):
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
