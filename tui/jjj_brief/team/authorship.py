"""Whose a claim is, said the same way by the app and the CLI: yours, a colleague's, or
the desk's (published by an editor). In local mode every claim is yours.

Authors are login names from the server or the local store: shown through the safe-text
helpers like any other untrusted text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Owner:
    badge: str  # "YOURS", "BOB'S", "DESK"
    verdict: str  # "your verdict", "bob's verdict", "the desk's verdict (published by ed)"
    mine: bool  # written by this store's user (may edit or remove it)


def desk_claims(store: Any) -> dict[int, str]:
    """Claims published as the desk's (id -> editor); none in local mode or when unreadable."""
    from jjj_brief.store.model import StoreError

    read = getattr(store, "desk_claims", None)
    if read is None:
        return {}
    try:
        return dict(read())
    except StoreError:
        return {}


def owner(store: Any, claim: Any, desk: Mapping[int, str] | None = None) -> Owner:
    """Whose ``claim`` is, seen from ``store``'s user (``desk``: :func:`desk_claims`, read once
    for a list)."""
    desk = desk_claims(store) if desk is None else desk
    me = getattr(store, "author", "") or ""
    mine = not claim.author or claim.author == me
    if claim.id in desk:
        return Owner("DESK", f"the desk's verdict (published by {desk[claim.id]})", mine)
    if mine:
        return Owner("YOURS", "your verdict", True)
    return Owner(f"{claim.author.upper()}'S", f"{claim.author}'s verdict", False)


def claims_heading(store: Any, claims: Sequence[Any]) -> str:
    """ "Your claims (3)" when all are yours, else "Claims (5: 3 yours)"."""
    me = getattr(store, "author", "") or ""
    yours = sum(1 for claim in claims if not claim.author or claim.author == me)
    if yours == len(claims):
        return f"Your claims ({len(claims)})"
    return f"Claims ({len(claims)}: {yours} yours)"
