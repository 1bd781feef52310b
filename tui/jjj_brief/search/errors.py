"""The search index's own exception, below the index lifecycle and the engines that raise it."""

from __future__ import annotations


class IndexUnavailable(Exception):
    """The index cannot be used right now (message says why and what to do)."""
