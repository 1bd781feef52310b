"""The whole test suite's cost: wall, CPU and the slowest tests (not a test).

    .venv/bin/python bench/bench_suite.py [--stress 2] [--report bench/bench_suite_report.md] [--json]

Runs the README's test command (``python -m pytest -n auto``) once, with a plugin that
records each test's CPU (its worker's, plus the child processes it waited for) and wall
(``bench/suite_cost_plugin.py``). The suite's CPU is every process pytest started and waited
for (``RUSAGE_CHILDREN``). On 2 cores, CPU / 2 is the floor for the wall time, reached
only if both cores are busy to the end (``-n auto`` starts one worker more than the cores,
so that one runs while another waits: tests/conftest.py); the target is 5 minutes on
this machine when idle. ``--stress N`` runs ``stress --cpu N`` beside the suite (the
flake hunt of issue 15). Wall times mean little on a shared machine: the report gives the
load average at the start and the end.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOP = 15


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def run_suite(stress: int, extra: list[str]) -> dict:
    """One run of the suite; what it cost and each test's cost."""
    per_test = Path(tempfile.mkdtemp(prefix="bench-suite-")) / "tests.jsonl"
    env = {**os.environ, "SUITE_COST_OUT": str(per_test)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "bench"), env.get("PYTHONPATH", "")]))
    command = [sys.executable, "-m", "pytest", "-n", "auto", "-q", "-rfE", "-p", "suite_cost_plugin", *extra]
    stressor = None
    if stress:
        if not shutil.which("stress"):
            raise SystemExit("bench_suite: --stress needs the `stress` program (apt-get install stress)")
        stressor = subprocess.Popen(["stress", "--cpu", str(stress)], stdout=subprocess.DEVNULL, start_new_session=True)
    load_before, cpu_before, started = _load(), _children_cpu(), time.monotonic()
    try:
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        wall = time.monotonic() - started
        cpu = _children_cpu() - cpu_before  # pytest and what it waited for; stress is not waited for yet
    finally:
        if stressor is not None:
            os.killpg(stressor.pid, signal.SIGTERM)
            stressor.wait()
    tests = [json.loads(line) for line in per_test.read_text().splitlines()] if per_test.exists() else []
    summary = next((line for line in reversed(done.stdout.splitlines()) if " in " in line), "")
    return {
        "command": " ".join(["python", "-m", "pytest", "-n", "auto", *extra]),
        "stress": stress,
        "returncode": done.returncode,
        "summary": summary.strip("= "),
        "failed": [line.split()[1] for line in done.stdout.splitlines() if line.startswith(("FAILED ", "ERROR "))],
        "output_tail": done.stdout[-20000:],
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "cpu_in_tests_s": round(sum(t["cpu"] for t in tests), 1),
        "load": {"start": load_before, "end": _load()},
        "cores": os.cpu_count(),
        "workers": len({t["worker"] for t in tests}),
        "tests": tests,
    }


def report(result: dict) -> str:
    tests = result["tests"]
    floor = result["cpu_s"] / (result["cores"] or 1)
    lines = [
        "# The test suite's cost",
        "",
        f"`{result['command']}`" + (f" beside `stress --cpu {result['stress']}`" if result["stress"] else ""),
        f"(bench/bench_suite.py, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}).",
        "",
        f"- Result: {result['summary'] or 'rc ' + str(result['returncode'])}",
        f"- Wall: {result['wall_s']:.0f} s, load average {result['load']['start']} at the start, "
        f"{result['load']['end']} at the end",
        f"- CPU: {result['cpu_s']:.0f} s (in the tests: {result['cpu_in_tests_s']:.0f} s); "
        f"on {result['cores']} cores the wall cannot be under {floor:.0f} s",
        f"- Workers: {result.get('workers', '?')}",
    ]
    if result["failed"]:
        lines += ["- Failed: " + ", ".join(f"`{name}`" for name in result["failed"])]
    for key, title in (("wall", "wall"), ("cpu", "CPU")):
        lines += ["", f"## Slowest {TOP} tests by {title}", "", "| wall s | CPU s | test |", "|---:|---:|---|"]
        for test in sorted(tests, key=lambda t: -t[key])[:TOP]:
            lines.append(f"| {test['wall']:.1f} | {test['cpu']:.1f} | `{test['test']}` |")
    by_folder: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for test in tests:
        folder = test["test"].split("::")[0].rsplit("/", 1)[0]
        by_folder[folder][0] += test["cpu"]
        by_folder[folder][1] += test["wall"]
        by_folder[folder][2] += 1
    lines += ["", "## By folder", "", "| folder | tests | CPU s | wall s (summed) |", "|---|---:|---:|---:|"]
    for folder, (cpu, wall, count) in sorted(by_folder.items(), key=lambda kv: -kv[1][0]):
        lines.append(f"| `{folder}` | {count} | {cpu:.0f} | {wall:.0f} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stress", type=int, default=0, metavar="N", help="run `stress --cpu N` beside the suite")
    parser.add_argument("--report", type=Path, help="write the Markdown report here")
    parser.add_argument("--json", action="store_true", help="print the result as JSON (each test included)")
    parser.add_argument("pytest_args", nargs="*", help="more pytest arguments (after --)")
    args = parser.parse_args()
    result = run_suite(args.stress, args.pytest_args)
    text = report(result)
    if args.report:
        partial = args.report.with_suffix(".tmp")
        partial.write_text(text, encoding="utf-8")
        partial.replace(args.report)
    print(json.dumps(result, indent=1) if args.json else text)
    return 0 if result["returncode"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
