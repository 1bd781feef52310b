"""The corpus list at scale: imports are listed from their one-line headers and their text
is read on first use, exactly as stored (every existing import file stays readable)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jjj_brief import corpus as corpus_module
from jjj_brief import imports
from jjj_brief.commands.libraries import default_library
from jjj_brief.corpus import LazyArticle, load_corpus


@pytest.fixture(autouse=True)
def forget_the_corpus():
    """This file's imports must not stay in the per-process corpus for later tests."""
    yield
    corpus_module._CORPUS = None


def store(name: str, meta: dict, body: bytes) -> None:
    folder = imports.imports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    header = (imports.HEADER_PREFIX + json.dumps(meta)).encode("utf-8")
    (folder / name).write_bytes(header + b"\n" + body)


def test_imports_are_listed_without_reading_their_text_and_read_exactly_when_used(tmp_path):
    (tmp_path / "a.md").write_text(
        "---\ntitle: Lazy one\noutlet: Desk\n---\nFirst line.\r\n\nSecond, ünïcode 北京.\n", encoding="utf-8"
    )
    imports.add_files([str(tmp_path / "a.md")])
    article = next(a for a in load_corpus(refresh=True, library=default_library()) if a.source == "import")
    assert isinstance(article, LazyArticle) and not article.text_loaded
    assert (article.title, article.outlet) == ("Lazy one", "Desk")
    _, stored_text = imports._read_stored(article.path)
    assert article.text == stored_text == "First line.\r\n\nSecond, ünïcode 北京.\n"
    assert article.text_loaded and [p.text for p in article.paragraphs] == ["First line.", "Second, ünïcode 北京."]


@settings(max_examples=40, deadline=None)
@given(body=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_the_lazily_read_text_is_the_stored_text(body):
    store("prop.txt", {"id": "prop", "title": "p"}, body.encode("utf-8"))
    article = next(a for a in load_corpus(refresh=True, library=default_library()) if a.id == "prop")
    assert article.text == imports._read_stored(article.path)[1] == body


def test_a_damaged_body_is_shown_with_replacement_characters_and_a_note():
    store("torn.txt", {"id": "torn", "title": "Torn"}, b"Good start \xff\xfe then more.\n")
    store("bad-header.txt", {"no": "id"}, b"text\n")
    default_library().warnings.drain()
    corpus = load_corpus(refresh=True, library=default_library())
    assert corpus.find("torn") is not None and "bad-header" not in corpus.ids()
    assert corpus.get("torn").text == "Good start \ufffd\ufffd then more.\n"
    notes = default_library().warnings.drain()
    assert any("torn.txt" in note and "not UTF-8" in note for note in notes)
    assert any("bad-header.txt" in note for note in notes)
