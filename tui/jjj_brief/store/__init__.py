"""The analyst's own work — bookmarks, highlights with notes, claims, saved searches — kept
in a local SQLite database (``work.db`` in the data dir). No Textual here.

:class:`WorkStore` is the interface (a team store on a server implements it too);
:func:`open_store` opens the local one. Settings (``settings.json``) and pasted citations
(``citations.txt``) stay plain files: a small document a user may read or edit, and a
text file meant for pasting. What is written concurrently and relationally lives here.
"""

from jjj_brief.store.anchors import Anchor, make_anchor, refind
from jjj_brief.store.base import WorkStore
from jjj_brief.store.model import (
    COLORS,
    VERDICTS,
    Bookmark,
    Claim,
    ClaimMember,
    ConflictError,
    Note,
    SavedSearch,
    StoreError,
    parse_ref,
)
from jjj_brief.store.sqlite import FILE_NAME, SQLiteStore, bookmark_anchor, open_store

__all__ = [
    "COLORS",
    "FILE_NAME",
    "VERDICTS",
    "Anchor",
    "Bookmark",
    "Claim",
    "ClaimMember",
    "ConflictError",
    "Note",
    "SQLiteStore",
    "SavedSearch",
    "StoreError",
    "WorkStore",
    "bookmark_anchor",
    "make_anchor",
    "open_store",
    "parse_ref",
    "refind",
]
