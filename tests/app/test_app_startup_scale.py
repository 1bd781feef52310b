"""Nothing that grows with the corpus before the first paint: the article list is read in a
worker, the Articles branch is made as it is expanded, and Home says it is loading instead
of showing zero counts."""

from __future__ import annotations

import threading
from pathlib import Path

from app_helpers import Messages, pilot_test, screen_text, settle

from jjj_brief.app.data import AppData
from jjj_brief.app.messages import DataLoaded, ViewShown
from jjj_brief.app.state import Location
from jjj_brief.app.topic_tree import _walk
from jjj_brief.corpus import Article, Corpus, load_corpus

OUTLETS = ["Synthetic Daily", "Bench News", "Test Weekly"]


def many_articles(count: int) -> list[Article]:
    articles = []
    for number in range(count):
        year = 2022 + (number // 3) % 3
        month = 1 + number % 12
        articles.append(
            Article(
                id=f"synthetic-{number}",
                file=f"synthetic-{number}.txt",
                path=Path(f"synthetic-{number}.txt"),
                text=f"Synthetic article {number}.\n",
                title=f"Synthetic article {number}",
                outlet=OUTLETS[number % 3],
                date=f"{year}-{month:02d}-01",
                date_precision="day",
                source="import",
            )
        )
    return articles


class SlowLayers(AppData):
    """Layers whose corpus and briefings are read only when the test says so, recording the
    thread that read the corpus."""

    def __init__(self, corpus: Corpus) -> None:
        super().__init__()
        self._given = corpus
        self.release = threading.Event()
        self.read_on: list[threading.Thread] = []

    @property
    def corpus(self) -> Corpus:
        if self._corpus is None:
            self.read_on.append(threading.current_thread())
            self.release.wait(30)
            self._corpus = self._given
        return self._corpus

    def _read_briefings(self):
        self.release.wait(30)
        return super()._read_briefings()


def node_count(app) -> int:
    """Nodes in the tree's Articles branch."""
    articles = next(n for n in app.query_one("#tree").root.children if n.label.plain == "Articles")
    return sum(1 for _ in _walk(articles))


@pilot_test
async def test_home_says_loading_until_the_corpus_and_briefings_are_read_off_the_ui_thread(make_app):
    layers = SlowLayers(Corpus([*load_corpus().articles, *many_articles(30)]))
    app = make_app(data=layers, build_index=False)
    messages = Messages()
    async with app.run_test(size=(120, 40), message_hook=messages) as pilot:
        await messages.wait(pilot, ViewShown, lambda m: m.location.kind == "home")
        text = screen_text(app)
        assert "Loading the articles and briefings" in text and "0 topics" not in text
        assert "loading…" in text  # under Articles, and under Briefings
        layers.release.set()
        await messages.wait(pilot, DataLoaded, lambda m: m.what == "briefings")  # read after the corpus
        assert layers.briefings_loaded and layers.corpus_loaded
        assert "35 articles" in screen_text(app)
        assert layers.read_on and all(t is not threading.main_thread() for t in layers.read_on)


@pilot_test
async def test_ten_thousand_articles_make_a_handful_of_tree_nodes_until_expanded(make_app):
    articles = many_articles(10_000)
    app = make_app(data=AppData(Corpus([*load_corpus().articles, *articles])), build_index=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        tree = app.query_one("#tree")
        outlets = [n for n in _walk(tree.root) if str(n.label.plain).startswith("Synthetic Daily")]
        assert len(outlets) == 1 and "3,334" in outlets[0].label.plain
        assert node_count(app) < 20
        outlets[0].expand()
        await pilot.pause()
        years = [str(child.label.plain) for child in outlets[0].children]
        assert [y.split()[0] for y in years] == ["2024", "2023", "2022"]
        assert node_count(app) < 30  # a year's articles are made when the year is opened
        # Going to an article deep inside makes its path and puts the cursor on it.
        target = articles[9_999]
        tree.select_location(Location("article", target.id))
        await pilot.pause()
        assert tree.cursor_node is not None and tree.cursor_node.data == Location("article", target.id)
        assert node_count(app) < 1_000


@pilot_test
async def test_a_small_corpus_lists_its_articles_under_open_outlets(make_app):
    app = make_app(build_index=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)  # the corpus is read in a worker; the tree is filled then
        assert app.core.corpus_loaded
        leaves = [n.data.ref for n in _walk(app.query_one("#tree").root) if n.data and n.data.kind == "article"]
        assert sorted(leaves) == sorted(load_corpus().ids())
