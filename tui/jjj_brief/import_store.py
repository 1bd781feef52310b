"""Reading the imports store: ``data_dir()/imports/<id>.txt``, one file per import.

A stored import's first line is ``jjj-import {json metadata}``; the document's text follows,
exactly as decoded. Reading is lazy where it can be: the header alone tells an import's
id and key (:func:`stored_key`), and its text is read when first used (``LazyArticle``).
Adding and removing imports is :mod:`jjj_brief.imports`.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jjj_brief import paths
from jjj_brief.corpus import Article, LazyArticle
from jjj_brief.import_text import DATE_FORMAT
from jjj_brief.safety import read_back

HEADER_PREFIX = "jjj-import "


def imports_dir() -> Path:
    return paths.data_dir() / "imports"


def load_imported_articles(folder: Path | None = None, *, warnings: paths.StorageWarnings) -> list[Article]:
    """The stored imports (in ``folder``, default :func:`imports_dir`) as articles
    (``source="import"``), oldest first. A damaged one is skipped, and said in ``warnings``
    (the library's), as is one whose text cannot be read when it is first used."""
    folder = folder or imports_dir()
    if not folder.is_dir():
        return []
    loaded: list[tuple[str, Article]] = []
    # Names sorted as strings (sorting 10,000 Paths costs ~0.2 s); dot files are temporary
    # files of interrupted writes.
    names = sorted(n for n in os.listdir(folder) if n.endswith(".txt") and not n.startswith("."))
    for name in names:
        path = folder / name
        try:
            meta, body_at = _read_header_at(path)
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            warnings.add(f"skipped damaged import {path} ({exc.__class__.__name__})")
            continue
        # Only the header is read now: the text is read when first used (LazyArticle).
        loaded.append((meta.get("imported_at", ""), _article(path, meta, _body_loader(path, body_at, warnings))))
    loaded.sort(key=lambda pair: (pair[0], pair[1].id))
    return [article for _, article in loaded]


def load_import(path: Path) -> Article:
    """One stored import as an article (raises OSError/ValueError when damaged)."""
    meta, text = _read_stored(path)
    return _article(path, meta, text)


def stored_key(path: Path) -> str:
    """What identifies a stored import's indexed content, from its header line alone:
    id, format and the hash of the original bytes (title, outlet, date and text all
    derive from those). Raises OSError/ValueError when the header is damaged."""
    meta = _read_header(path)
    digest = meta.get("sha256")
    if not isinstance(digest, str):  # no hash recorded: hash the stored file itself
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return f"{meta['id']}:{meta.get('format', 0)}:{digest[:20]}"


GENERATION_FILE = paths.IMPORTS_GENERATION_FILE


def imports_generation() -> int:
    """A number bumped by every import batch and removal (0: none recorded)."""
    return paths.imports_generation(imports_dir())


def bump_generation(folder: Path | None = None) -> None:
    """Tell index checks that the imports changed (they compare this number, not each file)."""
    folder = folder or imports_dir()
    try:
        paths.atomic_write(folder / GENERATION_FILE, f"{paths.imports_generation(folder) + 1}\n")
    except OSError:
        pass  # the folder's modification time still tells


def _read_header(path: Path) -> dict[str, Any]:
    """The metadata line of a stored import, without reading its text."""
    return _read_header_at(path, limit=1 << 20)[0]


def _read_header_at(path: Path, limit: int = -1) -> tuple[dict[str, Any], int]:
    """An import's metadata from its first line, and the byte offset where its text starts."""
    with path.open("rb") as handle:
        first = handle.readline(limit)
    return _parse_header(first.decode("utf-8").rstrip("\n"), first.endswith(b"\n")), len(first)


def _body_loader(path: Path, offset: int, warnings: paths.StorageWarnings) -> Callable[[], str]:
    """Reads an import's text (after its header) when called; a problem is said in ``warnings``."""

    def load() -> str:
        try:
            with path.open("rb") as stream:
                stream.seek(offset)
                raw = stream.read()
        except OSError as exc:  # removed meanwhile (import --remove in another process)
            warnings.add(f"import {path} could not be read ({exc.__class__.__name__})")
            return ""
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            warnings.add(
                f"damaged import {path}: not UTF-8 at byte {offset + exc.start}; undecodable bytes shown as \ufffd"
            )
            return raw.decode("utf-8", errors="replace")

    return load


def _parse_header(header: str, sep: bool) -> dict[str, Any]:
    if not header.startswith(HEADER_PREFIX) or not sep:
        raise ValueError("not a jjj-brief import file")
    meta = json.loads(header[len(HEADER_PREFIX) :])
    if not isinstance(meta, dict) or not isinstance(meta.get("id"), str):
        raise ValueError("import header has no id")
    return meta


def _read_stored(path: Path) -> tuple[dict[str, Any], str]:
    data = path.read_bytes().decode("utf-8")
    header, sep, text = data.partition("\n")
    return _parse_header(header, bool(sep)), text


def _article(path: Path, meta: dict[str, Any], text: str | Callable[[], str]) -> Article:
    article = _plain_article(path, meta, text)
    article.provenance = provenance_of(meta)
    article.locators = [
        (int(pair[0]), str(pair[1]))
        for pair in meta.get("locators") or []
        if isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], int)
    ]
    if isinstance(meta.get("translation_of"), str):
        article.translation_of = read_back(meta["translation_of"])
    if read_back(meta.get("author")):
        article.byline = [read_back(meta["author"])]
    article.language = str(meta.get("language") or "unknown")
    return article


