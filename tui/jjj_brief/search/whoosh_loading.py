"""Whoosh, imported without two standard-library packages and one Whoosh module it never uses here.

whoosh-reloaded's ``whoosh.compat`` imports ``urllib.request`` for a ``urlretrieve`` that no
Whoosh code calls (with it come ``http.client``, ``ssl`` and ``email``), and ``whoosh.reading``
imports the ``cached_property`` package, which imports ``asyncio`` only to ask whether a
property's function is a coroutine function. A search in a fresh CLI process paid ~45 ms
of CPU for the two (``python -X importtime -m jjj_brief search X --json``; the start-up
target is 300 ms in all). ``whoosh.query`` imports ``whoosh.lang.morph_en`` (~6 ms: hundreds
of regular expressions compiled at import) for its ``Variations`` query, which we never build.

Importing this module (each of our modules that imports Whoosh does so first) imports those
Whoosh modules with stand-ins in ``sys.modules`` for the three names, then takes the
stand-ins out again: ``whoosh.compat.urlretrieve`` and ``whoosh.query.terms.variations``
forward to the real functions, imported when called, and ``cached_property`` asks
:func:`inspect.iscoroutinefunction` (what
``asyncio.iscoroutinefunction`` asks first; Whoosh's cached properties are plain methods).
Only in a single-threaded process where neither package is loaded yet (the CLI): no other
thread can meet a stand-in, and a process that has the real package (the app has
``asyncio``) imports Whoosh as it is.
"""

from __future__ import annotations

import inspect
import sys
import threading
import types
from typing import Any


def _urlretrieve(*args: Any, **kwargs: Any) -> Any:
    from urllib.request import urlretrieve

    return urlretrieve(*args, **kwargs)


def _variations(word: str) -> Any:
    from whoosh.lang.morph_en import variations

    return variations(word)


def _stand_ins() -> dict[str, types.ModuleType]:
    if threading.active_count() > 1:
        return {}
    found: dict[str, types.ModuleType] = {}
    if "urllib.request" not in sys.modules:
        request = types.ModuleType("urllib.request", "stand-in while whoosh.compat is imported")
        setattr(request, "urlretrieve", _urlretrieve)  # noqa: B010
        found["urllib.request"] = request
    if "asyncio" not in sys.modules:
        asyncio = types.ModuleType("asyncio", "stand-in while cached_property is imported")
        setattr(asyncio, "iscoroutinefunction", inspect.iscoroutinefunction)  # noqa: B010
        found["asyncio"] = asyncio
    if "whoosh.lang.morph_en" not in sys.modules:
        morph_en = types.ModuleType("whoosh.lang.morph_en", "stand-in while whoosh.query is imported")
        setattr(morph_en, "variations", _variations)  # noqa: B010
        found["whoosh.lang.morph_en"] = morph_en
    return found


def _import_whoosh() -> None:
    if "whoosh.reading" in sys.modules:
        return
    stand_ins = _stand_ins()
    sys.modules.update(stand_ins)
    try:
        import whoosh.compat
        import whoosh.query
        import whoosh.reading  # noqa: F401
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


_import_whoosh()
