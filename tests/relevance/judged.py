"""Run the judged queries and measure recall@10 (shared by the test, the bench and `python -m`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from jjj_brief.commands.libraries import default_library
from jjj_brief.search import search

QUERIES = Path(__file__).with_name("queries.yaml")
K = 10
MIN_RECALL = 0.95  # over every (query, relevant article) pair of the judged set


@dataclass
class Judgement:
    query: str
    relevant: list[str]
    found: list[str]  # relevant articles in the top K (grouped per article)
    unlit: list[str]  # relevant hits whose snippet lights nothing
    passage_recall: float  # same, on the ungrouped top K passages (for information)

    @property
    def recall(self) -> float:
        return len(self.found) / len(self.relevant)

    @property
    def lost(self) -> list[str]:
        return [a for a in self.relevant if a not in self.found]


def load_queries() -> list[dict]:
    return yaml.safe_load(QUERIES.read_text(encoding="utf-8"))["queries"]


def judge(entry: dict) -> Judgement:
    relevant = list(entry["relevant"])
    # Recall is about articles: rank passages only, so that the shipped briefings' topic,
    # fact and glossary hits (which grow as the briefings do) do not take the K slots.
    query = f"{entry['query']} kind:passage"
    grouped = search(query, limit=K, group_by_article=True, library=default_library())
    passage_hits = {h.article: h for h in grouped.hits if h.kind == "passage"}
    found = [a for a in relevant if a in passage_hits]
    unlit = [a for a in found if not passage_hits[a].highlights]
    flat = search(query, limit=K, library=default_library())
    flat_articles = {h.article for h in flat.hits if h.kind == "passage"}
    passage_recall = len([a for a in relevant if a in flat_articles]) / len(relevant)
    return Judgement(entry["query"], relevant, found, unlit, passage_recall)


def pooled_recall(results: list[Judgement]) -> float:
    """Found (query, article) pairs over relevant ones: every judged article weighs the same."""
    relevant = sum(len(r.relevant) for r in results)
    return sum(len(r.found) for r in results) / relevant if relevant else 1.0


def losses(results: list[Judgement]) -> list[str]:
    """One line per query that lost a relevant article: the query and what it lost."""
    return [f"{r.query!r} lost {', '.join(r.lost)}" for r in results if r.lost]


def main() -> None:
    from jjj_brief.search import ensure_index

    ensure_index(library=default_library())
    results = [judge(entry) for entry in load_queries()]
    for r in results:
        lost = f"  lost {', '.join(r.lost)}" if r.lost else ""
        print(f"{r.recall:4.2f}  passages {r.passage_recall:4.2f}  {r.query}{lost}")
    mean = sum(r.recall for r in results) / len(results)
    flat = sum(r.passage_recall for r in results) / len(results)
    print(
        f"{len(results)} queries: pooled recall@{K} {pooled_recall(results):.3f} (grouped), "
        f"mean per query {mean:.3f}; ungrouped passages {flat:.3f}"
    )


if __name__ == "__main__":
    main()
