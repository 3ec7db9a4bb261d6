"""/readyz, /metrics and the request log: what an operator's probes and scrapers read."""

from __future__ import annotations

import json
import logging
from dataclasses import replace

import pytest
from flask.testing import FlaskClient

from catalog.accounts import add_user
from catalog.communities import add_community
from catalog.db import make_engine, session_factory, transaction
from catalog.sources import add_source
from ground.json_logs import JsonFormatter
from ground.settings import Settings
from indexer.client import make_client
from indexer.sync import sync_index
from tests.helpers import make_catalog_items
from tests.web import PASSWORD, sign_in
from webapp import create_app

CLOSED_PORT = "http://127.0.0.1:9"
TOKEN = "scrape-token-for-tests"
SCRAPER = {"Authorization": f"Bearer {TOKEN}"}


def _client(settings: Settings) -> FlaskClient:
    return create_app(replace(settings, metrics_token=TOKEN), {"TESTING": True}).test_client()


def test_readyz_is_200_when_catalog_and_elasticsearch_answer(catalog: Settings) -> None:
    answer = _client(catalog).get("/readyz")
    assert answer.status_code == 200
    assert answer.get_json() == {
        "status": "ready",
        "down": [],
        "checks": {"catalog": "ok", "elasticsearch": "ok"},
    }


def test_readyz_is_503_naming_elasticsearch_when_it_is_unreachable(catalog: Settings) -> None:
    answer = _client(replace(catalog, es_hosts=(CLOSED_PORT,))).get("/readyz")
    assert answer.status_code == 503
    body = answer.get_json()
    assert body["status"] == "unavailable"
    assert body["down"] == ["elasticsearch"]
    assert body["checks"]["catalog"] == "ok"
    assert body["checks"]["elasticsearch"].startswith("Elasticsearch unreachable")
    # Liveness is another question: the process still serves.
    assert _client(replace(catalog, es_hosts=(CLOSED_PORT,))).get("/healthz").status_code == 200


def test_readyz_names_the_catalog_when_its_database_is_unreachable(catalog: Settings) -> None:
    gone = replace(catalog, database_url="postgresql+psycopg://mutual@127.0.0.1:9/mutual")
    answer = _client(gone).get("/readyz")
    assert answer.status_code == 503
    body = answer.get_json()
    assert body["down"] == ["catalog"]
    assert "127.0.0.1" not in json.dumps(body)  # says what is down, not how to reach it


def _add_source_and_items(settings: Settings) -> None:
    engine = make_engine(settings.resolved_database_url)
    with transaction(session_factory(engine)) as session:
        add_community(session, "Metrics", slug="metrics")
        add_source(session, "metrics", "https://metrics.example/feed.rss")
    engine.dispose()
    make_catalog_items(settings, 3)


def test_metrics_expose_requests_sources_and_sync_lag(catalog: Settings) -> None:
    _add_source_and_items(catalog)
    client = _client(catalog)
    client.get("/healthz")
    client.get("/no-such-page")
    before = client.get("/metrics", headers=SCRAPER)
    assert before.status_code == 200
    assert before.content_type.startswith("text/plain; version=")
    text = before.get_data(as_text=True)
    assert (
        'mutual_http_requests_total{endpoint="health.healthz",method="GET",status="200"} 1.0'
        in text
    )
    assert 'mutual_http_requests_total{endpoint="unmatched",method="GET",status="404"} 1.0' in text
    assert (
        'mutual_http_request_duration_seconds_bucket{endpoint="health.healthz",le="0.005"}' in text
    )
    assert 'mutual_sources{health="never"} 1.0' in text  # the items are carried by it
    assert 'mutual_sources{health="failing"} 0.0' in text
    assert "mutual_sources_due 1.0" in text
    assert "mutual_sources_claimed 0.0" in text
    assert "mutual_index_sync_lag 1.0" in text  # the three items are one change
    assert 'mutual_up{component="catalog"} 1.0' in text

    engine = make_engine(catalog.resolved_database_url)
    sync_index(make_client(catalog), session_factory(engine), catalog)
    engine.dispose()
    after = client.get("/metrics", headers=SCRAPER).get_data(as_text=True)
    assert "mutual_index_sync_lag 0.0" in after
    assert "mutual_index_documents 3.0" in after
    assert 'mutual_up{component="elasticsearch"} 1.0' in after


def test_metrics_answer_the_scraper_and_the_operator_and_nobody_else(catalog: Settings) -> None:
    """The counts take in member-only sources and items: /metrics is not there for others."""
    _add_source_and_items(catalog)
    client = _client(catalog)
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        refused = client.get("/metrics", headers=headers)
        assert refused.status_code == 404, headers
        assert "mutual_sources" not in refused.get_data(as_text=True)
    scraped = client.get("/metrics", headers=SCRAPER)
    assert scraped.status_code == 200 and scraped.headers["Cache-Control"] == "private, no-store"
    without_token = create_app(catalog, {"TESTING": True}).test_client()
    assert without_token.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404
    engine = make_engine(catalog.resolved_database_url)
    with transaction(session_factory(engine)) as session:
        add_user(session, "operator@example.org", PASSWORD, admin=True)
    engine.dispose()
    assert sign_in(without_token, "operator@example.org").status_code == 302
    assert "mutual_sources" in without_token.get("/metrics").get_data(as_text=True)


def test_metrics_still_answer_when_elasticsearch_is_down(catalog: Settings) -> None:
    text = (
        _client(replace(catalog, es_hosts=(CLOSED_PORT,)))
        .get("/metrics", headers=SCRAPER)
        .get_data(as_text=True)
    )
    assert 'mutual_up{component="elasticsearch"} 0.0' in text
    assert "mutual_index_documents" not in text
    assert "mutual_index_sync_lag 0.0" in text


def test_each_request_is_logged_as_json_with_its_request_id(
    catalog: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    client = _client(catalog)
    with caplog.at_level(logging.INFO, logger="webapp"):
        given = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
        fresh = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert given.headers["X-Request-ID"] == "abc-123"
    assert len(fresh.headers["X-Request-ID"]) == 32  # a bad one is replaced, not echoed
    records = [r for r in caplog.records if r.name == "webapp.requests"]
    assert [getattr(r, "request_id", None) for r in records] == [
        "abc-123",
        fresh.headers["X-Request-ID"],
    ]
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["request_id"] == "abc-123"
    assert line["endpoint"] == "health.healthz"
    assert line["status"] == 200
    assert line["level"] == "info"
