"""The analyst's own work, as plain records: bookmarks, notes (highlights), claims, saved searches.

These records are what every store returns (the local SQLite one, and a team store on a
server later); they carry no database handle. Ids are shown as ``note-12``, ``claim-3``,
``bookmark-5``, ``saved-2`` so one namespace can name any of them.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, field
from typing import Any

from jjj_brief.corpus import UserError
from jjj_brief.store.anchors import Anchor

COLORS = ("yellow", "green", "blue", "pink", "purple")
DEFAULT_COLOR = "yellow"
VERDICTS = ("consistent", "rounding", "different-date-or-scope", "conflict", "transcription-error")
SORTS = ("relevance", "date", "-date")  # as search's sort: filter


class StoreError(UserError):
    """A problem with the store the user can act on (full disk, unknown id); one line."""


# ---------------------------------------------------------------- input rules every store applies

MAX_TEXT = 100_000  # characters of a note or claim text


def user_text(text: str, what: str) -> str:
    """A note's, claim's or name's text as it may be stored (one rule for every store)."""
    text = text or ""
    if len(text) > MAX_TEXT:
        raise StoreError(f"{what} too long ({len(text)} characters; limit {MAX_TEXT})")
    return text.encode("utf-8", "replace").decode("utf-8")  # lone surrogates cannot be stored


def checked_color(color: str) -> str:
    color = (color or "").strip().lower()
    if color not in COLORS:
        raise StoreError(f"unknown colour {color!r} (colours: {', '.join(COLORS)})")
    return color


def checked_verdict(verdict: str) -> str:
    verdict = (verdict or "").strip().lower()
    if verdict not in VERDICTS:
        raise StoreError(f"unknown verdict {verdict!r} (verdicts: {', '.join(VERDICTS)})")
    return verdict


def saved_search_input(name: str, query: str, sort: str) -> tuple[str, str]:
    """A saved search's (name, query) as stored; refuses an empty name or query and an unknown sort."""
    name = " ".join(user_text(name, "search name").split())
    if not name:
        raise StoreError("a saved search needs a name")
    if not query.strip():
        raise StoreError("a saved search needs a query")
    if sort not in SORTS:
        raise StoreError(f"unknown sort {sort!r} (sorts: {', '.join(SORTS)})")
    return name, user_text(query, "query")


def anchor_values(anchor: Anchor) -> tuple[str, int, int, str, str, str, str, str]:
    """An anchor's columns, in the order both stores' tables hold them (its fields' order)."""
    return astuple(anchor)


class ConflictError(StoreError):
    """Someone else changed the record since it was read (compare ``revision``)."""


@dataclass(frozen=True)
class Bookmark:
    id: int
    anchor: Anchor
    note: str
    created: str
    author: str = ""

    @property
    def ref(self) -> str:
        return f"bookmark-{self.id}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.ref,
            "note": self.note,
            "created": self.created,
            "author": self.author,
            **self.anchor.to_dict(),
        }


@dataclass(frozen=True)
class Note:
    """A highlight of a span, with a colour and (optionally) the analyst's note on it."""

    id: int
    anchor: Anchor
    text: str
    color: str
    created: str
    updated: str
    revision: int = 1
    author: str = ""

    @property
    def ref(self) -> str:
        return f"note-{self.id}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.ref,
            "text": self.text,
            "color": self.color,
            "created": self.created,
            "updated": self.updated,
            "revision": self.revision,
            "author": self.author,
            **self.anchor.to_dict(),
        }


@dataclass(frozen=True)
class ClaimMember:
    """One figure a claim ties together: its anchor and the value as read when claimed."""

    anchor: Anchor
    value: float | None = None
    unit: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {**self.anchor.to_dict(), "value": self.value, "unit": self.unit}


@dataclass(frozen=True)
class Claim:
    """The analyst's own claim: these figures report the same quantity, and a verdict on them."""

    id: int
    verdict: str
    text: str
    members: tuple[ClaimMember, ...]
    created: str
    updated: str
    revision: int = 1
    author: str = ""

    @property
    def ref(self) -> str:
        return f"claim-{self.id}"

    @property
    def articles(self) -> list[str]:
        return sorted({m.anchor.article for m in self.members})

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.ref,
            "verdict": self.verdict,
            "text": self.text,
            "created": self.created,
            "updated": self.updated,
            "revision": self.revision,
            "author": self.author,
            "members": [m.to_dict() for m in self.members],
        }


@dataclass(frozen=True)
class SavedSearch:
    id: int
    name: str
    query: str
    sort: str = "relevance"
    watch: bool = False
    created: str = ""
    last_seen: str = ""
    author: str = ""
    seen: frozenset[str] = field(default_factory=frozenset)  # keys of hits already looked at

    @property
    def ref(self) -> str:
        return f"saved-{self.id}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.ref,
            "name": self.name,
            "query": self.query,
            "sort": self.sort,
            "watch": self.watch,
            "created": self.created,
            "last_seen": self.last_seen,
            "author": self.author,
        }


def parse_ref(ref: str, kind: str) -> int | None:
    """``note-12`` / ``12`` -> 12 for ``kind='note'``; ``None`` if it is not such a ref."""
    ref = ref.strip().lower()
    if ref.startswith(kind + "-"):
        ref = ref[len(kind) + 1 :]
    return int(ref) if ref.isdigit() and len(ref) < 18 else None
