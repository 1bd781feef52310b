"""Notes and claims as W3C Web Annotations (JSON-LD), so they move between machines and tools.

A note is an Annotation with motivation ``highlighting`` (no text) or ``commenting``; its
target is the article (``urn:jjj-brief:article:ID``) with a ``TextQuoteSelector`` (exact,
prefix, suffix) and a ``TextPositionSelector`` (start, end); the colour is a ``tagging``
body. A claim is an Annotation with motivation ``assessing``: one target per figure, the
verdict as a ``classifying`` body and the analyst's words as a ``commenting`` body.
Export is an ``AnnotationCollection``; import takes a collection, a page, a list or one
annotation. Imported anchors are re-found by quote in the local corpus; one whose article
or quote is missing is kept, orphaned, never dropped.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from jjj_brief.store.anchors import Anchor, refind
from jjj_brief.store.base import WorkStore
from jjj_brief.store.model import COLORS, DEFAULT_COLOR, VERDICTS, Claim, ClaimMember, Note, StoreError

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
EXTRA_CONTEXT = {"jjj": "urn:jjj-brief:vocab#"}
ARTICLE_URN = "urn:jjj-brief:article:"
MAX_ITEMS = 100_000

NoteKey = tuple[str, str, str, str]
"""What makes two notes the same on import: article, exact quote, prefix, text."""
ClaimKey = tuple[str, str, tuple[str, ...]]
"""What makes two claims the same on import: verdict, text, each member's exact quote."""


def _target(anchor: Anchor) -> dict[str, Any]:
    return {
        "type": "SpecificResource",
        "source": ARTICLE_URN + anchor.article,
        "selector": [
            {"type": "TextQuoteSelector", "exact": anchor.exact, "prefix": anchor.prefix, "suffix": anchor.suffix},
            {"type": "TextPositionSelector", "start": anchor.start, "end": anchor.end},
        ],
    }


def _creator(author: str) -> dict[str, Any] | None:
    return {"type": "Person", "nickname": author} if author else None


def note_annotation(note: Note) -> dict[str, Any]:
    body: list[dict[str, Any]] = [{"type": "TextualBody", "value": note.color, "purpose": "tagging"}]
    if note.text:
        body.insert(0, {"type": "TextualBody", "value": note.text, "format": "text/plain", "purpose": "commenting"})
    out: dict[str, Any] = {
        "id": f"urn:jjj-brief:{note.ref}",
        "type": "Annotation",
        "motivation": "commenting" if note.text else "highlighting",
        "created": note.created,
        "modified": note.updated,
        "body": body,
        "target": _target(note.anchor),
    }
    if creator := _creator(note.author):
        out["creator"] = creator
    return out


def claim_annotation(claim: Claim) -> dict[str, Any]:
    body: list[dict[str, Any]] = [{"type": "TextualBody", "value": claim.verdict, "purpose": "classifying"}]
    if claim.text:
        body.append({"type": "TextualBody", "value": claim.text, "format": "text/plain", "purpose": "commenting"})
    targets = []
    for member in claim.members:
        target = _target(member.anchor)
        if member.value is not None:
            target["jjj:value"] = member.value
        if member.unit:
            target["jjj:unit"] = member.unit
        targets.append(target)
    out: dict[str, Any] = {
        "id": f"urn:jjj-brief:{claim.ref}",
        "type": "Annotation",
        "motivation": "assessing",
        "created": claim.created,
        "modified": claim.updated,
        "body": body,
        "target": targets,
    }
    if creator := _creator(claim.author):
        out["creator"] = creator
    return out


def export_collection(store: WorkStore, article: str | None = None) -> dict[str, Any]:
    items = [note_annotation(n) for n in store.notes(article)] + [claim_annotation(c) for c in store.claims(article)]
    return {
        "@context": [CONTEXT, EXTRA_CONTEXT],
        "type": "AnnotationCollection",
        "label": "jjj-brief notes and claims",
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }


