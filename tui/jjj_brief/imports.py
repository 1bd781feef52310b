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
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jjj_brief import formats, paths
from jjj_brief.corpus import UserError
from jjj_brief.import_batch import (
    CHUNKED_FROM,
    Batch,
    ImportOptions,
    ImportOutcome,
    _ChunkedWrites,
)
from jjj_brief.import_ids import readable_id
from jjj_brief.import_store import (
    GENERATION_FILE,
    HEADER_PREFIX,
    HeaderCatalog,
    ImportJournal,
    _read_header,
    _read_stored,
    _write_cache_file,
    bump_generation,
    header_catalog,
    imports_dir,
    imports_generation,
    load_import,
    load_imported_articles,
    provenance_of,
    read_header_catalog,
    stored_hashes,
    stored_key,
    write_header_catalog,
    write_import_journal,
)
from jjj_brief.import_text import _first_line, guess_language, split_front_matter
from jjj_brief.storage import file_lock, fsync_dir

# Adding and removing imports lives here; the batch (options, outcomes, writes) in
# import_batch, reading the store in import_store, reading a text's front matter in
# import_text. Callers keep importing these names from here.
__all__ = [
    "GENERATION_FILE",
    "HEADER_PREFIX",
    "ImportOptions",
    "ImportOutcome",
    "_read_header",
    "_read_stored",
    "bump_generation",
    "header_catalog",
    "imports_dir",
    "imports_generation",
    "load_import",
    "load_imported_articles",
    "provenance_of",
    "split_front_matter",
    "stored_hashes",
    "stored_key",
]

TEXT_SUFFIXES = (".txt", ".md")
SUFFIXES = TEXT_SUFFIXES + formats.SUFFIXES
ORIGINALS = "originals"  # imports/originals/<sha256><suffix>: the bytes as given, kept by default
MAX_BYTES = 20_000_000
IMPORT_LOCK_WAIT = 30.0  # seconds an import waits for another one to finish
FORMAT_VERSION = 1


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
    batch = Batch(options)
    if options.dry_run:
        return _add_all(expand_paths(given), imports_dir(), progress, batch)
    seen = paths.imports_stamp(imports_dir())  # before the writability check moves the folder's time
    folder = _writable_imports_dir()
    try:
        with file_lock(folder / ".import.lock", IMPORT_LOCK_WAIT):
            _remove_stale_temporaries(folder)
            return _add_all(expand_paths(given), folder, progress, batch, seen)
    except TimeoutError:
        raise UserError(
            f"another import into {folder} has been running for over {IMPORT_LOCK_WAIT:g} s; "
            "nothing was imported: try again when it has finished"
        ) from None


def _add_all(
    files: list[Path], folder: Path, progress: Progress | None, batch: Batch, seen: list[int | None] | None = None
) -> list[ImportOutcome]:
    catalog = read_header_catalog(folder, seen)
    known = {sha: entry[2] for entry in catalog.files.values() if (sha := entry[3])}
    taken = _taken_ids()
    outcomes = []
    chunked = _ChunkedWrites() if len(files) >= CHUNKED_FROM and not batch.options.dry_run else None
    batch.writes = chunked
    try:
        for done, path in enumerate(files, 1):
            batch.on_page = _page_progress(progress, done - 1, len(files), str(path))
            outcome = _add_one(path, folder, known, taken, batch)
            outcomes.append(outcome)
            if chunked is not None:
                chunked.written(outcome)
            if progress is not None:
                progress(done, len(files), str(path))
    finally:
        batch.writes = batch.on_page = None
        if chunked is not None:
            chunked.flush()
        if not batch.options.dry_run and any(outcome.status == "imported" for outcome in outcomes):
            bump_generation(folder)
            _remember_headers(catalog, outcomes)
    return outcomes


def _page_progress(progress: Progress | None, done: int, total: int, name: str) -> formats.PageProgress | None:
    """A long document's pages as progress of its file: ``report.pdf p. 120/500``."""
    if progress is None:
        return None
    return lambda page, pages: progress(done, total, f"{name} p. {page}/{pages}")


def _remember_headers(catalog: HeaderCatalog, outcomes: list[ImportOutcome]) -> None:
    """Add what the batch stored to the header catalog read at its start (the next import
    reads no header). Under the import lock only this batch adds files: when the folder's
    stamp moved by this batch's bump alone, the catalog is whole at the new stamp (the next
    import lists nothing; a removal meanwhile moves it by two: the next one lists), and the
    batch is journaled for the search index (which then lists nothing either)."""
    stamp = paths.imports_stamp(catalog.folder)
    whole = catalog.stamp is not None and stamp[0] == (catalog.stamp[0] or 0) + 1 and stamp[1] is not None
    added = []
    for outcome in outcomes:
        if outcome.status != "imported" or not outcome.id:
            continue
        name = f"{outcome.id}.txt"
        try:
            st = (catalog.folder / name).stat()
        except OSError:
            whole = False
            continue
        sha = (outcome.details or {}).get("sha256")
        catalog.files[name] = [st.st_size, st.st_mtime_ns, outcome.id, sha]
        added.append(name)
    write_header_catalog(HeaderCatalog(catalog.folder, catalog.files, stamp if whole else None))
    journal = ImportJournal(catalog.folder, catalog.stamp, stamp, added) if whole and catalog.stamp else None
    write_import_journal(journal)


