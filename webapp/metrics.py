"""`/metrics` in Prometheus text format: requests and latency per endpoint, and the state of the
catalog and the index read at scrape time.

Each app has its own registry, made by the factory: nothing is registered at import, so tests
can build many apps. With several gunicorn workers each answers for itself (request counters
are per process); the catalog and index gauges are the same whichever answers.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Iterator

from elasticsearch import ApiError, TransportError
from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from catalog.changes import pending_changes
from catalog.claims import count_claimed, count_due
from catalog.sources import count_sources_by_health
from webapp.login import signed_in_user
from webapp.services import Services, services

blueprint = Blueprint("metrics", __name__)
SCRAPE_TIMEOUT = 5.0


class AppMetrics:
    """The app's registry and its request metrics."""

    def __init__(self, services: Services) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "mutual_http_requests",
            "HTTP requests answered, by endpoint, method and status.",
            ["endpoint", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "mutual_http_request_duration_seconds",
            "Time to answer an HTTP request, by endpoint.",
            ["endpoint"],
            registry=self.registry,
        )
        self.registry.register(CatalogCollector(services))


def init_metrics(app: Flask, services: Services) -> None:
    app.extensions["mutual_metrics"] = AppMetrics(services)
    app.before_request(_start_timer)
    app.after_request(_observe)
    app.register_blueprint(blueprint)


def _metrics() -> AppMetrics:
    metrics: AppMetrics = current_app.extensions["mutual_metrics"]
    return metrics


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _observe(response: Response) -> Response:
    metrics = _metrics()
    endpoint = request.endpoint or "unmatched"  # a route name, never a raw path: few labels
    metrics.requests.labels(endpoint, request.method, str(response.status_code)).inc()
    started = g.get("metrics_started")
    if started is not None:
        metrics.latency.labels(endpoint).observe(time.perf_counter() - started)
    return response


@blueprint.get("/metrics")
def metrics() -> Response:
    """The figures, to a scraper with MUTUAL_METRICS_TOKEN or the operator; anyone else gets
    404, as for a missing page: the counts take in member-only sources and items."""
    if not _may_read_metrics():
        abort(404)
    answer = Response(generate_latest(_metrics().registry), mimetype=CONTENT_TYPE_LATEST)
    answer.headers["Cache-Control"] = "private, no-store"
    return answer


def _may_read_metrics() -> bool:
    token = services().settings.metrics_token
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    user = signed_in_user()
    return user is not None and user.is_admin


class CatalogCollector(Collector):
    """Gauges read from the catalog and the index each time /metrics is scraped; a part that
    does not answer shows as `mutual_up{component=...} 0` and its gauges are left out."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "mutual_up", "Whether a component answered this scrape.", labels=["component"]
        )
        try:
            yield from self._catalog_gauges()
            up.add_metric(["catalog"], 1)
        except SQLAlchemyError:
            up.add_metric(["catalog"], 0)
        try:
            yield self._index_documents()
            up.add_metric(["elasticsearch"], 1)
        except (TransportError, ApiError):
            up.add_metric(["elasticsearch"], 0)
        yield up

    def _catalog_gauges(self) -> list[Metric]:
        with Session(self.services.catalog) as session:
            by_health = count_sources_by_health(session)
            due, claimed = count_due(session), count_claimed(session)
            watermark, newest, _ = pending_changes(session, self.services.index_names.sync_state)
        sources = GaugeMetricFamily("mutual_sources", "Sources by fetch health.", labels=["health"])
        for health, count in by_health.items():
            sources.add_metric([health], count)
        return [
            sources,
            GaugeMetricFamily(
                "mutual_sources_due", "Due sources no worker has claimed yet.", value=due
            ),
            GaugeMetricFamily(
                "mutual_sources_claimed", "Sources a worker is fetching now.", value=claimed
            ),
            GaugeMetricFamily(
                "mutual_index_sync_lag",
                "Catalog changes not yet in the index: newest change number minus the watermark.",
                value=max(newest - watermark, 0),
            ),
        ]

    def _index_documents(self) -> Metric:
        client = self.services.search_client.options(
            request_timeout=SCRAPE_TIMEOUT, max_retries=0, ignore_status=404
        )
        answer = client.count(index=self.services.index_names.alias)
        count = int(answer.get("count", 0)) if answer.meta.status == 200 else 0
        return GaugeMetricFamily(
            "mutual_index_documents", "Documents behind the search alias.", value=count
        )
