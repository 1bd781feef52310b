"""Document import speed and memory: each format's reader alone, then whole batches.

Run:  .venv/bin/python bench/bench_import.py   (writes bench/bench_import_report.md)

Documents are generated (tests/doc_makers.py), the same every run. Formats are measured
interleaved (round-robin, ``--rounds`` times) so load on the machine hits them alike; CPU
time is the process's, wall is perf_counter. Peak memory (ru_maxrss growth) is measured in a
fresh child process per case so one case's allocations do not hide another's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from doc_makers import docx_bytes, epub_bytes, html_page, pdf_bytes  # noqa: E402

PARAGRAPH = (
    "In 2023 the average PM2.5 concentration in Hebei fell to 38.6 micrograms per cubic meter, "
    "and 3,000 villages replaced coal heating with gas and electricity."
)


def samples() -> dict[str, tuple[str, bytes]]:
    return {
        "pdf 500 pages": (
            ".pdf",
            pdf_bytes([[f"Page {p}.", PARAGRAPH[:90], PARAGRAPH[90:]] for p in range(500)], title="Long"),
        ),
        "pdf 10 pages": (".pdf", pdf_bytes([[f"Page {p}.", PARAGRAPH[:90], PARAGRAPH[90:]] for p in range(10)])),
        "html article": (
            ".html",
            html_page(
                "<nav><a href='/'>Home</a><a href='/n'>News</a></nav><article><h1>Air</h1>"
                + "".join(f"<p>{PARAGRAPH} ({i})</p>" for i in range(40))
                + "</article><footer>Copyright</footer>"
            ).encode(),
        ),
        "docx 40 paragraphs + table": (
            ".docx",
            docx_bytes(
                paragraphs=tuple(f"{PARAGRAPH} ({i})" for i in range(40)),
                table=[["City", "PM2.5"]] + [[f"C{i}", f"{i}.5"] for i in range(20)],
            ),
        ),
        "epub 10 chapters": (".epub", epub_bytes([(f"Chapter {c}", " ".join([PARAGRAPH] * 4)) for c in range(10)])),
    }


def time_readers(rounds: int) -> dict[str, dict[str, float]]:
    from jjj_brief import formats

    cases = samples()
    for suffix, raw in cases.values():  # warm imports of the libraries
        formats.extract(suffix, raw)
    cpu: dict[str, list[float]] = {name: [] for name in cases}
    wall: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, (suffix, raw) in cases.items():
            c0, w0 = time.process_time(), time.perf_counter()
            formats.extract(suffix, raw)
            cpu[name].append(time.process_time() - c0)
            wall[name].append(time.perf_counter() - w0)
    return {
        name: {
            "cpu_ms": statistics.median(cpu[name]) * 1000,
            "wall_ms": statistics.median(wall[name]) * 1000,
            "bytes": len(cases[name][1]),
        }
        for name in cases
    }


def peak_memory(name: str) -> float:
    """Peak MB of Python allocations (tracemalloc) while reading one sample, in a fresh process.

    lxml's own (C) allocations are not traced; ru_maxrss did not move above the import-time
    peak for any sample, so it says nothing here.
    """
    code = (
        "import sys, tracemalloc; sys.path.insert(0, %r); import bench_import as b; from jjj_brief import formats;"
        "import pypdf, lxml.html, docx, justext; s, raw = b.samples()[%r]; formats.extract(s, raw);"
        "tracemalloc.start(); formats.extract(s, raw); print(tracemalloc.get_traced_memory()[1] / 2**20)"
    ) % (str(ROOT / "bench"), name)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return float(out.stdout.strip())


def batch(count: int) -> dict[str, float]:
    """``add_files`` over ``count`` files of each format (one batch, one store), CPU and wall."""
    from jjj_brief import imports

    with tempfile.TemporaryDirectory() as home, tempfile.TemporaryDirectory() as folder:
        os.environ["JJJ_BRIEF_HOME"] = home
        n = 0
        for i in range(count):  # every file different: no "already imported" short-cut
            text = f"{PARAGRAPH} Batch file {i}."
            files = {
                ".pdf": pdf_bytes([[f"Page {p} of file {i}.", PARAGRAPH[:90], PARAGRAPH[90:]] for p in range(10)]),
                ".html": html_page("".join(f"<p>{text} ({k})</p>" for k in range(40))).encode(),
                ".docx": docx_bytes(title=f"Memo {i}", paragraphs=tuple(f"{text} ({k})" for k in range(40))),
                ".epub": epub_bytes([(f"Chapter {c}", text) for c in range(10)], title=f"Book {i}"),
            }
            for suffix, raw in files.items():
                n += 1
                Path(folder, f"f{n:05d}{suffix}").write_bytes(raw)
        c0, w0 = time.process_time(), time.perf_counter()
        outcomes = imports.add_files([folder])
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        imported = sum(o.status == "imported" for o in outcomes)
        return {
            "files": len(outcomes),
            "imported": imported,
            "cpu_s": cpu,
            "wall_s": wall,
            "files_per_s": len(outcomes) / wall,
        }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch", type=int, default=40, help="files of each small format in the batch run")
    args = parser.parse_args()
    readers = time_readers(args.rounds)
    memory = {name: peak_memory(name) for name in readers}
    whole = batch(args.batch)
    lines = [
        "# Document import: speed and memory",
        "",
        f"`.venv/bin/python bench/bench_import.py --rounds {args.rounds} --batch {args.batch}` "
        f"(2 cores shared; median of {args.rounds} interleaved rounds; memory in a fresh process).",
        "",
        "| document | size | CPU ms | wall ms | Python heap peak MB |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, row in readers.items():
        lines.append(
            f"| {name} | {row['bytes'] / 1024:,.0f} KB | {row['cpu_ms']:,.1f} | {row['wall_ms']:,.1f} | "
            f"{memory[name]:,.1f} |"
        )
    lines += [
        "",
        f"Batch: `add_files` on {whole['files']} files (PDF 10 pages, HTML, DOCX, EPUB, {args.batch} each; "
        f"stored atomically, originals kept): {whole['imported']} imported in {whole['wall_s']:.1f} s wall, "
        f"{whole['cpu_s']:.1f} s CPU = {whole['files_per_s']:.1f} files/s (index update not included).",
        "",
    ]
    report = "\n".join(lines)
    (ROOT / "bench" / "bench_import_report.md").write_text(report, encoding="utf-8")
    print(report)
    print(json.dumps({"readers": readers, "memory_mb": memory, "batch": whole}, indent=1), file=sys.stderr)


if __name__ == "__main__":
    main()
