"""Helpers for the app tests: read the screen as text, wait for workers, run async tests."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import io
import time

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment

from jjj_brief.app import APP_GC_THRESHOLD


def pilot_test(function):
    """Run an ``async def`` test with asyncio (no pytest-asyncio needed); fixtures still work.
    The app runs with the collector's threshold the program sets (:func:`collected_as_the_program`)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with collected_as_the_program():
            return asyncio.run(function(*args, **kwargs))

    return wrapper


@contextlib.contextmanager
def collected_as_the_program():
    """While an app test runs, the cycle collector waits for as many new objects as it does in
    the program (``jjj_brief.app.APP_GC_THRESHOLD``, which ``calm_the_collector`` sets; the
    program also freezes what it loaded, which gains nothing here). With Python's default
    (700) an app test spent about a quarter of its CPU in full collections of the worker's
    heap. Other tests keep the default: it is restored after the test."""
    before = gc.get_threshold()
    gc.set_threshold(APP_GC_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def screen_text(app) -> str:
    """The screen as plain text (what the user sees): the text of Textual's SVG screenshot,
    taken from the same recorded segments Rich's ``export_svg`` lays out (each run of text at
    its cell column; rows that are all blank left out), without writing and parsing the SVG
    (~5 times cheaper: 5 ms instead of 26 ms at 140x45; tests poll it)."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    segments = list(Segment.filter_control(console._record_buffer))
    lines = []
    for row in Segment.split_and_crop_lines(segments, length=width):
        line, column, shown = "", 0, False
        for text, _style, _control in row:
            if text != " " * len(text):
                line, shown = line.ljust(column)[:column] + text, True
            column += cell_len(text)
        if shown:
            lines.append(line.rstrip())
    return "\n".join(lines).replace("\xa0", " ")


async def wait_for(pilot, condition, timeout: float = 60.0, step: float = 0.05) -> None:
    """Let the app run until ``condition()`` holds, or fail after ``timeout``. A polling loop:
    only for a condition no event tells (say why where it is used); prefer ``Messages.wait``
    or ``settle``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the app")
        await pilot.pause(step)


async def settle(pilot, timeout: float = 60.0) -> None:
    """Wait until every worker the app started has finished — and any worker started by what
    they handed back to the UI thread — then let the screen draw it (no fixed delay). It cannot
    see a worker not started yet (a view built on its mount starts its own): wait for that
    view's message (ArticleOpened, ViewShown) instead."""
    app = pilot.app

    async def _settle() -> None:
        while True:
            await app.workers.wait_for_complete()
            await pilot.pause()  # what the workers handed back is handled, and drawn
            if all(worker.is_finished for worker in app.workers):
                return

    try:
        await asyncio.wait_for(_settle(), timeout)
    except TimeoutError:
        raise AssertionError("timed out waiting for the app's workers") from None


class Messages:
    """A ``message_hook`` for ``app.run_test``: records the app's messages so a test waits for
    the event it needs (a view shown, results on screen) instead of polling."""

    def __init__(self) -> None:
        self.seen: list = []
        self._ids: set[int] = set()  # the messages in seen are kept alive: their ids stay unique
        self._changed = asyncio.Event()

    def __call__(self, message) -> None:
        if id(message) in self._ids:
            return  # the same message bubbling up to the next widget: recorded once
        self._ids.add(id(message))
        self.seen.append(message)
        self._changed.set()

    def of(self, kind, where=lambda message: True) -> list:
        return [m for m in self.seen if isinstance(m, kind) and where(m)]

    async def wait(self, pilot, kind, where=lambda message: True, timeout: float = 60.0, after: int = 0):
        """The first message of ``kind`` (matching ``where``) posted after ``after`` of them."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.of(kind, where)
            if len(found) > after:
                await pilot.pause()  # let the screen draw what the message says
                return found[after]
            self._changed.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {kind.__name__}")
            try:
                await asyncio.wait_for(self._changed.wait(), left)
            except TimeoutError:
                pass


def _quicker_idle_waits() -> None:
    """Pilot's ``press`` and ``pause`` wait until the process looks idle: Textual sleeps
    20 ms at a time until one of those sleeps costs under 1 ms of CPU, twice per key. A
    test typing a 60-letter query waited ~6 s, nearly all of it asleep. Windows of 5 ms
    keep the same rule (idle = under 1/20 of the window in CPU) and wait a quarter as long.
    The tests do not lean on the pause for their conditions: they wait for the app's
    messages (``Messages.wait``) or its workers (``settle``). Measured (four app modules,
    -n 0, idle): 135 s wall and 79 s CPU before, 88 s and 65 s after."""
    import textual._wait as textual_wait

    textual_wait.SLEEP_GRANULARITY = 0.005
    textual_wait.SLEEP_IDLE = textual_wait.SLEEP_GRANULARITY / 20


_quicker_idle_waits()


def _css_parsed_once_per_worker() -> None:
    """Each app a test starts parsed the same CSS again (Textual's parse cache lives in one
    app's stylesheet): the app's, every widget's DEFAULT_CSS, with the same theme variables.
    The parse is a function of its inputs, so a worker keeps one cache for all its apps,
    keyed by the inputs of Textual's own key plus the variables (a theme change still parses
    with its own). Nothing mutates a parsed rule set: one app already reuses them from its
    cache on every re-parse."""
    from textual.css.stylesheet import Stylesheet

    parse_rules = Stylesheet._parse_rules
    parsed: dict[tuple, list] = {}

    def _parse_rules(self, css, read_from, is_default_rules=False, tie_breaker=0, scope=""):
        key = (tuple(self._variables.items()), css, read_from, is_default_rules, tie_breaker, scope)
        rules = parsed.get(key)
        if rules is None:
            rules = parsed[key] = parse_rules(self, css, read_from, is_default_rules, tie_breaker, scope)
        return rules

    Stylesheet._parse_rules = _parse_rules


_css_parsed_once_per_worker()
