"""/readyz and the search page while the real Elasticsearch node is stopped, and once it is back.

This stops and restarts the shared test node with the project's own script, so it runs last.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from parsel import Selector

from catalog.db import make_engine, session_factory
from ground.settings import Settings
from indexer.client import make_client
from indexer.sync import sync_index
from tests.helpers import es_script, make_catalog_items
from webapp import create_app


def _visible_text(html: str) -> str:
    return " ".join(" ".join(Selector(text=html).css("main ::text").getall()).split())


def _index_some_items(settings: Settings) -> None:
    make_catalog_items(settings, 3)
    engine = make_engine(settings.resolved_database_url)
    client = make_client(settings)
    try:
        assert sync_index(client, session_factory(engine), settings).ok
    finally:
        client.close()
        engine.dispose()


def _search(client: FlaskClient) -> tuple[int, str]:
    response = client.get("/?q=financial+analyst&scope=all")
    return response.status_code, response.get_data(as_text=True)


@pytest.mark.restarts_elasticsearch
def test_readyz_and_search_page_follow_the_node_down_and_back(catalog: Settings) -> None:
    _index_some_items(catalog)
    client = create_app(catalog, {"TESTING": True}).test_client()
    assert client.get("/readyz").status_code == 200

    stopped = es_script("stop")
    try:
        assert es_script("status").returncode != 0, stopped.stderr
        ready = client.get("/readyz")
        assert ready.status_code == 503
        body = ready.get_json()
        assert body["down"] == ["elasticsearch"]
        assert body["checks"]["catalog"] == "ok"
        assert body["checks"]["elasticsearch"].startswith("Elasticsearch unreachable")
        assert client.get("/healthz").status_code == 200  # the process itself is fine

        status, html = _search(client)
        assert status == 503
        text = _visible_text(html)
        assert "Search is unavailable right now" in text
        assert "Nothing is lost" in text
        assert "Traceback" not in html and "ConnectionError" not in html
        assert Selector(text=html).css("form input[name=q]::attr(value)").get() == (
            "financial analyst"
        )  # the search box keeps the query, to try again
    finally:
        started = es_script("start")
        assert started.returncode == 0, started.stderr

    assert client.get("/readyz").get_json()["status"] == "ready"
    status, html = _search(client)
    assert status == 200
    assert "Financial Analyst" in _visible_text(html)
    assert "Search is unavailable" not in html
