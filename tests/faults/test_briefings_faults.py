"""Item 3 — broken briefings: the shipped YAML, mutated by hypothesis (types swapped,
fields dropped, ids duplicated, hostile strings, truncation, anchors and aliases), loaded
from a temp dir. Must hold: no exception; every problem names its file (and the field,
for item-level damage); every item the mutation did not touch still loads; memory and
time bounded (a billion-laughs document included); `jjj-brief check --dir` exits 1 with
a message, never a traceback."""

from __future__ import annotations

import copy
import functools
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from fault_payloads import TERMINAL_ATTACKS
from fault_tools import SCALE, Cost, record
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jjj_brief import paths
from jjj_brief.briefings import load_briefings
from jjj_brief.cli import main

SECTIONS = ("topics", "facts", "glossary", "timeline")
SHIPPED = paths.briefings_dir()
FILES = sorted(p.relative_to(SHIPPED) for p in SHIPPED.rglob("*.yaml"))
BASELINE = load_briefings(SHIPPED)
_COUNT = {"attacks": 0}


def counts(briefings) -> dict[str, int]:
    return {section: len(getattr(briefings, section)) for section in SECTIONS}


def copy_with(tmp: Path, rel: Path, text: str) -> Path:
    target = tmp / "briefings"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(SHIPPED, target, ignore=shutil.ignore_patterns("*.md"))
    (target / rel).write_text(text, encoding="utf-8")
    return target


odd_value = st.one_of(
    st.none(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.sampled_from(list(TERMINAL_ATTACKS.values())),
    st.text(max_size=40),
    st.just(""),
    st.just("x" * 100_000),
)


@functools.cache
def _shipped_data(rel: Path):
    """A shipped file's YAML, parsed once: each example mutates its own deep copy (PyYAML's
    pure-Python safe_load of the same file was most of the strategy's cost)."""
    return yaml.safe_load((SHIPPED / rel).read_text(encoding="utf-8"))


@st.composite
def structural_mutation(draw):
    rel = draw(st.sampled_from(FILES))
    data = copy.deepcopy(_shipped_data(rel))
    section = next(s for s in SECTIONS if isinstance(data, dict) and s in data)
    items = data[section]
    k = draw(st.integers(0, len(items) - 1))
    item = items[k]
    kind = draw(st.sampled_from(["drop", "retype", "duplicate", "hostile-id", "extra", "not-a-mapping", "nest"]))
    if kind == "drop" and item:
        del item[draw(st.sampled_from(sorted(item)))]
    elif kind == "retype" and item:
        item[draw(st.sampled_from(sorted(item)))] = draw(odd_value)
    elif kind == "duplicate":
        items.insert(k, dict(item))
    elif kind == "hostile-id":
        item["id"] = draw(st.sampled_from(list(TERMINAL_ATTACKS.values())))
    elif kind == "extra":
        item[draw(st.text(min_size=1, max_size=8))] = draw(odd_value)
    elif kind == "not-a-mapping":
        items[k] = draw(odd_value)
    elif kind == "nest" and item:
        field = draw(st.sampled_from(sorted(item)))
        item[field] = [[item[field]]]
    return rel, section, kind, yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@settings(max_examples=40 * SCALE, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=structural_mutation())
def test_structural_damage_costs_at_most_the_item_it_touched(case, tmp_path_factory):
    rel, section, kind, text = case
    folder = copy_with(tmp_path_factory.mktemp("brief"), rel, text)
    loaded = load_briefings(folder)
    _COUNT["attacks"] += 1
    want, got = counts(BASELINE), counts(loaded)
    for other in SECTIONS:
        if other != section:
            assert got[other] == want[other], (other, kind)
    assert got[section] >= want[section] - 1, (section, kind)
    for problem in loaded.problems:
        assert problem.file and str(rel.name) in problem.file, problem
        assert problem.path or problem.line, problem  # names the field, or at least the line


@st.composite
def textual_mutation(draw):
    rel = draw(st.sampled_from(FILES))
    text = (SHIPPED / rel).read_text(encoding="utf-8")
    kind = draw(st.sampled_from(["truncate", "insert", "delete-line", "tab", "alias", "anchor", "tag", "merge"]))
    at = draw(st.integers(0, len(text)))
    if kind == "truncate":
        text = text[:at]
    elif kind == "insert":
        text = text[:at] + draw(st.text(min_size=1, max_size=8)) + text[at:]
    elif kind == "delete-line":
        lines = text.splitlines(keepends=True)
        del lines[draw(st.integers(0, len(lines) - 1))]
        text = "".join(lines)
    elif kind == "tab":
        text = text.replace("\n  ", "\n\t", 1)
    elif kind == "alias":
        text = text.replace(": ", ": &a ", 1).replace("\n", "\n# x\n", 1) + "\nextra: *a\n"
    elif kind == "anchor":
        text = text[:at] + " &anchor " + text[at:]
    elif kind == "tag":
        text = text.replace(": ", ": !!python/object/apply:os.system ['echo pwned'] ", 1)
    elif kind == "merge":
        text = text + "\n<<: *missing\n"
    return rel, kind, text


@settings(max_examples=40 * SCALE, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=textual_mutation())
def test_textual_damage_never_raises_and_names_the_file(case, tmp_path_factory):
    rel, kind, text = case
    folder = copy_with(tmp_path_factory.mktemp("brief"), rel, text)
    with Cost() as cost:
        loaded = load_briefings(folder)
    assert cost.within(5), (cost.cpu, cost.wall)
    _COUNT["attacks"] += 1
    want, got = counts(BASELINE), counts(loaded)
    original = (SHIPPED / rel).read_text(encoding="utf-8")
    untouched = [s for s in SECTIONS if f"{s}:" not in original]  # sections living in other files
    for section in untouched:
        assert got[section] == want[section]
    for problem in loaded.problems:
        assert problem.file, problem


BILLION_LAUGHS = (
    "glossary:\n  - &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(
        f"  - &{b} [*{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}]\n" for a, b in zip("abcdefghi", "bcdefghij")
    )
    + "  - {id: bomb, term: *j}\n"
)


