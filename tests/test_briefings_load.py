"""Loading briefings: the shipped set loads cleanly; broken YAML never raises and is located."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

from jjj_brief.briefings import load_briefings
from jjj_brief.corpus import load_corpus


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_shipped_briefings_load_without_problems():
    briefings = load_briefings()
    assert briefings.problems == []
    assert briefings.glossary, "the glossary ships with terms"


def test_glossary_ids_are_unique_and_mistranslations_are_printed_somewhere():
    briefings = load_briefings()
    ids = [term.id for term in briefings.glossary]
    assert len(ids) == len(set(ids))
    texts = [article.text for article in load_corpus()]
    for term in briefings.glossary:
        for wrong in term.mistranslations:
            assert any(wrong in text for text in texts), (term.id, wrong)


def test_glossary_links_the_renderings_of_the_key_link():
    terms = {term.id: term for term in load_briefings().glossary}
    renderings = set(terms["key-link"].aliases)
    assert {"nibble", "niubi", "bull's nose", "narrow tip", "native"} <= renderings
    assert {"Xiong’an", "Xiong'an", "Xiongan"} <= set(terms["xiongan"].aliases)


def test_schema_error_names_file_field_path_and_line(tmp_path):
    _write(
        tmp_path,
        "g.yaml",
        """\
        glossary:
          - id: ok
            term: Fine
            kind: place
            gloss: fine
          - id: bad
            term: Broken
            kind: planet
            gloss: has a bad kind
        """,
    )
    briefings = load_briefings(tmp_path)
    assert [t.id for t in briefings.glossary] == ["ok"]
    (problem,) = briefings.problems
    assert problem.path == "glossary[1].kind"
    assert problem.line == 8
    assert str(problem).startswith(f"{tmp_path.name}/g.yaml:8: glossary[1].kind: ")


def test_alias_bomb_is_refused_quickly(tmp_path):
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 30):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    lines.append("glossary: *a29")
    _write(tmp_path, "bomb.yaml", "\n".join(lines) + "\n")
    started = time.perf_counter()
    briefings = load_briefings(tmp_path)
    assert time.perf_counter() - started < 2
    (problem,) = briefings.problems
    assert "aliases" in problem.message and problem.line == 2
