"""The indexer when things die: a rebuild killed mid-load, Elasticsearch killed mid-sync."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from elasticsearch import Elasticsearch

from ground.settings import Settings
from indexer.mapping import current_index
from indexer.names import IndexNames
from tests.helpers import REPO, es_script, make_catalog_items, run_mutual, settings_env


def _start_mutual(settings: Settings, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "mutual", *args],
        env=settings_env(settings),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _operations(client: Elasticsearch, index: str) -> int:
    """Documents an index has taken in, refreshed or not."""
    stats = client.indices.stats(index=index, metric="indexing")["indices"]
    return int(stats[index]["primaries"]["indexing"]["index_total"]) if index in stats else 0


def _wait_until(condition, seconds: float = 120) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.1)


def test_an_interrupted_rebuild_leaves_the_old_index_live(
    catalog: Settings, es_client: Elasticsearch
) -> None:
    make_catalog_items(catalog, 12_000)
    run_mutual(catalog, "index")
    names = IndexNames(catalog.index_prefix)
    live = current_index(es_client, names)
    assert live

    rebuild = _start_mutual(catalog, "reindex")

    def half_built() -> str | None:
        indices = es_client.indices.get(index=names.pattern).body
        building = [name for name in indices if name != live]
        return next((b for b in building if _operations(es_client, b) > 2000), None)

    _wait_until(lambda: half_built() is not None or rebuild.poll() is not None)
    leftover = half_built()
    assert leftover, f"the rebuild finished before it could be killed: {rebuild.stdout}"
    rebuild.kill()
    rebuild.wait(timeout=30)

    assert current_index(es_client, names) == live
    assert es_client.count(index=names.alias)["count"] == 12_000
    assert es_client.search(index=names.alias, q="analyst", size=1)["hits"]["total"]["value"] > 0

    again = run_mutual(catalog, "reindex")
    assert f"removed {leftover}, left by an interrupted rebuild" in again.stdout
    assert "with 12000 documents" in again.stdout
    assert list(es_client.indices.get(index=names.pattern).body) == [
        current_index(es_client, names)
    ]


def _server_pid(client: Elasticsearch) -> int:
    nodes = client.nodes.info(metric="process")["nodes"]
    return int(next(iter(nodes.values()))["process"]["id"])


@pytest.mark.restarts_elasticsearch
def test_elasticsearch_killed_mid_sync_loses_nothing_and_doubles_nothing(
    catalog: Settings, es_client: Elasticsearch
) -> None:
    make_catalog_items(catalog, 15_000)
    names = IndexNames(catalog.index_prefix)
    sync = _start_mutual(catalog, "index")
    _wait_until(lambda: es_client.indices.exists_alias(name=names.alias))
    live = current_index(es_client, names)
    assert live
    _wait_until(lambda: _operations(es_client, live) > 3000)
    os.kill(_server_pid(es_client), signal.SIGKILL)
    out, err = sync.communicate(timeout=120)
    assert sync.returncode == 4, out + err
    assert "Traceback" not in err

    _wait_until(lambda: es_script("status").returncode != 0, seconds=60)
    started = es_script("start")
    assert started.returncode == 0, started.stderr
    again = run_mutual(catalog, "index")
    assert "indexed" in again.stdout
    es_client.indices.refresh(index=names.alias)
    assert es_client.count(index=names.alias)["count"] == 15_000
