"""The main pane's views: each shows a :class:`Location` itself, and is built when first shown.

A view declares the location kinds it shows (``KINDS``) and implements :meth:`View.show`;
the shell (:class:`MainPane`) only picks the view, switches to it and moves the focus there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual.widget import Widget
from textual.widgets import ContentSwitcher

from jjj_brief.app.data import AppData
from jjj_brief.app.state import Location

if TYPE_CHECKING:
    from jjj_brief.app.main import BriefApp


class View(Widget):
    """One view of the main pane."""

    KINDS: ClassVar[tuple[str, ...]] = ()
    NAME: ClassVar[str] = ""
    ID: ClassVar[str] = ""

    DEFAULT_CSS = """
    View { layout: vertical; height: 1fr; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ready = False  # composed: show() can fill it
        self.focus_at_request: Widget | None = None  # where the keys were when this location was asked for
        self.pending: tuple[Location, Widget | None] | None = (
            None  # asked for before it was composed (and the focus then)
        )

    def on_mount(self) -> None:
        self.ready = True
        pending, self.pending = self.pending, None
        if pending is not None:
            self.call_after_refresh(self.brief_app.show_pending, self, *pending)

    @classmethod
    def cannot_show(cls, data: AppData, location: Location) -> str | None:
        """Why ``location`` cannot be shown (``""``: no message), or ``None`` when it can;
        asked before the view is built."""
        return None

    def refresh_styles(self) -> None:
        """The theme changed: draw again what carries the theme's colours."""

    @property
    def brief_app(self) -> BriefApp:
        return cast("BriefApp", self.app)

    @property
    def data(self) -> AppData:
        return self.brief_app.core

    def show(self, location: Location) -> str | None:
        """Fill the view for ``location``; what the title bar says of it, or ``None`` when
        there is nothing to show (an unknown id)."""
        raise NotImplementedError

    def heading(self, location: Location) -> str:
        return self.NAME

    def after_show(self, location: Location) -> None:
        """After the view is on screen (focus, your claims beside a comparison...)."""

    def focus_view(self) -> None:
        """Give the keyboard to this view (every navigation ends here)."""
        self.focus()

    def tab_stops(self) -> list[Widget]:
        """Where Tab stops in this view, in order (the shell adds the tree and the search box):
        by default every widget here that can take the keys (the shell skips hidden ones)."""
        return [widget for widget in self.query("*") if widget.focusable]

    def focus_after_refresh(self, focus: Callable[[], None]) -> None:
        """Run ``focus`` once the view is laid out, unless the user moved the keys elsewhere
        meanwhile ("/" and a query typed right after opening a view keep the search box)."""
        before = self.app.focused

        def later() -> None:
            now = self.app.focused
            if now is None or now is before or self in now.ancestors_with_self:
                focus()

        self.call_after_refresh(later)


class MainPane(ContentSwitcher):
    """The views, made on first use; one is visible."""

    def __init__(self, views: list[type[View]], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.view_types = {kind: view for view in views for kind in view.KINDS}
        self._made: dict[type[View], View] = {}

    def view(self, view_type: type[View]) -> View:
        """The view of this type, mounted now if it was never shown."""
        made = self._made.get(view_type)
        if made is None:
            made = self._made[view_type] = view_type(id=view_type.ID)
            made.display = False
            # Mounted from the pane's own task: a caller outside the app (a test driving two
            # apps) must not give the view its context (Textual finds the app through it).
            self.call_later(self.mount, made)
        return made

    def view_for(self, kind: str) -> View:
        return self.view(self.view_types[kind])

    def made(self, view_type: type[View]) -> View | None:
        return self._made.get(view_type)

    @property
    def shown_view(self) -> View | None:
        current = self.current
        return next((v for v in self._made.values() if v.id == current), None)
