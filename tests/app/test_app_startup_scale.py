"""Nothing that grows with the corpus before the first paint: the article list is read in a
worker, the Articles branch is made as it is expanded, and Home says it is loading instead
of showing zero counts."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

from app_helpers import Messages, pilot_test, screen_text, settle
from textual.widgets import Tree

from jjj_brief.app.data import AppData
from jjj_brief.app.messages import DataLoaded, ViewShown
from jjj_brief.app.state import Location
from jjj_brief.app.topic_tree import _walk
from jjj_brief.commands.libraries import default_library
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


#: Run in a fresh interpreter: the app on a headless screen, reporting at its first frame the
#: modules loaded and whether the article list was read, then quitting.
FIRST_FRAME_PROBE = """
import asyncio, json, sys
from pathlib import Path
from jjj_brief.app.main import BriefApp

class Probe(BriefApp):
    def on_mount(self):
        self.call_after_refresh(self.first_frame)  # before the app's own: runs first
        super().on_mount()

    def first_frame(self):
        self.seen = {"modules": sorted(sys.modules), "corpus_loaded": self.core.corpus_loaded}
        self.exit()

async def main():
    app = Probe(build_index=False, resume=False, data_dir=Path(sys.argv[1]))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
    print("SEEN " + json.dumps(app.seen))

asyncio.run(main())
"""

#: Code the first frame does not need: the views that use it import it when they are shown.
NOT_BEFORE_FIRST_FRAME = (
    "jjj_brief.compare",
    "jjj_brief.briefings",
    "jjj_brief.figures",
    "jjj_brief.search",
    "jjj_brief.live_imports",
    "whoosh",
    "tantivy",
    "yaml",
)


def test_the_first_frame_loads_no_compare_briefings_figures_or_search_code_and_reads_no_articles(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME_PROBE, str(tmp_path / "data")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("SEEN ")), None)
    assert line is not None, done.stderr[-3000:]
    seen = json.loads(line[len("SEEN ") :])
    heavy = [m for m in seen["modules"] if any(m == h or m.startswith(h + ".") for h in NOT_BEFORE_FIRST_FRAME)]
    assert heavy == []
    assert "jjj_brief.app.topic_tree" in seen["modules"]  # the probe did see the app's own modules
    assert seen["corpus_loaded"] is False  # the article list is read after the first frame


def node_count(app) -> int:
    """Nodes in the tree's Articles branch."""
    articles = next(n for n in app.query_one("#tree").root.children if n.label.plain == "Articles")
    return sum(1 for _ in _walk(articles))


@pilot_test
async def test_home_says_loading_until_the_corpus_and_briefings_are_read_off_the_ui_thread(make_app):
    layers = SlowLayers(Corpus([*load_corpus(library=default_library()).articles, *many_articles(30)]))
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
    app = make_app(
        data=AppData(Corpus([*load_corpus(library=default_library()).articles, *articles])), build_index=False
    )
    messages = Messages()
    async with app.run_test(size=(120, 40), message_hook=messages) as pilot:
        # A worker delivers the corpus, then the briefings, and the tree is filled again on
        # each: one pause was not enough once, in an idle run of the suite (a refill after
        # the outlet was expanded). Wait for the last.
        await messages.wait(pilot, DataLoaded, lambda m: m.what == "briefings")
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
        # The cursor moves after the next refresh: wait for the tree to say so.
        await messages.wait(pilot, Tree.NodeHighlighted, lambda m: m.node.data == Location("article", target.id))
        assert tree.cursor_node is not None and tree.cursor_node.data == Location("article", target.id)
        assert node_count(app) < 1_000


@pilot_test
async def test_a_small_corpus_lists_its_articles_under_open_outlets(make_app):
    app = make_app(build_index=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)  # the corpus is read in a worker; the tree is filled then
        assert app.core.corpus_loaded
        leaves = [n.data.ref for n in _walk(app.query_one("#tree").root) if n.data and n.data.kind == "article"]
        assert sorted(leaves) == sorted(load_corpus(library=default_library()).ids())
