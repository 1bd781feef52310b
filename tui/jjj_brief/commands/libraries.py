"""The process's default :class:`~jjj_brief.library.Library`, one per data home.

A CLI command runs in a process of its own and works on the data home in force
(``JJJ_BRIEF_HOME`` or the platform's folders): :func:`default_library` builds that
home's library on first use and keeps it, and the command passes it to the core
(``load_corpus(library)``, ``search(q, library=library)``, ``compare_fact(id, library)``...),
which takes the library it works on and never looks for one. This is the one place that
holds libraries for a process; the app is handed the one it shows (see ``cli``).

Libraries are kept per (seeds, briefings, data, cache) folders, the most recent few only
(a test suite points the home elsewhere for every test); a new one reuses the previous
one's parsed briefings and figure cache when they come from the same folders.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from jjj_brief.library import Library, LibraryPaths

KEEP = 4  # libraries kept per process (a test worker moves through many homes)


class _Libraries:
    """The kept libraries, most recently used last."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.by_paths: OrderedDict[LibraryPaths, Library] = OrderedDict()

    def get(self) -> Library:
        where = LibraryPaths.current()
        with self.lock:
            found = self.by_paths.get(where)
            if found is None:
                previous = next(reversed(self.by_paths.values()), None)
                found = self.by_paths[where] = Library(where, share_from=previous)
                while len(self.by_paths) > KEEP:
                    _, dropped = self.by_paths.popitem(last=False)
                    dropped.close()
            self.by_paths.move_to_end(where)
            return found

    def drain_warnings(self) -> list[str]:
        """The storage warnings pending in the data home in force's library (none built: none)."""
        with self.lock:
            found = self.by_paths.get(LibraryPaths.current())
        return found.warnings.drain() if found is not None else []

    def forget(self) -> None:
        with self.lock:
            for library in self.by_paths.values():
                library.close()
            self.by_paths.clear()


# The process default: commands-layer state by design (see the module docstring and
# ARCHITECTURE.md); the core modules hold none.
_DEFAULT = _Libraries()


def default_library() -> Library:
    """The library of the data home in force (built on first use, then kept)."""
    return _DEFAULT.get()


def drain_warnings() -> list[str]:
    """What the command just run could not store or read (an unwritable folder, a damaged
    import...): the pending warnings of the data home in force's library, each once. Only
    that home's: a library kept for another home keeps its own (a test worker moves through
    many homes; one test's full disk is not another's)."""
    return _DEFAULT.drain_warnings()


def forget_libraries() -> None:
    """Drop every kept library (closing their search engines); the next use builds anew."""
    _DEFAULT.forget()