def export_json(store: WorkStore, article: str | None = None) -> str:
    return json.dumps(export_collection(store, article), ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------------- import


def _items(data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        raise StoreError("not Web Annotation JSON-LD (expected an object or a list)")
    kind = data.get("type")
    if kind == "AnnotationCollection":
        first = data.get("first")
        return _items(first) if isinstance(first, (dict, list)) else []
    if kind == "AnnotationPage":
        items = data.get("items")
        return items if isinstance(items, list) else []
    return [data]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value is not None else []


def _anchor(target: Any, text_of: Callable[[str], str | None]) -> Anchor | None:
    if not isinstance(target, dict):
        return None
    source = target.get("source")
    if not isinstance(source, str) or not source:
        return None
    article = source[len(ARTICLE_URN) :] if source.startswith(ARTICLE_URN) else source
    quote: dict[str, Any] = {}
    position: dict[str, Any] = {}
    for selector in _as_list(target.get("selector")):
        if isinstance(selector, dict) and selector.get("type") == "TextQuoteSelector":
            quote = selector
        elif isinstance(selector, dict) and selector.get("type") == "TextPositionSelector":
            position = selector
    exact = quote.get("exact")
    if not isinstance(exact, str) or not exact:
        return None
    raw_start = position.get("start")
    start = max(0, raw_start) if isinstance(raw_start, int) else 0
    anchor = Anchor(
        article[:200],
        start,
        start + len(exact),
        exact,
        _str(quote.get("prefix")),
        _str(quote.get("suffix")),
        text_sha="",
    )
    text = text_of(anchor.article)
    return refind(anchor, text) if text is not None else replace(anchor, status="orphaned")


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _bodies(annotation: dict[str, Any], purpose: str) -> list[str]:
    out = []
    for body in _as_list(annotation.get("body")):
        if isinstance(body, dict) and body.get("purpose") == purpose and isinstance(body.get("value"), str):
            out.append(body["value"])
        elif isinstance(body, str) and purpose == "commenting":
            out.append(body)
    return out


def import_annotations(store: WorkStore, data: Any, text_of: Callable[[str], str | None]) -> dict[str, int]:
    """Add the notes and claims in ``data``; counts of added, already present, skipped, orphaned."""
    counts = {"notes": 0, "claims": 0, "unchanged": 0, "skipped": 0, "orphaned": 0}
    items = _items(data)[:MAX_ITEMS]
    present_notes = {(n.anchor.article, n.anchor.exact, n.anchor.prefix, n.text) for n in store.notes()}
    present_claims = {(c.verdict, c.text, tuple(m.anchor.exact for m in c.members)) for c in store.claims()}
    for annotation in items:
        if not isinstance(annotation, dict) or annotation.get("type") != "Annotation":
            counts["skipped"] += 1
            continue
        if annotation.get("motivation") == "assessing":
            added = _import_claim(store, annotation, text_of, present_claims, counts)
        else:
            added = _import_note(store, annotation, text_of, present_notes, counts)
        del added
    return counts


def _import_note(
    store: WorkStore,
    annotation: dict[str, Any],
    text_of: Callable[[str], str | None],
    present: set[NoteKey],
    counts: dict[str, int],
) -> bool:
    targets = _as_list(annotation.get("target"))
    anchor = _anchor(targets[0], text_of) if targets else None
    if anchor is None:
        counts["skipped"] += 1
        return False
    text = "\n\n".join(_bodies(annotation, "commenting"))
    colors = [c for c in _bodies(annotation, "tagging") if c in COLORS]
    key = (anchor.article, anchor.exact, anchor.prefix, text)
    if key in present:
        counts["unchanged"] += 1
        return False
    store.add_note(anchor, text, colors[0] if colors else DEFAULT_COLOR)
    present.add(key)
    counts["notes"] += 1
    counts["orphaned"] += anchor.orphaned
    return True


def _import_claim(
    store: WorkStore,
    annotation: dict[str, Any],
    text_of: Callable[[str], str | None],
    present: set[ClaimKey],
    counts: dict[str, int],
) -> bool:
    members = []
    for target in _as_list(annotation.get("target")):
        anchor = _anchor(target, text_of)
        if anchor is None:
            continue
        value = target.get("jjj:value")
        unit = target.get("jjj:unit")
        members.append(
            ClaimMember(
                anchor, float(value) if isinstance(value, (int, float)) else None, unit if isinstance(unit, str) else ""
            )
        )
    verdicts = [v for v in _bodies(annotation, "classifying") if v in VERDICTS]
    text = "\n\n".join(_bodies(annotation, "commenting"))
    if not verdicts or len(members) < 2 or len({m.anchor.article for m in members}) < 2:
        counts["skipped"] += 1
        return False
    key = (verdicts[0], text, tuple(m.anchor.exact for m in members))
    if key in present:
        counts["unchanged"] += 1
        return False
    store.add_claim(members, verdicts[0], text)
    present.add(key)
    counts["claims"] += 1
    counts["orphaned"] += sum(m.anchor.orphaned for m in members)
    return True
