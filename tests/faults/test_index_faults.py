"""Item 4 — index faults: every file of the live generation truncated, garbled, zeroed or
deleted; the pointer and side files broken; corruption the fingerprint and manifest
cannot see; a stale lock from a killed writer; the cache deleted while we run. Each time:
detected, rebuilt, searched with the same results — and the user's data untouched."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fault_tools import SCALE, WALL_BACKSTOP_S, Cost, cli_argv, cli_env, record

from jjj_brief import imports, paths
from jjj_brief.commands.libraries import default_library
from jjj_brief.search import api, ensure_index, index, search

QUERIES = ["Caofeidian", "Xiong'an", '"sub-center"', "idxqx", "relieving OR 10,000", "kind:glossary jjj"]


@pytest.fixture
def with_user_data(tmp_path, in_home, home_with_seed_index):
    """A home with imports and a settings file: what must survive every index fault.

    The home starts with the shipped corpus already indexed (a copy of the run's one build,
    tests/conftest.py), as a user's home is once the app has run: the imports below are then
    added to that index, where they used to make ``ensure_index`` build everything from
    scratch in each of these tests (~1 s of CPU each). Every test here damages the index and
    checks that a rebuild gives the answers it had before the damage."""
    in_home(home_with_seed_index("user-home"))
    for i in range(3):
        source = tmp_path / f"mine{i}.txt"
        source.write_text(f"idxqx{i} the user's own note {i}\n", encoding="utf-8")
        imports.add_files([str(source)])
    (paths.data_dir() / "settings.json").write_text('{"resume": true}', encoding="utf-8")
    ensure_index(library=default_library())
    return tmp_path


def data_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(paths.data_dir().rglob("*")):
        if path.is_file() and not path.name.endswith(".lock"):
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def answers() -> list[tuple[int, list[tuple[str, int]]]]:
    out = []
    for query in QUERIES:
        result = search(query, limit=10, library=default_library())
        assert result.message is None or "failed" not in result.message, result.message
        out.append((result.total, [(h.article, h.start) for h in result.hits]))
    return out


def live() -> Path:
    root = paths.cache_dir() / "search"
    return root / (root / "CURRENT").read_text().strip()


def new_process() -> None:
    """What a fresh jjj-brief process would see: nothing opened yet."""
    api.service(library=default_library()).discard()


def damage(path: Path, how: str, rng: random.Random) -> None:
    size = path.stat().st_size
    if how == "truncate":
        with path.open("r+b") as handle:
            handle.truncate(rng.randrange(0, max(1, size)))
    elif how == "garble":
        data = bytearray(path.read_bytes())
        for _ in range(max(1, len(data) // 50)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
        path.write_bytes(bytes(data))
    elif how == "zero":
        path.write_bytes(b"\0" * size)
    elif how == "delete":
        path.unlink()
    elif how == "grow":
        with path.open("ab") as handle:
            handle.write(os.urandom(64))


@pytest.mark.slow
def test_each_index_file_damaged_is_detected_rebuilt_and_data_untouched(with_user_data):
    want = answers()
    data_before = data_fingerprint()
    rng = random.Random(4)
    roles = {  # every kind of file a generation holds (segment names change with each rebuild)
        "segment file": lambda p: p.name.startswith("MAIN_") and not p.name.endswith("WRITELOCK"),
        "table of contents": lambda p: p.suffix == ".toc",
        "manifest": lambda p: p.name == "manifest.json",
        "vocabulary": lambda p: p.name == "vocab.json",
        "writer lock": lambda p: p.name.endswith("WRITELOCK"),
    }
    cases = [(role, how) for role in roles for how in ("truncate", "garble", "zero", "delete", "grow")] * SCALE
    rng.shuffle(cases)
    cases = cases[: 14 * SCALE]
    survived = 0
    for role, how in cases:
        candidates = [p for p in live().iterdir() if p.is_file() and roles[role](p)]
        if not candidates:  # e.g. the writer lock, deleted by an earlier case and not needed since
            continue
        damage(rng.choice(candidates), how, rng)
        new_process()
        got = answers()
        assert got == want, (role, how)
        survived += 1
    assert data_fingerprint() == data_before
    record(
        "index faults",
        attacks=survived,
        faults=survived,
        survived=survived,
        note=f"{len(cases)} of {len(roles)} file kinds x 5 damages",
    )


@pytest.mark.parametrize("pointer", ["", "gen-missing", "../../../etc", "gen-" + "x" * 5000, "\x00\xff\xfe", "tmp"])
def test_a_broken_current_pointer_is_rebuilt(with_user_data, pointer):
    want = answers()
    data_before = data_fingerprint()
    current = paths.cache_dir() / "search" / "CURRENT"
    if pointer == "tmp":
        (current.parent / ".tmp-x").mkdir()
        pointer = ".tmp-x"
    current.write_bytes(pointer.encode("utf-8", "surrogateescape") if isinstance(pointer, str) else pointer)
    new_process()
    assert answers() == want
    assert data_fingerprint() == data_before
    record("index faults", faults=1, note=f"CURRENT = {pointer[:20]!r}")


def test_corruption_the_manifest_cannot_see_still_ends_in_right_answers(with_user_data):
    """Bit rot AND a manifest rewritten to match (the cheap checks pass): a read failure
    must still end in a rebuild, never in wrong or missing results."""
    want = answers()
    rng = random.Random(9)
    attacks = 0
    for _ in range(3 * SCALE):
        folder = live()
        victims = [
            p for p in folder.iterdir() if p.suffix in (".seg", ".toc") or p.name.endswith((".trm", ".pst", ".fdi"))
        ]
        for victim in rng.sample(victims, min(2, len(victims))):
            damage(victim, rng.choice(["garble", "zero", "truncate"]), rng)
        generation = api.service(library=default_library()).generation
        index.write_manifest(folder, generation.base if generation else "", generation.vocab if generation else {})
        new_process()
        got = answers()
        attacks += 1
        assert got == want
    record("index faults", attacks=attacks, faults=attacks, note="corruption behind a matching manifest")


LOCK_HOLDER = r"""
import sys, time
from whoosh.index import open_dir
from jjj_brief.search.index import file_lock
from pathlib import Path
root = Path(sys.argv[1])
with file_lock(root / "build.lock", 5):
    writer = open_dir(sys.argv[2]).writer()
    print("locked", flush=True)
    time.sleep(60)
