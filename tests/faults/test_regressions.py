"""Regression tests for faults the suite found, each small and direct (the attack that found
it lives in the category's module)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fault_tools import Cost
from hypothesis import given, settings
from hypothesis import strategies as st

from jjj_brief import imports
from jjj_brief.commands.libraries import default_library
from jjj_brief.search.api import make_snippet
from jjj_brief.search.concepts import densest_window


def _brute_force_window(text, spans, width):
    best_start, best_count = spans[0][0], -1
    for anchor, _ in spans:
        start = max(0, anchor - width // 4)
        covered = {text[s:e].casefold() for s, e in spans if s >= start and e <= start + width}
        if len(covered) > best_count:
            best_start, best_count = start, len(covered)
    return best_start


@st.composite
def text_and_spans(draw):
    words = draw(st.lists(st.sampled_from(["ab", "Ab", "c", "dd", "xyz", "q"]), min_size=1, max_size=60))
    gaps = draw(st.lists(st.integers(1, 9), min_size=len(words), max_size=len(words)))
    text, spans = "", []
    for word, gap in zip(words, gaps):
        text += " " * gap
        spans.append((len(text), len(text) + len(word)))
        text += word
    return text, spans


@settings(max_examples=200, deadline=None)
@given(text_and_spans(), st.integers(4, 80))
def test_snippet_window_is_the_one_the_definition_gives(case, width):
    text, spans = case
    assert densest_window(text, spans, width) == _brute_force_window(text, spans, width)


def test_snippet_of_a_passage_with_millions_of_matches_is_fast():
    """Fault: one 10 MB imported line made a search hang (>10 min, quadratic window scan)."""
    huge = "word " * 2_000_000 + "rare"
    with Cost() as cost:
        start, end, spans = make_snippet(huge, {("word",)})
    assert cost.within(2.0), (cost.cpu, cost.wall)
    assert end - start <= 220 and spans
    with Cost() as cost:
        make_snippet("x" * 5_000_000, {("x",)})  # one 5 MB token: chunking must still end
    assert cost.within(2.0), (cost.cpu, cost.wall)


def test_utf16_file_is_refused_as_utf16_not_as_binary(tmp_path):
    """Fault: a UTF-16 text file was refused as "not a text file (contains NUL bytes)"."""
    path = tmp_path / "note.txt"
    path.write_text("hello", encoding="utf-16")
    (outcome,) = imports.add_files([str(path)])
    assert outcome.status == "refused" and "UTF-16" in outcome.message and "UTF-8" in outcome.message


def test_front_matter_note_names_its_file(tmp_path):
    """Fault: "front matter is not valid YAML" was printed without saying which file."""
    path = tmp_path / "broken-front.md"
    path.write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")
    (outcome,) = imports.add_files([str(path)])
    assert outcome.status == "imported" and "broken-front.md" in outcome.message


def test_option_like_file_name_gets_a_hint(tmp_path, monkeypatch, capsys):
    """Fault: `jjj-brief import --help.txt` said only "unrecognized arguments"."""
    from jjj_brief.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "--notes.md").write_text("x\n", encoding="utf-8")
    assert main(["import", "--notes.md"]) == 1
    assert "./--notes.md" in capsys.readouterr().err


def test_narrow_terminal_encoding_never_gives_a_traceback():
    """Fault: with a Latin-1/ASCII output encoding, printing ’ (in most articles) raised
    UnicodeEncodeError with a traceback, for tables and for --json."""
    import json

    from fault_tools import cli_env, run_cli

    for encoding in ("ascii", "latin-1"):
        env = cli_env(PYTHONIOENCODING=encoding)
        table = run_cli("search", "Xiong’an", "--limit", "3", env=env, encoding=encoding)
        assert table.returncode == 0 and "Traceback" not in table.stderr, table.stderr[-500:]
        data = run_cli("search", "Xiong’an", "--limit", "3", "--json", env=env, encoding=encoding)
        assert data.returncode == 0, data.stderr[-500:]
        assert json.loads(data.stdout)["query"] == "Xiong’an"  # escaped, exact


def test_undecodable_query_bytes_search_normally_and_print_safely():
    """Fault: a query holding bytes that are not UTF-8 (``jjj-brief search $'\\x9b'``) became
    lone surrogates: whoosh raised on them, so search() reported "search failed" AND rebuilt
    the whole index on every such query; the CLI wrote them back raw (0x9b is an 8-bit CSI)
    and --json output was not valid UTF-8."""
    from jjj_brief import paths
    from jjj_brief.output import to_json
    from jjj_brief.safety import display_safe
    from jjj_brief.search import ensure_index, search

    ensure_index(library=default_library())
    current = (paths.cache_dir() / "search" / "CURRENT").read_text()
    result = search("beijing \udc9b\udcff", library=default_library())
    now = (paths.cache_dir() / "search" / "CURRENT").read_text()
    assert result.total > 0 and result.message is None, (result, "rebuilt" if now != current else "")
    assert now == current  # no rebuild
    assert display_safe("a\udc9b2J") == "a 2J"
    to_json({"query": "\udcff\udc9b"}).encode("utf-8")  # strict: raises if a surrogate is left raw


@pytest.mark.parametrize(
    ("stall", "cpu_limit", "wall_limit", "cut"),
    [
        ("sleep", 0.2, 10.0, False),  # the process waits (a busy machine): the whole answer
        ("burn", 0.2, 10.0, True),  # the search itself works past its CPU limit: cut
        ("sleep", 10.0, 0.2, True),  # a wait past the wall limit: cut
    ],
)
def test_a_busy_machine_slows_a_search_but_does_not_change_its_answer(monkeypatch, stall, cpu_limit, wall_limit, cut):
    """Fault: the query time limit was wall time (Whoosh's timer thread), so under
    ``stress --cpu 2`` a garbage collection or a starved slice inside the collecting loop
    (measured: gen-2 collections of 1.8-2.8 s wall, 0.5-0.9 s CPU, in test workers) cut a
    search for "beijing" to no hits. The limit is now the search's own CPU; wall time only
    backstops it. Here the first collected document waits (sleep) or works (burn) 0.4 s."""
    import gc
    import time

    from whoosh import collectors

    from jjj_brief.search import query, search
    from jjj_brief.search.query import time_limit_message

    monkeypatch.setenv("JJJ_BRIEF_SEARCH_ENGINE", "whoosh")
    whole = search("beijing", limit=50, library=default_library())
    assert whole.total > 10 and whole.message is None
    real_collect, stalled = collectors.ScoredCollector.collect, []

    def collect_after_a_stall(self, docnum):
        if not stalled:
            stalled.append(docnum)
            if stall == "sleep":
                time.sleep(0.4)
            else:
                until = time.thread_time() + 0.4
                while time.thread_time() < until:
                    pass
        return real_collect(self, docnum)

    monkeypatch.setattr(collectors.ScoredCollector, "collect", collect_after_a_stall)
    monkeypatch.setattr(query, "QUERY_TIME_LIMIT_S", cpu_limit)
    monkeypatch.setattr(query, "QUERY_WALL_LIMIT_S", wall_limit)
    gc.disable()  # this test's own CPU stays far below 0.2 s (a search of 5 articles: ~5 ms)
    try:
        answer = search("beijing", limit=50, library=default_library())
    finally:
        gc.enable()
    assert stalled
    if cut:
        assert answer.message and time_limit_message() in answer.message and not answer.total_exact
        assert len(answer.hits) < whole.total
    else:
        assert answer.message is None and answer.total == whole.total
        assert [(h.article, h.start) for h in answer.hits] == [(h.article, h.start) for h in whole.hits]


def test_a_long_running_searcher_sees_removals_and_merges_exactly(tmp_path):
    """Fault: whoosh-reloaded 2.7.5's reader refresh keeps every old segment that is not in
    the new generation, so a refreshed searcher (the app, between imports) still found
    removed imports, and after whoosh merged segments it found documents twice."""
    from jjj_brief.search import ensure_index, search

    ensure_index(library=default_library())
    names = []
    for i in range(12):  # one import per commit: many small segments, merged along the way
        path = tmp_path / f"seg{i}.txt"
        path.write_text(f"segqx{i} segcommonqx note {i}\n", encoding="utf-8")
        (outcome,) = imports.add_files([str(path)])
        names.append(outcome.id)
        result = search("segcommonqx", limit=50, library=default_library())
        assert sorted(h.file for h in result.hits) == sorted(f"seg{j}.txt" for j in range(i + 1))
    imports.remove(names[3])
    assert search("segqx3", library=default_library()).total == 0
    assert search("segcommonqx", limit=50, library=default_library()).total == 11


@pytest.mark.fresh_index
def test_full_disk_while_indexing_searches_from_memory(monkeypatch, tmp_path):
    """Fault: ENOSPC while writing the index gave a traceback from `import` and
    "search failed: OSError" (no results at all) from every search."""
    import errno

    from whoosh.filedb.filestore import FileStorage

    from jjj_brief.search import ensure_index, index, search

    real = index.build_generation

    def full_disk(storage, *args, **kwargs):
        if isinstance(storage, FileStorage):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(storage, *args, **kwargs)

    monkeypatch.setattr(index, "build_generation", full_disk)
    status = ensure_index(library=default_library())
    assert status.action == "memory"
    assert search("Caofeidian", library=default_library()).total > 0


def test_full_disk_while_storing_an_import_refuses_that_file_only(monkeypatch, tmp_path):
    """Fault: ENOSPC while storing an import escaped as a traceback and lost the batch."""
    import errno

    from jjj_brief import paths

    real = paths.atomic_write
    calls = []

    def fills_up(path, data, **kwargs):
        if Path(path).parent == imports.imports_dir():  # the store itself (not a kept original)
            calls.append(path)
            if len(calls) == 2:
                raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data, **kwargs)

    monkeypatch.setattr(paths, "atomic_write", fills_up)
    sources = []
    for i in range(3):
        sources.append(tmp_path / f"f{i}.txt")
        sources[-1].write_text(f"fullqx{i}\n", encoding="utf-8")
    outcomes = imports.add_files([str(p) for p in sources])
    assert [o.status for o in outcomes] == ["imported", "refused", "imported"]
    assert "No space left" in outcomes[1].message and "f1.txt" in outcomes[1].message
    kept = sorted(p.name for p in (imports.imports_dir() / imports.ORIGINALS).iterdir())
    assert len(kept) == 2  # the refused file's original bytes are not left behind


def test_one_yaml_alias_costs_its_item_not_the_whole_file(tmp_path):
    """Fault: one alias anywhere in a briefing file (e.g. a copied item) dropped the WHOLE
    file — every valid topic or fact in it vanished from the app."""
    from jjj_brief.briefings import load_briefings

    (tmp_path / "g.yaml").write_text(
        "glossary:\n"
        "  - {id: one, term: One, kind: concept, aliases: &al [Uno], gloss: first}\n"
        "  - {id: two, term: Two, kind: concept, aliases: *al, gloss: second}\n"
        "  - {id: three, term: Three, kind: concept, gloss: third}\n",
        encoding="utf-8",
    )
    briefings = load_briefings(tmp_path)
    assert [g.id for g in briefings.glossary] == ["one", "three"]
    assert any(p.path == "glossary[1].aliases" and p.line == 3 for p in briefings.problems)


def test_import_without_a_writable_data_folder_says_one_true_line(tmp_path, monkeypatch, capsys):
    """Fault: `import` with an unwritable data folder printed the refusal AND a note that
    it was "working in memory for this run" — which an import cannot do."""
    from jjj_brief.cli import main

    home = tmp_path / "home-is-a-file"
    home.write_text("x", encoding="utf-8")
    monkeypatch.setenv("JJJ_BRIEF_HOME", str(home))
    note = tmp_path / "n.txt"
    note.write_text("n\n", encoding="utf-8")
    assert main(["import", str(note)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot write" in err[0] and "in memory" not in err[0]


def test_concurrent_catch_up_indexes_each_import_once(tmp_path):
    """Fault: processes that found the same imports missing from the index each added
    them after waiting for the writer lock: 20 searches during an import indexed every
    imported document 19 times (each hit shown 19 times)."""
    import subprocess

    from fault_tools import cli_argv, cli_env

    from jjj_brief.search import ensure_index, search

    ensure_index(library=default_library())
    for i in range(40):
        path = tmp_path / f"race{i}.txt"
        path.write_text(f"raceqx{i} a document\n" * 30, encoding="utf-8")
    imports.add_files([str(tmp_path / f"race{i}.txt") for i in range(40)])  # stored, not indexed yet
    procs = [
        subprocess.Popen(
            cli_argv("search", "raceqx1"), env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        for _ in range(6)
    ]
    for proc in procs:
        proc.communicate(timeout=120)
    for i in (0, 1, 17, 39):
        assert search(f"raceqx{i}", library=default_library()).total == 1


def test_two_in_memory_index_builds_at_once_do_not_collide():
    """Fault: whoosh-reloaded's RamStorage keeps its scratch files in /tmp/MAIN.tmp, the
    same path for every process: in-memory builds in two processes at once (two apps on a
    read-only home) destroyed each other's files — FileNotFoundError / "seek of closed file"
    tracebacks (3 of 4 processes failed before the fix).

    Two processes of three builds each: with the fix reverted (PrivateRamStorage.temp_storage
    back to RamStorage's), one of the two failed in each of 14 of 14 rounds at load ~5.6; four
    processes cost about twice the CPU for no bug this does not catch."""
    import subprocess
    import sys

    from fault_tools import cli_env

    script = (
        "from jjj_brief.search import index\n"
        "from jjj_brief.search.whoosh_engine import PrivateRamStorage\n"
        "from jjj_brief.paths import StorageWarnings\n"
        "s = index.collect_sources(warnings=StorageWarnings())\n"
        "for _ in range(3):\n"
        "    index.build_generation(PrivateRamStorage(), index.all_documents(s))\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script], env=cli_env(), stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    errors = [err for proc in procs for err in [proc.communicate(timeout=120)[1]] if proc.returncode != 0]
    assert not errors, errors[0][-800:]


def test_in_memory_index_builds_leave_no_scratch_folders(tmp_path):
    """Fault: Whoosh never removes the scratch folder a segment's column writer asks its
    storage for, so each in-memory build (every app on a read-only home) left an empty
    ``jjj-brief-index-*`` folder in the temporary folder: 1,021 of them on this machine.
    One build is dropped in the process, one is still open at exit; neither may leave one."""
    import subprocess
    import sys

    from fault_tools import cli_env

    script = (
        "import gc\n"
        "from jjj_brief.search import index\n"
        "from jjj_brief.search.whoosh_engine import PrivateRamStorage\n"
        "from jjj_brief.paths import StorageWarnings\n"
        "s = index.collect_sources(warnings=StorageWarnings())\n"
        "index.build_generation(PrivateRamStorage(), index.all_documents(s))\n"
        "gc.collect()\n"
        "kept = PrivateRamStorage()\n"
        "index.build_generation(kept, index.all_documents(s))\n"
    )
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**cli_env(), "TMPDIR": str(scratch)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-800:]
    assert sorted(p.name for p in scratch.iterdir()) == []
