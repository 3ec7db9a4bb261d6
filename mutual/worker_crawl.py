"""Running one cycle's crawl in a child process, renewing its claims while it runs.

Twisted's reactor cannot be restarted in one process, so each cycle's crawl is a fresh
`python -m crawlers.crawl_claimed HOLDER`. While it runs the worker renews the claims, so a
long crawl keeps its sources and a dead worker's expire; asked to stop, it gives the child a grace
period, then terminates it (SIGTERM: Scrapy records what is in flight), then kills it.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from catalog.claims import renew_claims
from catalog.db import transaction
from ground.errors import MutualError
from ground.settings import Settings, settings_environ

log = logging.getLogger("mutual.worker")
POLL_SECONDS = 0.2
# After SIGTERM, how long Scrapy has to close the spider before the child is killed.
TERMINATE_SECONDS = 10.0


class CrawlChildFailed(MutualError):
    """The crawl's child process ended without a report (it crashed or was killed)."""


@dataclass(frozen=True)
class ChildCrawl:
    settings: Settings
    sessions: sessionmaker[Session]
    stop: threading.Event
    holder: str
    sources: int


def run_child_crawl(job: ChildCrawl) -> dict[str, Any]:
    """Crawl the sources `job.holder` claimed in a child process; its report (CrawlReport as a
    dict). CrawlChildFailed when the child gave none."""
    child = subprocess.Popen(  # noqa: S603 -- our own interpreter and module, fixed arguments
        [sys.executable, "-m", "crawlers.crawl_claimed", job.holder],
        env={**os.environ, **settings_environ(job.settings)},
        stdout=subprocess.PIPE,
        text=True,
    )
    out = _wait_renewing(child, job)
    if child.returncode != 0:
        raise CrawlChildFailed(f"the crawl process exited with code {child.returncode}")
    try:
        report: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError) as exc:
        raise CrawlChildFailed(f"the crawl process printed no report: {out[-500:]!r}") from exc
    return report


def _wait_renewing(child: subprocess.Popen[str], job: ChildCrawl) -> str:
    """Wait for the child, renewing the claims every third of the lease; stop it when asked to
    (after the grace period) or when it overruns its hard limit. Its stdout."""
    lease = timedelta(seconds=job.settings.worker_lease_seconds)
    renew_every = max(job.settings.worker_lease_seconds / 3, POLL_SECONDS)
    next_renewal = time.monotonic() + renew_every
    hard_limit = time.monotonic() + _hard_limit_seconds(job)
    stop_at: float | None = None
    chunks: list[str] = []
    while True:
        try:
            out, _ = child.communicate(timeout=POLL_SECONDS)
            chunks.append(out or "")
            return "".join(chunks)
        except subprocess.TimeoutExpired:
            pass
        now = time.monotonic()
        if now >= next_renewal:
            with transaction(job.sessions) as session:
                renew_claims(session, job.holder, lease)
            next_renewal = now + renew_every
        if job.stop.is_set() and stop_at is None:
            stop_at = now + job.settings.worker_stop_grace_seconds
            log.info("stopping: letting the current crawl finish", extra={"holder": job.holder})
        if (stop_at is not None and now >= stop_at) or now >= hard_limit:
            chunks.append(_terminate(child, job.holder))
            return "".join(chunks)


def _hard_limit_seconds(job: ChildCrawl) -> float:
    # Every source's downloads are bounded by the crawl timeout and page limit; a crawl that
    # runs longer than all of them one after another is stuck, and would hold its claims forever.
    settings = job.settings
    return 60.0 + job.sources * settings.crawl_timeout * max(settings.crawl_max_pages, 1) / 4


def _terminate(child: subprocess.Popen[str], holder: str) -> str:
    log.warning("terminating the crawl process", extra={"holder": holder, "pid": child.pid})
    child.terminate()
    try:
        out, _ = child.communicate(timeout=TERMINATE_SECONDS)
    except subprocess.TimeoutExpired:
        child.kill()
        out, _ = child.communicate()
    return out or ""
