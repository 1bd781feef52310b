"""What every group of briefing checks shares: the briefings, the corpus, where an item
was written, and the passages an item cites."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from jjj_brief.briefings import traceability as trace
from jjj_brief.briefings.load import Briefings, Source
from jjj_brief.briefings.quotes import locate_quote
from jjj_brief.briefings.schema import Claim, Passage
from jjj_brief.corpus import Article, Corpus


class CheckerBase:
    def __init__(self, briefings: Briefings, corpus: Corpus) -> None:
        self.b = briefings
        self.corpus = corpus
        self.topic_ids = {t.id for t in briefings.topics}

    # -- helpers ----------------------------------------------------------------
    def _src(self, item: object) -> Source:
        return self.b.source_of(item) or Source("<unknown>", ())

    def _article(self, ref: str) -> Article | None:
        article = self.corpus.find(ref)
        return article if article is not None and article.id == ref else None

    def _quoted_items(self) -> Iterator[tuple[object, tuple[str | int, ...], Passage | Claim]]:
        """Every (owner, sub-path, passage-or-claim) in the briefings."""
        for topic in self.b.topics:
            for i, passage in enumerate(topic.passages):
                yield topic, ("passages", i), passage
        for fact in self.b.facts:
            for i, claim in enumerate(fact.claims):
                yield fact, ("claims", i), claim
        for event in self.b.timeline:
            for i, passage in enumerate(event.quotes):
                yield event, ("quotes", i), passage

    def _subtree(self, topic_id: str) -> set[str]:
        found, frontier = {topic_id}, [topic_id]
        while frontier:
            children = [t.id for t in self.b.children(frontier.pop()) if t.id not in found]
            found.update(children)
            frontier.extend(children)
        return found

    def _cited(self, items: Iterable[Passage | Claim]) -> trace.Cited:
        cited = trace.Cited()
        for item in items:
            article = self._article(item.article)
            span = locate_quote(article, item.quote) if article else None
            if span:
                cited.quotes.append((article, *span))  # type: ignore[arg-type]
        return cited
