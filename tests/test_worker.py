"""`mutual worker`: several workers share one catalog's due sources, each fetched once, and a
worker killed mid-crawl loses nothing. Real processes, a real catalog (SQLite, or PostgreSQL in
the suite's second run), feeds from a local site."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from catalog.claims import claim_due_sources, release_claims
from catalog.communities import add_community
from catalog.db import make_engine, session_factory, transaction
from catalog.models.base import utcnow
from catalog.models.items import Sighting
from catalog.models.sources import Source
from catalog.records import FetchInfo
from catalog.sources import Backoff, add_source, record_fetch_success
from ground.settings import Settings
from mutual.local_site import LocalSite
from tests.helpers import REPO, settings_env

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Board {n}</title><link>https://board{n}.example/</link>
<description>Jobs of board {n}</description>
<item><title>Controller {n}</title><link>https://board{n}.example/jobs/controller</link>
<guid>board{n}-controller</guid><description>Month-end close at company {n}.</description></item>
<item><title>Analyst {n}</title><link>https://board{n}.example/jobs/analyst</link>
<guid>board{n}-analyst</guid><description>Forecasting at company {n}.</description></item>
</channel></rss>
"""


@pytest.fixture
def feeds(tmp_path: Path) -> Iterator[LocalSite]:
    """A local site that serves any number of generated feeds, /feeds/N.rss."""
    root = tmp_path / "feeds-site"
    (root / "feeds").mkdir(parents=True)
    site = LocalSite(root)
    site.start()
    yield site
    site.stop()


def _register_feeds(settings: Settings, site: LocalSite, count: int) -> dict[int, str]:
    """`count` feed sources on the site, in one community; source id -> feed path."""
    paths = {}
    engine = make_engine(settings.resolved_database_url)
    with transaction(session_factory(engine)) as session:
        add_community(session, "Worker Test", slug="workers")
        for n in range(count):
            path = f"/feeds/{n}.rss"
            (site.root / path.lstrip("/")).write_text(RSS.format(n=n), encoding="utf-8")
            source = add_source(session, "workers", site.base_url + path)
            paths[source.id] = path
    engine.dispose()
    return paths


def _start_worker(
    settings: Settings, log: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    with log.open("wb") as stderr:
        return subprocess.Popen(
            [sys.executable, "-m", "mutual", "worker", *args],
            env={**settings_env(settings), **(env or {})},
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            # Its own process group, so the test can kill the worker and its crawl together.
            start_new_session=True,
        )


def _fetched(settings: Settings) -> int:
    engine = make_engine(settings.resolved_database_url)
    with transaction(session_factory(engine)) as session:
        query = select(func.count()).select_from(Source).where(Source.last_fetched_at.isnot(None))
        count = int(session.scalar(query) or 0)
    engine.dispose()
    return count


def _wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def _sources_logged(log: Path) -> list[int]:
    """Source ids a worker logged as fetched, from its JSON lines."""
    ids = []
    for line in log.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)  # every line is JSON: a stray print would fail here
        if entry.get("logger") == "mutual.worker" and entry.get("outcome") == "ok":
            ids.append(entry["source_id"])
    return ids


def _feed_requests(site: LocalSite) -> Counter[str]:
    return Counter(r.path for r in site.requests if r.path.startswith("/feeds/"))


def test_two_workers_fetch_each_of_200_sources_once(
    catalog: Settings, feeds: LocalSite, tmp_path: Path
) -> None:
    settings = replace(
        catalog,
        # Half the sources each: one crawl process per worker, the least a test can start.
        worker_batch_size=100,
        worker_period=1,
        worker_lease_seconds=30,
        crawl_concurrency_per_host=8,
    )
    paths = _register_feeds(settings, feeds, 200)
    logs = [tmp_path / "worker-a.log", tmp_path / "worker-b.log"]
    metrics = tmp_path / "worker-a.prom"
    workers = [
        _start_worker(settings, logs[0], env={"MUTUAL_WORKER_METRICS_FILE": str(metrics)}),
        _start_worker(settings, logs[1]),
    ]
    try:
        _wait_for(lambda: _fetched(settings) == 200, 90, "every source to be fetched")
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
    codes = [worker.wait(timeout=60) for worker in workers]
    assert codes == [0, 0], [log.read_text() for log in logs]

    requests = _feed_requests(feeds)
    assert set(requests) == set(paths.values())
    assert set(requests.values()) == {1}, requests.most_common(3)
    by_worker = [set(_sources_logged(log)) for log in logs]
    assert by_worker[0] and by_worker[1], "both workers should have had work"
    assert not by_worker[0] & by_worker[1]
    assert by_worker[0] | by_worker[1] == set(paths)
    assert 'mutual_worker_sources_crawled_total{kind="feed",outcome="ok"}' in metrics.read_text()
    engine = make_engine(settings.resolved_database_url)
    with transaction(session_factory(engine)) as session:
        assert session.scalar(select(func.count()).select_from(Sighting)) == 400
        assert session.scalar(select(func.count()).where(Source.claimed_by.isnot(None))) == 0
    engine.dispose()


def _claims_of_dead(settings: Settings) -> dict[int, str]:
    engine = make_engine(settings.resolved_database_url)
    with transaction(session_factory(engine)) as session:
        rows = session.execute(
            select(Source.id, Source.claimed_by).where(Source.claimed_by.isnot(None))
        )
        claims = {row.id: row.claimed_by for row in rows}
    engine.dispose()
    return claims


