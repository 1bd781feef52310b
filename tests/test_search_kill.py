"""kill -9 at random moments: an import is wholly present and searchable or absent, and
the index always comes back working."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

from jjj_brief import imports
from jjj_brief.commands.libraries import default_library
from jjj_brief.corpus import load_corpus
from jjj_brief.search import api, ensure_index, search

CLI = [sys.executable, "-m", "jjj_brief"]


def kill_after(argv: list[str], delay: float) -> None:
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ))
    time.sleep(delay)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def forget_open_index() -> None:
    api.service(library=default_library()).discard()


def test_import_killed_at_random_moments(tmp_path):
    rng = random.Random(7)
    ensure_index(library=default_library())
    for round_number in range(5):
        doc = tmp_path / f"doc{round_number}.txt"
        doc.write_text(f"Quokkaville report number q{round_number}x on Xiongan.\n", encoding="utf-8")
        kill_after([*CLI, "import", str(doc)], rng.uniform(0.05, 0.9))
    forget_open_index()
    stored = {a.id: a for a in load_corpus(refresh=True, library=default_library()) if a.source == "import"}
    for article in stored.values():  # whatever landed is whole and searchable
        assert article.text.startswith("Quokkaville report number")
        word = article.text.split()[3]
        assert search(word, library=default_library()).total == 1, word
    for round_number in range(5):  # whatever did not land is simply absent
        if search(f"q{round_number}x", library=default_library()).total == 0:
            assert not any(f"q{round_number}x" in a.text for a in stored.values())
    # a write killed midway leaves at most a hidden temporary file, never a visible import
    # (when every kill came before the first write, the folder does not exist at all)
    folder = imports.imports_dir()
    # (the generation counter and the kept originals are bookkeeping, not imports: an original
    # whose import was killed before it landed is never listed as an article)
    bookkeeping = {".import.lock", imports.GENERATION_FILE, imports.ORIGINALS}
    assert not folder.exists() or all(
        p.name.startswith(".") and p.suffix == ".tmp"
        for p in folder.iterdir()
        if p.name not in {f"{i}.txt" for i in stored} and p.name not in bookkeeping
    )


def test_index_build_killed_at_random_moments():
    rng = random.Random(11)
    ensure_index(library=default_library())
    want = search("Caofeidian", limit=100, library=default_library()).total
    for _ in range(4):
        kill_after([*CLI, "index", "--rebuild"], rng.uniform(0.2, 1.2))
        forget_open_index()
        assert search("Caofeidian", limit=100, library=default_library()).total == want
