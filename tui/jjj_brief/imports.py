"""Bring your own documents: ``.txt`` and ``.md`` files added to the user's corpus.

Each import is stored as ONE file, ``data_dir()/imports/<id>.txt``, written with
:func:`paths.atomic_write`: a first line ``jjj-import {json metadata}``, then the
document's text exactly as decoded (front matter removed). One atomic file per import
means a crash at any moment leaves the import wholly present or wholly absent; the
search index is derived from these files and catches up (incrementally) on next use.

Imported text is untrusted: it is only ever stored, searched and shown through
``safety.display_safe`` — never interpreted. Front matter is read with the YAML safe
loader and only ``title``, ``outlet`` and ``date`` are taken from it.
"""

from __future__ import annotations

import codecs
import datetime as _dt
import hashlib
import json
import os
import re
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from jjj_brief import formats, paths
from jjj_brief.corpus import Article, LazyArticle, UserError
from jjj_brief.import_ids import readable_id
from jjj_brief.safety import read_back
from jjj_brief.storage import file_lock, fsync_dir

TEXT_SUFFIXES = (".txt", ".md")
SUFFIXES = TEXT_SUFFIXES + formats.SUFFIXES
ORIGINALS = "originals"  # imports/originals/<sha256><suffix>: the bytes as given, kept by default
MAX_BYTES = 20_000_000
IMPORT_LOCK_WAIT = 30.0  # seconds an import waits for another one to finish
HEADER_PREFIX = "jjj-import "
FORMAT_VERSION = 1
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


@dataclass
class ImportOutcome:
    """What happened to one path given to ``import``."""

    path: str
    status: str  # "imported", "unchanged", "refused", "removed"; "would-import" in a dry run
    id: str | None = None
    message: str | None = None
    details: dict | None = None  # what the file became (title, format, size, sha256, pages, ...)

    def to_dict(self) -> dict:
        out: dict = {"path": self.path, "status": self.status, "id": self.id, "message": self.message}
        if self.details:
            out.update(self.details)
        return out


@dataclass
class ImportOptions:
    """How a batch is imported. ``keep_originals=None`` follows the user's setting."""

    dry_run: bool = False
    keep_originals: bool | None = None
    translation_of: str | None = None


def imports_dir() -> Path:
    return paths.data_dir() / "imports"


# ---------------------------------------------------------------- reading the store


def load_imported_articles() -> list[Article]:
    """The stored imports as articles (``source="import"``), oldest first."""
    folder = imports_dir()
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
            paths.STORAGE_WARNINGS.add(f"skipped damaged import {path} ({exc.__class__.__name__})")
            continue
        # Only the header is read now: the text is read when first used (LazyArticle).
        loaded.append((meta.get("imported_at", ""), _article(path, meta, _body_loader(path, body_at))))
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


GENERATION_FILE = ".generation"


def imports_generation() -> int:
    """A number bumped by every import batch and removal (0: none recorded)."""
    try:
        return int((imports_dir() / GENERATION_FILE).read_text(encoding="ascii").strip() or 0)
    except (OSError, ValueError):
        return 0


def bump_generation(folder: Path | None = None) -> None:
    """Tell index checks that the imports changed (they compare this number, not each file)."""
    folder = folder or imports_dir()
    try:
        paths.atomic_write(folder / GENERATION_FILE, f"{imports_generation() + 1}\n")
    except OSError:
        pass  # the folder's modification time still tells


def _read_header(path: Path) -> dict:
    """The metadata line of a stored import, without reading its text."""
    return _read_header_at(path, limit=1 << 20)[0]


def _read_header_at(path: Path, limit: int = -1) -> tuple[dict, int]:
    """An import's metadata from its first line, and the byte offset where its text starts."""
    with path.open("rb") as handle:
        first = handle.readline(limit)
    return _parse_header(first.decode("utf-8").rstrip("\n"), first.endswith(b"\n")), len(first)


