"""The user-error type, in a module of its own so the CLI can catch it without importing
the corpus (pydantic, YAML): ``--version`` and ``--help`` stay cheap."""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix (bad reference, bad file). Shown as one line, exit 1."""
