"""The index lifecycle: build, check, reuse, update incrementally, rebuild when broken.

Layout under ``paths.cache_dir()/search``::

    CURRENT            name of the live generation (replaced atomically)
    gen-<id>/          a whoosh index + manifest.json (fingerprint, files) + vocab.json
    build.lock         held (fcntl) by the one process building a generation

* **Staleness.** The *base* fingerprint covers the analyzer and schema versions, the seed
  articles (text and catalog metadata) and the briefing files. A different base means a
  full rebuild. Imports are reconciled *incrementally*: each imported article's documents
  carry an ``import_key`` (id + content hash); on open, keys missing from the index are
  added and keys no longer wanted are deleted, in one whoosh commit.
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
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
import uuid
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage, RamStorage
from whoosh.index import Index, LockError
from whoosh.writing import SegmentWriter

from jjj_brief import paths
from jjj_brief.corpus import Article, load_corpus
from jjj_brief.search.analyzer import ANALYZER_VERSION, TOKEN_PATTERN, surface_analysis
from jjj_brief.search.documents import (
    SCHEMA_VERSION,
    Doc,
    article_documents,
    article_figures_for_index,
    briefing_documents,
    import_key,
    make_schema,
    topic_links,
)

Progress = Callable[[int, int], None]

BUILD_LOCK_TIMEOUT = 30.0
WRITER_LOCK_TIMEOUT = 10.0
FULL_CRC_LIMIT = 8_000_000  # bytes of index below which every file is CRC-checked on open
SEARCH_DIR = "search"
STORAGE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG}


class IndexUnavailable(Exception):
    """The index cannot be used right now (message says why and what to do)."""


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "reason": self.reason,
            "location": self.location,
            "documents": self.documents,
            "seconds": round(self.seconds, 3),
            "imports_added": self.added,
            "imports_removed": self.removed,
            "messages": list(self.messages),
        }


class PrivateRamStorage(RamStorage):
    """An in-memory index whose scratch files get a folder of their own.

    whoosh-reloaded's ``RamStorage.temp_storage`` puts them in ``/tmp/MAIN.tmp`` — one
    fixed path for every process — so two in-memory builds at once (two apps on a
    read-only home) destroyed each other's files mid-build ("seek of closed file").
    """

    def temp_storage(self, name=None):  # noqa: ARG002 - the shared name is the bug
        return FileStorage(tempfile.mkdtemp(prefix="jjj-brief-index-")).create()


# ---------------------------------------------------------------- sources and fingerprint


class Sources:
    """Everything the index is derived from. The briefings are parsed only when needed
    (building, or linking imports to topics): the fingerprint reads their files' bytes."""

    def __init__(self, articles: list[Article], briefings: Any = None, briefing_files: list[Path] | None = None,
                 *, load: Callable[[], Any] | None = None) -> None:
        self.articles = articles
        self.briefing_files = briefing_files or []
        self._briefings = briefings
        self._load = load

    @property
    def briefings(self) -> Any:
        if self._load is not None:
            self._briefings, self._load = self._load(), None
        return self._briefings

    @property
    def seeds(self) -> list[Article]:
        return [a for a in self.articles if a.source != "import"]

    @property
    def imports(self) -> list[Article]:
        return [a for a in self.articles if a.source == "import"]

    def base_fingerprint(self) -> str:
        digest = hashlib.sha256()
        for part in (ANALYZER_VERSION, SCHEMA_VERSION):
            _feed(digest, part)
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

    def wanted_import_keys(self) -> dict[str, Article]:
        return {import_key(a): a for a in self.imports}


def _feed(digest: Any, text: str) -> None:
    digest.update(text.encode("utf-8", "surrogatepass"))
    digest.update(b"\0")


def collect_sources(*, refresh: bool = True) -> Sources:
    corpus = load_corpus(refresh=refresh)
    folder = paths.briefings_dir()
    files = sorted(folder.rglob("*.yaml")) + sorted(folder.rglob("*.yml")) if folder.is_dir() else []
    return Sources(list(corpus.articles), None, files, load=_load_briefings)


