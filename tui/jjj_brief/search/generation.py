"""One built index generation: its engine store, side files and manifest.

``manifest.json`` records every index file's size (and a CRC of small files, all of
them for the seed-sized index), so a missing, truncated or garbled file fails
:func:`verify_generation` and the generation is rebuilt.
"""

from __future__ import annotations

import json
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jjj_brief import paths
from jjj_brief.search.analyzer import (
    ANALYZER_VERSION,
    TOKEN_PATTERN,
    IndexAnalyzer,
    surface_analysis,
    words_key,
)
from jjj_brief.search.documents import (
    SCHEMA_VERSION,
    Doc,
    with_analysis,
)
from jjj_brief.search.errors import IndexUnavailable
from jjj_brief.search.glossary_terms import glossary_phrases
from jjj_brief.search.sources import ImportFiles

Progress = Callable[[int, int], None]

if TYPE_CHECKING:
    from jjj_brief.search.tantivy_engine import TantivyStore
    from jjj_brief.search.whoosh_engine import WhooshStore

    EngineStore = type[WhooshStore] | type[TantivyStore]

ENGINES = ("whoosh", "tantivy")
FULL_CRC_LIMIT = 8_000_000  # bytes of index below which every file is CRC-checked on open
LINKED_FILE = "linked.json"  # the article ids the briefings link to topics (see search.reconcile)
GLOSSARY_FILE = "glossary.json"  # the aliases' words keys and phrases, as the build computed them

# The glossary spellings' words keys (spelling -> :func:`words_key`, how the query parser
# matches aliases) and multi-term phrases (:func:`glossary_phrases`, held as single terms).
GlossaryAnalysis = tuple[dict[str, str], frozenset[tuple[str, ...]]]


def glossary_analysis(aliases: list[list[str]] | None) -> GlossaryAnalysis:
    spellings = dict.fromkeys(spelling for group in aliases or () for spelling in group)
    return {spelling: words_key(spelling) for spelling in spellings}, glossary_phrases(aliases)


def store_for(engine: str) -> EngineStore:
    """The engine's index store (tantivy is imported only when used)."""
    if engine == "tantivy":
        from jjj_brief.search.tantivy_engine import TantivyStore

        return TantivyStore
    from jjj_brief.search.whoosh_engine import WhooshStore  # Whoosh too: a tantivy index never imports it

    return WhooshStore


def _private_ram(storage: Any) -> bool:
    """A Whoosh storage object kept in memory (given only by Whoosh callers: imported then)."""
    from jjj_brief.search.whoosh_engine import PrivateRamStorage

    return isinstance(storage, PrivateRamStorage)


# ---------------------------------------------------------------- vocabulary


def vocabulary_of(texts: Iterable[str], counts: Counter[str] | None = None) -> Counter[str]:
    """Folded, unstemmed words -> (roughly) the number of documents they occur in."""
    surfaces: Counter[str] = Counter()
    for text in texts:
        surfaces.update(set(TOKEN_PATTERN.findall(text)))
    return words_from_surfaces(surfaces, counts)


