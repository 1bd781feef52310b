"""The text before the figures when the figures are slow to come.

An article's figures are usually found in milliseconds, and the reader shows text and
figures together. In a large collection, the first article opened in a process also
builds the collection's cross-article figure index (every article read once: tens of
seconds at 10,000 articles); a huge article's own figures take seconds. Then the reader
shows the text first and paints the figures when they arrive, instead of "Opening…".

:class:`TextFirst` decides which, without a race: a timer shows the text if the figures
are not found in time, and :meth:`TextFirst.figures_found` says whether the text is
already on screen (paint the figures onto it) or not (show both at once).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

#: Articles in the collection above which the reader may show the text before the figures.
LARGE_COLLECTION = 1000

#: Seconds the reader waits for the figures before showing the text alone.
FIGURES_WAIT = 0.2


class TextFirst:
    """Calls ``show_text`` (from a timer thread, which waits until it has run) when
    :meth:`figures_found` has not been called within ``seconds``."""

    def __init__(self, show_text: Callable[[], None], seconds: float = FIGURES_WAIT) -> None:
        self._show_text = show_text
        self._lock = threading.Lock()
        self._text_shown = False
        self._figures_in = False
        self._timer = threading.Timer(seconds, self._time_is_up)
        self._timer.daemon = True
        self._timer.start()

    def _time_is_up(self) -> None:
        # Held while the text is shown: the figures are handed over only after it.
        with self._lock:
            if self._figures_in:
                return
            self._text_shown = True
            try:
                self._show_text()
            except RuntimeError:  # the app has closed meanwhile
                pass

    def figures_found(self) -> bool:
        """The figures are in: True when the text is already on screen without them."""
        self._timer.cancel()
        with self._lock:
            self._figures_in = True
            return self._text_shown
