"""The command palette: articles, topics and facts by their displayed labels, commands by
the words people use for them, and a full-text search of whatever is typed."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from jjj_brief.app.state import Location
from jjj_brief.safety import one_line

if TYPE_CHECKING:
    from jjj_brief.app.main import BriefApp


def _highlight(matcher: Matcher, plain: str, prefix: str = "") -> Content:
    """A palette row built as Content from plain text; matched characters styled by us.

    (Textual's ``Matcher.highlight`` would parse the candidate as markup.)
    """
    text = prefix + plain
    content = Content(text)
    score, offsets = matcher.fuzzy_search.match(matcher.query, plain)
    if score:
        for offset in offsets:
            if not plain[offset].isspace():
                content = content.stylize("bold underline", len(prefix) + offset, len(prefix) + offset + 1)
    return content


def _brief_app(provider: Provider) -> BriefApp:
    return cast("BriefApp", provider.app)


class BriefProvider(Provider):
    """Articles, topics and facts by their labels as shown ("Topic: Xiong'an New Area"), your
    saved searches, bookmarks and claims, and a full-text search of whatever is typed."""

    def _items(self) -> list[tuple[str, str, Location]]:
        app = _brief_app(self)
        data = app.core
        items: list[tuple[str, str, Location]] = []
        for article in data.corpus:
            name = one_line(f"{article.title} — {article.outlet}, {article.date}", 150)
            items.append(("Article: ", name, Location("article", article.id)))
        for topic in data.topics():
            items.append(("Topic: ", one_line(topic.title, 150), Location("topic", topic.id)))
        for fact in data.facts():
            items.append(("Fact: ", one_line(fact.subject, 150), Location("fact", fact.id)))
        items.extend(app.work_palette_items())
        return items

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        app = _brief_app(self)
        for prefix, name, location in self._items():
            # The label as shown, prefix included: typing "Topic: Xiong" finds the topic.
            score = max(matcher.match(name), matcher.match(prefix + name))
            if score > 0:
                yield Hit(
                    score, _highlight(matcher, name, prefix), partial(app.open_location, location), text=prefix + name
                )
        if query.strip():
            yield Hit(
                0.01,
                Content("Search all text for: ") + Content(one_line(query, 120)).stylize("bold"),
                partial(app.search_for, query),
                text=f"Search all text for: {one_line(query, 120)}",
            )

    async def discover(self) -> Hits:
        app = _brief_app(self)
        for prefix, name, location in self._items():
            if location.kind in ("topic", "article"):
                yield DiscoveryHit(Content(prefix + name), partial(app.open_location, location), text=prefix + name)


def command_words(app: BriefApp) -> list[tuple[str, str, Callable[[], object]]]:
    """Commands as ``(title, the words people type for it, what it does)``."""
    return [
        ("Help: every key", "help keys shortcuts bindings ?", app.action_help),
        ("Settings: theme", "settings theme colours colors dark light appearance", app.action_change_theme),
        ("Settings: open where you left off", "settings resume reopen last article start", app.toggle_resume),
        ("Settings: key bindings", "settings keymap keys rebind shortcuts config", app.show_keymap_help),
        ("Export to Markdown", "export markdown save brief file", app.action_export),
        ("Copy citation", "cite citation copy quote reference", app.action_copy_citation),
        ("Timeline", "timeline dates events history", lambda: app.open_location(Location("timeline"))),
        ("Your work", "work notes claims bookmarks saved searches", app.action_open_work),
        ("Search all text", "search find full text query", app.action_focus_search),
        ("Quit", "quit exit close leave", app.action_quit),  # keeps your place, closes the store
    ]


class CommandWords(Provider):
    """Commands found by the words people use: help, settings, theme, export..."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, words, callback in command_words(_brief_app(self)):
            score = max(matcher.match(title), *(matcher.match(word) for word in words.split()))
            if score > 0:
                yield Hit(score, Content(title), callback, text=title, help=words)

    async def discover(self) -> Hits:
        for title, words, callback in command_words(_brief_app(self)):
            yield DiscoveryHit(Content(title), callback, text=title, help=words)