def _load_briefings() -> Any:
    try:
        from jjj_brief.briefings import shipped_briefings  # type: ignore[attr-defined]
    except ImportError:
        return None
    try:
        return shipped_briefings()
    except Exception:  # noqa: BLE001 - broken briefings must not stop search of the articles
        return None


def glossary_spellings(briefings: Any) -> list[list[str]]:
    """Groups of spellings that name one thing (glossary term + aliases), for query expansion."""
    groups = []
    for term in getattr(briefings, "glossary", None) or []:
        spellings = [term.term, *getattr(term, "aliases", [])]
        if len(spellings) > 1:
            groups.append(spellings)
    return groups


def all_documents(sources: Sources) -> Iterator[Doc]:
    links = topic_links(sources.briefings, sources.articles)
    size = len(sources.articles)
    for article in sources.articles:
        yield from article_documents(article, links, article_figures=article_figures_for_index(article, size))
    yield from briefing_documents(sources.briefings)


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

    index: Index
    folder: Path | None  # None: in memory
    base: str
    vocab: Counter
    aliases: list[list[str]] | None = None  # glossary spellings at build time (None: unknown)

    @property
    def name(self) -> str:
        return self.folder.name if self.folder else "memory"


def build_generation(
    storage: Any,
    docs: Iterable[Doc],
    *,
    total: int = 0,
    progress: Progress | None = None,
    procs: int = 1,
    limitmb: int = 128,
) -> tuple[Index, Counter]:
    """Create an index in ``storage`` from ``docs``; returns it and its vocabulary."""
    index = storage.create_index(make_schema())
    surfaces: Counter = Counter()
    # compound=False: whoosh-reloaded opens a compound segment file by copying each
    # sub-file into a BytesIO (filedb/compound.py, structfile.BufferFile), so open time and
    # memory grew with the index; plain segment files are opened lazily instead.
    if procs > 1:
        writer = index.writer(procs=procs, limitmb=limitmb, multisegment=True, compound=False)
    else:
        writer = index.writer(limitmb=limitmb, compound=False)
    done = 0
    findall = TOKEN_PATTERN.findall
    try:
        for doc in docs:
            writer.add_document(**{k: v for k, v in doc.items() if v is not None})
            surfaces.update(set(findall(doc["body"])))
            done += 1
            if progress and (done % 200 == 0):
                progress(done, max(total, done))
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    if progress:
        progress(done, max(total, done))
    return index, words_from_surfaces(surfaces)


def write_manifest(folder: Path, base: str, vocab: Counter, aliases: list[list[str]] | None = None) -> None:
    """Side files (vocabulary, glossary spellings), then the manifest that vouches for all files."""
    paths.atomic_write(folder / "vocab.json", json.dumps(vocab, ensure_ascii=False))
    if aliases is not None:
        paths.atomic_write(folder / "aliases.json", json.dumps(aliases, ensure_ascii=False))
    files = {}
    total = sum(p.stat().st_size for p in folder.iterdir() if _is_index_file(p))
    for path in sorted(folder.iterdir()):
        if _is_index_file(path):
            files[path.name] = _file_check(path, full=total <= FULL_CRC_LIMIT)
    manifest = {"base": base, "analyzer": ANALYZER_VERSION, "schema": SCHEMA_VERSION, "files": files}
    paths.atomic_write(folder / "manifest.json", json.dumps(manifest, indent=1))