"""


def test_locks_of_a_killed_writer_do_not_block_anyone(with_user_data, tmp_path, monkeypatch):
    root = paths.cache_dir() / "search"
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(root), str(live())], stdout=subprocess.PIPE, text=True, env=cli_env()
    )
    assert holder.stdout.readline().strip() == "locked"
    holder.kill()  # SIGKILL: no cleanup, lock files left on disk
    holder.wait()
    # A lock honoured after its holder died would be waited on for the whole timeout:
    # timeouts longer than the wall backstop make that a failure however loaded the machine.
    from jjj_brief.search import reconcile, whoosh_engine

    for module, name in (
        (reconcile, "WRITER_LOCK_TIMEOUT"),
        (index, "BUILD_LOCK_TIMEOUT"),
        (whoosh_engine, "WRITER_LOCK_TIMEOUT"),
    ):
        monkeypatch.setattr(module, name, 2 * WALL_BACKSTOP_S)
    source = tmp_path / "after.txt"
    source.write_text("afterkillqx arrives after the writer died\n", encoding="utf-8")
    with Cost() as cost:
        imports.add_files([str(source)])  # needs the whoosh writer lock
        assert search("afterkillqx", library=default_library()).total == 1
        status = ensure_index(rebuild=True, library=default_library())  # needs the build lock
    assert status.action == "rebuilt"
    assert cost.within(10), (cost.cpu, cost.wall)
    record("index faults", faults=2, note="stale build and writer locks of a SIGKILLed process")


def test_cache_deleted_while_running_is_rebuilt_on_next_use(with_user_data):
    want = answers()
    data_before = data_fingerprint()
    shutil.rmtree(paths.cache_dir())  # the app is running; its engine is open
    assert answers() == want
    status = ensure_index(library=default_library())
    assert status.action in ("built", "rebuilt", "reused")
    assert (paths.cache_dir() / "search" / "CURRENT").is_file()
    paths.cache_dir().rename(paths.cache_dir().with_name("moved-away"))
    paths.cache_dir().write_text("now a file", encoding="utf-8")  # and then replaced by a file
    new_process()
    assert answers() == want  # in memory, says so
    assert data_fingerprint() == data_before
    record("index faults", faults=2, note="cache deleted, then replaced by a file, while running")


def test_cache_deleted_under_a_running_cli_search_burst(with_user_data):
    env = cli_env()
    procs = [
        subprocess.Popen(
            cli_argv("search", "Caofeidian", "--json"),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    time.sleep(0.3)
    shutil.rmtree(paths.cache_dir(), ignore_errors=True)
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0 and "Traceback" not in err, err[-1500:]
    record("index faults", attacks=4, faults=1, note="cache removed under 4 running CLI searches")
