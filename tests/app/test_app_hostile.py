"""Hostile text in every view: nothing styled, nothing runs, no crash, nothing escapes.

The app is built on an injected corpus (a hostile article beside the seeds), hostile
briefings (topic, fact, glossary term, timeline event) and a search layer whose hits carry
hostile titles, outlets and snippets. Every view is opened; after each step the app must
still be running, the markup must show as literal characters, and no rendered segment may
carry a control character, an escape, a link or a click action.
"""

from __future__ import annotations

import re
from pathlib import Path

from app_helpers import Messages, pilot_test, screen_text, settle

from jjj_brief.app.data import AppData
from jjj_brief.app.messages import ArticleOpened, ComparisonShown, ResultsShown, ViewShown
from jjj_brief.app.state import Location
from jjj_brief.briefings import Briefings, Claim, Fact, GlossaryTerm, Passage, TimelineEvent, Topic
from jjj_brief.commands.libraries import default_library
from jjj_brief.corpus import Article, Corpus, load_corpus
from jjj_brief.search import Hit, SearchResult

SIZE = (140, 45)
MARKUP = "[@click=app.quit]QUIT[/] [link=https://evil.example]LINK[/link] [/] [$accent @click=app.bell]BELL[/]"
ESCAPES = "\x1b[31mRED\x1b[0m \x1b]0;PWNED-TITLE\x07 \x1b]52;c;ZXZpbA==\x07 \x1b]8;;https://evil.example\x1b\\X\x1b]8;;\x1b\\ \x07 \r"
HOSTILE = f"{MARKUP} {ESCAPES}"
FIGURE_SENTENCE = "The fund reached 386 billion yuan in 2023, up 12%."
HUGE_LINE = ("[/] [@click=app.quit]x[/] \x1b[2J 42 tons " * 60_000)[:2_000_000]

ARTICLE_TEXT = "\n\n".join(
    [
        f"Opening {HOSTILE} paragraph.",
        FIGURE_SENTENCE + " " + MARKUP,
        f"Repeated {MARKUP}",
        f"Repeated {MARKUP}",
        HUGE_LINE,
        f"Closing {ESCAPES} with 7 kilometers.",
    ]
)


def hostile_article() -> Article:
    return Article(
        id="hostile",
        file="hostile.txt",
        path=Path("hostile.txt"),
        text=ARTICLE_TEXT,
        title=f"Title {HOSTILE}",
        outlet=f"Outlet {MARKUP}\x07",
        date="2024",
        date_precision="year",
        date_note=HOSTILE,
        byline=[HOSTILE],
        language=HOSTILE,
        source="import",
    )


def hostile_briefings() -> Briefings:
    quote = FIGURE_SENTENCE
    seed = load_corpus(library=default_library()).articles[0]
    seed_quote = seed.paragraphs[0].text[:60]
    return Briefings(
        topics=[
            Topic(
                id="evil-group",
                title=f"Group {HOSTILE}",
                summary=f"Summary {HOSTILE}",
                key_points=[f"Point {HOSTILE}"],
                passages=[Passage(article="hostile", quote=MARKUP)],
            ),
            Topic(
                id="evil-topic",
                title=f"Topic {MARKUP}",
                parent="evil-group",
                summary=HOSTILE,
                passages=[Passage(article="hostile", quote=quote), Passage(article=seed.id, quote=seed_quote)],
            ),
        ],
        facts=[
            Fact(
                id="evil-fact",
                topic="evil-topic",
                subject=f"Subject {HOSTILE}",
                verdict="conflict",
                explanation=f"Explanation {HOSTILE}",
                claims=[
                    Claim(article="hostile", quote=quote, value=386e9, unit="yuan", as_of="2023", qualifier=MARKUP),
                    Claim(article=seed.id, quote=seed_quote, value=1.0, unit="yuan", as_of="2023"),
                ],
            ),
        ],
        glossary=[
            GlossaryTerm(
                id="evil-term", term=f"Term {MARKUP}", kind="concept", aliases=[MARKUP], gloss=f"Gloss {HOSTILE}"
            )
        ],
        timeline=[
            TimelineEvent(
                id="evil-event",
                date="2023",
                precision="year",
                title=f"Event {HOSTILE}",
                quotes=[Passage(article="hostile", quote=quote)],
            )
        ],
    )


