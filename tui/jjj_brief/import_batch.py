"""A batch of imports (:class:`Batch`): its options, the outcome of each file, and the
durable writes of its stored files (per chunk for a large batch, see :class:`_ChunkedWrites`)."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jjj_brief import paths
from jjj_brief.storage import fsync_dir


@dataclass
class ImportOutcome:
    """What happened to one path given to ``import``."""

    path: str
    status: str  # "imported", "unchanged", "refused", "removed"; "would-import" in a dry run
    id: str | None = None
    message: str | None = None
    details: dict[str, Any] | None = None  # what the file became (title, format, size, sha256, pages, ...)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "status": self.status, "id": self.id, "message": self.message}
        if self.details:
            out.update(self.details)
        return out


@dataclass
class ImportOptions:
    """How a batch is imported. ``keep_originals=None`` follows the user's setting."""

    dry_run: bool = False
    keep_originals: bool | None = None
    translation_of: str | None = None


# ---------------------------------------------------------------- adding and removing


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
            make_durable([tmp for tmp, _, _ in pending])
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


def make_durable(files: list[str]) -> None:
    """Every one of ``files`` on disk (raises OSError). On Linux, one ``syncfs`` per file
    system holding them: a chunk of 256 new files took 1.5 s of fsyncs one by one, one
    syncfs 30-180 ms (it also writes out what others have pending there). Where syncfs is
    missing or fails, each file is fsynced (which names the one that fails)."""
    folders = {os.stat(name).st_dev: os.path.dirname(name) for name in files}
    if folders and all(_sync_file_system(folder) for folder in folders.values()):
        return
    for name in files:
        fd = os.open(name, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _sync_file_system(folder: str) -> bool:
    """``syncfs`` on the file system holding ``folder``; False when it cannot be used or fails."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        syncfs = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return False
    fd = os.open(folder, os.O_RDONLY)
    try:
        return int(syncfs(fd)) == 0
    finally:
        os.close(fd)


@dataclass
class Batch:
    """One batch being imported: its options, its chunked writes (a large batch) and the
    page progress of the file being read. Made by ``add_files`` and handed down the calls
    that store the batch (so two threads importing at once never share one)."""

    options: ImportOptions = field(default_factory=ImportOptions)
    writes: _ChunkedWrites | None = None
    on_page: Callable[[int, int], None] | None = None

    def write(self, path: Path, data: str | bytes) -> None:
        """Store one file of an import: per chunk in a large batch, else atomically at once."""
        if self.writes is not None:
            self.writes.write(path, data)
        else:
            paths.atomic_write(path, data)
