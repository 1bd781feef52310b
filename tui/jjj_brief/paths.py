"""Where jjj-brief reads its shipped data and keeps its index, caches and user data.

* Shipped data (seeds, briefings): the source checkout's top-level folders when running
  from a checkout, else the copies packed into the wheel under ``jjj_brief/_data``.
* Cache (search index) and user data (imports, bookmarks, settings): platformdirs'
  locations, or ``$JJJ_BRIEF_HOME/cache`` and ``$JJJ_BRIEF_HOME/data`` when set.
* When a place is not writable the app keeps working in memory: :func:`writable_dir`
  returns ``None`` and records one warning in the :class:`StorageWarnings` it is given (the
  Library's, ``library.warnings``), which the CLI and app show once.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

# Re-exported: callers (and tests that simulate a full disk) write through ``paths.atomic_write``.
from jjj_brief.storage import atomic_write, fsync_dir

__all__ = [
    "APP_NAME",
    "HOME_ENV",
    "LibraryPaths",
    "SETTINGS_FILE",
    "FileRefused",
    "StorageWarnings",
    "atomic_write",
    "briefings_dir",
    "cache_dir",
    "data_dir",
    "fsync_dir",
    "read_regular_file",
    "saved_settings",
    "seeds_dir",
    "writable_dir",
    "write_user_file",
]

APP_NAME = "jjj-brief"
HOME_ENV = "JJJ_BRIEF_HOME"
SETTINGS_FILE = "settings.json"  # in the data folder: see jjj_brief.settings
SETTINGS_MAX_BYTES = 1_000_000  # a settings.json larger than this (or not a regular file) is not read

_PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT_ROOT = _PACKAGE_DIR.parent.parent


def _shipped(name: str) -> Path:
    """A shipped data folder: the checkout's copy if we run from one, else the wheel's."""
    checkout = _CHECKOUT_ROOT / name
    if (_CHECKOUT_ROOT / "pyproject.toml").is_file() and checkout.is_dir():
        return checkout
    return _PACKAGE_DIR / "_data" / name


def seeds_dir() -> Path:
    return _shipped("seeds")


def briefings_dir() -> Path:
    return _shipped("briefings")


def _base(kind: str) -> Path:
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home).expanduser() / kind
    import platformdirs  # only without a home of our own (3 ms at start-up)

    if kind == "cache":
        return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Where the index and other rebuildable caches go (may not exist or be writable)."""
    return _base("cache")


def data_dir() -> Path:
    """Where the user's own files go: imports, bookmarks, settings, citations."""
    return _base("data")


@dataclass(frozen=True)
class LibraryPaths:
    """Where one library reads and keeps things: the seed articles, the briefings, the
    user's files (``data``: imports, settings, the work store) and the rebuildable caches
    (``cache``: the search index). Everything the core reads for a library comes from
    here, so a library over fixture folders never sees the shipped data or another home."""

    seeds: Path
    briefings: Path
    data: Path
    cache: Path

    @classmethod
    def current(cls, *, seeds: Path | None = None, briefings: Path | None = None) -> LibraryPaths:
        """The shipped seeds and briefings (or the folders given) and this process's data home."""
        return cls(
            seeds=Path(seeds) if seeds is not None else seeds_dir(),
            briefings=Path(briefings) if briefings is not None else briefings_dir(),
            data=data_dir(),
            cache=cache_dir(),
        )

    @property
    def imports(self) -> Path:
        """The stored imports (``data/imports``; see :mod:`jjj_brief.import_store`)."""
        return self.data / "imports"

    @property
    def search(self) -> Path:
        """The search index's folder: ``cache/search`` for the shipped seeds and briefings,
        a folder of their own for other ones (two libraries in one home never rebuild
        each other's index)."""
        if self.seeds == seeds_dir() and self.briefings == briefings_dir():
            return self.cache / "search"
        key = hashlib.sha256(f"{self.seeds.resolve()}\0{self.briefings.resolve()}".encode()).hexdigest()[:12]
        return self.cache / f"search-{key}"


@dataclass
class StorageWarnings:
    """Warnings about unusable storage (an unwritable folder, a damaged file), each reported
    once by the sink that holds it: a Library's (``library.warnings``), which the CLI prints
    after a command and the app shows as notifications. Not thread-safe beyond what
    ``list.append`` gives: callers add from the threads that do the work, one consumer drains."""

    messages: list[str] = field(default_factory=list)
    _seen: set[str] = field(default_factory=set)

    def add(self, message: str) -> None:
        if message not in self._seen:
            self._seen.add(message)
            self.messages.append(message)

    def drain(self) -> list[str]:
        """The pending warnings, oldest first; they are not pending any more (and a repeat
        of one is still not reported again)."""
        out, self.messages = self.messages, []
        return out

    def drop(self, prefix: str) -> None:
        """Forget the pending warnings that start with ``prefix`` (a later line says it better)."""
        self.messages = [m for m in self.messages if not m.startswith(prefix)]


