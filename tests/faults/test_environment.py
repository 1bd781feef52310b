"""Item 7 — a hostile environment: read-only home and cache (a real read-only bind mount,
since chmod does not bind root), JJJ_BRIEF_HOME pointing at a file, a full disk (a real
tiny tmpfs), and item 8 — no network for subprocesses (a network namespace with no
interfaces up, and a socket guard loaded into every Python subprocess).

The mount tests run the CLI inside ``unshare -m`` (a private mount namespace: nothing
outside the test sees the mounts). Where unshare or mount is not allowed they are skipped
and the monkeypatched equivalents in test_regressions.py stand in."""

from __future__ import annotations

import hashlib
import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fault_tools import assert_clean_failure, cli_argv, cli_env, record, run_cli


def _can(argv: list[str]) -> bool:
    if not shutil.which(argv[0]):
        return False
    try:
        return subprocess.run(argv, capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _probe_dir() -> str:
    return str(Path(__file__).resolve().parent)


CAN_MOUNT = _can(
    [
        "unshare",
        "-m",
        "sh",
        "-c",
        f"mount --bind {_probe_dir()} {_probe_dir()} && mount -o remount,bind,ro {_probe_dir()}",
    ]
)
CAN_UNSHARE_NET = _can(["unshare", "-n", "true"])
needs_mount = pytest.mark.skipif(not CAN_MOUNT, reason="unshare -m / mount not permitted here")


def in_mount_namespace(setup: str, *commands: list[str], env: dict[str, str], cwd: Path | None = None):
    """Run ``setup`` (mounts) then each CLI command, in one private mount namespace.

    Returns one CompletedProcess-like dict per command: returncode, stdout, stderr.
    """
    lines = ["set -e", setup, "set +e"]
    for i, argv in enumerate(commands):
        lines.append(f"{shlex.join(argv)} >$OUT/{i}.out 2>$OUT/{i}.err </dev/null; echo $? >$OUT/{i}.rc")
    out = Path(env["FAULT_OUT"])
    out.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        ["unshare", "-m", "bash", "-c", "\n".join(lines)],
        env={**env, "OUT": str(out)},
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )
    assert proc.returncode == 0, proc.stderr
    results = []
    for i in range(len(commands)):
        results.append(
            {
                "returncode": int((out / f"{i}.rc").read_text()),
                "stdout": (out / f"{i}.out").read_text(errors="replace"),
                "stderr": (out / f"{i}.err").read_text(errors="replace"),
            }
        )
    return results


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.endswith(".lock"):
            digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


def _home_with_data(tmp_path: Path, home_with_seed_index) -> Path:
    """A home where the user imported one note, into an index of the shipped corpus (a copy of
    the run's one build, tests/conftest.py: the import adds the note to it instead of building
    everything from scratch)."""
    home = home_with_seed_index("data-home")
    env = cli_env(JJJ_BRIEF_HOME=str(home))
    note = tmp_path / "mine.txt"
    note.write_text("envqx a note the user imported\n", encoding="utf-8")
    assert run_cli("import", str(note), env=env).returncode == 0
    return home


@needs_mount
@pytest.mark.slow
def test_read_only_home_works_in_memory_and_loses_nothing(tmp_path, home_with_seed_index):
    home = _home_with_data(tmp_path, home_with_seed_index)
    extra = tmp_path / "new.txt"
    extra.write_text("roqx cannot be stored\n", encoding="utf-8")
    env = cli_env(JJJ_BRIEF_HOME=str(home), FAULT_OUT=str(tmp_path / "out"))
    # the index is stale too, so a rebuild is needed and must go to memory
    shutil.rmtree(home / "cache")
    (home / "cache").mkdir()
    before = tree_digest(home)
    results = in_mount_namespace(
        f"mount --bind {home} {home} && mount -o remount,bind,ro {home}",
        cli_argv("search", "envqx", "--json"),
        cli_argv("search", "Caofeidian"),
        cli_argv("articles"),
        cli_argv("index"),
        cli_argv("import", str(extra)),
        env=env,
    )
    search_json, search_plain, articles, index_run, import_run = results
    for result in results:
        assert "Traceback" not in result["stderr"], result["stderr"][-1500:]
    assert search_json["returncode"] == 0 and json.loads(search_json["stdout"])["total"] == 1
    assert search_plain["returncode"] == 0 and "Caofeidian" in search_plain["stdout"]
    assert "in memory" in search_plain["stderr"] and len(search_plain["stderr"].splitlines()) == 1
    assert articles["returncode"] == 0 and "envqx" not in articles["stderr"]
    assert index_run["returncode"] == 0 and "memory" in index_run["stdout"]
    assert import_run["returncode"] == 1
    assert len(import_run["stderr"].strip().splitlines()) == 1 and "cannot write" in import_run["stderr"]
    assert tree_digest(home) == before
    record("environment", attacks=len(results), faults=1, note="read-only bind mount of the whole home")


@needs_mount
def test_read_only_cache_with_a_good_index_still_searches(tmp_path, home_with_seed_index):
    home = _home_with_data(tmp_path, home_with_seed_index)
    env = cli_env(JJJ_BRIEF_HOME=str(home), FAULT_OUT=str(tmp_path / "out"))
    cache = home / "cache"
    (result,) = in_mount_namespace(
        f"mount --bind {cache} {cache} && mount -o remount,bind,ro {cache}",
        cli_argv("search", "envqx", "--json"),
        env=env,
    )
    assert result["returncode"] == 0, result["stderr"]
    assert json.loads(result["stdout"])["total"] == 1
    record("environment", faults=1, note="read-only cache")