def _body_loader(path: Path, offset: int) -> Callable[[], str]:
    """Reads an import's text (after its header) when called."""

    def load() -> str:
        try:
            with path.open("rb") as stream:
                stream.seek(offset)
                raw = stream.read()
        except OSError as exc:  # removed meanwhile (import --remove in another process)
            paths.STORAGE_WARNINGS.add(f"import {path} could not be read ({exc.__class__.__name__})")
            return ""
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            paths.STORAGE_WARNINGS.add(
                f"damaged import {path}: not UTF-8 at byte {offset + exc.start}; undecodable bytes shown as \ufffd"
            )
            return raw.decode("utf-8", errors="replace")

    return load


def _parse_header(header: str, sep: bool) -> dict:
    if not header.startswith(HEADER_PREFIX) or not sep:
        raise ValueError("not a jjj-brief import file")
    meta = json.loads(header[len(HEADER_PREFIX) :])
    if not isinstance(meta, dict) or not isinstance(meta.get("id"), str):
        raise ValueError("import header has no id")
    return meta


def _read_stored(path: Path) -> tuple[dict, str]:
    data = path.read_bytes().decode("utf-8")
    header, sep, text = data.partition("\n")
    return _parse_header(header, bool(sep)), text


def _article(path: Path, meta: dict, text: str | Callable[[], str]) -> Article:
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


def provenance_of(meta: dict) -> dict:
    """What an import keeps about its original file (shown by ``articles --json`` and exports)."""
    keys = ("file", "source_format", "size", "sha256", "original", "kept_original", "url", "author", "pages")
    return {key: meta[key] for key in keys if meta.get(key) not in (None, "")}


def _plain_article(path: Path, meta: dict, text: str | Callable[[], str]) -> Article:
    date = str(meta.get("date") or "")
    precision = {4: "year", 7: "month", 10: "day"}.get(len(date), "unknown") if _DATE.fullmatch(date) else "unknown"
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


def header_catalog(folder: Path | None = None) -> dict[str, tuple[str, str | None]]:
    """Every stored import's (id, sha256 of the original) by file name.

    Only files whose size or time changed since the last call (any process's) have their
    header read; the rest come from a small cache file beside the imports, so checking a
    new file against 10,000 imports lists the folder instead of opening every file. The
    cache is never trusted for more than that: a file it does not match is read."""
    folder = folder or imports_dir()
    catalog = paths.cache_dir() / CATALOG_FILE
    written = None
    try:
        written = json.loads(catalog.read_text(encoding="utf-8"))
        cached = written.get("files") if isinstance(written, dict) and written.get("folder") == str(folder) else {}
        cached = cached if isinstance(cached, dict) else {}
    except (OSError, ValueError):
        cached = {}
    found: dict[str, list] = {}
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return {}
    for entry in entries:
        name = entry.name
        if name.startswith(".") or not name.endswith(".txt"):
            continue
        try:
            st = entry.stat()
            known = cached.get(name)
            if isinstance(known, list) and len(known) == 4 and known[:2] == [st.st_size, st.st_mtime_ns]:
                found[name] = known
                continue
            meta = _read_header(Path(entry.path))
        except (OSError, ValueError, UnicodeDecodeError):
            continue
        sha = meta.get("sha256") if isinstance(meta.get("sha256"), str) else None
        found[name] = [st.st_size, st.st_mtime_ns, meta["id"], sha]
    if found != cached or written is None:
        _write_cache_file(catalog, json.dumps({"folder": str(folder), "files": found}))
    return {name: (entry[2], entry[3]) for name, entry in found.items()}


