"""Start-up of the CLI on the seeds, whole processes (issue 12: ``--version`` ≤ 100 ms,
``search X --json`` ≤ 300 ms wall). Not a test.

    .venv/bin/python bench/bench_startup.py                          # this checkout, 20 rounds
    .venv/bin/python bench/bench_startup.py --baseline /work/main    # before/after in one run

Each command runs as a child process started the way the checkout's ``jjj-brief`` console
script starts (its ``[project.scripts]`` entry point, ``python -c "import sys; from
jjj_brief.cli import run; sys.exit(run())" ARGS``: no ``runpy``; the checkout's ``tui/``
first on ``PYTHONPATH``, the working folder a scratch one) against a fresh
``JJJ_BRIEF_HOME`` per checkout whose search index was built first (``jjj-brief index``);
nothing reads the user's home. Wall time is taken
around the child, CPU time (user + sys) from ``os.wait4``'s resource usage. The commands and
the checkouts take turns in a shuffled order every round, so the load of the machine falls on
all of them alike. Bytecode caches are on (``PYTHONPYCACHEPREFIX`` in a throwaway folder,
filled by one warm-up run of each command), as for an installed package; ``--no-bytecode``
runs a copy of each checkout's package without ``__pycache__`` under
``PYTHONDONTWRITEBYTECODE=1``: every module of ours is compiled from source at every run,
the standard library and the dependencies are read as installed (as in a checkout that was
never byte-compiled, e.g. a shell that sets that variable). The warm-up run of each search also checks both checkouts print the same JSON.

``--app-settings`` gives each home the ``settings.json`` the app saves (every setting,
``search_engine`` included), as a home that has used the app has.

Writes ``bench/bench_startup_report.md`` (``--report`` to put it elsewhere, ``--append`` to
add a run to it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS: list[tuple[str, list[str]]] = [
    ("--version", ["--version"]),
    ("--help", ["--help"]),
    ("search Xiongan --json", ["search", "Xiongan", "--json"]),
    ('search "coordinated development" --json', ["search", "coordinated development", "--json"]),
]
TARGET_MS = {"--version": 100, "search Xiongan --json": 300, 'search "coordinated development" --json': 300}


@dataclass
class Checkout:
    name: str
    root: Path
    home: Path
    env: dict[str, str]
    revision: str = ""
    program: list[str] = field(default_factory=list)
    checkout: Path | None = None  # the git checkout ``root`` was copied from (--no-bytecode)
    wall: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (p50 of an even count is the lower middle)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def child_env(root: Path, home: Path, pycache: Path, no_bytecode: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JJJ_BRIEF_", "PYTHON", "COVERAGE"))}
    env["PYTHONPATH"] = str(root / "tui")
    env["JJJ_BRIEF_HOME"] = str(home)
    env["NO_COLOR"] = "1"
    if no_bytecode:  # ours compiled from source (a copy without __pycache__), the rest as installed
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env["PYTHONPYCACHEPREFIX"] = str(pycache)  # never the checkout's own __pycache__ folders
    return env


def source_copy(root: Path, into: Path) -> Path:
    """What the CLI reads of a checkout (its package and shipped data), without bytecode."""
    into.mkdir()
    for name in ("tui", "seeds", "briefings"):
        shutil.copytree(root / name, into / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy2(root / "pyproject.toml", into / "pyproject.toml")
    return into


def console_script(root: Path) -> list[str]:
    """What the checkout's ``jjj-brief`` console script runs (pip's entry-point wrapper,
    without its argv[0] rewrite)."""
    with (root / "pyproject.toml").open("rb") as handle:
        entry = tomllib.load(handle)["project"]["scripts"]["jjj-brief"]
    module, function = entry.split(":")
    return [sys.executable, "-c", f"import sys; from {module} import {function}; sys.exit({function}())"]


def run_once(checkout: Checkout, arguments: list[str]) -> tuple[float, float]:
    """One child process: (wall seconds, user + sys CPU seconds)."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [*checkout.program, *arguments],
        env=checkout.env,
        cwd=checkout.home,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    if child.returncode != 0:
        raise SystemExit(f"{checkout.name}: jjj-brief {shlex.join(arguments)} exited {child.returncode}")
    return wall, usage.ru_utime + usage.ru_stime


APP_SETTINGS = (  # what the app writes after a search (every setting is saved, search_engine included)
    "from jjj_brief.settings import Settings, save_settings; save_settings(Settings(query_history=['Xiongan']))"
)