class HostileSearch:
    """A search layer whose results carry hostile text (shapes from the real search API)."""

    def __init__(self) -> None:
        self.queries: list[str] = []

    def search(self, query: str, limit: int = 20, group_by_article: bool = False) -> SearchResult:
        self.queries.append(query)
        start = ARTICLE_TEXT.index(FIGURE_SENTENCE)
        hits = [
            Hit(
                "passage",
                "hostile",
                "hostile.txt",
                f"Title {HOSTILE}",
                f"Outlet {MARKUP}",
                "2024",
                1.0,
                start,
                start + len(FIGURE_SENTENCE) + len(MARKUP) + 1,
                f"Snippet {HOSTILE}",
                [(0, 7), (8, 30)],
            ),
            Hit("topic", "evil-topic", None, f"Topic {MARKUP}", "", "", 0.9, 0, 10, f"Topic {HOSTILE}", [(0, 5)]),
            Hit("fact", "evil-fact", None, f"Fact {MARKUP}", "", "", 0.8, 0, 10, f"Fact {HOSTILE}", [(0, 4)]),
            Hit("glossary", "evil-term", None, f"Term {MARKUP}", "", "", 0.7, 0, 10, f"Gloss {HOSTILE}", [(0, 5)]),
        ]
        return SearchResult(query, f"parsed {MARKUP}", len(hits), f"did {MARKUP}", f"message {HOSTILE}", hits)

    def match_spans(self, query: str, text: str) -> list[tuple[int, int]]:
        return [(m.start(), m.end()) for m in re.finditer(re.escape("[/]"), text)][:1000]


BAD_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def assert_inert(app) -> None:
    """No rendered segment carries control characters, links or click actions."""
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            assert not BAD_CHARS.search(segment.text), repr(segment.text)
            style = segment.style
            if style is not None:
                assert not style.link, f"a link reached the screen: {style.link!r}"
                meta = style.meta or {}
                assert "@click" not in meta, f"an action reached the screen: {meta}"


def make_layers() -> AppData:
    corpus = Corpus([hostile_article(), *load_corpus(library=default_library()).articles])
    return AppData(corpus, hostile_briefings(), search=HostileSearch())