def words_from_surfaces(surfaces: Counter[str], counts: Counter[str] | None = None) -> Counter[str]:
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
    _vocab: Counter[str] | None  # None: not read yet (vocab.json, read on first use)
    aliases: list[list[str]] | None = None  # glossary spellings at build time (None: unknown)
    engine: str = "whoosh"
    _files: ImportFiles | None = None  # what the index holds of the imports (None: not read yet)
    imports_stamp: list[int | None] | None = None  # imports_stamp() when import_files was last made true
    glossary_terms: bool = False  # the aliases' multi-word spellings are indexed as single terms
    _glossary: GlossaryAnalysis | None = None  # None: not read yet

    def glossary(self) -> GlossaryAnalysis:
        """The aliases' :func:`glossary_analysis`: read from the side file the build wrote
        (a process's first search then analyzes no glossary spelling), else computed."""
        if self._glossary is None:
            self._glossary = _read_glossary(self.folder, self.aliases) or glossary_analysis(self.aliases)
        return self._glossary

    @property
    def name(self) -> str:
        return self.folder.name if self.folder else "memory"

    @property
    def vocab(self) -> Counter[str]:
        """Folded words -> document counts (read when first needed: prefixes, "did you mean")."""
        if self._vocab is None:
            assert self.folder is not None
            self._vocab = Counter(json.loads((self.folder / "vocab.json").read_text(encoding="utf-8")))
        return self._vocab

    @property
    def import_files(self) -> ImportFiles:
        """Import file -> [size, mtime, key, lines] the index holds (read when imports changed)."""
        if self._files is None:
            self._files = read_import_files(self.folder) if self.folder is not None else {}
        return self._files

    @import_files.setter
    def import_files(self, files: ImportFiles) -> None:
        self._files = files

    @property
    def store(self) -> EngineStore:
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
    analyzer: IndexAnalyzer | None = None,
) -> tuple[Any, Counter[str]]:
    """Create an index from ``docs``; returns it and its vocabulary.

    ``storage`` is where: a folder (``Path``) or ``None`` for memory; for Whoosh also a
    Whoosh storage object. ``aliases``: the glossary groups whose multi-word spellings
    are indexed as single terms (:mod:`jjj_brief.search.glossary_terms`); record them
    as the generation's aliases. ``analyzer``: the one made from them, when the caller
    already has it (its documents were analyzed in worker processes with it).
    """
    folder: Path | None
    if storage is None or isinstance(storage, Path):
        folder = storage
    elif not hasattr(storage, "folder") or _private_ram(storage):
        folder = None
    else:
        folder = Path(storage.folder)
    surfaces: Counter[str] = Counter()
    done = 0

    def on_doc(doc: Doc) -> None:
        nonlocal done
        surfaces.update(doc["_surfaces"])  # from with_analysis, here or in a worker process
        done += 1
        if progress and (done % 200 == 0):
            progress(done, max(total, done))

    analyzer = analyzer or IndexAnalyzer(glossary_phrases(aliases))
    analyzed = (with_analysis(doc, analyzer) for doc in docs)
    index = store_for(engine).build(folder, analyzed, procs=procs, limitmb=limitmb, on_doc=on_doc)
    if progress:
        progress(done, max(total, done))
    return index, words_from_surfaces(surfaces)


def write_manifest(
    folder: Path,
    base: str,
    vocab: Counter[str],
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
        keys, phrases = glossary_analysis(aliases)
        glossary = {"analyzer": ANALYZER_VERSION, "aliases": aliases, "keys": keys, "phrases": sorted(phrases)}
        paths.atomic_write(folder / GLOSSARY_FILE, json.dumps(glossary, ensure_ascii=False))
    if engine is None:
        engine = _read_engine(folder)
    if glossary_terms is None:
        glossary_terms = _read_manifest(folder).get("glossary_terms") is True
    _write_manifest_file(folder, base, engine, glossary_terms)


def _read_glossary(folder: Path | None, aliases: list[list[str]] | None) -> GlossaryAnalysis | None:
    """The glossary side file, when it was made from these aliases by this analyzer."""
    if folder is None or aliases is None:
        return None
    try:
        data = json.loads((folder / GLOSSARY_FILE).read_text(encoding="utf-8"))
        keys, phrases = data["keys"], data["phrases"]
        if data["analyzer"] != ANALYZER_VERSION or data["aliases"] != aliases or not isinstance(keys, dict):
            return None
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in keys.items()):
            return None
        return keys, frozenset(tuple(str(term) for term in phrase) for phrase in phrases)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _read_manifest(folder: Path) -> dict[str, Any]:
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


def write_import_files(folder: Path, files: ImportFiles, stamp: list[int | None] | None) -> None:
    """What the generation holds of the imports (instead of reading postings), then the
    small stamp file a start-up check reads (written last: it never vouches for more)."""
    paths.atomic_write(folder / "imports.json", json.dumps({"files": files}))
    paths.atomic_write(folder / "imports-stamp.json", json.dumps({"stamp": stamp, "count": len(files)}))


def read_import_files(folder: Path) -> ImportFiles:
    return dict(json.loads((folder / "imports.json").read_text(encoding="utf-8"))["files"])


def read_imports_stamp(folder: Path) -> list[Any] | None:
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
            GLOSSARY_FILE,
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


def verify_generation(folder: Path) -> tuple[dict[str, Any], str | None]:
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
        stamp = read_imports_stamp(folder)  # vocabulary and import list: read when needed
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