@pytest.mark.parametrize("bomb", ["billion-laughs", "deep-nesting", "huge-file", "many-items"])
def test_bombs_cost_bounded_memory_and_time(bomb, tmp_path):
    folder = copy_with(tmp_path, Path("glossary.yaml"), (SHIPPED / "glossary.yaml").read_text(encoding="utf-8"))
    target = folder / "zz-bomb.yaml"
    if bomb == "billion-laughs":
        target.write_text(BILLION_LAUGHS, encoding="utf-8")
    elif bomb == "deep-nesting":
        target.write_text("topics:\n  - id: deep\n    title: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    elif bomb == "huge-file":
        target.write_text("glossary:\n" + "  - {id: g, term: x}\n" * 300_000, encoding="utf-8")
    else:
        target.write_text(
            "timeline:\n" + "".join(f"  - {{id: e{i}, date: '2024'}}\n" for i in range(5_000)), encoding="utf-8"
        )
    # Measured in a child process: its own peak RSS (VmHWM), without tracemalloc's slowdown.
    # Not getrusage's ru_maxrss: Linux carries that across exec, so the child would report
    # the pytest parent's peak (hundreds of MB late in a full run) whatever the loader does.
    probe = (
        "import json, re, sys, time\n"
        "from jjj_brief.briefings import load_briefings\n"
        "started = time.process_time(); b = load_briefings(sys.argv[1]); took = time.process_time() - started\n"
        "status = open('/proc/self/status').read()\n"
        "peak = int(re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1)) * 1024\n"
        "print(json.dumps([took, peak, len(b.topics), [p.file for p in b.problems]]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe, str(folder)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-1500:]
    took, peak, topics, problem_files = json.loads(proc.stdout)
    assert peak < 300_000_000, peak
    assert took < 10, took
    assert topics == counts(BASELINE)["topics"]
    assert any("zz-bomb.yaml" in name for name in problem_files)
    record("broken briefings", attacks=1, faults=1, note=f"{bomb}: peak RSS {peak / 1e6:.0f} MB, {took:.2f} s")


def test_check_on_a_broken_set_reports_not_crashes(tmp_path, capsys):
    folder = copy_with(tmp_path, Path("glossary.yaml"), BILLION_LAUGHS)
    (folder / "topics.yaml").write_text(
        (SHIPPED / "topics.yaml").read_text(encoding="utf-8")[:2000] + "\n  - [unclosed", encoding="utf-8"
    )
    (folder / "hostile.yaml").write_text(
        'facts:\n  - id: "' + TERMINAL_ATTACKS["osc52_clipboard"].replace("\x1b", "\\e").replace("\x07", "\\a") + '"\n',
        encoding="utf-8",
    )
    code = main(["check", "--dir", str(folder)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "glossary.yaml" in out + err and "topics.yaml" in out + err
    assert "\x1b]52" not in out + err
    record(
        "broken briefings",
        attacks=_COUNT["attacks"] + 1,
        faults=_COUNT["attacks"] + 3,
        note="hypothesis-mutated YAML (structural + textual) and `check --dir` on a broken set",
    )
