"""`mutual worker`: claim due sources, crawl them, sync the index, run alerts; again and again.

Several workers (on one host or many) share one catalog: each cycle claims a batch of due
sources through a lease in the catalog (catalog.claims), so no source is fetched twice and the
oldest due go first. The index sync holds its own lease, so a worker that finds another syncing
skips the step. SIGTERM or SIGINT stops claiming; the crawl under way may finish (or is stopped
after a grace period and its unrecorded sources released), and the worker exits 0.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import FrameType

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from alerts.run import run_alerts
from catalog.claims import ClaimedOutcome, claim_due_sources, claimed_outcomes, release_claims
from catalog.db import make_engine, require_schema, session_factory, transaction
from catalog.locks import LockHeld, holder_id
from catalog.models.base import utcnow
from ground.errors import MutualError
from ground.settings import Settings
from indexer.client import make_client
from indexer.people_sync import sync_people
from indexer.sync import sync_index
from mutual.worker_crawl import ChildCrawl, CrawlChildFailed, run_child_crawl
from mutual.worker_metrics import WorkerMetrics

log = logging.getLogger("mutual.worker")


@dataclass
class CycleResult:
    claimed: int = 0
    outcomes: list[ClaimedOutcome] = field(default_factory=list)
    failed_steps: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed_steps and all(
            o.outcome in ("ok", "not_modified") for o in self.outcomes
        )


@dataclass(frozen=True)
class Worker:
    settings: Settings
    sessions: sessionmaker[Session]
    batch_size: int
    metrics: WorkerMetrics
    stop: threading.Event = field(default_factory=threading.Event)


def run_worker(settings: Settings, *, once: bool = False, max_sources: int | None = None) -> bool:
    """Run cycles until SIGTERM/SIGINT (or one, with `once`). False when `once` and the cycle
    had failures (a source or a step)."""
    engine = make_engine(settings.resolved_database_url)
    require_schema(engine)
    worker = Worker(
        settings,
        session_factory(engine),
        max_sources or settings.worker_batch_size,
        WorkerMetrics(settings.worker_metrics_file),
    )
    log.info("worker started", extra={"batch_size": worker.batch_size, "once": once})
    try:
        with stop_on_signals(worker.stop):
            result = _loop(worker, once)
    finally:
        engine.dispose()
    log.info("worker stopped")
    return result.ok


def _loop(worker: Worker, once: bool) -> CycleResult:
    while True:
        started = time.monotonic()
        result = _cycle_surviving_catalog_errors(worker)
        if once or worker.stop.is_set():
            return result
        backlog = result.claimed >= worker.batch_size
        pause = 0.0 if backlog else worker.settings.worker_period - (time.monotonic() - started)
        if worker.stop.wait(max(pause, 0.0)):
            return result


def _cycle_surviving_catalog_errors(worker: Worker) -> CycleResult:
    """A cycle; when the catalog stops answering (a database restart), log it and let the next
    cycle try again. Claims made before the failure end with their lease."""
    try:
        return run_cycle(worker)
    except SQLAlchemyError as exc:
        log.error("cycle failed: the catalog did not answer (%s: %s)", type(exc).__name__, exc)
        worker.metrics.failures.labels("catalog").inc()
        return CycleResult(failed_steps=["catalog"])


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Set `stop` on SIGTERM and SIGINT for the block, then put the previous handlers back."""

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        log.info("stop requested", extra={"signal": signal.Signals(signum).name})
        stop.set()

    saved = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def run_cycle(worker: Worker) -> CycleResult:
    """One cycle: claim and crawl a batch, then (unless stopping) sync the index and run alerts."""
    started = time.monotonic()
    result = CycleResult()
    holder = holder_id()
    claimed_at = utcnow()
    with transaction(worker.sessions) as session:
        ids = claim_due_sources(
            session,
            holder,
            worker.batch_size,
            timedelta(seconds=worker.settings.worker_lease_seconds),
        )
    result.claimed = len(ids)
    if ids:
        _crawl(worker, holder, ids, claimed_at, result)
    if not worker.stop.is_set():
        _step(worker, "index", sync_index_step, result)
        _step(worker, "alerts", run_alerts_step, result)
    worker.metrics.cycle_done(time.monotonic() - started)
    _log_cycle(result, time.monotonic() - started)
    return result