def _is_index_file(path: Path) -> bool:
    if path.name.endswith("WRITELOCK"):  # whoosh's lock file: not index content
        return False
    return path.is_file() and not path.name.startswith(".") and path.suffix != ".lock" and path.name not in (
        "manifest.json",
        "vocab.json",
        "aliases.json",
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
    if not any(name.endswith(".toc") for name in files):
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
    try:
        index = FileStorage(str(folder)).open_index()
        vocab = Counter(json.loads((folder / "vocab.json").read_text(encoding="utf-8")))
        aliases_file = folder / "aliases.json"
        aliases = json.loads(aliases_file.read_text(encoding="utf-8")) if aliases_file.exists() else None
        with index.searcher() as searcher:  # touches TOC, segments, lexicon
            searcher.doc_count()
            list(searcher.lexicon("kind"))
    except IndexUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001 - any whoosh/unpickling failure means rebuild
        raise IndexUnavailable(f"corrupt: cannot open ({exc.__class__.__name__})") from exc
    return Generation(index, folder, manifest.get("base", ""), vocab, aliases)


# ---------------------------------------------------------------- incremental imports


def indexed_import_keys(index: Index) -> set[str]:
    """Import keys with at least one live (not deleted) document."""
    found = set()
    with index.reader() as reader:
        for term in reader.lexicon("import_key"):
            key = term.decode("utf-8") if isinstance(term, bytes) else term
            postings = reader.postings("import_key", key)
            if any(not reader.is_deleted(docnum) for docnum in postings.all_ids()):
                found.add(key)
    return found


def reconcile_imports(generation: Generation, sources: Sources) -> tuple[int, int]:
    """Add imports missing from the index, delete ones no longer wanted. (added, removed)."""
    wanted = sources.wanted_import_keys()
    have = indexed_import_keys(generation.index)
    to_add = [article for key, article in wanted.items() if key not in have]
    to_remove = [key for key in have if key not in wanted]
    if not to_add and not to_remove:
        return 0, 0
    try:
        writer = generation.index.writer(timeout=WRITER_LOCK_TIMEOUT, compound=False)
    except LockError as exc:
        raise IndexUnavailable(
            "the search index is being updated by another jjj-brief; try again in a moment"
        ) from exc
    # Re-read both sides under the writer lock: another process may have reconciled while
    # we waited (adding what it added would index those imports twice), or imported more
    # (deleting what our older view lacks would hide them).
    from jjj_brief.imports import load_imported_articles

    wanted = {import_key(article): article for article in load_imported_articles()}
    have = indexed_import_keys(generation.index)
    to_add = [article for key, article in wanted.items() if key not in have]
    to_remove = [key for key in have if key not in wanted]
    if not to_add and not to_remove:
        writer.cancel()
        return 0, 0
    links = topic_links(sources.briefings, to_add)
    try:
        for key in to_remove:
            writer.delete_by_term("import_key", key)
        for article in to_add:
            figures = article_figures_for_index(article, len(sources.articles))
            for doc in article_documents(article, links, article_figures=figures):
                writer.add_document(**{k: v for k, v in doc.items() if v is not None})
                vocabulary_of([doc["body"]], generation.vocab)
        writer.commit()
    except BaseException:
        if isinstance(writer, SegmentWriter) and not writer.is_closed:
            writer.cancel()
        raise
    if generation.folder is not None:
        write_manifest(generation.folder, generation.base, generation.vocab, generation.aliases)
    return len(to_add), len(to_remove)


# ---------------------------------------------------------------- the live index


class IndexManager:
    """Finds, opens, builds and refreshes the live generation for this process."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
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
            base = sources.base_fingerprint()
            home = paths.cache_dir() / SEARCH_DIR
            if home != self._home:
                self.generation, self._current_stamp, self._home = None, None, home
            root = self.root()
            if root is None:
                return self._ensure_memory(sources, base, progress, started, rebuild)
            try:
                return self._ensure_on_disk(root, sources, base, progress, started, rebuild)
            except OSError as exc:
                if exc.errno not in STORAGE_ERRNOS:
                    raise
                # A full disk (or a cache gone read-only under us): search from memory.
                note = f"cannot write the search index to {root} ({exc.strerror or exc}); working in memory for this run"
                paths.STORAGE_WARNINGS.add(note)
                return self._ensure_memory(sources, base, progress, started, True)

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
    def _ensure_memory(self, sources, base, progress, started, rebuild) -> IndexStatus:
        current = self.generation
        if current is not None and current.folder is None and current.base == base and not rebuild:
            added, removed = reconcile_imports(current, sources)
            action = "updated" if (added or removed) else "reused"
            return self._status(action, "in memory", current, started, added, removed)
        generation = self._build_memory(sources, base, progress)
        reason = "cache folder not writable; index kept in memory for this run"
        return self._status("memory", reason, generation, started)

    def _build_memory(self, sources, base, progress) -> Generation:
        index, vocab = build_generation(
            PrivateRamStorage(), all_documents(sources), total=self._estimate(sources), progress=progress
        )
        self.generation = Generation(index, None, base, vocab, glossary_spellings(sources.briefings))
        self._current_stamp = None
        return self.generation

    def _ensure_on_disk(self, root, sources, base, progress, started, rebuild) -> IndexStatus:
        reason = "rebuild requested" if rebuild else None
        if not rebuild:
            generation, reason = self._try_open(root, base)
            if generation is not None:
                return self._reuse(generation, sources, started, root)
        try:
            with file_lock(root / "build.lock", BUILD_LOCK_TIMEOUT):
                if not rebuild:  # someone may have built it while we waited
                    generation, _ = self._try_open(root, base)
                    if generation is not None:
                        return self._reuse(generation, sources, started, root)
                generation = self._build_on_disk(root, sources, base, progress)
        except TimeoutError:
            generation = self._build_memory(sources, base, progress)
            status = self._status("memory", "another jjj-brief is building the index", generation, started)
            status.messages.append(
                "another jjj-brief is building the search index; using a private in-memory index for this run"
            )
            return status
        action = "built" if reason == "missing" else "rebuilt"
        return self._status(action, reason or "missing", generation, started)

    def _reuse(self, generation: Generation, sources: Sources, started: float, root: Path) -> IndexStatus:
        self.generation = generation
        self._current_stamp = self._stamp(root)
        messages = []
        try:
            added, removed = reconcile_imports(generation, sources)
        except IndexUnavailable as exc:
            added = removed = 0
            messages.append(str(exc))
        action = "updated" if (added or removed) else "reused"
        status = self._status(action, "up to date" if action == "reused" else "imports changed",
                              generation, started, added, removed)
        status.messages.extend(messages)
        return status

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
            generation.index.close()
            return None, "stale: articles, briefings or analyzer changed"
        return generation, "up to date"

    def _build_on_disk(self, root: Path, sources: Sources, base: str, progress) -> Generation:
        _clean_stray(root, keep=self._current_name(root))
        temp = root / f".tmp-{uuid.uuid4().hex[:12]}"
        temp.mkdir()
        try:
            index, vocab = build_generation(
                FileStorage(str(temp)), all_documents(sources), total=self._estimate(sources), progress=progress
            )
            index.close()
            write_manifest(temp, base, vocab, glossary_spellings(sources.briefings))
            final = root / f"gen-{base[:12]}-{uuid.uuid4().hex[:8]}"
            os.rename(temp, final)
            paths._fsync_dir(root)
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
    def _estimate(sources: Sources) -> int:
        return sum(len(a.paragraphs) for a in sources.articles) + 50

    @staticmethod
    def _status(action, reason, generation: Generation, started, added=0, removed=0) -> IndexStatus:
        documents = generation.index.doc_count()
        location = str(generation.folder) if generation.folder else None
        return IndexStatus(action, reason, location, documents, time.perf_counter() - started, added, removed)


def _sources_stamp() -> tuple:
    """Cheap change detector for the files of record: their folders' modification times.

    Adding, removing or atomically replacing a file (imports, briefings) changes its
    folder's mtime; then the next search re-checks the fingerprint and reconciles.
    """
    from jjj_brief.imports import imports_dir

    stamp = []
    for folder in (imports_dir(), paths.briefings_dir(), paths.seeds_dir()):
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


@contextmanager
def file_lock(path: Path, timeout: float) -> Iterator[None]:
    """An exclusive fcntl lock on ``path``, waiting up to ``timeout`` seconds."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise TimeoutError(f"{path} is locked") from exc
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


MANAGER = IndexManager()
