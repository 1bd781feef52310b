"""Answers from worker threads to the UI thread: one rule for every worker.

A worker's answer can arrive after the user quit (Textual clears ``app.is_running`` first,
then removes the widgets) or after the widget that asked was removed. Such an answer is
dropped here, once, instead of each callback guarding itself: an answer that raised
``NoMatches`` at exit crashed the app's shutdown (and a test run) more than once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.dom import DOMNode


def deliver(node: DOMNode, callback: Callable[..., object], *args: Any) -> None:
    """Run ``callback(*args)`` on the UI thread, unless the app is closing or ``node`` is gone.

    Call it from a worker thread only. Waits for the callback, like ``call_from_thread``.
    """
    app = node.app

    def on_ui_thread() -> None:
        if app.is_running and node.is_attached:
            callback(*args)

    try:
        app.call_from_thread(on_ui_thread)
    except RuntimeError:
        if app.is_running:
            raise  # not a shutdown: a real fault (e.g. called on the UI thread)