def prepare(checkout: Checkout, app_settings: bool = False) -> dict[str, str]:
    """Check the checkout is the one imported, build its index, write the app's settings
    file (``app_settings``), warm the bytecode cache; returns each search's JSON output."""
    where = subprocess.run(
        [sys.executable, "-c", "import jjj_brief; print(jjj_brief.__file__)"],
        env=checkout.env,
        cwd=checkout.home,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not Path(where).resolve().is_relative_to((checkout.root / "tui").resolve()):
        raise SystemExit(f"{checkout.name}: python imports jjj_brief from {where}, not {checkout.root}")
    if app_settings:
        subprocess.run([sys.executable, "-c", APP_SETTINGS], env=checkout.env, cwd=checkout.home, check=True)
    checkout.revision = (
        subprocess.run(
            ["git", "-C", str(checkout.checkout or checkout.root), "log", "-1", "--format=%h %s"],
            capture_output=True,
            text=True,
        ).stdout.strip()[:90]
        or "(not a git checkout)"
    )
    built = subprocess.run(
        [*checkout.program, "index", "--json"], env=checkout.env, cwd=checkout.home, capture_output=True, text=True
    )
    if built.returncode != 0:
        raise SystemExit(f"{checkout.name}: jjj-brief index failed: {built.stderr.strip()}")
    outputs: dict[str, str] = {}
    for label, arguments in COMMANDS:
        done = subprocess.run(
            [*checkout.program, *arguments], env=checkout.env, cwd=checkout.home, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise SystemExit(f"{checkout.name}: jjj-brief {shlex.join(arguments)} failed: {done.stderr.strip()}")
        outputs[label] = done.stdout
    return outputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="rounds (each runs every command once per checkout)")
    parser.add_argument("--baseline", type=Path, help="another checkout (its tui/ is imported) measured in turn")
    parser.add_argument("--no-bytecode", action="store_true", help="PYTHONDONTWRITEBYTECODE=1: compile every run")
    parser.add_argument("--seed", type=int, default=12, help="shuffle seed")
    parser.add_argument("--report", type=Path, default=ROOT / "bench" / "bench_startup_report.md")
    parser.add_argument("--append", action="store_true", help="add this run to the report instead of replacing it")
    parser.add_argument(
        "--app-settings", action="store_true", help="each home has the settings.json the app saves (after a search)"
    )
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bench_startup_"))
    try:
        roots = [("this", ROOT)] + ([("baseline", args.baseline.resolve())] if args.baseline else [])
        checkouts = []
        for name, root in roots:
            home = scratch / f"home-{name}"
            home.mkdir()
            pycache = scratch / f"pycache-{name}"
            source = source_copy(root, scratch / f"source-{name}") if args.no_bytecode else root
            env = child_env(source, home, pycache, args.no_bytecode)
            checkouts.append(Checkout(name, source, home, env, program=console_script(root), checkout=root))
        outputs = {c.name: prepare(c, args.app_settings) for c in checkouts}
        same_json = None
        if len(checkouts) == 2:
            same_json = all(
                outputs["this"][label] == outputs["baseline"][label] for label, _ in COMMANDS if "--json" in label
            )
        load_before = os.getloadavg()
        started = dt.datetime.now(dt.UTC)
        order = [(c, label, arguments) for c in checkouts for label, arguments in COMMANDS]
        shuffle = random.Random(args.seed)
        for _ in range(args.runs):
            shuffle.shuffle(order)
            for checkout, label, arguments in order:
                wall, cpu = run_once(checkout, arguments)
                checkout.wall.setdefault(label, []).append(wall)
                checkout.cpu.setdefault(label, []).append(cpu)
        load_after = os.getloadavg()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    command = "python bench/bench_startup.py " + shlex.join(sys.argv[1:])
    lines = [
        "# CLI start-up on the seeds",
        "",
        f"`{command.strip()}` on {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{started:%Y-%m-%d %H:%M} UTC; load average {load_before[0]:.1f} at the start, "
        f"{load_after[0]:.1f} at the end (other work was running: compare CPU first, wall under load).",
        "",
        f"{args.runs} rounds; each round runs every command once per checkout in a shuffled order; "
        "child processes started as each checkout's console script starts them (`python -c 'from jjj_brief.cli import ...' ARGS`), fresh home with the index built, "
        + ("no bytecode cache (PYTHONDONTWRITEBYTECODE=1)." if args.no_bytecode else "bytecode cache warm.")
        + (" The home has the settings.json the app saves." if args.app_settings else "")
        + " Milliseconds; p95 is nearest-rank.",
        "",
    ]
    for checkout in checkouts:
        lines.append(f"- {checkout.name}: `{checkout.checkout or checkout.root}` at {checkout.revision}")
    if same_json is not None:
        lines.append(f"- both print the same JSON for the searches: {'yes' if same_json else 'NO'}")
    lines += [
        "",
        "| command | checkout | wall p50 | wall p95 | CPU p50 | CPU p95 | target (wall) |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, _ in COMMANDS:
        for checkout in checkouts:
            wall, cpu = checkout.wall[label], checkout.cpu[label]
            target = TARGET_MS.get(label)
            lines.append(
                f"| `{label}` | {checkout.name} | {percentile(wall, 50) * 1000:.0f} | {percentile(wall, 95) * 1000:.0f} "
                f"| {percentile(cpu, 50) * 1000:.0f} | {percentile(cpu, 95) * 1000:.0f} "
                f"| {f'≤ {target}' if target else ''} |"
            )
    text = "\n".join(lines) + "\n"
    if args.append and args.report.exists():
        text = (
            args.report.read_text(encoding="utf-8")
            + "\n"
            + text.replace("# CLI start-up on the seeds", "## Another run")
        )
    args.report.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
