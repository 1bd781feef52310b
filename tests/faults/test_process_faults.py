"""Item 5 — kill -9 at random moments during `jjj-brief import` of 200 files and during a
first-run index build. Afterwards every imported file is fully present (byte-exact, and
searchable) or absent — never half — and the next run recovers by itself."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from fault_tools import SCALE, cli_argv, cli_env, record

from jjj_brief import imports, paths
from jjj_brief.commands.libraries import default_library
from jjj_brief.search import search

N_FILES = 200
STORE_POLL = 0.003  # seconds between looks at the store while an import runs
WRITING_SHOTS = 5  # tries at a kill while an import writes, when the import outran the watcher


def _write_docs(folder: Path) -> dict[str, str]:
    folder.mkdir()
    texts = {}
    for i in range(N_FILES):
        text = f"killqx{i} opens this note on Beijing.\n\nIt has a second paragraph about Tianjin {i}.\n" * 8
        (folder / f"doc{i:03}.txt").write_text(text, encoding="utf-8")
        texts[f"doc{i:03}.txt"] = text
    return texts


def _stored() -> dict[str, str]:
    """file name -> stored text, for every import the store holds; fails on a half file."""
    out = {}
    folder = imports.imports_dir()
    if not folder.is_dir():
        return out
    for path in folder.glob("*.txt"):
        if path.name.startswith("."):
            continue  # an interrupted atomic write's temporary: never read as an import
        meta, text = imports._read_stored(path)  # raises on a torn file
        out[meta["file"]] = text
    return out


def _import_progress() -> tuple[int, int]:
    """(files stored, temporary files written and not yet renamed into place) in the store."""
    folder = imports.imports_dir()
    if not folder.is_dir():
        return 0, 0
    names = [path.name for path in folder.iterdir()]
    stored = sum(1 for name in names if name.endswith(".txt") and not name.startswith("."))
    pending = sum(1 for name in names if name.startswith(".") and name.endswith(".tmp") and ".txt." in name)
    return stored, pending


def _kill_when(argv, env, ready, extra: float) -> int | None:
    """Run ``argv`` and kill -9 it ``extra`` seconds after ``ready()`` holds: mid-import by
    construction (kills drawn from a time span landed after the import had finished in
    almost every round). Its exit status if it finished first, else None."""
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        while not ready():
            if proc.poll() is not None:
                return proc.returncode
            time.sleep(STORE_POLL)
        try:
            proc.wait(timeout=extra)
            return proc.returncode
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return None
    finally:
        if proc.stderr:
            proc.stderr.close()


def _kill_at_random(argv, env, delay: float) -> int | None:
    return _kill_when(argv, env, lambda: True, delay)


@pytest.mark.slow
@pytest.mark.parametrize("store", ["emptied before each kill", "kept between kills"])
def test_kill_9_during_import_never_leaves_half_a_file(tmp_path, in_home, store, home_with_seed_index):
    """Two halves (xdist runs them side by side): kills into an empty store, and kills
    into a store that keeps what the killed imports left (the index then holds imports
    that are gone, or lacks ones that arrived).

    The home starts with the shipped corpus indexed (a copy of the run's one build). Each kill
    waits for a point in the import (a number of files written, the renames begun), not a
    time: kills drawn from a calibrated span landed after the import had finished in all but
    3 of 60 rounds."""
    home = in_home(home_with_seed_index("kill-import-home"))
    texts = _write_docs(tmp_path / "docs")
    env = cli_env(JJJ_BRIEF_HOME=str(home))
    fresh = store.startswith("emptied")
    rng = random.Random(5 if fresh else 6)
    kills = faults = lost = 0
    worst = 0.0
    # One whole import first: the index then holds all of them (an emptied store leaves it
    # holding imports that are gone).
    subprocess.run(cli_argv("import", str(tmp_path / "docs")), env=env, capture_output=True, timeout=300, check=True)
    rounds = 5 * SCALE
    writing_kills = writing_rounds = 0
    missed = 0
    for round_ in range(rounds):
        for shot in range(WRITING_SHOTS):
            # A writing round's import that finished before its kill (a loaded machine: the
            # watcher did not run in time) is shot again, from an empty store.
            if fresh or round_ == 0 or shot:
                shutil.rmtree(imports.imports_dir(), ignore_errors=True)
            have, stale = _import_progress()  # stale: temporaries a killed run left (a kept store)
            # A batch this size is written as temporary files, then renamed into place at once,
            # then indexed. Even rounds kill while the temporaries are written (after a random
            # number of them), odd ones once the renames have begun (in them or in the indexing).
            writing = round_ % 2 == 0 and N_FILES - have >= 2
            if writing:
                k = stale + rng.randint(1, N_FILES - have - 1)
                ready = lambda k=k: _import_progress()[1] >= k  # noqa: E731
            else:
                ready = lambda have=have: _import_progress()[0] > have or have == N_FILES  # noqa: E731
            status = _kill_when(cli_argv("import", str(tmp_path / "docs")), env, ready, rng.uniform(0, 0.01))
            if not writing or status is None:
                break
            missed += 1
        kills += status is None
        writing_rounds += writing
        writing_kills += writing and status is None
        faults += 1
        stored = _stored()
        for name, text in stored.items():
            if texts[name] != text:
                lost += 1
        # searchable or absent: sample present and absent markers (the index catches up itself)
        present = [int(n[3:6]) for n in stored]
        absent = [i for i in range(N_FILES) if i not in present]
        for i in rng.sample(present, min(6, len(present))):
            started = time.perf_counter()
            result = search(f"killqx{i}", library=default_library())
            worst = max(worst, time.perf_counter() - started)
            if [h.file for h in result.hits] != [f"doc{i:03}.txt"]:
                lost += 1
        for i in rng.sample(absent, min(3, len(absent))):
            assert search(f"killqx{i}", library=default_library()).total == 0, f"doc{i:03} is gone but still found"
    # the next run recovers by itself: everything imported, exactly once, searchable
    done = subprocess.run(
        cli_argv("import", "--json", str(tmp_path / "docs")), env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-1000:]
    stored = _stored()
    assert sorted(stored) == sorted(texts) and all(stored[n] == texts[n] for n in texts)
    assert len(list(imports.imports_dir().glob("*.txt"))) == N_FILES  # no duplicates
    for i in range(0, N_FILES, 7):
        assert [h.file for h in search(f"killqx{i}", library=default_library()).hits] == [f"doc{i:03}.txt"]
    assert lost == 0
    assert writing_kills == writing_rounds, (
        f"{writing_kills} of {writing_rounds} imports killed while writing ({missed} shots finished first)"
    )
    record(
        "process faults: kill -9",
        attacks=faults,
        faults=kills,
        lost=lost,
        worst_query_s=worst,
        note=f"import of {N_FILES} files, store {store}; {kills} of {rounds} runs killed before they finished",
    )


@pytest.mark.slow
def test_kill_9_during_first_run_index_build_recovers_next_run(tmp_path, in_home, home_with_seed_index):
    """Three kills at random moments of a first-run build (``JJJ_FAULT_SCALE`` multiplies them);
    tests/test_search_kill.py kills four more ``index --rebuild`` runs.

    The reference answer comes from a home holding a copy of the run's one build of the shipped
    corpus (the search used to build it first); the cache is then removed, so the calibration
    run and every killed run are first runs as before."""
    home = in_home(home_with_seed_index("first-run-home"))
    env = cli_env(JJJ_BRIEF_HOME=str(home))
    reference = subprocess.run(
        cli_argv("search", "Caofeidian", "--json"), env=env, capture_output=True, text=True, timeout=120
    )
    want = __import__("json").loads(reference.stdout)["total"]
    rng = random.Random(11)
    kills = faults = lost = 0
    shutil.rmtree(paths.cache_dir(), ignore_errors=True)
    started = time.monotonic()
    subprocess.run(cli_argv("index"), env=env, capture_output=True, timeout=300, check=True)
    span = time.monotonic() - started  # a whole first run: start-up, then the build
    for _ in range(3 * SCALE):
        shutil.rmtree(paths.cache_dir(), ignore_errors=True)
        argv = cli_argv("index", "--rebuild") if rng.random() < 0.3 else cli_argv("index")
        status = _kill_at_random(argv, env, rng.uniform(0.3, 0.95) * span)
        kills += status is None
        faults += 1
        result = search("Caofeidian", limit=100, library=default_library())  # this process's next use recovers
        if result.total != want:
            lost += 1
        root = paths.cache_dir() / "search"
        live = (root / "CURRENT").read_text().strip()
        assert (root / live).is_dir()
    # a later build cleans what the killed ones left behind
    done = subprocess.run(cli_argv("index", "--rebuild"), env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    leftovers = [p.name for p in (paths.cache_dir() / "search").iterdir() if p.name.startswith(".tmp-")]
    assert not leftovers
    assert lost == 0
    record("process faults: kill -9", attacks=faults, faults=kills, lost=lost, note="first-run index build")