def _write_cache_file(path: Path, text: str) -> None:
    """Replace a cache file whole (renamed into place; not fsynced: it can be rebuilt)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


# ---------------------------------------------------------------- adding and removing


def expand_paths(given: list[str]) -> list[Path]:
    """Files named, and the importable files inside folders named (sorted)."""
    found: list[Path] = []
    for name in given:
        path = Path(name).expanduser()
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES))
        else:
            found.append(path)
    return found


Progress = Callable[[int, int, str], None]  # (files done, files in the batch, the file just done)


def add_files(
    given: list[str], options: ImportOptions | None = None, progress: Progress | None = None
) -> list[ImportOutcome]:
    """Copy each file into the store (atomically). Refusals never stop the rest of the batch.

    With ``options.dry_run`` every file is read and judged exactly as for real, and nothing
    is written (no lock, no store: it works on a read-only data folder).
    """
    options = options or ImportOptions()
    if options.keep_originals is None:
        options.keep_originals = keep_originals_setting()
    _BATCH.options = options
    try:
        if options.dry_run:
            return _add_all(expand_paths(given), imports_dir(), progress)
        folder = _writable_imports_dir()
        try:
            with file_lock(folder / ".import.lock", IMPORT_LOCK_WAIT):
                _remove_stale_temporaries(folder)
                return _add_all(expand_paths(given), folder, progress)
        except TimeoutError:
            raise UserError(
                f"another import into {folder} has been running for over {IMPORT_LOCK_WAIT:g} s; "
                "nothing was imported: try again when it has finished"
            ) from None
    finally:
        _BATCH.options = None


_BATCH = threading.local()  # this thread's batch options (two threads may import at once)


def _options() -> ImportOptions:
    return getattr(_BATCH, "options", None) or ImportOptions()


CHUNKED_FROM = 32  # files in a batch from which stored files are made durable per chunk
CHUNK_IMPORTS = 256
CHUNK_BYTES = 64_000_000


class _ChunkedWrites:
    """Durable, atomic writes for a large batch, at one journal commit per chunk of
    :data:`CHUNK_IMPORTS` imports.

    Each file is written to a temporary file beside its target (never fsynced alone);
    at the end of a chunk every temporary file is fsynced (the first fsync commits the
    file system's journal for all of them, so the rest cost little), renamed over its
    target, and each folder fsynced once. A file is therefore wholly present or absent
    at any crash, as with :func:`paths.atomic_write`, which a small batch uses for each
    file (it costs one journal commit per file: 10,000 files took minutes)."""

    def __init__(self) -> None:
        self.pending: list[tuple[str, Path, ImportOutcome | None]] = []
        self.bytes = self.imports = 0

    def write(self, path: Path, data: str | bytes) -> None:
        payload = data.encode("utf-8") if isinstance(data, str) else data
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
        except BaseException:
            os.unlink(tmp)
            raise
        self.pending.append((tmp, path, None))
        self.bytes += len(payload)

    def discard_unclaimed(self) -> None:
        """Drop the files written for the import being stored (it failed)."""
        for tmp, _, outcome in self.pending:
            if outcome is None and os.path.exists(tmp):
                os.unlink(tmp)
        self.pending = [entry for entry in self.pending if entry[2] is not None]

    def written(self, outcome: ImportOutcome) -> None:
        """``outcome`` is the import of the files written since the last call."""
        self.pending = [(tmp, path, entry or outcome) for tmp, path, entry in self.pending]
        self.imports += 1
        if self.imports >= CHUNK_IMPORTS or self.bytes >= CHUNK_BYTES:
            self.flush()

    def flush(self) -> None:
        """Make the chunk durable; an import of it that cannot be is removed whole and its
        outcome says "refused" (the rest of the batch goes on)."""
        pending, self.pending, self.bytes, self.imports = self.pending, [], 0, 0
        try:
            for tmp, _, _ in pending:
                fd = os.open(tmp, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
            for tmp, path, _ in pending:
                os.replace(tmp, path)
        except OSError as exc:
            self._refuse_unfinished(pending, exc)
        finally:
            for folder in {path.parent for _, path, _ in pending}:
                fsync_dir(folder)

    @staticmethod
    def _refuse_unfinished(pending: list[tuple[str, Path, ImportOutcome | None]], exc: OSError) -> None:
        failed = {id(outcome) for tmp, _, outcome in pending if os.path.exists(tmp)}
        for tmp, path, outcome in pending:
            if id(outcome) not in failed:
                continue
            if os.path.exists(tmp):
                os.unlink(tmp)
            else:  # renamed already (its kept original): not kept without its import
                path.unlink(missing_ok=True)
            if outcome is not None and outcome.status == "imported":
                outcome.status = "refused"
                outcome.message = f"{outcome.path}: cannot store it in {path.parent} ({exc.strerror or exc})"


def _add_all(files: list[Path], folder: Path, progress: Progress | None) -> list[ImportOutcome]:
    known = stored_hashes()
    taken = _taken_ids()
    outcomes = []
    chunked = _ChunkedWrites() if len(files) >= CHUNKED_FROM and not _options().dry_run else None
    _BATCH.writes = chunked
    try:
        for done, path in enumerate(files, 1):
            outcome = _add_one(path, folder, known, taken)
            outcomes.append(outcome)
            if chunked is not None:
                chunked.written(outcome)
            if progress is not None:
                progress(done, len(files), str(path))
    finally:
        _BATCH.writes = None
        if chunked is not None:
            chunked.flush()
        if not _options().dry_run and any(outcome.status == "imported" for outcome in outcomes):
            bump_generation(folder)
            _remember_headers(folder, outcomes)
    return outcomes


def _remember_headers(folder: Path, outcomes: list[ImportOutcome]) -> None:
    """Add what the batch stored to the header catalog (the next import reads no header)."""
    catalog = paths.cache_dir() / CATALOG_FILE
    try:
        cached = json.loads(catalog.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # made whole by the next header_catalog()
    if not isinstance(cached, dict) or cached.get("folder") != str(folder) or not isinstance(cached.get("files"), dict):
        return
    for outcome in outcomes:
        if outcome.status != "imported" or not outcome.id:
            continue
        try:
            st = (folder / f"{outcome.id}.txt").stat()
        except OSError:
            continue
        sha = (outcome.details or {}).get("sha256")
        cached["files"][f"{outcome.id}.txt"] = [st.st_size, st.st_mtime_ns, outcome.id, sha]
    _write_cache_file(catalog, json.dumps(cached))


def _write(path: Path, data: str | bytes) -> None:
    """Store one file of an import: per chunk in a large batch, else atomically at once."""
    chunked = getattr(_BATCH, "writes", None)
    if chunked is not None:
        chunked.write(path, data)
    else:
        paths.atomic_write(path, data)


def _add_one(path: Path, folder: Path, known: dict[str, str], taken: set[str]) -> ImportOutcome:
    shown = str(path)
    if path.suffix.lower() not in SUFFIXES:
        return ImportOutcome(
            shown,
            "refused",
            message=f"{shown}: only .txt and .md text files and {', '.join(formats.SUFFIXES)} documents can be imported",
        )
    try:
        # Regular files only, checked before opening (a FIFO would block, /dev/zero never
        # ends), and never more than MAX_BYTES read whatever the file claims its size is.
        raw = paths.read_regular_file(path, MAX_BYTES)
    except paths.FileRefused as exc:
        return ImportOutcome(shown, "refused", message=f"{shown}: {exc.strerror}")
    except OSError as exc:
        return ImportOutcome(shown, "refused", message=f"{shown}: cannot read ({exc.strerror or exc})")
    digest = hashlib.sha256(raw).hexdigest()
    if digest in known:
        return ImportOutcome(shown, "unchanged", known[digest], f"{shown}: already imported as {known[digest]}")
    if formats.handles(path.suffix):
        return _add_document(path, raw, digest, folder, known, taken)
    wide = _wide_encoding(raw)
    if wide:
        return ImportOutcome(
            shown, "refused", message=f"{shown}: {wide} text; only UTF-8 can be imported (save it as UTF-8)"
        )
    if b"\x00" in raw:
        return ImportOutcome(shown, "refused", message=f"{shown}: not a text file (contains NUL bytes)")
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return ImportOutcome(shown, "refused", message=f"{shown}: not UTF-8 text (invalid byte at offset {exc.start})")
    front, text, note = split_front_matter(decoded)
    if not text.strip():
        return ImportOutcome(shown, "refused", message=f"{shown}: no text to import")
    article_id = _new_id(front.get("title") or path.stem, taken)
    if front.get("translation_of"):
        meta_extra = {"translation_of": front["translation_of"]}
    else:
        meta_extra = {}
    meta = {
        "format": FORMAT_VERSION,
        "id": article_id,
        "file": path.name,
        "title": front.get("title") or _first_line(text) or path.stem,
        "title_given": bool(front.get("title")),
        "outlet": front.get("outlet") or "",
        "date": front.get("date") or "",
        "sha256": digest,
        "original": str(path.resolve()),
        "imported_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        **meta_extra,
    }
    return _store(path, raw, meta, text, folder, known, taken, [note] if note else [])


def _add_document(
    path: Path, raw: bytes, digest: str, folder: Path, known: dict[str, str], taken: set[str]
) -> ImportOutcome:
    """A PDF, HTML, DOCX or EPUB file: its text and metadata through :mod:`jjj_brief.formats`."""
    shown = str(path)
    try:
        found = formats.extract(path.suffix, raw)
    except formats.Refused as exc:
        return ImportOutcome(shown, "refused", message=f"{shown}: {exc}")
    title = _clip(found.title) or _first_line(found.text) or path.stem
    meta = {
        "format": FORMAT_VERSION,
        "id": _new_id(_clip(found.title) or path.stem, taken),
        "file": path.name,
        "title": title,
        "title_given": bool(found.title),
        "outlet": "",
        "date": found.date or "",
        "sha256": digest,
        "original": str(path.resolve()),
        "imported_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "author": _clip(found.author),
        "url": _clip(found.url, 500),
        "locators": [[offset, label] for offset, label in found.locators],
        "pages": sum(1 for _, label in found.locators if label.startswith("p. ")) or None,
    }
    return _store(path, raw, meta, found.text, folder, known, taken, found.notes)


def _clip(value: str | None, limit: int = 300) -> str | None:
    return " ".join(value.split())[:limit] or None if value else None


def _store(
    path: Path,
    raw: bytes,
    meta: dict,
    text: str,
    folder: Path,
    known: dict[str, str],
    taken: set[str],
    notes: list[str],
) -> ImportOutcome:
    """Write one import (and its original bytes unless hash-only), or only say what it would be."""
    shown = str(path)
    options = _options()
    meta.setdefault("source_format", _format_name(path))
    meta["size"] = len(raw)
    meta["language"] = guess_language(text)
    if options.translation_of:
        meta["translation_of"] = options.translation_of
    meta = {key: value for key, value in meta.items() if value is not None}
    article_id = meta["id"]
    original_name = f"{meta['sha256']}{path.suffix.lower()}"
    meta["kept_original"] = f"{ORIGINALS}/{original_name}" if options.keep_originals else None
    message = f"{shown}: {'; '.join(notes)}" if notes else None
    details = _details(meta, text)
    if options.dry_run:
        known[meta["sha256"]] = article_id
        taken.add(article_id)
        return ImportOutcome(shown, "would-import", article_id, message, details)
    written: Path | None = None
    try:
        if options.keep_originals:
            kept = folder / ORIGINALS
            kept.mkdir(exist_ok=True)
            if not (kept / original_name).exists():
                _write(kept / original_name, raw)
                written = kept / original_name
        payload = HEADER_PREFIX + json.dumps(meta, ensure_ascii=True) + "\n" + text
        _write(folder / f"{article_id}.txt", payload)
    except OSError as exc:  # a full disk: this file is not stored (no half file); say so
        chunked = getattr(_BATCH, "writes", None)
        if chunked is not None:
            chunked.discard_unclaimed()  # its original's temporary file too
        if written is not None:
            written.unlink(missing_ok=True)
        reason = exc.strerror or exc
        return ImportOutcome(shown, "refused", message=f"{shown}: cannot store it in {folder} ({reason})")
    known[meta["sha256"]] = article_id
    taken.add(article_id)
    return ImportOutcome(shown, "imported", article_id, message, details)


def _format_name(path: Path) -> str:
    return {".htm": "html", ".xhtml": "html", ".md": "markdown", ".txt": "text"}.get(
        path.suffix.lower(), path.suffix.lower().lstrip(".")
    )


def _details(meta: dict, text: str) -> dict:
    keys = (
        "title",
        "outlet",
        "date",
        "author",
        "url",
        "source_format",
        "size",
        "sha256",
        "pages",
        "language",
        "translation_of",
        "kept_original",
    )
    out = {key: meta.get(key) for key in keys}
    out["characters"] = len(text)
    out["words"] = len(text.split())
    out["paragraphs"] = len(_NON_BLANK_LINE.findall(text))  # = corpus.split_paragraphs, counted cheaply
    return out


_NON_BLANK_LINE = re.compile(r"^[^\S\n]*\S", re.MULTILINE)
_NOT_LETTER = re.compile(r"[\W\d_]+")
_NOT_CJK = re.compile(r"[^\u3400-\u9fff\uf900-\ufaff]+")
_NOT_LATIN = re.compile(r"[^A-Za-z]+")


def guess_language(text: str) -> str:
    """'zh' when Han characters dominate the letters of the text's start, else 'en'/'unknown'."""
    sample = text[:20_000]
    # Counted by deleting runs of everything else (C-level): a per-character loop cost
    # ~10 ms a file, a findall of single characters ~1 ms.
    letters = len(_NOT_LETTER.sub("", sample))
    if not letters:
        return "unknown"
    han = len(_NOT_CJK.sub("", sample))
    if han / letters > 0.3:
        return "zh"
    latin = len(_NOT_LATIN.sub("", sample))
    return "en" if latin / letters > 0.8 else "unknown"


def keep_originals_setting() -> bool:
    """The user's ``keep_import_originals`` setting (settings.json); on unless set to false."""
    try:
        raw = json.loads((paths.data_dir() / "settings.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True
    return not (isinstance(raw, dict) and raw.get("keep_import_originals") is False)


def _wide_encoding(raw: bytes) -> str | None:
    """ "UTF-16"/"UTF-32" when the bytes start with that byte order mark (read as binary otherwise)."""
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "UTF-32"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16"
    return None


def remove(article_id: str) -> ImportOutcome:
    folder = imports_dir()
    target = folder / f"{article_id.strip().lower()}.txt"
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", article_id.strip().lower()) or not target.is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("*.txt"))) if folder.is_dir() else ""
        raise UserError(f"no import with id {article_id!r}" + (f"; imports: {known}" if known else ""))
    try:
        meta, _ = _read_stored(target)
    except (OSError, ValueError, UnicodeDecodeError):
        meta = {}
    target.unlink()
    _drop_unshared_original(folder, meta)
    fsync_dir(folder)
    bump_generation(folder)
    return ImportOutcome(str(target), "removed", article_id.strip().lower())


def _drop_unshared_original(folder: Path, meta: dict) -> None:
    """Delete the kept original bytes of a removed import unless another import has the same."""
    kept = meta.get("kept_original")
    if not isinstance(kept, str) or not re.fullmatch(rf"{ORIGINALS}/[0-9a-f]{{64}}\.[a-z0-9]+", kept):
        return
    if meta.get("sha256") in stored_hashes():
        return
    try:
        (folder / kept).unlink()
    except OSError:
        pass


def _remove_stale_temporaries(folder: Path, older_than: float = 3600.0) -> None:
    """Temporary files of writes killed midway (atomic_write's ``.NAME.XXXX.tmp``)."""
    now = _dt.datetime.now().timestamp()
    for path in folder.glob(".*.tmp"):
        try:
            if now - path.stat().st_mtime > older_than:
                path.unlink()
        except OSError:
            pass


def _writable_imports_dir() -> Path:
    already = len(paths.STORAGE_WARNINGS.messages)
    folder = paths.writable_dir(imports_dir(), "imports")
    if folder is None:
        # The generic note says "working in memory", which an import cannot do: one line instead.
        notes = paths.STORAGE_WARNINGS.messages[already:]
        del paths.STORAGE_WARNINGS.messages[already:]
        reason = notes[0].split(" (", 1)[1].split(");", 1)[0] if notes and " (" in notes[0] else "not writable"
        raise UserError(f"cannot write to {imports_dir()} ({reason}): imports need a writable data folder")
    return folder


SEED_IDS_FILE = "seed-ids.json"  # in the cache folder: the seeds' ids and the stamp of their folder


def _seed_ids() -> set[str]:
    """The seed articles' ids, kept in the cache while the seeds folder is unchanged (reading
    the catalog costs its parser and models: a third of a one-file import's time)."""
    folder = paths.seeds_dir()
    try:
        stamp = sorted([entry.name, entry.stat().st_size, entry.stat().st_mtime_ns] for entry in os.scandir(folder))
    except OSError:
        stamp = None
    cache = paths.cache_dir() / SEED_IDS_FILE
    try:
        kept = json.loads(cache.read_text(encoding="utf-8"))
        if stamp is not None and kept.get("folder") == str(folder) and kept.get("stamp") == stamp:
            return set(kept["ids"])
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        pass
    from jjj_brief.corpus import load_seed_articles

    ids = {a.id for a in load_seed_articles()}
    if stamp is not None:
        _write_cache_file(cache, json.dumps({"folder": str(folder), "stamp": stamp, "ids": sorted(ids)}))
    return ids


def _taken_ids() -> set[str]:
    ids = _seed_ids()
    try:
        ids |= {name[:-4] for name in os.listdir(imports_dir()) if name.endswith(".txt") and not name.startswith(".")}
    except OSError:
        pass
    return ids


def _new_id(name: str, taken: set[str]) -> str:
    base = readable_id(name)
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _first_line(text: str) -> str:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:120]
    return ""


FRONT_MATTER_MAX = 64_000  # characters: a front matter larger than this is not read
_FRONT_MATTER_FIELDS = ("title", "outlet", "date", "translation_of")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ][\d:.]+(?:[Zz]|[+-]\d{2}:?\d{2})?")


class _StringsLoader(yaml.SafeLoader):
    """The safe loader with no implicit types: every plain value is a string (YAML 1.1 read
    ``yes`` as True and ``190:20:30`` as 685230). An explicit tag it does not know
    (``!!python/object``) is still an error: that front matter is not used."""

    yaml_implicit_resolvers: dict = {}


def split_front_matter(text: str) -> tuple[dict[str, str], str, str | None]:
    """(title/outlet/date found, the text after the front matter, a note if part of it was unusable).

    The front matter is read as YAML with every value a plain string (YAML 1.1 would turn
    ``title: yes`` into True and ``190:20:30`` into 685230); only ``date`` is then checked
    as a date. A leading byte order mark is skipped. A front matter over
    :data:`FRONT_MATTER_MAX` characters, nested too deeply or not valid YAML is not used:
    the file is imported as plain text with one line saying why.
    """
    body_start = 1 if text.startswith("\ufeff") else 0
    if not text.startswith("---", body_start):
        return {}, text, None
    match = _FRONT_MATTER.match(text[body_start : body_start + FRONT_MATTER_MAX + 16])
    if not match:
        if len(text) - body_start > FRONT_MATTER_MAX and _FRONT_MATTER.match(text[body_start:]):
            return {}, text, f"front matter is over {FRONT_MATTER_MAX} characters; not read, imported as plain text"
        return {}, text, None
    try:
        data = yaml.load(match.group(1), Loader=_StringsLoader)
    except yaml.YAMLError:
        return {}, text, "front matter is not valid YAML; imported as plain text"
    except RecursionError:
        return {}, text, "front matter is nested too deeply; imported as plain text"
    if not isinstance(data, dict):
        return {}, text, "front matter is not a mapping; imported as plain text"
    found: dict[str, str] = {}
    for key in _FRONT_MATTER_FIELDS:
        value = data.get(key)
        if read_back(value):
            found[key] = read_back(value)
    note = None
    if "date" in found:
        date, problem = _front_matter_date(found["date"])
        if date:
            found["date"] = date
        else:
            note = f"date {found['date'][:40]!r} {problem}; ignored"
            del found["date"]
    return found, text[body_start + match.end() :], note


def _front_matter_date(value: str) -> tuple[str | None, str]:
    """A front matter date as YYYY, YYYY-MM or YYYY-MM-DD, or (None, what is wrong with it)."""
    if _TIMESTAMP.fullmatch(value):
        try:
            return _dt.datetime.fromisoformat(value.replace("t", "T").replace("z", "Z")).date().isoformat(), ""
        except ValueError:
            return None, "is not a real date and time"
    if not _DATE.fullmatch(value):
        return None, "is not YYYY, YYYY-MM or YYYY-MM-DD"
    year, month, day = (value.split("-") + ["01", "01"])[:3]
    try:
        _dt.date(int(year), int(month), int(day))
    except ValueError:
        return None, "is not a real date"
    return value, ""
