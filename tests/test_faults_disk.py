"""The catalog's disk full during a crawl: a small tmpfs the test mounts in a mount namespace of
its own (`unshare -m`, as root), the catalog on it, a file filling it nearly to the brim. The crawl
stops with exit code 7 and one line; what it reported as stored is there; once the disk has room the
rerun stores the rest, each source once."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from catalog.db import upgrade_schema
from ground import exits
from ground.settings import Settings
from mutual.local_site import LocalSite
from tests.fault_world import ACKNOWLEDGED, add_feed_sources, stored
from tests.helpers import REPO, run_mutual, settings_env
from tests.web import free_port

SOURCES, ITEMS = 10, 20
FREE_KB = 400  # room for a few sources' items, not for all of them

SQLITE_SCRIPT = """
set -u
mount -t tmpfs -o size=$((CATALOG_KB + FREE_KB + 64))k tmpfs "$DISK"
cp "$SEED/mutual.db" "$DISK/"
avail=$(df -k --output=avail "$DISK" | tail -1)
dd if=/dev/zero of="$DISK/filler" bs=1k count=$((avail - FREE_KB)) status=none
df -k "$DISK" > "$OUT/df"
crawl() {
    "$PYTHON" -m mutual crawl >"$OUT/$1.out" 2>"$OUT/$1.err"; echo $? >"$OUT/$1.rc"
    mkdir -p "$OUT/$1"; cp "$DISK"/mutual.db* "$OUT/$1/"
}
crawl first
rm "$DISK/filler"
mount -o remount,size=64m "$DISK"
crawl second
"""


def _in_namespace(script: str, env: dict[str, str]) -> None:
    if shutil.which("unshare") is None:
        pytest.fail("unshare (util-linux) is needed to mount a small filesystem")
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        check=False,
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr


def _acknowledged(err: str) -> dict[int, int]:
    """Source id -> items, for each source a crawl said it stored."""
    found = (ACKNOWLEDGED.search(line) for line in err.splitlines())
    return {int(m[1]): int(m[2]) for m in found if m}


def _run(out: Path, name: str) -> tuple[int, str, dict[int, int]]:
    err = (out / f"{name}.err").read_text()
    return int((out / f"{name}.rc").read_text()), err, _acknowledged(err)


def _snapshot(settings: Settings, out: Path, name: str) -> Settings:
    return replace(settings, database_url=f"sqlite:///{out / name / 'mutual.db'}")


@pytest.mark.sqlite_only
def test_a_full_disk_stops_the_crawl_and_loses_nothing_acknowledged(
    catalog: Settings, site: LocalSite, tmp_path: Path
) -> None:
    add_feed_sources(catalog, site, SOURCES, ITEMS)
    seed = Path(catalog.data_dir)
    with sqlite3.connect(seed / "mutual.db") as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    disk, out = tmp_path / "disk", tmp_path / "out"
    disk.mkdir()
    out.mkdir()
    on_disk = replace(catalog, data_dir=str(disk), crawl_delay=0.2, crawl_concurrency_per_host=1)
    env = settings_env(on_disk) | {
        "DISK": str(disk),
        "SEED": str(seed),
        "OUT": str(out),
        "PYTHON": sys.executable,
        "FREE_KB": str(FREE_KB),
        "CATALOG_KB": str((seed / "mutual.db").stat().st_size // 1024),
    }
    _in_namespace(SQLITE_SCRIPT, env)

    code, err, first = _run(out, "first")
    assert code == exits.CATALOG_UNAVAILABLE, err + (out / "df").read_text()
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "the catalog's disk is full" in errors[0], err
    assert 1 <= len(first) < SOURCES, err
    held = stored(_snapshot(catalog, out, "first"))
    assert all(held.per_source.get(s) == n for s, n in first.items()), "acknowledged items lost"

    code, err, second = _run(out, "second")
    assert code == exits.OK, err
    assert not set(first) & set(second), "a stored source was fetched again"
    held = stored(_snapshot(catalog, out, "second"))
    assert (held.items, held.distinct_urls) == (SOURCES * ITEMS, SOURCES * ITEMS)
    assert held.fetches_ok == dict.fromkeys(range(1, SOURCES + 1), 1)


# A PostgreSQL cluster whose data folder is a small tmpfs in a mount namespace of its own; the
# server runs as the postgres user (it refuses root), its socket and log outside the tmpfs. The
# shell then waits, so the test can fill and free the disk with nsenter; the crawls run outside
# and reach the server over loopback, as they would any database server.
POSTGRES_SCRIPT = """
set -eu
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
mount -t tmpfs -o size=96m tmpfs "$DISK"
chown postgres "$DISK"
runuser -u postgres -- "$bin/initdb" -D "$DISK/data" -U postgres --auth=trust -E UTF8 >/dev/null
runuser -u postgres -- "$bin/pg_ctl" -D "$DISK/data" -l "$STATE/log" -w -t 60 start \\
    -o "-p $PORT -c listen_addresses=127.0.0.1 -k $STATE -c fsync=off" >/dev/null