def _leases_over(settings: Settings) -> bool:
    engine = make_engine(settings.resolved_database_url)
    with transaction(session_factory(engine)) as session:
        last = session.scalar(select(func.max(Source.claimed_until)))
    engine.dispose()
    return last is None or last < utcnow()


def _claim_now(settings: Settings, holder: str) -> list[int]:
    """What another worker claiming at this moment would get."""
    engine = make_engine(settings.resolved_database_url)
    with transaction(session_factory(engine)) as session:
        claimed = claim_due_sources(session, holder, 1000, timedelta(minutes=5))
    with transaction(session_factory(engine)) as session:
        release_claims(session, holder)
    engine.dispose()
    return claimed


@pytest.mark.postgres_only
def test_a_killed_worker_loses_nothing(catalog: Settings, feeds: LocalSite, tmp_path: Path) -> None:
    # A slow crawl (one request at a time, 0.2 s apart) so the kill lands in the middle of it.
    slow = replace(catalog, worker_lease_seconds=8, crawl_delay=0.2, crawl_concurrency_per_host=1)
    paths = _register_feeds(slow, feeds, 60)
    doomed = _start_worker(slow, tmp_path / "doomed.log", "--once", "--max-sources", "40")
    try:
        _wait_for(lambda: _fetched(slow) >= 5, 60, "the doomed worker to record some sources")
    finally:
        os.killpg(doomed.pid, signal.SIGKILL)  # the worker and its crawl process
        doomed.wait()
    stranded = _claims_of_dead(slow)
    assert stranded, "the kill should have left claimed, unrecorded sources"
    assert _fetched(slow) + len(stranded) == 40
    # While the dead worker's lease runs, others leave its sources alone...
    others = _claim_now(slow, "another-worker")
    assert len(others) == 20
    assert not set(others) & set(stranded)
    assert _claims_of_dead(slow) == stranded

    # ...and take them once it has run out.
    _wait_for(lambda: _leases_over(slow), slow.worker_lease_seconds + 5, "the leases to end")
    fast = replace(slow, crawl_delay=0.0, crawl_concurrency_per_host=8)
    last = _start_worker(fast, tmp_path / "last.log", "--once")
    assert last.wait(timeout=90) == 0, (tmp_path / "last.log").read_text()
    assert _fetched(fast) == 60
    assert not _claims_of_dead(fast)
    assert set(stranded) <= set(_sources_logged(tmp_path / "last.log"))
    requests = _feed_requests(feeds)
    assert set(requests) == set(paths.values())
    # Each fetched once, except at most the few the doomed worker had in flight when killed.
    twice = {path for path, count in requests.items() if count > 1}
    assert max(requests.values()) <= 2
    assert twice <= {paths[i] for i in stranded}


@pytest.mark.postgres_only
def test_sigterm_stops_the_crawl_after_the_grace_and_releases_the_rest(
    catalog: Settings, feeds: LocalSite, tmp_path: Path
) -> None:
    slow = replace(
        catalog, worker_stop_grace_seconds=1, crawl_delay=0.3, crawl_concurrency_per_host=1
    )
    _register_feeds(slow, feeds, 40)
    worker = _start_worker(slow, tmp_path / "worker.log")
    _wait_for(lambda: _fetched(slow) >= 3, 60, "the worker to record some sources")
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=30) == 0
    fetched = _fetched(slow)
    assert fetched < 40, "the crawl should have been stopped before its end"
    assert not _claims_of_dead(slow), "unrecorded sources are released"
    engine = make_engine(slow.resolved_database_url)
    with transaction(session_factory(engine)) as session:
        # Those it did not reach were not tried: no failure, no backoff, due for the next worker.
        failing = select(func.count()).where(Source.error_count > 0)
        assert session.scalar(failing) == 0
    engine.dispose()
    assert len(_claim_now(slow, "next-worker")) == 40 - fetched


def test_claims_go_oldest_due_first_and_skip_live_leases(catalog: Settings) -> None:
    engine = make_engine(catalog.resolved_database_url)
    sessions = session_factory(engine)
    now = utcnow()
    lease = timedelta(minutes=5)
    with transaction(sessions) as session:
        add_community(session, "Claims", slug="claims")
        ids = [add_source(session, "claims", f"https://c.example/{n}.rss").id for n in range(5)]
        # Due one, three and two hours ago, never fetched, and not due for an hour.
        due = [now - timedelta(hours=1), now - timedelta(hours=3), now - timedelta(hours=2)]
        for source_id, when in zip(ids, [*due, None, now + timedelta(hours=1)], strict=True):
            session.execute(update(Source).where(Source.id == source_id).values(next_fetch_at=when))
    with transaction(sessions) as session:
        first = claim_due_sources(session, "worker-1", 2, lease)
    assert first == sorted([ids[3], ids[1]])  # never fetched, then the longest overdue
    with transaction(sessions) as session:
        second = claim_due_sources(session, "worker-2", 5, lease)
    assert second == sorted([ids[2], ids[0]])  # the rest of the due ones, not worker-1's
    with transaction(sessions) as session:
        assert claim_due_sources(session, "worker-3", 5, lease) == []
        # A lease that ran out is anyone's; a recorded fetch ends the claim.
        session.execute(
            update(Source)
            .where(Source.claimed_by == "worker-1")
            .values(claimed_until=now - timedelta(seconds=1))
        )
    with transaction(sessions) as session:
        assert claim_due_sources(session, "worker-3", 5, lease) == first
        source = session.get(Source, ids[0])
        assert source is not None
        record_fetch_success(session, source, FetchInfo(status=200), Backoff(3600, 86400), 0)
        assert source.claimed_by is None
        assert release_claims(session, "worker-2") == 1
    engine.dispose()