def _add_one(path: Path, folder: Path, known: dict[str, str], taken: set[str], batch: Batch) -> ImportOutcome:
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
        raw = paths.read_regular_file(path, formats.MAX_FILE_BYTES if formats.handles(path.suffix) else MAX_BYTES)
    except paths.FileRefused as exc:
        return ImportOutcome(shown, "refused", message=f"{shown}: {exc.strerror}")
    except OSError as exc:
        return ImportOutcome(shown, "refused", message=f"{shown}: cannot read ({exc.strerror or exc})")
    digest = hashlib.sha256(raw).hexdigest()
    if digest in known:
        return ImportOutcome(shown, "unchanged", known[digest], f"{shown}: already imported as {known[digest]}")
    if formats.handles(path.suffix):
        return _add_document(path, raw, digest, folder, known, taken, batch)
    wide = _wide_encoding(raw)
    if wide:
        return ImportOutcome(
            shown, "refused", message=f"{shown}: {wide} text; only UTF-8 can be imported (save it as UTF-8)"
        )
    if b"\x00" in raw:
        return ImportOutcome(shown, "refused", message=f"{shown}: not a text file (contains NUL bytes)")
    legacy = None
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        legacy = formats.legacy_chinese(raw)
        if legacy is None:
            reason = f"not UTF-8 text (invalid byte at offset {exc.start})"
            return ImportOutcome(shown, "refused", message=f"{shown}: {reason}")
        decoded = legacy
    front, text, note = split_front_matter(decoded)
    if legacy is not None:
        note = "; ".join(filter(None, ["not UTF-8: read as Chinese GB18030 (GBK)", note]))
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
    return _store(path, raw, meta, text, folder, known, taken, [note] if note else [], batch)


def _add_document(
    path: Path, raw: bytes, digest: str, folder: Path, known: dict[str, str], taken: set[str], batch: Batch
) -> ImportOutcome:
    """A PDF, HTML, DOCX or EPUB file: its text and metadata through :mod:`jjj_brief.formats`."""
    shown = str(path)
    try:
        found = formats.extract(path.suffix, raw, batch.on_page)
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
        "pages": found.pages,
        "chapters": found.chapters,
    }
    return _store(path, raw, meta, found.text, folder, known, taken, found.notes, batch)


def _clip(value: str | None, limit: int = 300) -> str | None:
    return " ".join(value.split())[:limit] or None if value else None


def _store(
    path: Path,
    raw: bytes,
    meta: dict[str, Any],
    text: str,
    folder: Path,
    known: dict[str, str],
    taken: set[str],
    notes: list[str],
    batch: Batch,
) -> ImportOutcome:
    """Write one import (and its original bytes unless hash-only), or only say what it would be."""
    shown = str(path)
    options = batch.options
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
                batch.write(kept / original_name, raw)
                written = kept / original_name
        payload = HEADER_PREFIX + json.dumps(meta, ensure_ascii=True) + "\n" + text
        batch.write(folder / f"{article_id}.txt", payload)
    except OSError as exc:  # a full disk: this file is not stored (no half file); say so
        if batch.writes is not None:
            batch.writes.discard_unclaimed()  # its original's temporary file too
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


def _details(meta: dict[str, Any], text: str) -> dict[str, Any]:
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
        "chapters",
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


SETTINGS_PEEK_BYTES = 1_000_000  # as settings.MAX_BYTES: a larger file is the model's to refuse


def keep_originals_setting() -> bool:
    """The user's ``keep_import_originals`` setting (settings.json); on unless set to false.

    The settings model (and pydantic, ~0.2 s to import) is loaded only when the file names
    the setting, so one more import into a large collection stays cheap to start; a file
    that cannot be read goes to the model too, which reports it and uses the defaults."""
    try:
        raw = paths.read_regular_file(paths.data_dir() / paths.SETTINGS_FILE, SETTINGS_PEEK_BYTES)
    except FileNotFoundError:
        return True
    except OSError:
        raw = b'"keep_import_originals"'
    if b'"keep_import_originals"' not in raw:
        return True
    from jjj_brief.settings import load_settings

    return load_settings().settings.keep_import_originals


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


def _drop_unshared_original(folder: Path, meta: dict[str, Any]) -> None:
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
    # The generic note says "working in memory", which an import cannot do: it is kept out
    # of every library's warnings (a sink of its own), and the refusal says why in one line.
    sink = paths.StorageWarnings()
    folder = paths.writable_dir(imports_dir(), "imports", sink)
    if folder is None:
        notes = sink.drain()
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
