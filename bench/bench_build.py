"""Index build cost per article, code trees interleaved in one run (not a test).

    .venv/bin/python bench/bench_build.py --before DIR [--articles 200] [--rounds 2]

``--before DIR`` is another checkout (``git archive OLD tui bench seeds briefings pyproject.toml
| tar -x -C DIR``). Each measurement is a fresh process with one code tree on ``sys.path``;
the trees take turns, round by round, so load on this shared machine hits them alike. The
corpus is bench_search's synthetic articles (~16 KB, seeds' sentences, fixed seed). Modes:

* ``tantivy``: the documents of N articles with their figures read by the figure layer,
  built into a tantivy index (what a build of a collection of imports cost before the
  figure cache; ``bench_search.build_ours``);
* ``tantivy-cached`` (trees with :mod:`jjj_brief.search.figure_cache` only): the same with
  the figure fields read back from the figure cache, as a rebuild of stored imports does;
* ``whoosh``: the same documents without figures into Whoosh (the analyzer and Whoosh's
  writer alone).

Prints a Markdown table of CPU and wall seconds per mode and tree, and ms per article.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, os, sys, tempfile, time
from pathlib import Path
tree, mode, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path.insert(0, tree + "/tui")
sys.path.insert(1, {bench!r})
os.environ["JJJ_BRIEF_HOME"] = tempfile.mkdtemp()
import bench_search as b
sentences = b.seed_sentences()
articles = [b.synthetic_article(i, sentences) for i in range(n)]
for a in articles:
    a.paragraphs
from jjj_brief.search import documents, index as ix
try:
    from jjj_brief.search.api import alias_groups
    aliases = alias_groups()
except ImportError:
    aliases = None
folder = Path(tempfile.mkdtemp()) / "index"
folder.mkdir()
cache = None
if mode == "tantivy-cached":
    from jjj_brief.search.figure_cache import open_cache
    with open_cache() as warm:  # an earlier import filled the cache
        for a in articles:
            documents.import_figure_fields(a, a.id, 10**6, warm)
    cache = open_cache()

def docs():
    for a in articles:
        if mode == "whoosh":
            found = {{}}
            if "fields" in documents.article_documents.__code__.co_varnames:
                yield from documents.article_documents(a, fields=found)
            else:
                yield from documents.article_documents(a)
        elif cache is not None:
            yield from documents.article_documents(a, fields=documents.import_figure_fields(a, a.id, 10**6, cache))
        else:
            yield from documents.article_documents(a, article_figures=documents.article_figures_for_index(a, 10**6))

start = time.perf_counter(), time.process_time()
if mode == "whoosh":
    from whoosh.filedb.filestore import FileStorage
    target = FileStorage(str(folder))
else:
    target = folder
if "engine" in ix.build_generation.__code__.co_varnames:
    index, vocab = ix.build_generation(target, docs(), engine="tantivy" if mode != "whoosh" else "whoosh",
                                       aliases=aliases, limitmb=256)
else:  # a tree from before the second engine (Whoosh only, no glossary terms)
    index, vocab = ix.build_generation(target, docs(), limitmb=256)
getattr(index, "close", lambda: None)()  # Whoosh; tantivy closes on release
print(json.dumps({{"wall": time.perf_counter() - start[0], "cpu": time.process_time() - start[1]}}))
"""


def run(tree: Path, mode: str, n: int) -> dict:
    code = CHILD.format(bench=str(ROOT / "bench"))
    out = subprocess.run([sys.executable, "-c", code, str(tree), mode, str(n)], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-1500:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def has_cache(tree: Path) -> bool:
    return (tree / "tui" / "jjj_brief" / "search" / "figure_cache.py").is_file()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--modes", nargs="+", default=["tantivy", "tantivy-cached", "whoosh"])
    args = parser.parse_args()
    trees = {"before": args.before.resolve(), "after": ROOT}
    results: dict[tuple[str, str], list[dict]] = {}
    for _ in range(args.rounds):
        for mode in args.modes:
            for label, tree in trees.items():
                if mode == "tantivy-cached" and not has_cache(tree):
                    continue
                found = run(tree, mode, args.articles)
                results.setdefault((mode, label), []).append(found)
                print(f"{mode} {label}: {found}", file=sys.stderr, flush=True)
    print(
        f"`python bench/bench_build.py {' '.join(sys.argv[1:])}` — {args.articles} articles, "
        f"median of {args.rounds} rounds, trees interleaved; load average at the end {os.getloadavg()[0]:.1f}\n"
    )
    print("| mode | tree | CPU s | wall s | CPU ms / article |")
    print("| --- | --- | ---: | ---: | ---: |")
    for (mode, label), runs in results.items():
        cpu = statistics.median(r["cpu"] for r in runs)
        wall = statistics.median(r["wall"] for r in runs)
        print(f"| {mode} | {label} | {cpu:.2f} | {wall:.2f} | {cpu * 1000 / args.articles:.1f} |")


if __name__ == "__main__":
    main()
