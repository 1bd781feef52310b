"""The README's "Team mode" steps, run as written against the throwaway server: install,
create the database and schema, create people's logins, back up and restore, add a
streaming replica. Only what names the machine differs (listed in ``_ON_THIS_MACHINE``):
the server's own paths, and the Debian cluster wrapper where a bare cluster is used."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from jjj_brief.store import StoreError, make_anchor
from jjj_brief.team.store import PgStore

pytestmark = [pytest.mark.pg, pytest.mark.slow]
README = Path(__file__).resolve().parents[2] / "README.md"
STEPS = ["install", "create", "roles", "backup", "replica-primary", "replica"]
TEXT = "Tianjin port grew 4.5 percent."


def readme_steps() -> dict[str, str]:
    """``<!-- team-step: NAME -->`` followed by a ```sh block, in the Team mode section."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Team mode\n", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"<!-- team-step: ([\w-]+) -->\n```sh\n(.*?)\n```", section, flags=re.S))


def test_the_readme_has_every_team_step():
    assert list(readme_steps()) == STEPS


def _server_env(pg_cluster) -> dict[str, str]:
    parts = urlsplit(pg_cluster.admin_url())
    query = parse_qs(parts.query)
    return {
        "PGHOST": query["host"][0],
        "PGPORT": query["port"][0],
        "PGUSER": unquote(parts.username or ""),
        "PGPASSWORD": unquote(parts.password or ""),
        "PATH": f"{Path(sys.executable).parent}:{pg_cluster.bin('')}:/usr/sbin:/usr/bin:/sbin:/bin",
    }


def _script(env: dict[str, str], body: str) -> str:
    exports = "".join(f"export {name}={shlex.quote(value)}\n" for name, value in env.items())
    return exports + body + "\n"


def _run(args: list[str], cwd: Path, runner=None) -> subprocess.CompletedProcess:
    if runner is not None:
        return runner(args, check=False, cwd=str(cwd), timeout=300)
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


def _install(step: str) -> None:
    """Run with --simulate --no-download: it must find every package already installed
    (nothing downloaded: the tests never touch the network)."""
    command = step.replace("apt-get install", "apt-get install --simulate --no-download", 1)
    result = subprocess.run(["bash", "-euc", command], capture_output=True, text=True, timeout=120, check=False)
    if result.returncode == 0:
        assert "0 newly installed" in result.stdout, result.stdout
        return
    # No package lists on this machine (never `apt-get update`d): ask dpkg about the same packages.
    packages = [word for word in step.split("install", 1)[1].split() if not word.startswith("-")]
    for package in packages:
        status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
        assert status.stdout == "install ok installed", f"{package}: {status.stdout or status.stderr}"


def _drop(pg_cluster) -> None:
    for name in ("jjj", "jjj_restored"):
        pg_cluster.drop_database(name)
    for role in ("ann", "rob", "eve", "replicator"):
        pg_cluster.sql(f"DROP ROLE IF EXISTS {role}")


def test_the_readme_team_steps_work_as_written(pg_cluster, tmp_path):
    steps = readme_steps()
    env = _server_env(pg_cluster)
    url = pg_cluster.url  # (user, password, dbname)
    replica_data = pg_cluster.folder / "readme-replica"
    replica_port = _free_port()
    on_this_machine = {
        "/etc/postgresql/15/main/pg_hba.conf": str(pg_cluster.data / "pg_hba.conf"),
        "pg_ctlcluster 15 main stop": "true  # no packaged cluster on the replica side here",
        "pg_ctlcluster 15 main start": (
            f"pg_ctl --pgdata={replica_data} --log={replica_data}.log --wait "
            f"-o \"-p {replica_port} -k {pg_cluster.socket_dir} -c listen_addresses=''\" start"
        ),
        "/var/lib/postgresql/15/main": str(replica_data),
    }

    def adapt(step: str) -> str:
        for written, here in on_this_machine.items():
            step = step.replace(written, here)
        return step

    _install(steps["install"])
    stores: list[PgStore] = []
    try:
        for name in ("create", "roles"):
            done = _run(["bash", "-euc", _script(env, adapt(steps[name]))], tmp_path)
            assert done.returncode == 0, f"{name}: {done.stderr[-2000:]}"
        assert pg_cluster.sql("SELECT max(version) FROM schema_version", dbname="jjj")[0][0] >= 53
        assert pg_cluster.sql("SELECT count(*) FROM articles", dbname="jjj")[0][0] > 0

        ann = PgStore(url("ann", "change-me-ann", "jjj"))
        rob = PgStore(url("rob", "change-me-rob", "jjj"))
        eve = PgStore(url("eve", "change-me-eve", "jjj"))
        stores += [ann, rob, eve]
        note = ann.add_note(make_anchor("art-1", TEXT, 0, 7), "from the README's analyst")
        with pytest.raises(StoreError, match="rob may not write"):
            rob.add_note(make_anchor("art-1", TEXT, 0, 7), "a reader's")
        assert eve.may_publish() and not ann.may_publish()

        done = _run(["bash", "-euc", _script(env, adapt(steps["backup"]))], tmp_path)
        assert done.returncode == 0, done.stderr[-2000:]
        assert (tmp_path / "jjj.dump").stat().st_size > 0
        restored = pg_cluster.sql("SELECT author, text FROM work.notes", dbname="jjj_restored")
        assert restored == [("ann", "from the README's analyst")]

        done = _run(["bash", "-euc", _script(env, adapt(steps["replica-primary"]))], tmp_path)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "host replication replicator" in (pg_cluster.data / "pg_hba.conf").read_text()

        # The replica side runs as the postgres user, in a folder it owns.
        done = _run(
            ["bash", "-euc", _script(env, adapt(steps["replica"]))], pg_cluster.folder, runner=pg_cluster.run_as_owner
        )
        assert done.returncode == 0, done.stderr[-2000:]
        replica_url = url("ann", "change-me-ann", "jjj").replace(f"port={pg_cluster.port}", f"port={replica_port}")
        reader = PgStore(None, replica_url)
        stores.append(reader)
        assert reader.replica.standby
        assert [(n.id, n.author) for n in reader.notes()] == [(note.id, "ann")]
        assert reader.last_read_from == "replica"
    finally:
        for store in stores:
            store.close()
        pg_cluster.run_as_owner(
            [pg_cluster.bin("pg_ctl"), "-D", str(replica_data), "-m", "immediate", "stop"], check=False
        )
        _drop(pg_cluster)


def _free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
