"""settings.json is read by one pydantic model's rules (jjj_brief.settings): a wrong value
costs only that key, named with the file in one line; nothing the user wrote is lost. A
file whose values are already of their fields' types is read without loading the model,
with the model's answer (checked on wild input below)."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jjj_brief.settings import Settings, load_settings, plain_settings, save_settings, update_settings
from jjj_brief.settings.model import SettingsModel, validated


def write(folder, data) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    text = data if isinstance(data, str) else json.dumps(data)
    (folder / "settings.json").write_text(text, encoding="utf-8")


def test_no_file_gives_the_defaults(tmp_path):
    read = load_settings(tmp_path)
    assert read.settings == Settings() and read.problems == [] and read.readable
    assert read.settings.resume and read.settings.keep_import_originals and read.settings.search_engine == "auto"


def test_a_wrong_value_costs_that_key_only_and_is_named_in_one_line(tmp_path):
    write(tmp_path, {"resume": False, "last_offset": -4, "search_engine": "lucene", "theme": "nord"})
    read = load_settings(tmp_path)
    assert read.settings.resume is False and read.settings.theme == "nord"  # the rest still applies
    assert read.settings.last_offset is None and read.settings.search_engine == "auto"
    assert len(read.problems) == 2
    for problem, key in zip(sorted(read.problems), ("last_offset", "search_engine"), strict=True):
        assert problem.startswith(f"{tmp_path / 'settings.json'}: {key}: ") and "\n" not in problem
        assert problem.endswith("the default is used")


@pytest.mark.parametrize(
    ("content", "why"), [("{not json", "not read"), ("[1, 2]", "not a JSON object"), (b"\xff\xfe{}", "not read")]
)
def test_a_file_that_cannot_be_read_is_named_and_never_rewritten(tmp_path, content, why):
    path = tmp_path / "settings.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    read = load_settings(tmp_path)
    assert not read.readable and read.settings == Settings()
    assert len(read.problems) == 1 and read.problems[0].startswith(f"{path}: {why}")
    with pytest.raises(ValueError, match="settings.json"):
        update_settings(tmp_path, search_engine="tantivy")
    assert path.read_bytes() == (content if isinstance(content, bytes) else content.encode())


def test_keys_this_version_does_not_know_are_kept_when_saving(tmp_path):
    write(tmp_path, {"database_url": "postgresql://u@h/db", "future_option": {"a": [1, 2]}, "theme": "nord"})
    read = load_settings(tmp_path)
    read.settings.resume = False
    save_settings(read.settings, tmp_path)
    saved = json.loads((tmp_path / "settings.json").read_text(encoding="utf-8"))
    assert saved["future_option"] == {"a": [1, 2]} and saved["database_url"] == "postgresql://u@h/db"
    assert saved["theme"] == "nord" and saved["resume"] is False


def test_update_sets_one_key_keeps_the_others_and_refuses_a_wrong_value(tmp_path):
    write(tmp_path, {"keep_import_originals": False, "query_history": ["beijing"]})
    update_settings(tmp_path, search_engine="tantivy")
    read = load_settings(tmp_path)
    assert read.settings.search_engine == "tantivy" and read.settings.keep_import_originals is False
    assert read.settings.query_history == ["beijing"]
    with pytest.raises(ValueError, match="^search_engine: "):
        update_settings(tmp_path, search_engine="lucene")
    assert load_settings(tmp_path).settings.search_engine == "tantivy"


def test_strings_are_read_back_safe(tmp_path):
    write(tmp_path, {"query_history": ["\x1b]2;PWNED\x07 beijing", 42, "x" * 5000], "theme": "\x1b[2Jdark"})
    settings = load_settings(tmp_path).settings
    assert settings.query_history[0] == "beijing" and len(settings.query_history) == 2
    assert len(settings.query_history[1]) <= 1000
    assert "\x1b" not in settings.theme


def test_the_engine_setting_and_the_keep_originals_setting_read_the_model(isolated_home):
    from jjj_brief.imports import keep_originals_setting
    from jjj_brief.search.engine_choice import engine_setting, save_engine_setting

    data = isolated_home / "data"
    assert engine_setting() == "auto" and keep_originals_setting() is True
    write(data, {"search_engine": " Tantivy ", "keep_import_originals": False})
    assert engine_setting() == "tantivy" and keep_originals_setting() is False
    save_engine_setting("whoosh")
    assert engine_setting() == "whoosh" and keep_originals_setting() is False  # the other key kept


def test_the_engine_setting_is_what_the_model_reads_without_loading_it(isolated_home, monkeypatch):
    """engine_setting reads a file as save_settings writes it (the app saves every
    setting, so search_engine is there) without the model; any other readable file goes
    to the model. Either way the answer is the model's."""
    import os
    import typing

    from jjj_brief import settings
    from jjj_brief.search.engine_choice import ENGINE_SETTINGS, engine_setting

    assert set(typing.get_args(settings.EngineSetting)) == set(ENGINE_SETTINGS)
    data = isolated_home / "data"
    path = data / settings.SETTINGS_FILE
    cases = [  # (what the file says, whether the model is needed to read it)
        *(({"search_engine": name}, False) for name in ENGINE_SETTINGS),
        (Settings(search_engine="whoosh").as_json(), False),  # as the app saves it
        ({"search_engine": "whoosh", "last_offset": -4, "resume": "no"}, False),  # other keys wrong
        ({"search_engine": " Tantivy "}, True),
        ({"search_engine": "lucene"}, True),
        ({"search_engine": 3}, True),
        (["search_engine", "tantivy"], False),  # not an object: the model's defaults
        ('{"search_engine": "tantivy",', False),  # not JSON: the model's defaults
        ({"search_engine": "tantivy", "theme": "x" * settings.MAX_BYTES}, False),  # too large: not read
    ]
    real = settings.load_settings
    loaded: list[object] = []
    monkeypatch.setattr(settings, "load_settings", lambda folder=None: loaded.append(folder) or real(folder))
    for case, model_needed in cases:
        data.mkdir(parents=True, exist_ok=True)
        path.write_text(case if isinstance(case, str) else json.dumps(case), encoding="utf-8")
        expected = real(data).settings.search_engine
        loaded.clear()
        assert engine_setting() == expected, case
        assert bool(loaded) == model_needed, case
    path.unlink()
    os.mkfifo(path)  # not a regular file: never opened (opening a FIFO blocks)
    assert engine_setting() == real(data).settings.search_engine == "auto"


