"""The figure fields of imported articles, computed once and kept for every later build.

Finding an article's figures is the costliest step of indexing it (~0.4 s a MB). An
import's text never changes (a changed file is a new import with a new key), so the
passage fields the figures give (``figures`` and ``values``, see
:func:`jjj_brief.search.documents.figure_fields`) are computed when the import is first
indexed and kept here, beside the index: a rebuild (new analyzer, briefings edited,
engine switch) reads them back instead of reading every number again.

One SQLite file, ``cache_dir()/search/figures.sqlite``, rows keyed by the import key and
checked against the text's length and CRC and the *figure rules version* (a hash of the
figure layer's and the value keys' source): a row from other rules or another text is
ignored and replaced. It is a cache: when it cannot be read or written (read-only or
full disk, a locked or damaged file) the figures are computed as if it were empty, and
a build never fails because of it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sqlite3
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from jjj_brief import paths

FILE_NAME = "figures.sqlite"
BATCH = 200  # rows written per transaction
FieldsByStart = dict[int, tuple[list[tuple[Any, ...]], str]]  # passage start -> (stored figure rows, value keys)


@lru_cache(maxsize=1)
def rules_version() -> str:
    """A hash of the source of the figure layer and the value keys (any change: recompute)."""
    from jjj_brief.search import documents

    digest = hashlib.sha256(documents.SCHEMA_VERSION.encode())
    sources: list[Path] = []
    for name in ("jjj_brief.figures", "jjj_brief.figures_zh", "jjj_brief.search.values"):
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue
        if spec.submodule_search_locations:  # a package: every module in it
            for folder in spec.submodule_search_locations:
                sources.extend(sorted(Path(folder).rglob("*.py")))
        else:
            sources.append(Path(spec.origin))
    for source in sources:
        digest.update(source.name.encode())
        try:
            digest.update(source.read_bytes())
        except OSError:
            digest.update(b"<unreadable>")
    return digest.hexdigest()[:16]


def text_check(text: str) -> str:
    return f"{len(text)}:{zlib.crc32(text.encode('utf-8', 'surrogatepass')):08x}"


class FigureCache:
    """Open on a folder (``None``: a cache that keeps nothing). Use as a context manager."""

    def __init__(self, folder: Path | None) -> None:
        self._db: sqlite3.Connection | None = None
        self._pending: list[tuple[str, str, str, str]] = []
        self.hits = self.misses = 0
        if folder is None:
            return
        try:
            db = sqlite3.connect(folder / FILE_NAME, timeout=5.0, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS fields (key TEXT PRIMARY KEY, rules TEXT, text TEXT, data TEXT)")
            self._db = db
        except sqlite3.Error:
            self._db = None

    def __enter__(self) -> FigureCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, key: str, text: str) -> FieldsByStart | None:
        """The fields kept for ``key``, if made by these rules from this text."""
        row = None
        if self._db is not None:
            try:
                row = self._db.execute("SELECT rules, text, data FROM fields WHERE key = ?", (key,)).fetchone()
            except sqlite3.Error:
                row = None
        if row is None or row[0] != rules_version() or row[1] != text_check(text):
            self.misses += 1
            return None
        try:
            data: Any = json.loads(row[2])
            fields = {int(start): ([tuple(r) for r in rows], str(keys)) for start, (rows, keys) in data.items()}
        except (ValueError, TypeError, AttributeError):
            self.misses += 1
            return None
        self.hits += 1
        return fields

    def put(self, key: str, text: str, fields: FieldsByStart) -> None:
        if self._db is None:
            return
        data = json.dumps(
            {str(start): [rows, keys] for start, (rows, keys) in fields.items()},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        self._pending.append((key, rules_version(), text_check(text), data))
        if len(self._pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self._db is None or not self._pending:
            self._pending.clear()
            return
        try:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO fields VALUES (?, ?, ?, ?)", self._pending)
            self._db.execute("COMMIT")
        except sqlite3.Error:
            try:
                self._db.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        self._pending.clear()

    def forget(self, keys: list[str]) -> None:
        """Drop the rows of removed imports."""
        if self._db is None or not keys:
            return
        try:
            self._db.executemany("DELETE FROM fields WHERE key = ?", [(key,) for key in keys])
        except sqlite3.Error:
            pass

    def close(self) -> None:
        self.flush()
        if self._db is not None:
            self._db.close()
            self._db = None


def open_cache(folder: Path | None = None) -> FigureCache:
    """The cache beside the search index (in ``folder``, default this home's index folder),
    or one that keeps nothing when that folder cannot be written (no warning of its own:
    the index reports the folder)."""
    folder = folder or paths.cache_dir() / "search"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return FigureCache(None)
    return FigureCache(folder)