def provenance_of(meta: dict[str, Any]) -> dict[str, object]:
    """What an import keeps about its original file (shown by ``articles --json`` and exports)."""
    keys = (
        "file",
        "source_format",
        "size",
        "sha256",
        "original",
        "kept_original",
        "url",
        "author",
        "pages",
        "chapters",
    )
    return {key: meta[key] for key in keys if meta.get(key) not in (None, "")}


def _plain_article(path: Path, meta: dict[str, Any], text: str | Callable[[], str]) -> Article:
    date = str(meta.get("date") or "")
    precision = (
        {4: "year", 7: "month", 10: "day"}.get(len(date), "unknown") if DATE_FORMAT.fullmatch(date) else "unknown"
    )
    lazy = {"text": text} if isinstance(text, str) else {"text_loader": text}
    return (Article if isinstance(text, str) else LazyArticle)(
        id=meta["id"],
        file=str(meta.get("file") or path.name),
        path=path,
        **lazy,
        title=read_back(meta.get("title")) or meta["id"],  # the stored header is read back: untrusted
        outlet=read_back(meta.get("outlet")) or "(imported)",
        date=date if precision != "unknown" else "",
        date_precision=precision,  # type: ignore[arg-type]
        title_printed=bool(meta.get("title_given")),
        outlet_printed=bool(meta.get("outlet")),
        date_note="from the file's front matter" if date else "no date given",
        language="unknown",
        source="import",
    )


def stored_hashes() -> dict[str, str]:
    """sha256 of each import's original bytes -> its id."""
    return {sha: article_id for article_id, sha in header_catalog().values() if sha}


CATALOG_FILE = "import-headers.json"  # in the cache folder: file name -> [size, mtime_ns, id, sha256]


@dataclass
class HeaderCatalog:
    """Every stored import's ``[size, mtime_ns, id, sha256 of the original]`` by file name, and
    the imports folder's :func:`~jjj_brief.paths.imports_stamp` they were listed at (``None``: not known)."""

    folder: Path
    files: dict[str, list[Any]]
    stamp: list[int | None] | None


def header_catalog(folder: Path | None = None) -> dict[str, tuple[str, str | None]]:
    """Every stored import's (id, sha256 of the original) by file name (see :func:`read_header_catalog`)."""
    return {name: (entry[2], entry[3]) for name, entry in read_header_catalog(folder).files.items()}


