"""The footer: the active bindings, help and quit first, fitted to the width (issue 13: at
80 columns it keeps ``?`` and quit in every view).

Fitting, until the keys fit beside the palette key: the roomy look; then the compact one (one
space between keys); then shorter labels, the last key's first; then the last keys left out
(never help or quit). Where the focused widget types ``?`` and ``q`` (the search box), the
footer shows the keys that still act there (``F1``, ``^q``).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import dataclass, replace

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: Shown first, and never left out, in this order.
FIRST = ("help", "quit")

#: Labels by binding id: (the footer's, when it differs from the binding's description; the
#: short one for a narrow footer). Without an entry: the description, and its part before ":".
LABELS: dict[str, tuple[str | None, str]] = {
    "app.help_always": ("Help", "Help"),
    "app.quit_always": ("Quit", "Quit"),
    "search.suggestion": (None, "Suggestion"),
    "source.open": (None, "Open"),
    "reader.next_figure": (None, "Next fig"),
    "reader.prev_figure": (None, "Prev fig"),
    "reader.next_match": (None, "Next hit"),
    "reader.prev_match": (None, "Prev hit"),
    "parallel.open_translation": (None, "Translation"),
    "parallel.open_original": (None, "Original"),
    "work.edit_note": (None, "Edit"),
    "work.choose": (None, "Select"),
    "work.publish": (None, "Publish"),
}


@dataclass(frozen=True)
class Key:
    """One key the footer may show."""

    key: str
    display: str
    label: str
    short: str
    action: str
    enabled: bool = True
    tooltip: str = ""


@dataclass(frozen=True)
class Plan:
    """What the footer shows: the keys with the labels chosen, and whether compact."""

    keys: tuple[Key, ...]
    compact: bool


def labels(binding: Binding) -> tuple[str, str]:
    """The footer's label for a binding and its short form."""
    label, short = LABELS.get(binding.id or "", (None, None))
    label = label or binding.description
    return label, short or label.split(":", 1)[0].strip()


def key_width(key: Key, compact: bool) -> int:
    """Cells a key takes: ``" ? Help "`` roomy, ``"? Help "`` compact (Textual's padding and margin)."""
    return cell_len(key.display) + cell_len(key.label) + (2 if compact else 3)


def palette_width(display: str, compact: bool) -> int:
    """The palette key docked right, always drawn compact (Textual does not bind its look to
    the footer's): its rule, key, label and the space after (``▏^p palette ``)."""
    return 1 + key_width(Key("", display, "palette", "palette", ""), True)


def fit(keys: Iterable[Key], width: int, palette: str | None) -> Plan:
    """The keys (help and quit first) as they fit in ``width`` beside the palette key."""
    ordered = order(keys)
    if _width(ordered, False) <= width - (palette_width(palette, False) if palette else 0):
        return Plan(tuple(ordered), False)
    room = width - (palette_width(palette, True) if palette else 0)
    shown = list(ordered)
    for i in reversed(range(len(shown))):  # compact, then shorter labels, the last key's first
        if _width(shown, True) <= room:
            return Plan(tuple(shown), True)
        shown[i] = replace(shown[i], label=shown[i].short)
    while _width(shown, True) > room:
        rest = [i for i, key in enumerate(shown) if key.action not in FIRST]
        if not rest:
            break
        del shown[rest[-1]]
    return Plan(tuple(shown), True)


def order(keys: Iterable[Key]) -> list[Key]:
    listed = list(keys)
    first = [key for action in FIRST for key in listed if key.action == action]
    return first + [key for key in listed if key not in first]


def _width(keys: list[Key], compact: bool) -> int:
    return sum(key_width(key, compact) for key in keys)


