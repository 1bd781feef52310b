"""Where the keys and the room go on the main screen: the search's room (beside the tree,
over Home's main pane, or the whole screen below 110 columns or 40 rows), the keys that move
between the tree, the search and the view, and what Tab walks. A mixin of
:class:`jjj_brief.app.main.BriefApp`."""

from __future__ import annotations

from typing import Any

from textual.actions import SkipAction
from textual.app import ScreenStackError
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, TextArea

from jjj_brief.app.home import HomeView
from jjj_brief.app.search_pane import SearchPane
from jjj_brief.app.topic_tree import TopicTree


class MainScreen(Screen[None]):
    """The app's screen. No auto-focus: the app gives the keys itself (the tree at start, then
    each view it shows); Textual's auto-focus would hand them back to the tree while a view is
    being built for keys the user already typed."""

    AUTO_FOCUS = ""


class SearchRoomAndTab:
    """The search's room, the focus keys (``/``, ``t``, ``s``) and Tab's stops."""

    def on_descendant_focus(self: Any, event: object) -> None:
        if self._place_results():
            self.refresh_bindings()

    def _place_results(self: Any) -> bool:
        """Searching from Home (the main pane free): the results take the main pane's room, at
        full height beside the tree; otherwise they sit under the tree. Below 110 columns or 40
        rows the search takes the screen whatever is shown (``-searching``, shell_css). False while a
        modal screen is on top or the app is shutting down."""
        try:
            bodies = self.screen.query("#body")
            focused = self.focused
        except ScreenStackError:
            return False  # shutting down
        if not bodies:
            return False  # a modal screen (help, palette) is on top
        searching = focused is not None and any(isinstance(n, SearchPane) for n in focused.ancestors_with_self)
        self._set_searching(bodies.first(), searching)
        return True

    def _leave_search(self: Any) -> None:
        """The keys leave the search for the view or the tree: give them their room back now,
        not when the focus lands. Textual blurs a widget when it hides: a Tab typed before the
        search's screen was drawn would give the keys to a view hidden a moment later."""
        bodies = self.screen.query("#body")
        if bodies:
            self._set_searching(bodies.first(), False)

    def _set_searching(self: Any, body: Widget, searching: bool) -> None:
        # One change of classes: each class set alone restyled the whole body (searching from
        # Home, or leaving it, sets both).
        body.update_classes({"-results-wide": searching and self.showing(HomeView), "-searching": searching})

    @property
    def search_covers_the_view(self: Any) -> bool:
        """The search has the screen (below 110 columns or 40 rows): the tree and the view are hidden."""
        try:
            screen = self.screen
        except ScreenStackError:
            return False  # shutting down (the footer and help ask check_action)
        small = screen.has_class("-narrow") or screen.has_class("-short")
        return small and bool(screen.query("#body.-searching"))

    def action_focus_search(self: Any) -> None:
        if isinstance(self.focused, (Input, TextArea)):
            raise SkipAction()  # "/" typed in a text box is a character
        self.query_one("#sidebar").remove_class("-hidden")
        self.search_pane.focus_query()

    def action_focus_tree(self: Any) -> None:
        self.query_one("#sidebar").remove_class("-hidden")
        self.query_one(TopicTree).focus()

    def action_toggle_sidebar(self: Any) -> None:
        """Hide or show the tree and search column (more room for the text)."""
        sidebar = self.query_one("#sidebar")
        sidebar.toggle_class("-hidden")
        if sidebar.has_class("-hidden") and self.focused is not None and sidebar in self.focused.ancestors:
            self.focus_view()

    # ------------------------------------------------------------------- Tab
    def tab_stops(self: Any) -> list[tuple[Widget, Widget]]:
        """Where Tab stops, in order, each with the area it stands for (a focus anywhere in
        that area is at that stop): the tree, the search box, then the visible view's stops."""
        stops: list[tuple[Widget, Widget]] = []
        if not self.query_one("#sidebar").has_class("-hidden"):
            stops.append((self.query_one(TopicTree), self.query_one(TopicTree)))
            stops.append((self.search_pane, self.search_pane.query_input))
        view = self.visible_view
        if view is not None:
            stops.extend((view, widget) for widget in view.tab_stops())
        reachable = set(self.screen.focus_chain)  # shown and focusable
        if self.search_covers_the_view:  # hidden while the search has the keys, shown when it leaves
            reachable |= {widget for _, widget in stops if self._shown_without_search(widget)}
        return [(area, widget) for area, widget in stops if widget in reachable]

    def _shown_without_search(self: Any, widget: Widget) -> bool:
        """Whether ``widget`` shows, and can take the keys, once the search gives back the screen."""
        covered = {self.main, self.query_one(TopicTree)}
        nodes = [node for node in widget.ancestors_with_self if isinstance(node, Widget)]
        return widget.focusable and all(node.display or node in covered for node in nodes)

    def action_focus_next(self: Any) -> None:
        self._step_focus(1)

    def action_focus_previous(self: Any) -> None:
        self._step_focus(-1)

    def _step_focus(self: Any, step: int) -> None:
        """Tab on the main screen walks the meaningful stops only (not every list and box);
        on a dialog, Textual's own order."""
        if not isinstance(self.screen, MainScreen):
            if step > 0:
                self.screen.focus_next()
            else:
                self.screen.focus_previous()
            return
        stops = self.tab_stops()
        if not stops:
            return
        focused = self.focused
        here = next((i for i, (_, widget) in enumerate(stops) if widget is focused), None)
        if here is None and focused is not None:
            here = next((i for i, (area, _) in enumerate(stops) if area in focused.ancestors_with_self), None)
        if here is None:
            target = 0 if step > 0 else len(stops) - 1
        else:
            target = (here + step) % len(stops)
        if not isinstance(stops[target][0], SearchPane):
            self._leave_search()
        stops[target][1].focus()

    def focus_view(self: Any) -> None:
        """Give the keyboard back to the visible view."""
        view = self.visible_view
        if view is not None:
            self._leave_search()
            view.focus_view()
