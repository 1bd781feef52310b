"""Measure the automatic alignment against the curated facts (the ground truth).

For every claim whose figure the figure layer finds, run the aligner from that figure
and look for the figures of the fact's other claims (in other articles) among the
candidates:

* ``recall@k`` — over all (claim, other claim) pairs, the share whose other claim is
  ranked within the top k;
* ``top-1 precision`` — over all claims, the share whose top candidate is one of the
  fact's other claims.

A candidate hits a claim when it is the claim's figure or another mention of the same
number in the same article (the aligner shows an article's repeated mentions once).

Run ``python -m jjj_brief.commands.alignment`` for the numbers and every miss (on the
process default Library; :func:`main` prints them for any library).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from jjj_brief.briefings import locate_quote
from jjj_brief.compare import state
from jjj_brief.compare.facts import WordsSpan, claim_figure
from jjj_brief.figures import Figure

if TYPE_CHECKING:
    from jjj_brief.briefings import Fact
    from jjj_brief.library import Library


@dataclass
class Query:
    fact: str
    article: str
    figure: Figure | WordsSpan
    targets: list[tuple[str, int]]  # (article id, figure start) of the other claims
    ranked: list[tuple[str, int, str, bool]] = field(default_factory=list)  # article, start, text, same_fact
    values: dict[tuple[str, int], float | None] = field(default_factory=dict)  # figure value by (article, start)

    def rank_of(self, target: tuple[str, int]) -> int | None:
        """Where the target is ranked: the very figure, or another mention of the same
        number in the same article (the aligner shows an article's repeats once)."""
        for position, (article, start, _, _) in enumerate(self.ranked, 1):
            if (article, start) == target or (
                article == target[0] and self.values.get((article, start)) == self.values.get(target)
            ):
                return position
        return None

    def rank_of_any(self) -> int | None:
        ranks = [r for t in self.targets if (r := self.rank_of(t)) is not None]
        return min(ranks) if ranks else None


@dataclass
class Report:
    queries: list[Query]
    pairs: int
    recall_at: dict[int, float]
    top1_precision: float
    skipped: list[str]

    def misses(self, k: int = 3) -> list[tuple[Query, tuple[str, int], int | None]]:
        out = []
        for query in self.queries:
            for target in query.targets:
                rank = query.rank_of(target)
                if rank is None or rank > k:
                    out.append((query, target, rank))
        return out

    def wrong_top1(self) -> list[Query]:
        return [q for q in self.queries if q.targets and q.rank_of_any() != 1]


def claim_figures(fact: Fact, library: Library) -> list[tuple[str, Figure | WordsSpan | None]]:
    """Each claim's article and where its value is printed (``None`` when not found)."""
    corpus = state.corpus(library)
    out: list[tuple[str, Figure | WordsSpan | None]] = []
    for claim in fact.claims:
        article = corpus.find(claim.article)
        span = locate_quote(article, claim.quote) if article else None
        found = claim_figure(article, claim, span, library) if article is not None and span else None
        out.append((claim.article, found))
    return out


def evaluate(depth: int = 10, *, library: Library) -> Report:
    from jjj_brief.compare.related import related

    queries: list[Query] = []
    skipped: list[str] = []
    for fact in library.briefings().facts:
        if getattr(fact, "kind", "number") != "number":
            continue  # the aligner relates figures; a category or status has none
        located = claim_figures(fact, library)
        for i, (article_id, figure) in enumerate(located):
            if figure is None:
                skipped.append(f"{fact.id}: no figure for the {article_id} claim")
                continue
            targets = [
                (other_article, other.start)
                for j, (other_article, other) in enumerate(located)
                if j != i and other is not None and other_article != article_id
            ]
            if not targets:
                continue
            result = related(article_id, figure.start, limit=depth, library=library)
            query = Query(fact.id, article_id, figure, targets)
            query.values = {(a, f.start): f.value for a, f in located if f is not None}
            for candidate in result.candidates:
                query.ranked.append((candidate.article, candidate.start, candidate.text, candidate.same_fact))
                query.values[(candidate.article, candidate.start)] = candidate.value
            queries.append(query)
    pairs = sum(len(q.targets) for q in queries)
    recall = {}
    for k in (1, 3, 5, 10):
        hits = sum(1 for q in queries for t in q.targets if (r := q.rank_of(t)) is not None and r <= k)
        recall[k] = hits / pairs if pairs else 0.0
    top1 = sum(1 for q in queries if q.ranked and q.rank_of_any() == 1)
    return Report(queries, pairs, recall, top1 / len(queries) if queries else 0.0, skipped)


def main(library: Library) -> int:
    """Print the numbers and every miss of :func:`evaluate` on ``library``."""
    report = evaluate(library=library)
    print(f"queries (claims): {len(report.queries)}; pairs: {report.pairs}")
    for k, value in report.recall_at.items():
        print(f"recall@{k}: {value:.3f}")
    print(f"top-1 precision: {report.top1_precision:.3f}")
    for line in report.skipped:
        print(f"skipped: {line}")
    print("\nmisses at 3:")
    for query, target, rank in report.misses(3):
        print(f"  {query.fact}: from {query.article} {query.figure.text!r} -> {target[0]}@{target[1]} rank {rank}")
        for article, start, text, same in query.ranked[:4]:
            print(f"      {'=' if same else '~'} {article}@{start} {text!r}")
    print("\nwrong top-1:")
    for query in report.wrong_top1():
        top = query.ranked[0] if query.ranked else None
        print(f"  {query.fact}: from {query.article} {query.figure.text!r} -> top {top}")
    return 0
