"""The Textual app (the only package that imports Textual). ``run_app(library)`` starts it."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jjj_brief.library import Library

# Young objects the cycle collector waits for while the app runs (Python's default: 700).
# Measured with a scripted session on the shipped corpus (6 searches typed, each hit opened,
# paged and stepped, 160x48, in turns): with the defaults, 12-13 full collections took
# 1.7-2.9 s in all, each pausing the UI for up to 190-300 ms, and the session cost 6.0-7.9 s
# of CPU; with everything frozen at start and this threshold, no full collection ran, the
# session cost 4.7-4.9 s, and the peak memory grew from 88 to 92 MB.
APP_GC_THRESHOLD = 10_000


def run_app(library: Library) -> int:
    """Run the app in this terminal on ``library`` (the CLI builds it); the exit code for the CLI."""
    from jjj_brief.app.main import BriefApp

    app = BriefApp(library=library)
    calm_the_collector()
    app.run()
    return int(app.return_code or 0)


def calm_the_collector() -> None:
    """Keep the cycle collector from pausing the UI: what is loaded by now (modules, the
    library) lives as long as the app, so it is frozen out of every later collection, and a
    collection waits for :data:`APP_GC_THRESHOLD` new objects. Only for the program: an app
    made in tests is collected like anything else."""
    gc.freeze()
    gc.set_threshold(APP_GC_THRESHOLD, *gc.get_threshold()[1:])