def read_header_catalog(folder: Path | None = None, seen: list[int | None] | None = None) -> HeaderCatalog:
    """The imports' headers, from a small cache file beside the imports.

    When the imports folder's stamp is the one the cache was written at, nothing was added
    or removed since: the cache is the answer, and checking a new file against 10,000
    imports lists nothing. Otherwise the folder is listed and only files whose size or time
    changed since the last listing (any process's) have their header read. The cache is
    never trusted for more than that: a file it does not match is read.

    ``seen``: the folder's stamp read earlier by the caller (an import, before its check
    that the folder is writable, which moves the folder's time), compared instead of the
    stamp now; it still counts only while no import or removal has bumped the number since."""
    folder = folder or imports_dir()
    catalog = paths.cache_dir() / CATALOG_FILE
    stamp = paths.imports_stamp(folder)  # before the listing: a change made during it moves the stamp again
    expected = seen if seen is not None and seen[0] == stamp[0] else stamp
    written = None
    try:
        written = json.loads(catalog.read_text(encoding="utf-8"))
        cached = written.get("files") if isinstance(written, dict) and written.get("folder") == str(folder) else {}
        cached = cached if isinstance(cached, dict) else {}
    except (OSError, ValueError):
        cached = {}
    if cached and expected[1] is not None and isinstance(written, dict) and written.get("stamp") == expected:
        return HeaderCatalog(folder, cached, expected)
    found = stamped_import_files(folder, cached, _id_and_hash)
    if found != cached or written is None or written.get("stamp") != stamp:
        write_header_catalog(HeaderCatalog(folder, found, stamp))
    return HeaderCatalog(folder, found, stamp)


def write_header_catalog(catalog: HeaderCatalog) -> None:
    """Keep ``catalog`` in the cache folder (not fsynced: it can be rebuilt)."""
    text = json.dumps({"folder": str(catalog.folder), "stamp": catalog.stamp, "files": catalog.files})
    _write_cache_file(paths.cache_dir() / CATALOG_FILE, text)


JOURNAL_FILE = "import-journal.json"  # in the cache folder: what the last import batch added


@dataclass
class ImportJournal:
    """The file names the last import batch added to ``folder``, which took the folder from
    stamp ``since`` to ``stamp`` with nothing else changed: whoever knew the folder at
    ``since`` knows it at ``stamp`` by adding these (the search index, after an import)."""

    folder: Path
    since: list[int | None]
    stamp: list[int | None]
    added: list[str]


def write_import_journal(journal: ImportJournal | None) -> None:
    """Record the batch just made (``None``: a batch that cannot vouch for the folder: none)."""
    path = paths.cache_dir() / JOURNAL_FILE
    if journal is None:
        path.unlink(missing_ok=True)
        return
    record = {"folder": str(journal.folder), "since": journal.since, "stamp": journal.stamp, "added": journal.added}
    _write_cache_file(path, json.dumps(record))


def read_import_journal(folder: Path, since: list[int | None] | None, stamp: list[int | None]) -> list[str] | None:
    """The names the last batch added to ``folder``, when it took the folder from ``since``
    to ``stamp`` (the folder's stamp now); ``None`` otherwise: list the folder."""
    if since is None or since[1] is None or stamp[1] is None:
        return None
    try:
        record = json.loads((paths.cache_dir() / JOURNAL_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("folder") != str(folder):
        return None
    added = record.get("added")
    if record.get("since") != list(since) or record.get("stamp") != list(stamp) or not isinstance(added, list):
        return None
    return [name for name in added if isinstance(name, str)] if all(isinstance(n, str) for n in added) else None


def _id_and_hash(path: Path) -> list[Any]:
    meta = _read_header(path)
    return [meta["id"], meta.get("sha256") if isinstance(meta.get("sha256"), str) else None]


def stamped_import_files(
    folder: Path, cached: Mapping[str, Any], read: Callable[[Path], list[Any]]
) -> dict[str, list[Any]]:
    """Each stored import (``*.txt``, not hidden) as ``[size, mtime_ns, *read(path)]``: a row of
    ``cached`` is reused while the file's size and time still match it, so only new or changed
    files are opened; a file that cannot be read is left out (the corpus loader reports it)."""
    found: dict[str, list[Any]] = {}
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return found
    for entry in entries:
        name = entry.name
        if name.startswith(".") or not name.endswith(".txt"):
            continue
        try:
            st = entry.stat()
            known = cached.get(name)
            if isinstance(known, list) and len(known) == 4 and known[:2] == [st.st_size, st.st_mtime_ns]:
                found[name] = known
            else:
                found[name] = [st.st_size, st.st_mtime_ns, *read(Path(entry.path))]
        except (OSError, ValueError, UnicodeDecodeError):
            continue
    return found


def _write_cache_file(path: Path, text: str) -> None:
    """Replace a cache file whole (renamed into place; not fsynced: it can be rebuilt)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
