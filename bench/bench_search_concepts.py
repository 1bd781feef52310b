"""A hit's concepts (search/concepts.py), an older revision's code against the working tree's.

Records every ``read_hit`` / ``held_concepts`` call the judged set makes
(``tests/relevance/queries.yaml``, each query at top 10 and top 50, the seed corpus, an index
built in a temporary home), then runs the older ``concepts.py`` (``git show REV:...``) and
the working tree's on the same inputs, alternating old/new each round: the outputs must be
identical; prints the CPU of one pass over the inputs (median of the rounds).

Usage::

    python bench/bench_search_concepts.py --before-rev bd136d9 --rounds 5

Not a test: never collected. Prints its result (no report file).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "tests" / "relevance" / "queries.yaml"
KINDS = ("read_hit", "held_concepts")


def _old_module(rev: str, folder: str) -> Any:
    source = subprocess.run(
        ["git", "show", f"{rev}:tui/jjj_brief/search/concepts.py"], cwd=ROOT, capture_output=True, check=True, text=True
    ).stdout
    path = Path(folder) / "concepts_before.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("concepts_before", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["concepts_before"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _record(home: str) -> list[tuple[Any, ...]]:
    os.environ["JJJ_BRIEF_HOME"] = home
    from jjj_brief.commands.libraries import default_library
    from jjj_brief.search import engine, ensure_index, search

    calls: list[tuple[Any, ...]] = []
    real = {kind: getattr(engine, kind) for kind in KINDS}

    def recorder(kind: str) -> Any:
        def record(body: str, parsed: Any, stored: Any, *, loose: bool = False) -> Any:
            calls.append((kind, body, parsed, stored, loose))
            return real[kind](body, parsed, stored, loose=loose)

        return record

    for kind in KINDS:
        setattr(engine, kind, recorder(kind))
    try:
        library = default_library()
        ensure_index(library=library)
        for entry in yaml.safe_load(QUERIES.read_text(encoding="utf-8"))["queries"]:
            for limit in (10, 50):
                search(entry["query"], limit=limit, library=library)
    finally:
        for kind in KINDS:
            setattr(engine, kind, real[kind])
    return calls


def _one_pass(module: Any, kind: str, calls: list[tuple[Any, ...]]) -> tuple[float, list[str]]:
    function = getattr(module, kind)
    start = time.process_time()
    out = [function(c[1], c[2], c[3], loose=c[4]) for c in calls if c[0] == kind]
    cpu = time.process_time() - start
    return cpu, [repr(getattr(o, "__dict__", o)) for o in out]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before-rev", default="main")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    from jjj_brief.search import concepts as after

    folder = tempfile.mkdtemp()
    try:
        before = _old_module(args.before_rev, folder)
        calls = _record(folder)
        counts = {kind: sum(1 for c in calls if c[0] == kind) for kind in KINDS}
        print(f"recorded {counts['read_hit']} read_hit and {counts['held_concepts']} held_concepts calls")
        cpu: dict[tuple[str, str], list[float]] = {}
        outputs: dict[str, list[str]] = {}
        for _ in range(args.rounds):
            for name, module in (("before", before), ("after", after)):
                for kind in KINDS:
                    seconds, out = _one_pass(module, kind, calls)
                    cpu.setdefault((name, kind), []).append(seconds)
                    assert out == outputs.setdefault(kind, out), f"{name} {kind}: outputs differ from the first run's"
        for kind in KINDS:
            old, new = statistics.median(cpu[("before", kind)]), statistics.median(cpu[("after", kind)])
            print(
                f"{kind}: before {old * 1000:.0f} ms, after {new * 1000:.0f} ms CPU a pass "
                f"(median of {args.rounds}), after/before {new / old:.2f}"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
