"""scripts/elasticsearch.sh: idempotent start, honest status, one node only."""

from __future__ import annotations

import subprocess
from pathlib import Path

from elasticsearch import Elasticsearch

from tests.conftest import ES_SCRIPT


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(ES_SCRIPT), *args], capture_output=True, text=True, check=False, timeout=300
    )


def _node_processes(port: str) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "org.elasticsearch.bootstrap.Elasticsearch" in text and f"mutual-es-{port}" in text:
            found.append(text)
    return found


def test_start_twice_keeps_one_node(es_url: str, es_client: Elasticsearch) -> None:
    port = es_url.rsplit(":", 1)[-1]
    before = _run("status")
    assert before.returncode == 0 and "running at" in before.stdout
    again = _run("start")
    assert again.returncode == 0
    assert "already running" in again.stderr
    assert len(_node_processes(port)) == 1
    nodes = es_client.nodes.info(metric="process")["nodes"]
    assert next(iter(nodes.values()))["version"].startswith("9.")


def test_node_runs_unprivileged_with_hunspell_dictionaries(es_client: Elasticsearch) -> None:
    tokens = es_client.indices.analyze(
        tokenizer="standard",
        filter=["lowercase", {"type": "hunspell", "locale": "en_US"}],
        text="Managers",
    )["tokens"]
    assert [t["token"] for t in tokens] == ["manage"]
    stats = es_client.nodes.info(metric="process")
    pid = next(iter(stats["nodes"].values()))["process"]["id"]
    owner_uid = Path(f"/proc/{pid}").stat().st_uid
    assert owner_uid != 0, "the node must not run as root"


def test_unknown_action_is_a_usage_error() -> None:
    result = _run("explode")
    assert result.returncode == 2
    assert "usage" in result.stderr