def writable_dir(path: Path, purpose: str, warnings: StorageWarnings) -> Path | None:
    """Create ``path`` if needed and return it when we can write there, else ``None``.

    ``None`` means: keep this kind of state in memory for this run. The reason is
    recorded in ``warnings`` (once), naming the place and the purpose.
    """
    try:
        if path.exists() and not path.is_dir():
            raise NotADirectoryError(f"{path} is a file, not a folder")
        path.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=path, prefix=".probe-", delete=True)
        probe.close()
        return path
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if isinstance(exc, NotADirectoryError):
            reason = str(exc)
        warnings.add(f"cannot write {purpose} to {path} ({reason}); working in memory for this run")
        return None


# ---------------------------------------------------------------- user-named files


class FileRefused(OSError):
    """A path we will not read or write as asked (not a regular file, too large...)."""


def read_regular_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of ``path`` when it is a regular file of at most ``max_bytes``.

    Checked by ``stat`` before opening (a FIFO is never opened: opening one blocks), then
    again on the open descriptor (the name may have been swapped), and the cap is enforced
    while reading: a file that grows, or a name that reports size 0 (``/proc`` files,
    devices), never reads more than ``max_bytes + 1`` bytes.
    """
    path = Path(path)
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise FileRefused(errno.EINVAL, f"not a regular file ({_file_kind(info.st_mode)})")
    if info.st_size > max_bytes:
        raise FileRefused(errno.EFBIG, f"too large ({info.st_size} bytes; limit {max_bytes})")
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise FileRefused(errno.EINVAL, "not a regular file (changed while opening)")
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FileRefused(errno.EFBIG, f"too large (over {max_bytes} bytes; it grew while read)")
    return data


IMPORTS_GENERATION_FILE = ".generation"  # in an imports folder: bumped by each batch and removal


def imports_generation(folder: Path) -> int:
    """The number in the imports ``folder``'s generation file (0: none recorded, or unreadable)."""
    try:
        return int((folder / IMPORTS_GENERATION_FILE).read_text(encoding="ascii").strip() or 0)
    except (OSError, ValueError):
        return 0


def imports_stamp(folder: Path) -> list[int | None]:
    """``[generation number, modification time]`` of an imports ``folder``: it changes whenever
    an import is added or removed (each batch and removal bumps the number, which also moves the
    folder's time). The index, the import catalog and the app's watch all compare this stamp
    before they list the folder."""
    generation = imports_generation(folder)
    try:
        mtime: int | None = folder.stat().st_mtime_ns
    except OSError:
        mtime = None
    return [generation, mtime]


def saved_settings(folder: Path) -> dict[str, object]:
    """The JSON object in ``folder``'s settings.json as written, not validated: ``{}`` when it
    is missing, not a regular file (a FIFO is never opened), over :data:`SETTINGS_MAX_BYTES`,
    not UTF-8 JSON or not an object. For the few keys read before (or without) the settings
    model: the team's connection strings, the search engine."""
    try:
        saved = json.loads(read_regular_file(folder / SETTINGS_FILE, SETTINGS_MAX_BYTES).decode("utf-8"))
    except (OSError, ValueError):  # ValueError: not UTF-8, not JSON
        return {}
    return saved if isinstance(saved, dict) else {}


def _file_kind(mode: int) -> str:
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "not a file")


def write_user_file(path: Path, data: str | bytes, *, encoding: str = "utf-8") -> str:
    """Write ``data`` where the user asked (``export -o FILE``), never replacing what is not ours.

    * a new path, or an existing regular file (a symlink to one: its target): written
      atomically (:func:`atomic_write`), keeping the file's permission bits;
    * a character device or a FIFO (``/dev/stdout``, ``/dev/null``, a pipe): streamed into
      it, never replaced (``/dev/full`` fails with "No space left on device");
    * anything else (a folder, a socket, a dangling symlink into nowhere): refused.

    Returns how it was written ("file" or "stream"). Raises :class:`OSError` (with
    ``strerror``) on failure; the user's file is then unchanged.
    """
    path = Path(path)
    payload = data.encode(encoding) if isinstance(data, str) else data
    try:
        info = os.stat(path)  # follows symlinks: a link to a regular file writes its target
    except FileNotFoundError:
        if path.is_symlink():
            raise FileRefused(errno.EINVAL, "a symlink to a missing file; give the real path") from None
        atomic_write(path, payload)
        try:  # a new file gets the usual permissions (mkstemp makes it 0600)
            os.chmod(path, 0o666 & ~_umask())
        except OSError:
            pass
        return "file"
    if stat.S_ISREG(info.st_mode):
        target = path.resolve()
        atomic_write(target, payload)
        try:
            os.chmod(target, stat.S_IMODE(info.st_mode))
        except OSError:
            pass
        return "file"
    if stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode):
        _stream_into(path, payload)
        return "stream"
    raise FileRefused(errno.EINVAL, f"{_file_kind(info.st_mode)}; give a file name")


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def _stream_into(path: Path, payload: bytes) -> None:
    """Write ``payload`` through an existing device or FIFO (opened for writing, never created)."""
    fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    try:
        if not (stat.S_ISCHR(os.fstat(fd).st_mode) or stat.S_ISFIFO(os.fstat(fd).st_mode)):
            raise FileRefused(errno.EINVAL, "changed while opening; not written")
        view = memoryview(payload)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    finally:
        os.close(fd)
