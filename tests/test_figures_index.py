"""The cross-article index: kept on disk between processes, reused while articles are unchanged."""

from __future__ import annotations

import json
import os
from pathlib import Path

from jjj_brief.corpus import Article, Corpus, LazyArticle
from jjj_brief.figures import FigureBook, FigureCache, book_for
from jjj_brief.figures.crosscheck import STORED_ABOVE
from jjj_brief.figures.stored import article_key

WRONG = "In 2023 the PM2.5 concentration in Hebei was 186 micrograms per cubic meter, the report said."
RIGHT = "Hebei's PM2.5 concentration in 2023 was 18.6 micrograms per cubic meter, down 2.1%."
FILLER = "Zhongguancun enterprises set up more than 9,500 branches and 4,376.07 billion yuan of output in 2023."


class CountingCache(FigureCache):
    """Counts the articles actually extracted (a cache miss)."""

    def __init__(self) -> None:
        super().__init__()
        self.extracted: list[str] = []

    def extract(self, article_id: str, text: str, published: str | None = None) -> list:
        before = len(self)
        figures = super().extract(article_id, text, published)
        if len(self) > before:
            self.extracted.append(article_id)
        return figures


def _article(article_id: str, text: str, path: Path | None = None) -> Article:
    path = path or Path(f"/nowhere/{article_id}.txt")
    return Article(article_id, path.name, path, text, article_id, "Desk", "2024-02-26", "day")


def _lazy(path: Path) -> LazyArticle:
    return LazyArticle(
        path.stem, path.name, path, title=path.stem, outlet="Desk", date="2024-02-26", date_precision="day",
        text_loader=lambda: path.read_text(encoding="utf-8"),
    )  # fmt: skip


def _reasons(book: FigureBook, article: Article) -> list[str]:
    return [
        f.suspect.reason for f in book.article_figures(article) if f.suspect and "cross-article" in f.suspect.reason
    ]


def test_a_second_process_reads_the_index_instead_of_extracting_every_article(tmp_path):
    store = tmp_path / "cache" / "figure-index.json"
    articles = [_article("wrong", WRONG), _article("right", RIGHT), _article("filler", FILLER)]
    first = FigureBook(articles, cache=CountingCache(), store=store)
    flags = _reasons(first, articles[0])
    assert flags and "right prints '18.6 micrograms per cubic meter'" in flags[0]
    assert sorted(first.cache.extracted) == ["filler", "right", "wrong"]
    assert store.is_file()

    again = FigureBook(articles, cache=CountingCache(), store=store)  # a new process: empty caches
    assert _reasons(again, articles[0]) == flags
    assert again.cache.extracted == ["wrong"]  # its own figures only; the others come from the file


def test_a_changed_article_is_extracted_again_and_the_rest_are_not(tmp_path):
    store = tmp_path / "figure-index.json"
    wrong, right, filler = _article("wrong", WRONG), _article("right", RIGHT), _article("filler", FILLER)
    FigureBook([wrong, right, filler], store=store).article_figures(wrong)
    changed = _article("right", RIGHT.replace("18.6", "18.7"))
    book = FigureBook([wrong, changed, filler], cache=CountingCache(), store=store)
    assert _reasons(book, wrong) == []  # 18.7 contradicts nothing: the stale 18.6 row was not used
    assert sorted(book.cache.extracted) == ["right", "wrong"]


def test_a_damaged_or_foreign_index_file_is_rebuilt_not_an_error(tmp_path):
    store = tmp_path / "figure-index.json"
    wrong, right = _article("wrong", WRONG), _article("right", RIGHT)
    for content in ("{not json", json.dumps({"format": 1, "grammar": "other", "digest": ""}) + "\n{}", "[]", ""):
        store.write_text(content, encoding="utf-8")
        book = FigureBook([wrong, right], cache=CountingCache(), store=store)
        assert _reasons(book, wrong)
        assert sorted(book.cache.extracted) == ["right", "wrong"]
    header, rows = store.read_text(encoding="utf-8").split("\n", 1)
    store.write_text(header + "\n" + rows.replace("18.6", "18.7"), encoding="utf-8")  # edited: digest differs
    book = FigureBook([wrong, right], cache=CountingCache(), store=store)
    assert _reasons(book, wrong) and sorted(book.cache.extracted) == ["right", "wrong"]


def test_an_unwritable_cache_folder_only_costs_the_speed(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    wrong, right = _article("wrong", WRONG), _article("right", RIGHT)
    book = FigureBook([wrong, right], store=blocker / "figure-index.json")
    assert _reasons(book, wrong)


def test_a_stored_import_is_keyed_by_its_file_without_reading_its_text(tmp_path):
    path = tmp_path / "right.txt"
    path.write_text(RIGHT, encoding="utf-8")
    lazy = _lazy(path)
    key = article_key(lazy)
    assert not lazy.text_loaded
    path.write_text(RIGHT.replace("18.6", "18.7") + " ", encoding="utf-8")
    os.utime(path, ns=(1, 1))
    assert article_key(_lazy(path)) != key


def test_a_lazy_import_read_from_the_index_file_is_not_read_again(tmp_path):
    store = tmp_path / "figure-index.json"
    paths = []
    for name, text in (("right", RIGHT), ("filler", FILLER)):
        paths.append(tmp_path / f"{name}.txt")
        paths[-1].write_text(text, encoding="utf-8")
    wrong = _article("wrong", WRONG)
    FigureBook([wrong, *map(_lazy, paths)], store=store).article_figures(wrong)
    lazies = [_lazy(p) for p in paths]
    book = FigureBook([wrong, *lazies], store=store)
    book.index  # noqa: B018 - build it from the file
    assert not any(a.text_loaded for a in lazies)
    assert _reasons(book, wrong)  # the match reads the other article's text for its subject words
    assert [a.text_loaded for a in lazies] == [True, False]


def test_only_a_large_corpus_keeps_its_index_in_the_cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("JJJ_BRIEF_HOME", str(tmp_path / "home"))
    small = Corpus([_article("wrong", WRONG), _article("right", RIGHT)])
    assert book_for(small).store is None
    many = [_article(f"a{i}", FILLER) for i in range(STORED_ABOVE + 1)]
    book = book_for(Corpus([_article("wrong", WRONG), _article("right", RIGHT), *many]))
    assert book.store is not None and book is book_for(book.corpus)
    assert _reasons(book, book.corpus.articles[0])
    assert book.store.is_file()


def test_a_holder_can_name_the_cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("JJJ_BRIEF_HOME", str(tmp_path / "home"))
    corpus = Corpus([_article("wrong", WRONG), *(_article(f"a{i}", FILLER) for i in range(STORED_ABOVE + 1))])
    book = book_for(corpus, cache_dir=tmp_path / "library-cache")
    assert book.store == tmp_path / "library-cache" / "figure-index.json"
