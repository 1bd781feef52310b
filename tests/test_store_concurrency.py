"""Several writers at once — processes, threads and the CLI — each write lands, none is refused."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading

from jjj_brief.paths import StorageWarnings
from jjj_brief.store import make_anchor, open_store

TEXT = "The coordinated development of Beijing, Tianjin and Hebei has been developed for 9 years."
WRITER = textwrap.dedent("""
    import sys
    from jjj_brief.paths import StorageWarnings
    from jjj_brief.store import make_anchor, open_store
    with open_store(warnings=StorageWarnings()) as store:
        for i in range(int(sys.argv[2])):
            store.add_note(make_anchor("xinhua-2023-02-25", sys.argv[3], 4, 15), f"{sys.argv[1]} {i}")
            store.save_search(f"{sys.argv[1]} search {i % 3}", "tianjin port", watch=True, seen=[str(i)])
""")


def test_processes_threads_and_cli_writing_at_once(isolated_home):
    import os

    env = dict(os.environ)
    per_writer = 15
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, f"proc{n}", str(per_writer), TEXT],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(3)
    ]
    cli = [
        subprocess.Popen(
            [sys.executable, "-m", "jjj_brief", "note", "xinhua-2023-02-25", "1237", "1325", "--text", f"cli {n}"],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    errors: list[BaseException] = []

    def thread_writer(store, name: str) -> None:
        try:
            for i in range(per_writer):
                store.add_note(make_anchor("xinhua-2023-02-25", TEXT, 4, 15), f"{name} {i}")
        except BaseException as exc:
            errors.append(exc)

    with open_store(warnings=StorageWarnings()) as shared:
        threads = [threading.Thread(target=thread_writer, args=(shared, f"thread{n}")) for n in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    for proc in writers + cli:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0 and "Traceback" not in err, err
    assert errors == []
    with open_store(warnings=StorageWarnings()) as store:
        texts = {note.text for note in store.notes()}
        expected = {f"{who}{n} {i}" for who in ("proc", "thread") for n in range(3) for i in range(per_writer)}
        assert expected | {"cli 0", "cli 1"} == texts
        assert len(store.saved_searches()) == 9
        assert store._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    listed = subprocess.run(
        [sys.executable, "-m", "jjj_brief", "notes", "--json"], env=env, capture_output=True, text=True, timeout=60
    )
    assert len(json.loads(listed.stdout)) == len(texts)
