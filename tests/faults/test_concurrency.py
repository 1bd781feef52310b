"""Item 6 — concurrency: a burst of 20 CLI searches while an import of 200 files runs; two
imports of the same files at once; two app instances starting on an empty cache. Every
process succeeds or waits with a message; no lock error reaches the user as a traceback."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from pathlib import Path

import pytest
from fault_tools import SCALE, cli_argv, cli_env, hostile_bytes_in, record, run_in_pty

from jjj_brief import imports
from jjj_brief.commands.libraries import default_library
from jjj_brief.search import search


def _docs(folder: Path, count: int, tag: str) -> None:
    folder.mkdir()
    for i in range(count):
        (folder / f"{tag}{i:03}.txt").write_text(f"{tag}qx{i} about Beijing and Hebei\n" * 10, encoding="utf-8")


@pytest.mark.slow
def test_twenty_searches_during_an_import_all_answer(tmp_path, in_home, home_with_seed_index):
    # The home starts indexed, as `jjj-brief index` would leave it: a copy of the run's one build.
    home = in_home(home_with_seed_index("burst-home"))
    _docs(tmp_path / "docs", 200, "burst")
    env = cli_env(JJJ_BRIEF_HOME=str(home))
    importer = subprocess.Popen(
        cli_argv("import", "--json", str(tmp_path / "docs")),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # The searches start once the import holds its lock (it has begun storing), not after a guess.
    lock = imports.imports_dir() / ".import.lock"
    deadline = time.monotonic() + 120
    while not lock.exists() and importer.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    searches = []
    for i in range(20 * SCALE):
        query = ["Caofeidian", f"burstqx{i * 9}", "Beijing Hebei"][i % 3]
        searches.append(
            subprocess.Popen(
                cli_argv("search", query, "--json"), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
        )
    problems, worst = [], 0.0
    started = time.monotonic()
    for proc in searches:
        out, err = proc.communicate(timeout=180)
        worst = max(worst, time.monotonic() - started)
        if "Traceback" in err or proc.returncode not in (0, 1):
            problems.append(err[-800:])
        elif proc.returncode == 0:
            json.loads(out)
        elif not err.strip():
            problems.append("exit 1 without a message")
    out, err = importer.communicate(timeout=180)
    assert importer.returncode == 0 and "Traceback" not in err, err[-1500:]
    assert not problems, problems[:3]
    assert len(list(imports.imports_dir().glob("*.txt"))) == 200
    assert all(search(f"burstqx{i}", library=default_library()).total == 1 for i in range(0, 200, 17))
    record(
        "concurrency",
        attacks=len(searches) + 1,
        faults=len(searches),
        note=f"{len(searches)} CLI searches during an import of 200 files; slowest answered after {worst:.1f} s",
    )


def test_two_imports_of_the_same_files_store_each_once(tmp_path, in_home, home_with_seed_index):
    # The home starts indexed (a copy of the run's one build): both imports then add what they
    # stored to one existing index at once, instead of racing to build it from scratch.
    home = in_home(home_with_seed_index("twin-home"))
    _docs(tmp_path / "docs", 50, "twin")
    env = cli_env(JJJ_BRIEF_HOME=str(home))
    procs = [
        subprocess.Popen(
            cli_argv("import", "--json", str(tmp_path / "docs")),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0 and "Traceback" not in err, err[-1500:]
        results.append(json.loads(out)["results"])
    assert len(list(imports.imports_dir().glob("*.txt"))) == 50
    statuses = sorted(r["status"] for batch in results for r in batch)
    assert statuses.count("imported") == 50 and statuses.count("unchanged") == 50
    assert all(search(f"twinqx{i}", library=default_library()).total == 1 for i in range(0, 50, 7))
    record("concurrency", attacks=2, faults=1, note="two imports of the same 50 files at once")


@pytest.mark.slow
def test_two_app_instances_on_an_empty_cache(tmp_path):
    """Both start at once (both want to build the index), both search, both quit cleanly."""
    env = cli_env(JJJ_BRIEF_HOME=str(tmp_path / "home"), TERM="xterm-256color")
    keys = [(b"jjj-brief", b""), (1.5, b"/"), (0.3, b"Caofeidian"), (b"Caofeidian", b""), (1.5, b"\x11")]
    runs: list = [None, None]

    def run(slot: int) -> None:
        runs[slot] = run_in_pty(cli_argv(), env=env, cols=120, rows=36, keys=keys, timeout=180)

    threads = [threading.Thread(target=run, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in runs:
        assert result.status == 0, result.output[-1500:]
        assert b"Traceback" not in result.output and b"LockError" not in result.output
        assert not hostile_bytes_in(result.output)
        assert result.output.count(b"Caofeidian") >= 2  # typed, and found
    record("concurrency", attacks=2, faults=1, note="two app instances building the index at once")
