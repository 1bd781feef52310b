"""The footer: the active bindings, with help and quit first (a narrow terminal cuts the end)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class BriefFooter(Footer):
    """Textual's footer (generated from the active bindings), help and quit moved first.

    Textual rebuilds the footer's widgets on every bindings change (each focus move, each
    ``refresh_bindings``): opening an article or showing results asks several times. Here
    the changes seen before the next frame make one check, and the widgets are rebuilt only
    when the keys shown differ from the ones on screen."""

    FIRST = ("help", "quit")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._shown_keys: tuple[tuple[str, str, str, str, bool, str], ...] | None = None
        self._check_pending = False

    def compose(self) -> ComposeResult:
        items = list(super().compose())
        first = [w for w in items if isinstance(w, FooterKey) and w.action in self.FIRST]
        if self._bindings_ready:
            self._shown_keys = self._keys()
        yield from first + [w for w in items if w not in first]

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen or self._check_pending:
            return
        self._check_pending = True
        self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._check_pending = False
        if self.is_attached and self._keys() != self._shown_keys:
            await self.recompose()

    def _keys(self) -> tuple[tuple[str, str, str, str, bool, str], ...]:
        """What the footer shows: each shown binding's key, its display, description, action,
        whether it is enabled, and its tooltip."""
        return tuple(
            (b.key, self.app.get_key_display(b), b.description, b.action, enabled, tooltip or "")
            for _, b, enabled, tooltip in self.screen.active_bindings.values()
            if b.show
        )
