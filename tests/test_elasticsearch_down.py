"""Elasticsearch stopped while crawling: nothing crawled is lost, and it is indexed once back.

This stops and restarts the shared test node with the project's own script, so it runs last.
"""

from __future__ import annotations

import json

import pytest

from ground.settings import Settings
from mutual.local_site import LocalSite
from tests.helpers import es_script, run_mutual


@pytest.mark.restarts_elasticsearch
def test_crawl_while_elasticsearch_is_down_then_index_when_back(
    catalog: Settings, site: LocalSite
) -> None:
    run_mutual(catalog, "community", "add", "Riverside Alumni", "--slug", "riverside")
    run_mutual(
        catalog, "source", "add", "riverside", f"{site.base_url}/alumni/jobs.atom", "--kind", "feed"
    )
    stopped = es_script("stop")
    try:
        assert es_script("status").returncode != 0, stopped.stderr
        crawl = run_mutual(catalog, "crawl")
        assert "2 new items" in crawl.stdout

        down = run_mutual(catalog, "index", check=False)
        assert down.returncode == 4
        assert "Elasticsearch" in down.stderr
        assert "Traceback" not in down.stderr
    finally:
        started = es_script("start")
        assert started.returncode == 0, started.stderr

    status = json.loads(run_mutual(catalog, "index", "--status", "--json").stdout)
    assert status["items_waiting"] == 2
    back = run_mutual(catalog, "index")
    assert "indexed 2 of 2 changed items" in back.stdout
    hits = json.loads(run_mutual(catalog, "search", "clinical data", "--json").stdout)
    assert [h["title"] for h in hits["hits"]] == ["Clinical Data Manager"]
