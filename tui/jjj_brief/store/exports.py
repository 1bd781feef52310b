"""What ``export ID`` can export, as a :class:`~jjj_brief.store.briefs.Brief`.

``ID`` is a curated fact or topic id, or one of your own: ``claim-N``, ``note-N`` (several
joined by commas: a selection), ``notes`` / ``notes:ARTICLE`` (all your notes, or one
article's), ``saved-N`` / ``saved:NAME`` (a saved search's results).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from jjj_brief import formatting
from jjj_brief.corpus import Article, UserError
from jjj_brief.store.anchors import Anchor
from jjj_brief.store.briefs import Brief, Source, render
from jjj_brief.store.model import Claim, Note, parse_ref

if TYPE_CHECKING:
    from jjj_brief.briefings.load import Briefings
    from jjj_brief.briefings.schema import Topic
    from jjj_brief.library import Library
    from jjj_brief.search.api import Hit
    from jjj_brief.store.base import WorkStore
    from jjj_brief.store.model import SavedSearch


def import_sha256(article: Article | None) -> str:
    """The SHA-256 of an imported file's original bytes (imports keep it in their header)."""
    if article is None or article.source != "import":
        return ""
    provenance = getattr(article, "provenance", None) or {}
    given = provenance.get("sha256") if isinstance(provenance, dict) else None
    if isinstance(given, str) and given:
        return given
    try:
        with open(article.path, "rb") as handle:
            header = handle.readline(65_536).decode("utf-8")
        meta = json.loads(header.split(" ", 1)[1]) if header.startswith("jjj-import ") else {}
        value = meta.get("sha256", "") if isinstance(meta, dict) else ""
        return value if isinstance(value, str) else ""
    except (OSError, ValueError, IndexError):
        return ""


def source_of(
    article_id: str, quote: str, start: int | None, end: int | None, orphaned: bool = False, *, library: Library
) -> Source:
    article = library.corpus().find(article_id)
    if article is None:
        return Source(article_id, "(article not in this corpus)", "", article_id, quote, start, end, orphaned=True)
    return Source(
        article.id,
        article.outlet,
        article.date,
        article.title,
        quote,
        start,
        end,
        import_sha256(article),
        orphaned,
        _locator(article, start, quote),
    )


def _locator(article: Article, start: int | None, quote: str) -> str:
    """The imported original's page or chapter at the quote ("p. 12"), when it had them."""
    if not article.locators:
        return ""
    if start is None:
        found = article.text.find(quote) if quote else -1
        start = found if found >= 0 else None
    return (article.locator_at(start) or "") if start is not None else ""


def anchor_source(anchor: Anchor, library: Library) -> Source:
    return source_of(anchor.article, anchor.exact, anchor.start, anchor.end, anchor.orphaned, library=library)


# ---------------------------------------------------------------------- curated


def fact_brief(fact_id: str, library: Library, brief: Brief | None = None, level: int = 2) -> Brief:
    from jjj_brief.compare import compare_fact

    comparison = compare_fact(fact_id, library)
    fact = comparison.fact
    brief = brief or Brief(fact.subject)
    if level > 2 or brief.blocks:
        brief.heading(fact.subject, level)
    brief.para(f"{fact.verdict} — {fact.explanation}", lead="Verdict:")
    for view in comparison.claims:
        details = [formatting.quantity(view.value, view.unit)]
        if view.qualifier:
            details.append(view.qualifier)
        if view.as_of:
            details.append(formatting.as_of(view.as_of))
        source = source_of(view.article, view.quote, view.start, view.end, library=library)
        brief.quote(source, "; ".join(details), view.note or "")
    brief.para(f"Spread: {comparison.spread.label}. Computed assessment: {comparison.assessment.label}.")
    if comparison.disagreement:
        brief.para(comparison.disagreement, lead="Note:")
    return brief


def topic_brief(topic_id: str, library: Library) -> Brief:
    briefings = library.briefings()
    topic = briefings.topic(topic_id)
    assert topic is not None
    brief = Brief(topic.title)
    brief.para(topic.summary)
    for point in topic.key_points:
        brief.item(point)
    for item in [topic, *_descendants(briefings, topic.id)]:
        facts = briefings.facts_of(item.id)
        if item is not topic and (facts or item.passages):
            brief.heading(item.title, 2)
            brief.para(item.summary)
        for fact in facts:
            fact_brief(fact.id, library, brief, level=3 if item is not topic else 2)
        if item.passages:
            brief.para("Sources:")
            corpus = library.corpus()
            for passage in item.passages:
                article = corpus.find(passage.article)
                at = article.text.find(passage.quote) if article else -1
                start, end = (at, at + len(passage.quote)) if at >= 0 else (None, None)
                source = source_of(passage.article, passage.quote, start, end, library=library)
                brief.quote(source, "", passage.note or "")
    return brief