@pilot_test
async def test_hostile_text_in_every_view_is_shown_literally_and_runs_nothing(make_app, tmp_path):
    app = make_app(data=make_layers(), build_index=False)
    messages = Messages()
    async with app.run_test(size=SIZE, notifications=True, message_hook=messages) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Group [@click=app.quit]QUIT[/]" in text  # the tree shows the markup literally
        assert_inert(app)

        # Search: hostile hits of every kind, the summary, the "did you mean".
        await pilot.press("slash", *"evil")
        await messages.wait(pilot, ResultsShown, lambda m: m.query == "evil")
        assert app.search_pane.shown_query == "evil"
        text = screen_text(app)
        assert "[link=https://evil.example]LINK[/link]" in text
        assert "did you mean did" in text and "[@click=app.quit]QUIT[/]" in text
        assert_inert(app)

        # The passage hit opens the hostile article (with its 2 MB line) in the reader.
        await pilot.press("enter")
        await messages.wait(pilot, ArticleOpened, lambda m: m.article.id == "hostile")
        assert app.reader.article is not None and app.reader.article.id == "hostile"
        text = screen_text(app)
        assert "Title [@click=app.quit]QUIT[/]" in text
        assert "PWNED-TITLE" not in text  # an OSC sequence is blanked whole, payload included
        assert_inert(app)
        lines = app.reader.document.plain_lines()
        assert sum(len(line) for line in lines) >= 2_000_000 - 50_000  # the huge line is all there
        assert not any(BAD_CHARS.search(line) for line in lines)

        # Figures, matches, find, the end of the 2 MB line.
        await pilot.press("right_square_bracket")
        await pilot.pause()
        await pilot.press("n", "N", "end")
        await pilot.press("ctrl+f", *"[/]", "enter", "escape")
        await pilot.pause()
        assert_inert(app)

        # Comparison (curated fact with hostile quote and qualifier) and the briefing.
        app.open_location(Location("fact", "evil-fact"))
        await messages.wait(pilot, ViewShown, lambda m: m.location.kind == "fact")
        await messages.wait(pilot, ComparisonShown)  # the columns (compared in a worker)
        assert "Explanation [@click=app.quit]QUIT[/]" in screen_text(app)
        assert_inert(app)
        await pilot.press("y")  # a citation of hostile text: copied, saved, notified safely
        await pilot.pause()
        assert_inert(app)
        app.open_location(Location("topic", "evil-topic"))
        await messages.wait(pilot, ViewShown, lambda m: m.location == Location("topic", "evil-topic"))
        text = screen_text(app)
        assert "Subject [@click=app.quit]QUIT[/]" in text
        assert_inert(app)
        figure = app.core.figures(app.core.article("hostile"))[0]
        assert app.open_location(Location("alignment", "hostile", offset=figure.start))
        await messages.wait(pilot, ComparisonShown, lambda m: m.kind == "alignment")  # related figures: a worker
        assert "Automatic alignment" in screen_text(app) and "Outlet [@click=app.quit]QUIT[/]" in screen_text(app)
        assert_inert(app)
        app.open_location(Location("topic", "evil-group"))
        app.open_location(Location("timeline"))
        await messages.wait(pilot, ViewShown, lambda m: m.location.kind == "timeline")
        assert "Event [@click=app.quit]QUIT[/]" in screen_text(app)
        assert_inert(app)

        # Glossary hit: the whole entry in a window over the app.
        await pilot.press("slash", "ctrl+u", *"term")
        await messages.wait(pilot, ResultsShown, lambda m: m.query == "term")
        assert app.search_pane.shown_query == "term"
        app.search_pane._open(3)
        await pilot.pause()
        assert "Gloss [@click=app.quit]QUIT[/]" in screen_text(app)
        assert_inert(app)
        await pilot.press("escape")

        # Command palette: names of hostile things, and full-text search of a hostile query.
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"click")
        await settle(pilot)  # the palette gathers its commands in a worker
        assert_inert(app)
        await pilot.press("escape")
        await pilot.press("question_mark")
        await pilot.pause()
        assert_inert(app)
        await pilot.press("escape")

        # Clicking on the literal "[@click=app.quit]" text does nothing.
        opened = len(messages.of(ArticleOpened, lambda m: m.article.id == "hostile"))
        app.open_location(Location("article", "hostile"))  # without the query: prepared again
        await messages.wait(pilot, ArticleOpened, lambda m: m.article.id == "hostile", after=opened)
        assert app.reader.prepared is not None and app.reader.prepared.article.id == "hostile"
        for row in range(5, 15):
            await pilot.click("#doc", offset=(12, row))
        await pilot.pause()
        assert app.is_running
        assert app.screen is app.screen_stack[0]  # no screen was pushed by a click

    saved = (tmp_path / "data" / "citations.txt").read_text(encoding="utf-8")
    assert "\x1b" not in saved and "\x07" not in saved  # a saved citation cannot drive a terminal either


@pilot_test
async def test_hostile_article_opens_without_freezing_the_ui(make_app):
    """The 2 MB line is prepared off the UI thread: keys are handled while it loads."""
    layers = make_layers()
    app = make_app(data=layers, build_index=False)
    messages = Messages()
    async with app.run_test(size=SIZE, notifications=True, message_hook=messages) as pilot:
        app.open_location(Location("article", "hostile"))
        await pilot.press("slash", *"abc")  # typed while the article is being prepared
        assert app.search_pane.query_input.value == "abc"
        await messages.wait(pilot, ArticleOpened, lambda m: m.article.id == "hostile")
        assert app.reader.prepared is not None
        assert app.reader.document.line_count > 10_000
