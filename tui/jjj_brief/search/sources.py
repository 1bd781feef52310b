"""What the search index is derived from: the seeds, the stored imports and the briefings.

:class:`Sources` reads lazily (the fingerprint reads seed and briefing files only);
:func:`all_documents` yields every document to index, imports one at a time, analyzed
in worker processes for large collections.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from jjj_brief import paths
from jjj_brief.corpus import Article, Corpus, load_seed_articles
from jjj_brief.paths import LibraryPaths, StorageWarnings
from jjj_brief.search.analyzer import ANALYZER_VERSION, IndexAnalyzer
from jjj_brief.search.documents import (
    CROSS_ARTICLE_COLLECTION,
    SCHEMA_VERSION,
    Doc,
    TopicLinks,
    article_documents,
    article_figures_for_index,
    briefing_documents,
    import_figure_fields,
    import_key,
    linked_article_ids,
    topic_links,
    with_analysis,
)

# ---------------------------------------------------------------- sources and fingerprint


ImportFiles = dict[str, list[Any]]  # import file name -> [size, mtime_ns, import key, lines]


def _imports_dir() -> Path:
    """``jjj_brief.imports.imports_dir()``, without importing that module (and its readers)
    into every process that only checks the index."""
    return paths.data_dir() / "imports"


def imports_stamp(folder: Path | None = None) -> list[int | None]:
    """:func:`jjj_brief.paths.imports_stamp` of the imports ``folder`` (default: this home's)."""
    return paths.imports_stamp(folder or _imports_dir())


def scan_import_files(previous: ImportFiles | None = None, folder: Path | None = None) -> ImportFiles:
    """Every stored import's file stamp, key and line count (an upper bound of its
    passages); only new or changed files are read."""
    from jjj_brief.import_store import stamped_import_files
    from jjj_brief.imports import imports_dir

    return stamped_import_files(folder or imports_dir(), previous or {}, _key_and_lines)


def _key_and_lines(path: Path) -> list[Any]:
    from jjj_brief.imports import stored_key

    data = path.read_bytes()
    # An upper bound of its passages (non-blank lines) that a blank line between
    # paragraphs does not double: the index build's "time left" reads it.
    return [stored_key(path), data.count(b"\n") + 1 - data.count(b"\n\n")]


def _journaled(
    previous: ImportFiles | None, since: list[int | None] | None, stamp: list[int | None] | None, folder: Path
) -> ImportFiles | None:
    """``previous`` and what the last import batch added, when that batch took the folder from
    ``since`` to ``stamp``; ``None`` when it did not (or a file it added cannot be read)."""
    from jjj_brief.import_store import read_import_journal

    if previous is None or stamp is None:
        return None
    added = read_import_journal(folder, since, stamp)
    if added is None:
        return None
    files = dict(previous)
    for name in added:
        try:
            st = (folder / name).stat()
            files[name] = [st.st_size, st.st_mtime_ns, *_key_and_lines(folder / name)]
        except (OSError, ValueError, UnicodeDecodeError):
            return None
    return files


class Sources:
    """Everything the index is derived from. Imports and briefings are read only when
    needed (building, or adding imports): the fingerprint reads seeds and briefing files.
    ``warnings``: where a damaged import skipped is said (the library's)."""

    def __init__(
        self,
        articles: list[Article] | None = None,
        briefings: Any = None,
        briefing_files: list[Path] | None = None,
        *,
        load: Callable[[], Any] | None = None,
        seed_files: list[Path] | None = None,
        where: LibraryPaths | None = None,
        corpus: Callable[[], Corpus] | None = None,
        warnings: StorageWarnings,
    ) -> None:
        self.warnings = warnings
        # The folders read (seeds, imports) and the figure cache's; the corpus that cross-article
        # figure flags are computed over (None: none are).
        self.where = where or LibraryPaths.current()
        self.corpus = corpus
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
            self._seeds = load_seed_articles(self.where.seeds)
        return self._seeds

    @property
    def imports(self) -> list[Article]:
        if self._imports is None:
            self._imports = [article for _, article in self.load_imports(self.import_files())]
        return self._imports

    @property
    def articles(self) -> list[Article]:
        return self.seeds + self.imports

    def import_files(
        self,
        previous: ImportFiles | None = None,
        since: list[int | None] | None = None,
        stamp: list[int | None] | None = None,
    ) -> ImportFiles:
        """The stored imports (file name -> [size, mtime, key, lines]); for given articles, their keys.

        ``previous``: a listing already made (its rows are reused while their files' size
        and time match). With the imports folder's stamp ``since`` that listing was made at,
        and the ``stamp`` now: when the last import batch is all that changed in between (its
        journal says so), the listing is ``previous`` plus the files it added, read alone:
        one more import into 10,000 lists no folder (~60 ms)."""
        if self._import_files is None:
            if self._imports is not None:  # articles given directly (tests, benchmarks)
                self._import_files = {f"{a.id}.txt": [0, 0, import_key(a), len(a.paragraphs)] for a in self._imports}
            else:
                self._import_files = _journaled(previous, since, stamp, self.where.imports)
                if self._import_files is None:
                    self._import_files = scan_import_files(previous, self.where.imports)
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
        from jjj_brief.imports import load_import

        folder = self.where.imports
        for name in sorted(files):
            try:
                article = load_import(folder / name)
            except (OSError, ValueError, UnicodeDecodeError) as exc:
                self.warnings.add(f"skipped damaged import {folder / name} ({exc.__class__.__name__})")
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
        """Articles in the collection (seeds plus stored imports), no import read.

        Callers only compare it with :data:`CROSS_ARTICLE_COLLECTION` (figures flagged
        across a small collection): past that many imports the seeds are not counted
        unless already loaded, since counting them parses the seed catalog (YAML and
        pydantic: most of the cost of adding one import to a large index)."""
        imported = len(self.import_files())
        if self._seeds is None and imported > CROSS_ARTICLE_COLLECTION:
            return imported
        return len(self.seeds) + imported

    def estimated_passages(self) -> int:
        """Seed passages plus the imports' line counts (an upper bound): no import is read."""
        imported = sum(entry[3] if len(entry) > 3 else 1 for entry in self.import_files().values())
        return sum(len(a.paragraphs) for a in self.seeds) + imported + 50


def _feed(digest: Any, text: str) -> None:
    digest.update(text.encode("utf-8", "surrogatepass"))
    digest.update(b"\0")


def collect_sources(
    *,
    refresh: bool = True,
    where: LibraryPaths | None = None,
    load: Callable[[], Any] | None = None,
    corpus: Callable[[], Corpus] | None = None,
    warnings: StorageWarnings,
) -> Sources:
    """The sources in ``where`` (default: this home and the shipped data), with no import
    read. ``load``: parses the briefings (a Library passes its own; default: read from
    ``where.briefings``); ``corpus``: the corpus cross-article figure flags are computed
    over (a Library passes its own; without one, none); ``warnings``: where a damaged import
    is said (the library's). (``refresh`` is kept for callers; forgetting the loaded corpus
    is the index manager's ``on_refresh`` hook.)"""
    where = where or LibraryPaths.current()
    folder = where.briefings
    files = sorted(folder.rglob("*.yaml")) + sorted(folder.rglob("*.yml")) if folder.is_dir() else []
    seeds = where.seeds
    seed_files = (
        sorted(p for p in seeds.iterdir() if p.is_file() and not p.name.startswith(".")) if seeds.is_dir() else []
    )
    return Sources(
        None,
        None,
        files,
        load=load or partial(_load_briefings, folder),
        seed_files=seed_files,
        where=where,
        corpus=corpus,
        warnings=warnings,
    )


def _load_briefings(folder: Path) -> Any:
    """The briefings in ``folder`` (None when they cannot be read): for a caller without a Library."""
    try:
        from jjj_brief.briefings import load_briefings
    except ImportError:
        return None
    try:
        return load_briefings(folder)
    except Exception:
        return None


def glossary_spellings(briefings: Any) -> list[list[str]]:
    """Groups of spellings that name one thing (glossary term + aliases, never see_also),
    for query expansion: the briefings layer's own groups when it offers them."""
    if callable(getattr(briefings, "alias_groups", None)):
        groups: list[list[str]] = briefings.alias_groups()
        return groups
    groups = []
    for term in getattr(briefings, "glossary", None) or []:
        spellings = [term.term, *getattr(term, "aliases", [])]
        if len(spellings) > 1:
            groups.append(spellings)
    return groups


def all_documents(sources: Sources, analyzer: IndexAnalyzer | None = None) -> Iterator[Doc]:
    """Every document, imports read one at a time (memory does not grow with their number).

    The imports' figure fields come from the figure cache when it has them
    (:mod:`jjj_brief.search.figure_cache`): a rebuild does not read every number again.
    ``analyzer``: the build's; a large collection's imports are analyzed with it in worker
    processes (the others are analyzed by the build, see :func:`documents.with_analysis`)."""
    briefings = sources.briefings
    links = topic_links(briefings, sources.seeds)
    size = sources.collection_size()
    for article in sources.seeds:
        figures = article_figures_for_index(article, size, sources.corpus)
        yield from article_documents(article, links, article_figures=figures)
    files = sources.import_files()
    if analyzer is not None and sources._imports is None and len(files) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        linked = linked_article_ids(briefings)
        links_of = lambda article: topic_links(briefings, [article])  # noqa: E731
        yield from _prepared_in_workers(sources, files, size, links_of, linked, analyzer)
    else:
        from jjj_brief.search.figure_cache import open_cache  # SQLite: only a build with imports needs it

        with open_cache(sources.where.search) as cache:
            for key, article in sources.iter_imports():
                fields = import_figure_fields(article, key, size, cache, sources.corpus)
                yield from article_documents(article, topic_links(briefings, [article]), fields=fields, key=key)
    yield from briefing_documents(briefings)


PARALLEL_FROM = 400  # imports to build from at which they are read and analyzed in worker processes
PARALLEL_CHUNK = 8


def _prepared_in_workers(
    sources: Sources,
    files: ImportFiles,
    size: int,
    links: Callable[[Article], TopicLinks],
    linked: set[str],
    analyzer: IndexAnalyzer,
) -> Iterator[Doc]:
    """The imports' documents, each read, given its figure fields and analyzed (terms and
    positions, surface words) in a worker process; this process only hands them to the
    engine's writer. Same documents, same order as the serial path. The build's analyzer
    goes with each chunk of tasks (pickled once per chunk). An import the briefings name is
    done here (it needs the briefings for its topics)."""
    import multiprocessing

    folder, search_dir = sources.where.imports, sources.where.search
    names = sorted(files)
    chunks = [
        ([(folder / name, files[name][2]) for name in names[at : at + PARALLEL_CHUNK]], size, search_dir, analyzer)
        for at in range(0, len(names), PARALLEL_CHUNK)
    ]
    workers = max(1, min((os.cpu_count() or 1), 4))
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for prepared in (one for chunk in pool.imap(_prepare_imports, chunks) for one in chunk):
            key, article_id, docs, problem = prepared
            if problem:
                sources.warnings.add(problem)
                continue
            if article_id in linked:  # rare: redo it here, with its topics
                yield from _documents_here(folder / f"{article_id}.txt", key, size, links, sources)
                continue
            yield from docs


def _documents_here(
    path: Path, key: str, size: int, links: Callable[[Article], TopicLinks], sources: Sources
) -> Iterator[Doc]:
    from jjj_brief.imports import load_import
    from jjj_brief.search.figure_cache import open_cache

    article = load_import(path)
    with open_cache(sources.where.search) as cache:
        fields = import_figure_fields(article, key, size, cache, sources.corpus)
    yield from article_documents(article, links(article), fields=fields, key=key)


def _prepare_imports(
    chunk: tuple[list[tuple[Path, str]], int, Path, IndexAnalyzer],
) -> list[tuple[str, str, list[Doc], str | None]]:
    """In a worker: a few imports' documents with their analysis (``_terms``, ``_surfaces``),
    the figure cache opened once for them (opening it for each import cost ~3 ms of CPU and
    ~25 ms of wall an import: a SQLite connection and a commit each)."""
    from jjj_brief.imports import load_import
    from jjj_brief.search.figure_cache import open_cache

    imports, size, search_dir, analyzer = chunk
    prepared: list[tuple[str, str, list[Doc], str | None]] = []
    with open_cache(search_dir) as cache:  # workers run for large collections: no cross-article flags
        for path, key in imports:
            try:
                article = load_import(path)
            except (OSError, ValueError, UnicodeDecodeError) as exc:
                prepared.append((key, "", [], f"skipped damaged import {path} ({exc.__class__.__name__})"))
                continue
            fields = import_figure_fields(article, key, size, cache)
            docs = [with_analysis(doc, analyzer) for doc in article_documents(article, None, fields=fields, key=key)]
            prepared.append((key, article.id, docs, None))
    return prepared


def count_units(sources: Sources) -> int:
    return len(sources.articles) + 1
