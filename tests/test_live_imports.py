"""A running program notices imports made elsewhere, cheaply (issue 13, item 4: the core)."""

from __future__ import annotations

from jjj_brief import imports
from jjj_brief.live_imports import CorpusChange, ImportsWatch, corpus_change
from jjj_brief.paths import StorageWarnings


def note(folder, name: str, title: str, body: str = "The Tianjin port memo.\n") -> str:
    path = folder / name
    path.write_text(f"---\ntitle: {title}\noutlet: Desk\ndate: 2024-05-01\n---\n{body}", encoding="utf-8")
    return str(path)


def test_the_watch_fires_once_per_import_and_per_removal(tmp_path):
    watch = ImportsWatch()
    assert not watch.changed(), "nothing happened yet"
    (outcome,) = imports.add_files([note(tmp_path, "memo.md", "Port memo")])
    assert watch.changed()
    assert not watch.changed(), "the same change is told once"
    imports.remove(outcome.id)
    assert watch.changed()
    assert not watch.changed()


def test_a_dry_run_changes_nothing(tmp_path):
    watch = ImportsWatch()
    imports.add_files([note(tmp_path, "memo.md", "Port memo")], imports.ImportOptions(dry_run=True))
    assert not watch.changed()


def test_a_reload_says_what_came_went_and_changed(tmp_path):
    before = imports.load_imported_articles(warnings=StorageWarnings())
    (first,) = imports.add_files([note(tmp_path, "memo.md", "Port memo")])
    (second,) = imports.add_files([note(tmp_path, "other.md", "Second memo", "Hebei roads.\n")])
    middle = imports.load_imported_articles(warnings=StorageWarnings())
    change = corpus_change(before, middle)
    assert set(change.added) == {first.id, second.id}
    assert change.removed == () and change.changed == ()
    titles = {a.id: a.title for a in middle}
    assert change.summary(titles) == "2 imports added"

    imports.remove(first.id)
    after = imports.load_imported_articles(warnings=StorageWarnings())
    change = corpus_change(middle, after)
    assert change.removed == (first.id,) and not change.added
    assert change.touches(first.id) and not change.touches(second.id)
    assert change.summary() == "1 import removed"
    assert not corpus_change(after, imports.load_imported_articles(warnings=StorageWarnings())), (
        "a reload with no change is no change"
    )


def test_one_import_is_named_safely_in_the_summary():
    change = CorpusChange(added=("memo",))
    assert change.summary({"memo": "Port\x1b[31m memo\nsecond line"}) == "1 import added: Port memo second line"
    assert CorpusChange(changed=("memo",)).summary() == "1 import updated"
    assert not CorpusChange()