echo "$bin" >"$STATE/ready"
exec sleep 3600
"""
PG_FREE_KB = 320


@dataclass
class SmallDiskPostgres:
    process: subprocess.Popen[bytes]
    state: Path
    port: int

    @property
    def disk(self) -> Path:
        return self.state / "disk"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def inside(self, script: str) -> None:
        """Run `script` in the server's mount namespace (where the small disk is mounted)."""
        command = ["nsenter", "-t", str(self.process.pid), "-m", "--", "sh", "-c", script]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr

    def fill(self, leave_kb: int) -> None:
        self.inside(
            f'avail=$(df -k --output=avail "{self.disk}" | tail -1); dd if=/dev/zero '
            f'of="{self.disk}/filler" bs=1k count=$((avail - {leave_kb})) status=none'
        )

    def free(self) -> None:
        self.inside(f'rm "{self.disk}/filler"; mount -o remount,size=256m "{self.disk}"')


@contextmanager
def small_disk_postgres() -> Iterator[SmallDiskPostgres]:
    state = Path(tempfile.mkdtemp(prefix="mutual-fault-pgdisk-", dir="/var/tmp"))
    (state / "disk").mkdir()
    for folder in (state, state / "disk"):
        folder.chmod(0o755)
        shutil.chown(folder, "postgres")
    env = os.environ | {"DISK": str(state / "disk"), "STATE": str(state), "PORT": str(free_port())}
    process = subprocess.Popen(["unshare", "-m", "sh", "-c", POSTGRES_SCRIPT], env=env)
    server = SmallDiskPostgres(process, state, int(env["PORT"]))
    try:
        deadline = time.monotonic() + 90
        while not (state / "ready").exists():
            assert process.poll() is None and time.monotonic() < deadline, "no server started"
            time.sleep(0.2)
        yield server
    finally:
        bin_dir = (state / "ready").read_text().strip() if (state / "ready").exists() else ""
        if bin_dir and process.poll() is None:
            server.inside(
                f'runuser -u postgres -- "{bin_dir}/pg_ctl" -D "{server.disk}/data" '
                "-m immediate stop >/dev/null"
            )
        process.kill()
        process.wait(timeout=30)
        shutil.rmtree(state, ignore_errors=True)


@pytest.mark.postgres_only
def test_a_full_disk_under_postgres_stops_the_crawl_and_loses_nothing_acknowledged(
    settings: Settings, site: LocalSite
) -> None:
    with small_disk_postgres() as server:
        catalog = replace(
            settings, database_url=server.url, crawl_delay=0.2, crawl_concurrency_per_host=1
        )
        upgrade_schema(catalog.resolved_database_url)
        add_feed_sources(catalog, site, SOURCES, ITEMS)
        server.fill(leave_kb=PG_FREE_KB)

        first = run_mutual(catalog, "crawl", check=False)
        assert first.returncode == exits.CATALOG_UNAVAILABLE, first.stderr
        assert "Traceback" not in first.stderr
        errors = [line for line in first.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and "the catalog's disk is full" in errors[0], first.stderr
        acknowledged = _acknowledged(first.stderr)
        assert 1 <= len(acknowledged) < SOURCES, first.stderr
        held = stored(catalog)
        assert all(held.per_source.get(s) == n for s, n in acknowledged.items())

        server.free()
        second = run_mutual(catalog, "crawl")
        assert not set(acknowledged) & set(_acknowledged(second.stderr))
        held = stored(catalog)
        assert (held.items, held.distinct_urls) == (SOURCES * ITEMS, SOURCES * ITEMS)
        assert held.fetches_ok == dict.fromkeys(range(1, SOURCES + 1), 1)
