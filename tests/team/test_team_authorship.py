"""Whose a claim is, as the app and the CLI say it: yours, a colleague's, the desk's."""

from __future__ import annotations

from dataclasses import dataclass

from jjj_brief.store.model import StoreError
from jjj_brief.team.authorship import claims_heading, desk_claims, owner


@dataclass
class Claim:
    id: int
    author: str


class Store:
    def __init__(self, author: str, desk: dict[int, str] | None = None, fails: bool = False) -> None:
        self.author, self._desk, self._fails = author, desk or {}, fails

    def desk_claims(self) -> dict[int, str]:
        if self._fails:
            raise StoreError("cannot read from the team server: unreachable")
        return self._desk


def test_a_claim_is_yours_a_colleagues_or_the_desks():
    store = Store("alice", {3: "ed"})
    assert (owner(store, Claim(1, "alice")).badge, owner(store, Claim(1, "alice")).verdict) == ("YOURS", "your verdict")
    bob = owner(store, Claim(2, "bob"))
    assert (bob.badge, bob.verdict, bob.mine) == ("BOB'S", "bob's verdict", False)
    desk = owner(store, Claim(3, "bob"))
    assert desk.badge == "DESK" and desk.verdict == "the desk's verdict (published by ed)" and not desk.mine


def test_local_claims_and_an_unreadable_desk_are_yours():
    class Local:  # the local store: no desk, claims written before authors were kept have none
        author = "me"

    assert owner(Local(), Claim(1, "")).badge == "YOURS" and desk_claims(Local()) == {}
    assert desk_claims(Store("alice", fails=True)) == {}  # offline: no badge rather than an error


def test_the_heading_says_how_many_are_yours():
    store = Store("alice")
    assert claims_heading(store, [Claim(1, "alice"), Claim(2, "")]) == "Your claims (2)"
    assert claims_heading(store, [Claim(1, "alice"), Claim(2, "bob"), Claim(3, "carol")]) == "Claims (3: 1 yours)"
