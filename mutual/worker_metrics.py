"""The worker's counters: logged after each cycle, and written as a Prometheus text file.

The worker is a process of its own with no HTTP server, so its counters cannot be scraped from
the web app's /metrics. It writes them (atomically) to `MUTUAL_WORKER_METRICS_FILE` when set, in
the format node_exporter's textfile collector reads, and logs each cycle's figures as a JSON line.
"""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, write_to_textfile

from catalog.claims import ClaimedOutcome


class WorkerMetrics:
    """Counters of one worker process, kept in a registry of its own (never the global one)."""

    def __init__(self, path: str = "") -> None:
        self.path = path
        self.registry = CollectorRegistry()
        self.sources = Counter(
            "mutual_worker_sources_crawled",
            "Sources the worker crawled, by source kind and outcome "
            "(ok, not_modified, failed, unfinished).",
            ["kind", "outcome"],
            registry=self.registry,
        )
        self.items = Counter(
            "mutual_worker_items",
            "Items the worker's crawls found new or changed.",
            ["change"],
            registry=self.registry,
        )
        self.cycles = Counter(
            "mutual_worker_cycles", "Worker cycles completed.", registry=self.registry
        )
        self.failures = Counter(
            "mutual_worker_step_failures",
            "Cycle steps (crawl, index, alerts) that failed.",
            ["step"],
            registry=self.registry,
        )
        self.last_cycle = Gauge(
            "mutual_worker_last_cycle_timestamp_seconds",
            "When the worker last finished a cycle (Unix time).",
            registry=self.registry,
        )
        self.cycle_seconds = Gauge(
            "mutual_worker_last_cycle_duration_seconds",
            "How long the last cycle took.",
            registry=self.registry,
        )

    def count_outcomes(self, outcomes: list[ClaimedOutcome]) -> None:
        for outcome in outcomes:
            self.sources.labels(outcome.kind, outcome.outcome).inc()

    def count_items(self, new: int, changed: int) -> None:
        self.items.labels("new").inc(new)
        self.items.labels("changed").inc(changed)

    def cycle_done(self, seconds: float) -> None:
        self.cycles.inc()
        self.last_cycle.set(time.time())
        self.cycle_seconds.set(seconds)
        if self.path:
            write_to_textfile(self.path, self.registry)