def _descendants(briefings: Briefings, topic_id: str) -> list[Topic]:
    seen, stack = {topic_id}, [topic_id]
    out: list[Topic] = []
    while stack:
        for child in briefings.children(stack.pop(0)):
            if child.id not in seen:
                seen.add(child.id)
                out.append(child)
                stack.append(child.id)
    return out


# ---------------------------------------------------------------------- the analyst's own


def claim_brief(claim: Claim, library: Library, brief: Brief | None = None) -> Brief:
    brief = brief or Brief(f"Your claim {claim.ref}: {claim.verdict}")
    if brief.blocks or brief.title != f"Your claim {claim.ref}: {claim.verdict}":
        brief.heading(f"Your claim {claim.ref}: {claim.verdict}", 2)
    brief.para(claim.verdict + (f" — {claim.text}" if claim.text else ""), lead="Your verdict:")
    for member in claim.members:
        detail = formatting.quantity(member.value, member.unit) if member.value is not None else ""
        brief.quote(anchor_source(member.anchor, library), detail)
    brief.para(f"By {claim.author or 'you'}, {claim.created[:10]}; figures: {len(claim.members)}.")
    return brief


def notes_brief(notes: list[Note], library: Library, title: str = "Your notes") -> Brief:
    brief = Brief(title)
    by_article: dict[str, list[Note]] = {}
    for note in notes:
        by_article.setdefault(note.anchor.article, []).append(note)
    corpus = library.corpus()
    for article_id, group in by_article.items():
        article = corpus.find(article_id)
        brief.heading(article.title if article else f"{article_id} (not in this corpus)", 2)
        for note in group:
            brief.quote(anchor_source(note.anchor, library), f"{note.color} highlight", note.text)
    if not notes:
        brief.para("No notes.")
    return brief


def saved_brief(saved: SavedSearch, hits: list[Hit], new_keys: list[str], library: Library) -> Brief:
    from jjj_brief.store.session import hit_key

    brief = Brief(f"Saved search: {saved.name}")
    brief.para(saved.query, lead="Query:")
    for hit in hits:
        new = " — new since you last looked" if hit_key(hit) in new_keys else ""
        if hit.kind == "passage":
            brief.quote(
                source_of(
                    hit.article, hit.snippet, hit.snippet_start, hit.snippet_start + len(hit.snippet), library=library
                ),
                f"score {hit.score:.2f}{new}",
            )
        else:
            brief.para(f"{hit.title}: {hit.snippet}{new}", lead=f"{hit.kind}:")
    if not hits:
        brief.para("No results.")
    return brief


def build_brief(item_id: str, library: Library, store: WorkStore | None = None) -> Brief:
    """The brief ``export ITEM_ID`` writes. UserError (one line) when the id names nothing.

    ``store``: whose work (default: ``library``'s store)."""
    from jjj_brief.store.session import run_saved
    from jjj_brief.store.session import work as library_store

    def work() -> WorkStore:
        return store if store is not None else library_store(library)

    ref = item_id.strip()
    briefings = library.briefings()
    if briefings.fact(ref) is not None:
        return fact_brief(ref, library)
    if briefings.topic(ref) is not None:
        return topic_brief(ref, library)
    lower = ref.lower()
    if lower.startswith("claim-") and (claim_id := parse_ref(ref, "claim")) is not None:
        return claim_brief(work().claim(claim_id), library)
    if lower == "notes" or lower.startswith("notes:"):
        article = library.corpus().get(ref[6:]).id if lower.startswith("notes:") else None
        notes = work().notes(article)
        return notes_brief(notes, library, "Your notes" + (f" on {article}" if article else ""))
    if lower.startswith("note-"):
        ids = [parse_ref(part, "note") for part in ref.split(",")]
        if None in ids:
            raise UserError(f"expected note-N[,note-M...], got {ref!r}")
        return notes_brief([work().note(i) for i in ids if i is not None], library, "Your notes")
    if lower.startswith(("saved-", "saved:")):
        saved = work().saved_search(ref[6:] if lower.startswith("saved:") else ref)
        run = run_saved(saved, library=library)
        return saved_brief(saved, run.result.hits, run.new_keys, library)
    raise UserError(
        f"unknown item {item_id!r}: give a fact or topic id (jjj-brief facts, topics), claim-N, note-N[,note-M], "
        "notes, notes:ARTICLE, saved-N or saved:NAME"
    )


def export(item_id: str, fmt: str, library: Library, store: WorkStore | None = None) -> str | bytes:
    """``item_id`` rendered in ``fmt`` from ``library``. Curated Markdown stays exactly as
    ``export`` always wrote it."""
    if fmt == "md":
        briefings = library.briefings()
        if briefings.fact(item_id.strip()) is not None or briefings.topic(item_id.strip()) is not None:
            from jjj_brief.compare import export_markdown

            return export_markdown(item_id, library)
    return render(build_brief(item_id, library, store), fmt)