@needs_mount
@pytest.mark.slow
def test_full_disk_refuses_cleanly_and_keeps_what_was_stored(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    small = tmp_path / "small.txt"
    small.write_text("diskqx small enough\n", encoding="utf-8")
    big = tmp_path / "big.txt"
    big.write_text(("diskbigqx " + "filler words for a large file " * 40 + "\n") * 400, encoding="utf-8")
    env = cli_env(JJJ_BRIEF_HOME=str(home), FAULT_OUT=str(tmp_path / "out"))
    results = in_mount_namespace(
        f"mount -t tmpfs -o size=400k tmpfs {home}",
        cli_argv("import", str(small)),
        cli_argv("import", str(big)),
        cli_argv("search", "diskqx", "--json"),
        cli_argv("index", "--rebuild"),
        cli_argv("articles", "--json"),
        env=env,
    )
    for result in results:
        assert_clean_failure(type("P", (), result)())  # exit 0/1, no traceback
    small_run, big_run, search_run, index_run, articles = results
    assert small_run["returncode"] == 0
    assert search_run["returncode"] == 0 and json.loads(search_run["stdout"])["total"] == 1
    stored = [a for a in json.loads(articles["stdout"])["articles"] if "small" in json.dumps(a)]
    assert stored, "the import stored before the disk filled is still there"
    assert "No space left" in big_run["stderr"] + index_run["stderr"] + search_run["stderr"]
    record("environment", attacks=len(results), faults=2, note="full disk: 400 KB tmpfs home")


def test_home_pointing_at_a_file(tmp_path):
    target = tmp_path / "not-a-folder"
    target.write_text("precious", encoding="utf-8")
    env = cli_env(JJJ_BRIEF_HOME=str(target))
    search = run_cli("search", "Caofeidian", env=env)
    assert search.returncode == 0 and "Caofeidian" in search.stdout
    assert "Traceback" not in search.stderr and len(search.stderr.strip().splitlines()) == 1
    imp = run_cli("import", str(target), env=env)
    assert_clean_failure(imp)
    assert imp.returncode == 1 and len(imp.stderr.strip().splitlines()) == 1
    assert target.read_text(encoding="utf-8") == "precious"
    record("environment", attacks=2, faults=1, note="JJJ_BRIEF_HOME is a file")


NO_NET_GUARD = """
import os, socket
_real = socket.socket.connect
def _guard(self, address, _real=_real):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        with open(os.environ["JJJ_NET_LOG"], "a") as log:
            log.write(repr(address) + "\\n")
        raise OSError("network disabled by the fault suite")
    return _real(self, address)
socket.socket.connect = _guard
socket.socket.connect_ex = _guard
"""


# Where a network namespace can be made, one run proves both: the guard logs any attempt, and
# with no network at all every command still works. (A second run with the guard alone, outside
# the namespace, made the same checks and proved nothing more: 8 CLI runs of CPU for nothing.)
ISOLATION = "unshare -n" if CAN_UNSHARE_NET else "guard"


@pytest.mark.slow
@pytest.mark.parametrize("isolation", [ISOLATION])
def test_subprocesses_make_no_network_attempt(tmp_path, isolation):
    """Item 8 for subprocesses: every CLI command and the app run with a socket guard
    loaded at interpreter start (sitecustomize) and log nothing; under `unshare -n` (no
    network at all, where permitted) the same commands work."""
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(NO_NET_GUARD, encoding="utf-8")
    log = tmp_path / "net.log"
    note = tmp_path / "n.txt"
    note.write_text("netqx\n", encoding="utf-8")
    env = cli_env(
        JJJ_BRIEF_HOME=str(tmp_path / "home"),
        JJJ_NET_LOG=str(log),
        PYTHONPATH=f"{guard}:{cli_env().get('PYTHONPATH', '')}".rstrip(":"),
    )
    commands = [
        ["index"],
        ["import", str(note)],
        ["search", "netqx"],
        ["articles"],
        ["topics"],
        ["facts"],
        ["timeline"],
        ["check"],
    ]
    prefix = isolation.split() if isolation != "guard" else []
    for command in commands:
        proc = run_cli(*command, env=env, prefix=prefix)
        assert "Traceback" not in proc.stderr, (prefix, command, proc.stderr[-1000:])
        assert proc.returncode in (0, 1)
    from fault_tools import run_in_pty

    app = run_in_pty(  # the app too, as isolated
        prefix + cli_argv(),
        env={**env, "TERM": "xterm-256color"},
        # Each key waits for what the previous one shows (a loaded machine starts the app slowly),
        # as test_terminal_pty's app run does: the briefings in the tree (the app has read its
        # data), the footer's F1 (the search box has the keys), the results (the search ran).
        keys=[(b"jjj-brief", b""), (b"The strategy", b""), (0.3, b"/"), (b"F1", b"netqx"), (b"result", b"\x11")],
        timeout=120,
    )
    assert app.status == 0
    assert not log.exists(), log.read_text()
    record(
        "no network",
        attacks=len(commands) + 1,
        note=f"CLI + app with a socket guard in every subprocess ({isolation})",
    )


@pytest.mark.skipif(not CAN_UNSHARE_NET, reason="unshare -n not permitted here")
def test_the_guard_itself_bites(tmp_path):
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(NO_NET_GUARD, encoding="utf-8")
    log = tmp_path / "net.log"
    proc = subprocess.run(
        [sys.executable, "-c", "import socket; socket.create_connection(('192.0.2.1', 80), 1)"],
        env=cli_env(JJJ_NET_LOG=str(log), PYTHONPATH=str(guard)),
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0 and "network disabled" in proc.stderr
    assert "192.0.2.1" in log.read_text()