def test_the_plain_settings_and_the_model_have_the_same_keys_and_defaults():
    plain = {f.name: f for f in dataclasses.fields(Settings) if f.name != "unknown"}
    assert list(plain) == list(SettingsModel.model_fields)
    assert Settings().as_json() == SettingsModel().model_dump(mode="json")


_TEXT = st.text(alphabet=st.characters(codec=None), max_size=12) | st.sampled_from(
    ["", " ", "auto", " Tantivy ", "WHOOSH", "lucene", "nord", "\x1b]2;x\x07", "\ud800", "x" * 1200]
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=8,
)
_TYPICAL = {  # values of each key's own type, mixed with wild JSON below
    "resume": st.booleans() | st.integers(-1, 2),
    "last_article": _TEXT | st.none(),
    "last_offset": st.integers(-3, 3) | st.integers(0, 2**70) | st.none() | st.booleans(),
    "theme": _TEXT | st.none(),
    "query_history": st.lists(_TEXT | st.integers(), max_size=60),
    "keep_import_originals": st.booleans() | st.integers(0, 1),
    "search_engine": _TEXT,
    "database_url": _TEXT | st.none(),
    "database_replica_url": _TEXT | st.none(),
}
_ONE_KEY = st.sampled_from([*_TYPICAL, "future_option"]).flatmap(
    lambda key: st.fixed_dictionaries({key: _TYPICAL.get(key, _JSON) | _JSON})
)
_RAW = _ONE_KEY | st.fixed_dictionaries(
    {},
    optional={
        **{key: st.one_of(values, values, _JSON) for key, values in _TYPICAL.items()},
        **{key: _JSON for key in ("future_option", "unknown", "_private", "model_config", "copy", "a b")},
    },
)


@settings(max_examples=500, deadline=None)
@given(raw=_RAW)
def test_what_is_read_without_the_model_is_what_the_model_reads(tmp_path_factory, raw):
    """Whenever plain_settings answers, the model reads the same values (and what is written
    back is the same) with nothing to report: the model is needed only where it says so."""
    plain = plain_settings(raw)
    if plain is None:
        return
    path = tmp_path_factory.mktemp("s") / "settings.json"
    values, problems = validated(raw, path)
    assert problems == []
    assert plain.as_json() == values
    assert json.dumps(plain.as_json()) == json.dumps(SettingsModel.model_validate(raw).model_dump(mode="json"))


def test_a_file_as_the_app_writes_it_is_read_without_the_model(tmp_path):
    """The app's first paint reads settings.json without importing pydantic (~0.15 s)."""
    written = Settings(last_article="liaowang-2024", last_offset=120, theme="nord", query_history=["Xiongan"])
    written.unknown["future_option"] = {"a": [1, 2.5]}
    save_settings(written, tmp_path)
    program = (
        "import sys; from pathlib import Path; from jjj_brief.settings import load_settings; "
        f"read = load_settings(Path({str(tmp_path)!r})); "
        "print(read.settings.theme, read.settings.last_offset, read.problems, "
        "sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic' or m == 'jjj_brief.settings.model'))"
    )
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["nord", "120", "[]", "[]"]
    assert load_settings(tmp_path).settings == written


def test_a_value_of_another_type_still_goes_to_the_model_and_is_named(tmp_path):
    write(tmp_path, {"resume": "no", "last_offset": "12", "theme": 7, "future_option": float("nan")})
    read = load_settings(tmp_path)
    assert plain_settings(json.loads((tmp_path / "settings.json").read_text())) is None
    assert read.settings.resume is False and read.settings.last_offset == 12  # the model's lax reading
    assert read.settings.theme is None
    assert read.problems == [f"{tmp_path / 'settings.json'}: theme: must be a string; the default is used"]