class BriefFooter(Footer):
    """Textual's footer (generated from the active bindings), help and quit first, fitted to
    the width (:func:`fit`).

    Textual rebuilds the footer's widgets on every bindings change (each focus move, each
    ``refresh_bindings``): opening an article or showing results asks several times. Here
    the changes made while a check waits in the footer's queue make one check, and only when
    the keys shown differ from the ones on screen (a resize checks too) are the keys on
    screen updated in place: each takes its new key, label, action, state and tooltip, and
    only the keys missing are mounted, the surplus removed. The check runs before the next
    frame, so the keys are laid out with the change that moved them (a rebuild after the
    frame removed and mounted every key: one more layout and frame a key press)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._shown: Plan | None = None
        self._check_pending = False
        self._recheck_pending = False
        self._followed: weakref.WeakSet[Screen[object]] = weakref.WeakSet()

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        active = self.screen.active_bindings  # computed once: each reading asks every check_action
        plan = self._shown = self.plan(active)
        self.set_reactive(Footer.compact, plan.compact)
        self.set_class(plan.compact, "-compact")
        for key in plan.keys:
            yield self._made(key, plan.compact)
        palette = self._palette_key(active)
        if palette is not None:
            yield self._made(palette, None)

    def _made(self, key: Key, compact: bool | None) -> FooterKey:
        """A FooterKey for ``key``; ``compact`` None: the palette key, whose look is not bound
        to the footer's. A bound key is made with the ``compact`` value and class its binding
        gives it: left to its own default (compact) and then bound, it restyled itself once or
        twice as it mounted (the class added, then removed in a roomy footer)."""
        if compact is None:
            classes = "-command-palette"
        else:
            classes = "-compact" if compact else ""
        made = FooterKey(
            key.key,
            key.display,
            key.label,
            key.action,
            classes=classes,
            disabled=not key.enabled,
            tooltip=key.tooltip,
        )
        if compact is None:
            return made
        made.set_reactive(FooterKey.compact, compact)
        return made.data_bind(compact=Footer.compact)

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        top = screen.app.screen
        if top is not screen:
            self._follow(top)
        self._check_soon()

    def _follow(self, top: Screen[object]) -> None:
        """A screen pushed over ours (the palette): the keys that act here depend on its focus
        (the app's ``check_action`` reads the app's), which it takes after it mounts. Its
        bindings changes check ours too (the subscription goes with the screen)."""
        if top not in self._followed:
            self._followed.add(top)
            top.bindings_updated_signal.subscribe(self, self._top_changed)

    def _top_changed(self, top: Screen[object]) -> None:
        if self.is_attached and top is self.app.screen:
            self._check_soon()

    def on_resize(self) -> None:
        if self._bindings_ready and self.is_attached:
            self._check_soon()

    def _check_soon(self) -> None:
        """Check now (before the frame, so the keys are laid out with the change that moved
        them), and again after the frame: what acts may still change without a bindings
        change of ours before the frame is drawn (a screen on top taking its focus), and the
        check after the frame is the one the footer always made."""
        if not self._check_pending:
            self._check_pending = True
            self.call_later(self._check_now)
        if not self._recheck_pending:
            self._recheck_pending = True
            self.call_after_refresh(self._check_after_frame)

    async def _check_now(self) -> None:
        self._check_pending = False
        await self._update_if_changed()

    async def _check_after_frame(self) -> None:
        self._recheck_pending = False
        await self._update_if_changed()

    async def _update_if_changed(self) -> None:
        if not self.is_attached:
            return
        async with self.batch():  # one update at a time, drawn once
            active = self.screen.active_bindings
            plan = self.plan(active)
            if self.is_attached and plan != self._shown:
                await self._show(plan, active)
                self._shown = plan

    async def _show(self, plan: Plan, active: dict[str, ActiveBinding]) -> None:
        """The keys on screen become ``plan``'s (and the palette key's), in place."""
        keys = [child for child in self.children if isinstance(child, FooterKey)]
        palettes = [key for key in keys if key.has_class("-command-palette")]
        keys = [key for key in keys if key not in palettes]
        self.compact = plan.compact  # the bound keys follow
        for widget, key in zip(keys, plan.keys, strict=False):
            update_key(widget, key)
        new = [self._made(key, plan.compact) for key in plan.keys[len(keys) :]]
        gone = keys[len(plan.keys) :]
        palette = self._palette_key(active)
        before = None
        if palette is None:
            gone += palettes
        elif palettes:
            update_key(palettes[0], palette)
            before = palettes[0]
        else:
            new.append(self._made(palette, None))
        if gone:
            await self.remove_children(gone)
        if new:
            await self.mount_all(new, before=before)

    def plan(self, active: dict[str, ActiveBinding] | None = None) -> Plan:
        """The keys shown now (``active``: the screen's active bindings, when already read),
        fitted to the footer's width."""
        if active is None:
            active = self.screen.active_bindings
        palette = self._palette_binding(active)
        display = self.app.get_key_display(palette[0]) if palette is not None else None
        width = self.size.width or self.app.size.width
        return fit(self._keys(active), width, display)

    def _keys(self, bindings: dict[str, ActiveBinding]) -> list[Key]:
        """Each action's first shown binding; help and quit by a key that acts here when their
        shown one is typed by the focused widget (``?`` and ``q`` in the search box)."""
        active = list(bindings.values())
        keys: dict[str, Key] = {}
        for _, binding, enabled, tooltip in active:
            if binding.show and binding.action not in keys:
                keys[binding.action] = self._key(binding, enabled, tooltip)
        for action in FIRST:
            spare = next((a for a in active if a.binding.action == action), None)
            if action not in keys and spare is not None:
                keys[action] = self._key(spare.binding, spare.enabled, spare.tooltip)
        return list(keys.values())

    def _key(self, binding: Binding, enabled: bool, tooltip: str | None) -> Key:
        label, short = labels(binding)
        return Key(binding.key, self.app.get_key_display(binding), label, short, binding.action, enabled, tooltip or "")

    def _palette_key(self, active: dict[str, ActiveBinding]) -> Key | None:
        palette = self._palette_binding(active)
        if palette is None:
            return None
        binding, enabled, tooltip = palette
        description = binding.description
        display = self.app.get_key_display(binding)
        return Key(binding.key, display, description, description, binding.action, enabled, tooltip or description)

    def _palette_binding(self, active: dict[str, ActiveBinding]) -> tuple[Binding, bool, str] | None:
        if not (self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE):
            return None
        found = active.get(self.app.COMMAND_PALETTE_BINDING)
        return None if found is None else (found.binding, found.enabled, found.tooltip or "")


def update_key(widget: FooterKey, key: Key) -> None:
    """``widget`` shows ``key`` now, as a FooterKey made for it would: FooterKey renders from
    these attributes, clicks by ``key``, and dims by its ``-disabled`` class."""
    text = (key.key, key.display, key.label, key.action)
    if (widget.key, widget.key_display, widget.description, widget.action) != text:
        resized = (cell_len(widget.key_display), cell_len(widget.description)) != (
            cell_len(key.display),
            cell_len(key.label),
        )
        widget.key, widget.key_display, widget.description, widget.action = text
        widget.refresh(layout=resized)  # its width is its text's (width: auto)
    disabled = not key.enabled
    if widget._disabled != disabled:
        widget._disabled = disabled
        widget.set_class(disabled, "-disabled")
    tooltip = key.tooltip or None
    if widget.tooltip != tooltip:
        widget.tooltip = tooltip