def _crawl(
    worker: Worker, holder: str, ids: list[int], claimed_at: datetime, result: CycleResult
) -> None:
    job = ChildCrawl(worker.settings, worker.sessions, worker.stop, holder, len(ids))
    try:
        report = run_child_crawl(job)
        worker.metrics.count_items(report.get("items_new", 0), report.get("items_changed", 0))
    except CrawlChildFailed as exc:
        log.error("crawl failed: %s", exc, extra={"holder": holder})
        worker.metrics.failures.labels("crawl").inc()
        result.failed_steps.append("crawl")
    finally:
        with transaction(worker.sessions) as session:
            released = release_claims(session, holder)
        if released:
            log.warning("released unrecorded sources", extra={"count": released})
    with transaction(worker.sessions) as session:
        result.outcomes = claimed_outcomes(session, ids, claimed_at)
    worker.metrics.count_outcomes(result.outcomes)
    for outcome in result.outcomes:
        _log_outcome(outcome)


def _log_outcome(outcome: ClaimedOutcome) -> None:
    level = logging.INFO if outcome.outcome in ("ok", "not_modified") else logging.WARNING
    log.log(
        level,
        "source %s",
        outcome.outcome,
        extra={
            "source_id": outcome.source_id,
            "kind": outcome.kind,
            "outcome": outcome.outcome,
            "status": outcome.status,
            "items": outcome.items,
            "reason": outcome.error,
        },
    )


def _step(worker: Worker, name: str, step: Callable[[Settings], str], result: CycleResult) -> None:
    """Run one step; its failure is logged and counted, and the worker goes on (a broken
    Elasticsearch must not stop crawling: what is crawled waits in the catalog)."""
    try:
        summary = step(worker.settings)
    except LockHeld as exc:
        log.info("%s skipped: %s", name, exc)
        return
    except MutualError as exc:
        log.error("%s failed: %s", name, exc)
    except Exception:
        log.exception("%s failed unexpectedly", name)
    else:
        log.info("%s: %s", name, summary, extra={"step": name})
        return
    worker.metrics.failures.labels(name).inc()
    result.failed_steps.append(name)


def sync_index_step(settings: Settings) -> str:
    engine = make_engine(settings.resolved_database_url)
    client = make_client(settings)
    try:
        sessions = session_factory(engine)
        report = sync_index(client, sessions, settings)
        people = sync_people(client, sessions, settings)
    finally:
        client.close()
        engine.dispose()
    if report.errors:
        raise IndexRejected(f"{len(report.errors)} documents rejected: {sorted(report.errors)[:5]}")
    return (
        f"indexed {report.indexed}, deleted {report.deleted}, watermark {report.watermark_after}; "
        f"people indexed {people.indexed}, removed {people.removed}"
    )


class IndexRejected(MutualError):
    """Elasticsearch refused some documents (their reasons are on the items)."""


def run_alerts_step(settings: Settings) -> str:
    """Alerts after each sync: `alerts.run.run_alerts`, as `mutual alerts run` does."""
    report = run_alerts(settings)
    if report.failures:
        raise AlertsFailed(f"{len(report.failures)} failures: {report.failures[:5]}")
    return report.summary()


class AlertsFailed(MutualError):
    """Some saved searches or deliveries failed (deliveries are retried on later runs)."""


def _log_cycle(result: CycleResult, seconds: float) -> None:
    counts: dict[str, int] = {}
    for outcome in result.outcomes:
        counts[outcome.outcome] = counts.get(outcome.outcome, 0) + 1
    log.info(
        "cycle finished",
        extra={
            "claimed": result.claimed,
            "outcomes": counts,
            "failed_steps": result.failed_steps,
            "seconds": round(seconds, 3),
        },
    )
