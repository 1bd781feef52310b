"""The reader's stepping keys (next/previous figure, suspect figure and match), the find box,
and what a citation quotes. A mixin of :class:`jjj_brief.app.reader.ReaderView` (its bindings are declared there)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Any

from textual.widgets import Input

from jjj_brief.app.state import quote_around


class ReaderSteps:
    """``]`` ``[`` figures, ``}`` ``{`` suspects, ``n`` ``N`` matches, ``ctrl+f`` find."""

    current_match: int | None  # a reactive of ReaderView

    def _step_figure(self: Any, forward: bool) -> None:
        prepared = self.prepared
        if prepared is None or not prepared.figures:
            self.app.bell()
            return
        if self.focused_figure is None:
            visible = self.document.visible_offsets()
            anchor = visible[0] if visible else 0
            starts = prepared.figure_starts
            after = bisect_left(starts, anchor)
            if forward:
                number = after if after < len(starts) else 0
            else:
                number = after - 1 if after > 0 else len(starts) - 1
        else:
            number = (self.focused_figure + (1 if forward else -1)) % len(prepared.figures)
        self.focus_figure(number)

    def action_next_figure(self: Any) -> None:
        self._step_figure(True)

    def _step_suspect(self: Any, forward: bool) -> None:
        """To the next (previous) suspect figure, from the focused figure or the top of the view."""
        prepared = self.prepared
        if prepared is None or not prepared.suspects:
            self.app.bell()
            return
        suspects = prepared.suspects
        if self.focused_figure is not None:
            here = self.focused_figure
            after = bisect_right(suspects, here) if forward else bisect_left(suspects, here)
        else:
            visible = self.document.visible_offsets()
            after = bisect_left(prepared.figure_starts, visible[0] if visible else 0)
            after = bisect_left(suspects, after)
        if forward:
            number = suspects[after] if after < len(suspects) else suspects[0]
        else:
            number = suspects[after - 1] if after > 0 else suspects[-1]
        self.focus_figure(number)

    def action_next_suspect(self: Any) -> None:
        self._step_suspect(True)

    def action_prev_suspect(self: Any) -> None:
        self._step_suspect(False)

    def action_prev_figure(self: Any) -> None:
        self._step_figure(False)

    def _step_match(self: Any, forward: bool) -> None:
        matches = self._matches()
        if not matches:
            self.app.bell()
            return
        if self.current_match is None:
            visible = self.document.visible_offsets()
            anchor = visible[0] if visible else 0
            after = bisect_left(matches.starts, anchor)
            if forward:
                index = after if after < len(matches) else 0
            else:
                index = after - 1 if after > 0 else len(matches) - 1
        else:
            index = (self.current_match + (1 if forward else -1)) % len(matches)
        previous = self._current_span()
        self.current_match = index
        self._restyle_span(previous)
        self._restyle_span(matches[index])
        self.document.scroll_to_offset(matches[index][0])

    def action_next_match(self: Any) -> None:
        self._step_match(True)

    def action_prev_match(self: Any) -> None:
        self._step_match(False)

    def action_find(self: Any) -> None:
        find = self.query_one("#find", Input)
        find.display = True
        find.focus()

    def action_close_find(self: Any) -> None:
        find = self.query_one("#find", Input)
        if not find.display:
            return
        find.display = False
        find.value = ""
        self.document.focus()

    # --------------------------------------------------------------- citation
    def citation_quote(self: Any) -> str | None:
        """The sentence around the focused figure or match, else the top visible paragraph."""
        article = self.article
        if article is None:
            return None
        anchor: int | None = None
        if self.figure is not None:
            anchor = self.figure.start
        elif self._current_span() is not None:
            anchor = self._current_span()[0]
        else:
            visible = self.document.visible_offsets()
            anchor = visible[0] if visible else None
        if anchor is None:
            return None
        paragraph = article.paragraph_at(anchor)
        if paragraph is None:
            return None
        quote, self.quote_cut = quote_around(paragraph.text, anchor - paragraph.start)
        return quote

    def position(self: Any) -> int | None:
        """The article offset the user is looking at (to reopen there)."""
        if self.figure is not None:
            return self.figure.start
        return self.document.anchor_offset()
