"""A text box whose editing keys take effect in the order they were typed."""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class InOrderInput(Input):
    """An :class:`~textual.widgets.Input` that runs its own key bindings (backspace, ctrl+u,
    arrows, enter...) as each key arrives.

    Textual 8.2.8 inserts a typed character in the box at once but sends a bound key up
    through every widget to the app before its action runs (Textualize/textual#6605). In a
    burst, a fast typist's or a paste's, the characters after a bound key land before it:
    ``/`` ctrl+u ``abc`` left an empty box (ctrl+u ran last and deleted ``abc``), and ``b a``
    backspace ``c`` gave ``ba``. Priority bindings (``/``, ctrl+q) are checked before a key
    reaches the box, and the box's own bindings are the first the app would try, so the same
    binding runs, only in its turn; a key the box has no binding for goes up as before.
    """

    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable and await self._run_own_binding(event.key):
            event.stop()
            event.prevent_default()
            return
        await super()._on_key(event)

    async def _run_own_binding(self, key: str) -> bool:
        # The screen's chain has the user's keymap applied; its first namespace is the
        # focused widget (this box, when it has the key).
        for namespace, bindings in self.screen._modal_binding_chain:
            if namespace is not self:
                return False
            for binding in bindings.key_to_bindings.get(key, ()):
                if not binding.priority and await self.app.run_action(binding.action, self):
                    return True
        return False
