"""``kind:note`` and ``kind:claim`` in search: the analyst's own words, from the store.

:func:`jjj_brief.search.search` hands a query naming these kinds here (one hook). The
words are matched with the search analyzer's terms (stemming, folding, numbers whole;
``word*`` a prefix); ``article:`` narrows to one article; other filters do not apply to
one's own notes and are said to be ignored. A note hit points at its highlight (start,
end in the article), a claim hit at its first figure.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from jjj_brief.search.analyzer import terms as analyzer_terms
from jjj_brief.search.api import Hit, SearchResult, spans_for_terms

if TYPE_CHECKING:
    from jjj_brief.corpus import Corpus
    from jjj_brief.library import Library
    from jjj_brief.store.model import Claim, Note

OWN_KINDS = {"note": "note", "notes": "note", "claim": "claim", "claims": "claim"}
_KIND = re.compile(r"(?<![^\s(])kind:(\w+)", re.IGNORECASE)
_FIELD = re.compile(r"(?<![^\s(])(\w+):(\"[^\"]*\"|\S+)")


def asks_for_own_work(query: str) -> bool:
    return any(kind.lower() in OWN_KINDS for kind in _KIND.findall(query))


def own_work_search(query: str, library: Library, limit: int = 20) -> SearchResult:
    """Notes and claims in ``library``'s store whose text (or quoted words) hold every word of ``query``."""
    from jjj_brief.store.session import work

    kinds = sorted({OWN_KINDS[k.lower()] for k in _KIND.findall(query) if k.lower() in OWN_KINDS})
    article, ignored, words = None, [], []
    for token in _tokens(query):
        field = _FIELD.fullmatch(token)
        if field and field.group(1).lower() == "kind":
            continue
        if field and field.group(1).lower() == "article":
            found = library.corpus().find(field.group(2).strip('"'))
            article = found.id if found else field.group(2).strip('"').lower()
            continue
        if field:
            ignored.append(token)
            continue
        words.append(token)
    wanted = _query_terms(words)
    store = work(library)
    if wanted:
        found_ids = store.search_text(wanted, kinds)
    else:
        found_ids = [("note", n.id) for n in store.notes() if "note" in kinds]
        found_ids += [("claim", c.id) for c in store.claims() if "claim" in kinds]
    light: set[tuple[str, ...]] = {(t,) for t in wanted if not t.endswith("*")}
    hits = []
    corpus = library.corpus()
    for kind, item_id in found_ids:
        if kind == "note":
            note = store.note(item_id)
            if article is None or article == note.anchor.article:
                hits.append(_note_hit(note, light, corpus))
        else:
            claim = store.claim(item_id)
            if article is None or article in claim.articles:
                hits.append(_claim_hit(claim, light, corpus))
    hits.sort(key=lambda h: (-h.score, h.kind, h.title))
    shown = " ".join([*(f"kind:{k}" for k in kinds), *(f"article:{article}",) * bool(article), *words])
    message = f"{', '.join(ignored)} do not apply to your notes and claims; ignored" if ignored else None
    return SearchResult(
        query,
        shown,
        len(hits),
        None,
        message,
        hits[:limit],
        facets={"kind": {k: sum(h.kind == k for h in hits) for k in kinds}},
    )


def _tokens(query: str) -> list[str]:
    return [m.group(0) for m in re.finditer(r'\w+:"[^"]*"|"[^"]*"|\S+', query)]


def _query_terms(words: list[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        if word.upper() in ("AND", "OR", "NOT") or word.startswith("-"):
            continue
        if word.endswith("*") and len(word) > 1:
            out.extend(t + "*" for t in analyzer_terms(word[:-1])[-1:])
            out.extend(analyzer_terms(word[:-1])[:-1])
        else:
            out.extend(analyzer_terms(word.strip('"')))
    return list(dict.fromkeys(out))


def _article_fields(corpus: Corpus, article_id: str) -> tuple[str | None, str, str, str]:
    article = corpus.find(article_id)
    if article is None:
        return None, article_id, "(article not in this corpus)", ""
    return article.file, article.title, article.outlet, article.date


def _note_hit(note: Note, light: set[tuple[str, ...]], corpus: Corpus) -> Hit:
    file, title, outlet, date = _article_fields(corpus, note.anchor.article)
    orphan = " (orphaned: no longer in the article)" if note.anchor.orphaned else ""
    snippet = f"“{note.anchor.exact[:300]}”{orphan}" + (f" — {note.text[:400]}" if note.text else "")
    highlights = spans_for_terms(snippet, light)
    return Hit(
        "note",
        note.anchor.article,
        file,
        title,
        outlet,
        date,
        float(len(highlights)) + 1.0,
        note.anchor.start,
        note.anchor.end,
        snippet,
        highlights,
        0,
        match="all",
    )


def _claim_hit(claim: Claim, light: set[tuple[str, ...]], corpus: Corpus) -> Hit:
    first = claim.members[0].anchor
    file, title, outlet, date = _article_fields(corpus, first.article)
    quotes = " / ".join(f"“{m.anchor.exact[:80]}” ({m.anchor.article})" for m in claim.members)
    snippet = f"your verdict: {claim.verdict} — {quotes}" + (f" — {claim.text[:400]}" if claim.text else "")
    highlights = spans_for_terms(snippet, light)
    return Hit(
        "claim",
        first.article,
        file,
        f"Your claim {claim.ref}: {claim.verdict}",
        outlet,
        date,
        float(len(highlights)) + 1.0,
        first.start,
        first.end,
        snippet,
        highlights,
        0,
        match="all",
    )
