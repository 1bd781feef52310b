"""The tree on the left: briefings (groups → topics → facts), articles by outlet and year,
the timeline, and your work."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from jjj_brief.app import safe_text
from jjj_brief.app.data import AppData
from jjj_brief.app.state import Location
from jjj_brief.app.work import add_work_branches
from jjj_brief.corpus import Article

if TYPE_CHECKING:
    from jjj_brief.app.main import BriefApp
    from jjj_brief.briefings import Topic


#: An outlet with at most this many articles lists them directly; a bigger one by year.
SMALL_GROUP = 20
#: A year with more articles than this is split by month.
BIG_YEAR = 300
#: With at most this many articles, the outlets start expanded (the shipped corpus).
OPEN_ALL = 50


def group_articles(articles: Iterable[Article]) -> dict[str, dict[str, list[Article]]]:
    """Articles by outlet, then year (``"undated"`` when unknown): metadata only, one pass."""
    groups: dict[str, dict[str, list[Article]]] = defaultdict(lambda: defaultdict(list))
    for article in articles:
        year = article.date[:4] if article.date[:4].isdigit() else "undated"
        groups[article.outlet][year].append(article)
    return groups


class TopicTree(Tree[Location]):
    """Briefings (groups → topics → facts), Articles (by outlet, then year; children made when
    a node is first expanded, so 10,000 articles cost a handful of nodes), Timeline."""

    DEFAULT_CSS = """
    TopicTree { padding: 0; }
    """

    def __init__(self, data: AppData, **kwargs: Any) -> None:
        super().__init__(Text("jjj-brief"), **kwargs)
        self.core = data
        self.show_root = False
        self.guide_depth = 2
        self._unfilled: dict[int, Callable[[], None]] = {}  # node id -> makes that node's children
        self._group_nodes: dict[tuple, TreeNode] = {}  # (outlet,), (outlet, year), (outlet, month)

    def on_mount(self) -> None:
        self.populate()

    def populate(self) -> None:
        layers = self.core
        self.clear()
        briefings = self.root.add(Text("Briefings", style="bold"), expand=True)
        if not layers.briefings_loaded:
            briefings.add_leaf(Text("loading…", style="dim italic"))
        elif not layers.has_briefings:
            briefings.add_leaf(Text("briefings not available", style="dim italic"))
        for group in layers.groups():
            self._add_topic(briefings, group, depth=0)
        orphans = [t for t in layers.topics() if t.parent and layers.topic(t.parent) is None]
        for topic in orphans:
            self._add_topic(briefings, topic, depth=1)

        articles = self.root.add(Text("Articles", style="bold"), expand=True)
        self._add_articles(articles)

        timeline = self.root.add(Text("Timeline", style="bold"), data=Location("timeline"))
        for event in sorted(layers.timeline(), key=lambda e: e.date):
            label = safe_text.parts((event.date, "dim"), ("  ", ""), (event.title, ""), limit=70)
            timeline.add_leaf(label, data=Location("timeline", event.id))
        self.work_branches = add_work_branches(self.root)  # filled by the app from the store
        cast("BriefApp", self.app).refresh_work_tree()  # filled from the store
        self.cursor_line = 0

    # ---------------------------------------------------------------- articles
    def _add_articles(self, parent: TreeNode) -> None:
        """One node per outlet; what is under it is made when it is first expanded."""
        self._unfilled.clear()
        self._group_nodes.clear()
        if not self.core.corpus_loaded:
            parent.add_leaf(Text("loading…", style="dim italic"))
            return
        corpus = self.core.corpus
        groups = group_articles(corpus)
        open_all = len(corpus) <= OPEN_ALL
        for outlet in sorted(groups, key=str.casefold):
            years = groups[outlet]
            count = sum(len(found) for found in years.values())
            label = safe_text.line(outlet, limit=60)
            if count > SMALL_GROUP:
                label.append(f"  {count:,}", style="dim")
            node = parent.add(label, expand=False)
            self._group_nodes[(outlet,)] = node
            self._unfilled[node.id] = partial(self._fill_outlet, node, outlet, years)
            if open_all:
                self._fill(node)
                node.expand()

    def _fill(self, node: TreeNode) -> None:
        make = self._unfilled.pop(node.id, None)
        if make is not None:
            make()

    def on_tree_node_expanded(self, event: Tree.NodeExpanded) -> None:
        self._fill(event.node)

    def _fill_outlet(self, node: TreeNode, outlet: str, years: dict[str, list]) -> None:
        if sum(len(found) for found in years.values()) <= SMALL_GROUP:
            self._add_article_leaves(node, [a for found in years.values() for a in found])
            return
        for year in sorted(years, reverse=True):
            found = years[year]
            label = Text(year, style="bold").append(f"  {len(found):,}", style="dim")
            year_node = node.add(label, expand=False)
            self._group_nodes[(outlet, year)] = year_node
            self._unfilled[year_node.id] = partial(self._fill_year, year_node, outlet, found)

    def _fill_year(self, node: TreeNode, outlet: str, articles: list) -> None:
        if len(articles) <= BIG_YEAR:
            self._add_article_leaves(node, articles)
            return
        months: dict[str, list] = defaultdict(list)
        for article in articles:
            months[article.date[:7] if len(article.date) >= 7 else "month unknown"].append(article)
        for month in sorted(months, reverse=True):
            found = months[month]
            label = Text(month).append(f"  {len(found):,}", style="dim")
            month_node = node.add(label, expand=False)
            self._group_nodes[(outlet, month)] = month_node
            self._unfilled[month_node.id] = partial(self._add_article_leaves, month_node, found)

    def _add_article_leaves(self, node: TreeNode, articles: list) -> None:
        for article in sorted(articles, key=lambda a: a.date):
            label = safe_text.parts((article.date, "dim"), ("  ", ""), (article.title, ""), limit=70)
            node.add_leaf(label, data=Location("article", article.id))

    def _make_article_node(self, article_id: str) -> None:
        """Make the nodes down to an article's leaf (its outlet, year and month groups)."""
        article = self.core.article(article_id) if self.core.corpus_loaded else None
        if article is None:
            return
        year = article.date[:4] if article.date[:4].isdigit() else "undated"
        month = article.date[:7] if len(article.date) >= 7 else "month unknown"
        for key in ((article.outlet,), (article.outlet, year), (article.outlet, month)):
            node = self._group_nodes.get(key)
            if node is not None:
                self._fill(node)

    def repopulate(self) -> None:
        """Rebuild the tree (briefings arrived), keeping the cursor on the same item."""
        current = self.cursor_node.data if self.cursor_node is not None else None
        self.populate()
        if current is not None:
            self.select_location(current)

    def _add_topic(self, parent: TreeNode[Location], topic: Topic, depth: int) -> None:
        children = self.core.children(topic.id)
        facts = self.core.facts_of(topic.id)
        label = safe_text.line(topic.title, style="bold" if depth == 0 else "", limit=70)
        if not children and not facts:
            parent.add_leaf(label, data=Location("topic", topic.id))
            return
        # Groups start collapsed: expanded, the shipped topic tree pushes Articles and
        # Timeline off the first screen.
        node = parent.add(label, data=Location("topic", topic.id), expand=False)
        if depth < 8:
            for child in children:
                self._add_topic(node, child, depth + 1)
        for fact in facts:
            node.add_leaf(
                Text("≡ ", style="magenta").append_text(safe_text.line(fact.subject, limit=70)),
                data=Location("fact", fact.id),
            )

    def select_location(self, location: Location) -> None:
        """Move the cursor to the node showing ``location`` (without opening it again)."""
        if location.kind == "article":
            self._make_article_node(location.ref)
        for node in _walk(self.root):
            data = node.data
            if data is not None and data.kind == location.kind and data.ref == location.ref:
                parent = node.parent
                while parent is not None:
                    parent.expand()
                    parent = parent.parent
                self.call_after_refresh(self._move_cursor, node)
                return

    def _move_cursor(self, node: TreeNode) -> None:
        if node.line >= 0:
            self.cursor_line = node.line
            self.scroll_to_line(node.line)


def _walk(node: TreeNode[Location]) -> Iterator[TreeNode[Location]]:
    yield node
    for child in node.children:
        yield from _walk(child)
