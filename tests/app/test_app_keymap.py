"""keys.toml: a broken file gives one line naming the file and the line, and default keys."""

from __future__ import annotations

from jjj_brief.app.keymap import KEYMAP_FILE, load_keymap


def test_a_toml_syntax_error_names_the_file_and_its_line(tmp_path):
    (tmp_path / KEYMAP_FILE).write_text('[keys]\n"app.quit" = "ctrl+x"\n"app.help" = \n', encoding="utf-8")
    keymap, problem = load_keymap(tmp_path, {"app.quit", "app.help"})
    assert keymap == {}
    assert problem is not None
    assert problem.startswith(f"{tmp_path / KEYMAP_FILE}:3: ")
    assert problem.endswith("default keys used")


def test_a_valid_file_rebinds_by_id(tmp_path):
    (tmp_path / KEYMAP_FILE).write_text('[keys]\n"app.quit" = "ctrl+x"\n', encoding="utf-8")
    assert load_keymap(tmp_path, {"app.quit"}) == ({"app.quit": "ctrl+x"}, None)


def test_an_unknown_id_names_its_line(tmp_path):
    (tmp_path / KEYMAP_FILE).write_text('[keys]\n\n"app.nope" = "x"\n', encoding="utf-8")
    keymap, problem = load_keymap(tmp_path, {"app.quit"})
    assert keymap == {}
    assert problem is not None and f"{KEYMAP_FILE}:3: no key has the id 'app.nope'" in problem


def test_lines_are_counted_at_newlines_only(tmp_path):
    """A line separator (U+2028) or NEL in a comment is text to TOML and to an editor, but
    str.splitlines ended a line there: the unknown id was named one line too low."""
    text = '# my keys\u2028mine\x85all mine\n[keys]\n"app.nope" = "x"\n'
    (tmp_path / KEYMAP_FILE).write_text(text, encoding="utf-8", newline="")
    keymap, problem = load_keymap(tmp_path, {"app.quit"})
    assert keymap == {}
    assert problem is not None and f"{KEYMAP_FILE}:3: no key has the id 'app.nope'" in problem
