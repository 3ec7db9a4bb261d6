"""`mutual crawl --all` of local feed sources, half of which answer 304, against a plain
thread pool of urllib requests for the same URLs with the same conditional headers.

    .venv/bin/python -m bench.crawl_sources --sources 500 --rounds 3

Serves N generated feeds (bench.parse_feeds: RSS, Atom, JSON Feed; fixed contents) from a
LocalSite in a process of its own, registers them in a fresh SQLite catalog and crawls them once
(every source answers 200: timed and printed, not compared). Then, each round:
  change:   half the feed files get new content (two new postings, the two oldest dropped); the
            other half stay as they were, so they answer 304 to the crawl's If-None-Match;
  ours:     `mutual crawl --all`, run as the command a user runs, in its own process (Scrapy's
            reactor runs once per process): fetch, parse, enrich, store, per source;
  baseline: the same URLs with the same If-None-Match (the ETags the catalog held before the
            crawl) fetched by 16 threads of urllib, bodies read, nothing parsed or stored.
Prints each round, the median rates and ours/baseline. Ours includes the process's start-up
(imports, catalog opening), which is measured on its own and printed too.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from http.server import ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path

from bench.parse_feeds import feed_body, feed_format
from catalog.communities import add_community
from catalog.db import make_engine, session_factory, transaction, upgrade_schema
from catalog.sources import add_source
from crawlers.source_selection import select_sources
from ground.settings import ENV_PREFIX, Settings, load_settings, settings_environ
from mutual.local_site import LocalSite

REPO = Path(__file__).resolve().parents[1]
SOURCES_PER_COMMUNITY = 50
BASELINE_THREADS = 16
SUMMARY = re.compile(
    r"crawled (?P<sources>\d+) sources: (?P<ok>\d+) fetched, (?P<not_modified>\d+) not "
    r"modified, (?P<failed>\d+) failed; (?P<new>\d+) new items, (?P<changed>\d+) changed"
)


@dataclass(frozen=True)
class Crawl:
    """One `mutual crawl` run: its wall time and the counts of its summary line."""

    seconds: float
    ok: int
    not_modified: int
    failed: int
    new: int
    startup: float = 0.0  # of a `mutual crawl` that selects no source, when measured

    def rate(self, sources: int) -> float:
        return sources / self.seconds


# --- The site -------------------------------------------------------------------------------


def feed_path(root: Path, feed_no: int) -> Path:
    return root / "feeds" / f"{feed_no}.{feed_format(feed_no)}"


def write_feed(root: Path, feed_no: int, entries: int, version: int) -> None:
    """The feed's file; LocalSite puts its own address where the body says {{BASE}}."""
    feed_path(root, feed_no).write_bytes(feed_body("{{BASE}}", feed_no, entries, version))


def serve(root: Path, pipe: Connection) -> None:
    """Run a LocalSite until the harness closes the pipe (in a process of its own, so the
    server never competes with the baseline's client threads for this interpreter's lock)."""
    # socketserver listens with a backlog of 5: with 16 clients connecting at once the kernel
    # drops the extra SYNs and each of those clients waits a second to retry, which would time
    # TCP's retransmission delay instead of either client. Only this process's class changes.
    ThreadingHTTPServer.request_queue_size = 128
    site = LocalSite(root)
    pipe.send(site.start())
    with contextlib.suppress(EOFError):  # closed: the harness is done
        pipe.recv()
    site.stop()


def start_site(root: Path) -> tuple[multiprocessing.process.BaseProcess, Connection, str]:
    ours, theirs = multiprocessing.get_context("spawn").Pipe()
    process = multiprocessing.get_context("spawn").Process(
        target=serve, args=(root, theirs), daemon=True
    )
    process.start()
    return process, ours, str(ours.recv())


# --- The catalog and the command --------------------------------------------------------------


def make_catalog(settings: Settings, base_url: str, count: int) -> None:
    """A fresh catalog with one community per 50 sources, each source one feed of the site."""
    upgrade_schema(settings.resolved_database_url)
    engine = make_engine(settings.resolved_database_url)
    with transaction(session_factory(engine)) as session:
        for feed_no in range(count):
            slug = f"chapter-{feed_no // SOURCES_PER_COMMUNITY + 1}"
            if feed_no % SOURCES_PER_COMMUNITY == 0:
                add_community(session, f"Chapter {feed_no // SOURCES_PER_COMMUNITY + 1}", slug)
            add_source(session, slug, f"{base_url}/feeds/{feed_no}.{feed_format(feed_no)}")
    engine.dispose()


def mutual(settings: Settings, *args: str) -> tuple[float, str]:
    """Run `mutual ARGS` in its own process; its wall time and standard output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    env |= settings_environ(settings)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mutual", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        tail = "\n".join(result.stderr.splitlines()[-20:])
        raise SystemExit(f"mutual {' '.join(args)} exited {result.returncode}:\n{tail}")
    return elapsed, result.stdout


def crawl(settings: Settings) -> Crawl:
    seconds, stdout = mutual(settings, "crawl", "--all")
    match = SUMMARY.search(stdout)
    if match is None:
        raise SystemExit(f"no summary line in the output of mutual crawl:\n{stdout}")
    counts = {name: int(value) for name, value in match.groupdict().items()}
    return Crawl(seconds, counts["ok"], counts["not_modified"], counts["failed"], counts["new"])


def startup_seconds(settings: Settings) -> float:
    """`mutual crawl` that selects no source: start-up, imports and catalog opening only."""
    return min(mutual(settings, "crawl", "--source", "0")[0] for _ in range(3))


# --- The baseline ------------------------------------------------------------------------------


def conditional_requests(settings: Settings) -> list[urllib.request.Request]:
    """Each source's URL with the validators the catalog holds, as the crawl will send them."""
    requests = []
    for source in select_sources(settings, include_not_due=True):
        headers = {"User-Agent": "bench", "Accept": "application/rss+xml, */*;q=0.1"}
        if source.etag:
            headers["If-None-Match"] = source.etag
        if source.last_modified:
            headers["If-Modified-Since"] = source.last_modified
        # The URLs are the bench's own http:// sources on 127.0.0.1.
        requests.append(urllib.request.Request(source.url, headers=headers))  # noqa: S310
    return requests


def fetch(request: urllib.request.Request) -> int:
    """The status of one request, its body read to the end."""
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as exc:  # urllib raises on 304 as on any non-2xx status
        return exc.code


def run_baseline(requests: list[urllib.request.Request]) -> tuple[float, dict[int, int]]:
    """Seconds for the whole pool of fetches, and how many answers of each status."""
    started = time.perf_counter()
    with ThreadPoolExecutor(BASELINE_THREADS) as pool:
        statuses = list(pool.map(fetch, requests))
    elapsed = time.perf_counter() - started
    return elapsed, {status: statuses.count(status) for status in sorted(set(statuses))}


# --- The runs ---------------------------------------------------------------------------------


def change_half(root: Path, count: int, entries: int, version: int) -> None:
    """New content for the odd-numbered feeds; the even-numbered ones stay as they are."""
    for feed_no in range(1, count, 2):
        write_feed(root, feed_no, entries, version)


def one_round(
    settings: Settings, root: Path, args: argparse.Namespace, round_no: int
) -> tuple[Crawl, float]:
    """Change half the feeds, then crawl them (ours) and fetch them (baseline): the crawl's
    outcome and the baseline's sources per second."""
    change_half(root, args.sources, args.entries, version=round_no)
    requests = conditional_requests(settings)  # before the crawl stores the new ETags
    result = crawl(settings)
    if result.failed or result.ok + result.not_modified != args.sources:
        raise SystemExit(f"round {round_no}: unexpected crawl outcome {result}")
    seconds, statuses = run_baseline(requests)
    if statuses != {200: result.ok, 304: result.not_modified}:
        raise SystemExit(f"round {round_no}: baseline saw {statuses}, crawl saw {result}")
    print(
        f"round {round_no}: mutual crawl {result.rate(args.sources):,.1f} sources/s "
        f"({result.ok} x 200, {result.not_modified} x 304, {result.new} new items), "
        f"urllib pool {args.sources / seconds:,.1f} sources/s",
        flush=True,
    )
    return result, args.sources / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sources", type=int, default=500)
    parser.add_argument("--entries", type=int, default=25, help="entries in each feed")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--per-host",
        type=int,
        default=16,
        help="crawl_concurrency_per_host (every source is on the one local host)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "site"
        (root / "feeds").mkdir(parents=True)
        for feed_no in range(args.sources):
            write_feed(root, feed_no, args.entries, version=0)
        site, pipe, base_url = start_site(root)
        try:
            measure(Path(tmp), root, base_url, args)
        finally:
            pipe.close()
            site.join(timeout=10)


def bench_settings(tmp: Path, per_host: int) -> Settings:
    """A catalog in `tmp`, no delay, loopback allowed: every source is on the local site."""
    return load_settings(
        environ={},
        overrides={
            "data_dir": str(tmp / "var"),
            "crawl_allow_loopback": True,
            "crawl_delay": 0.0,
            "crawl_concurrency_per_host": per_host,
        },
    )


def first_crawl(settings: Settings, sources: int, entries: int) -> Crawl:
    """The start-up on its own, then the crawl in which every source answers 200 (printed)."""
    startup = startup_seconds(settings)
    first = crawl(settings)
    if first.ok != sources:
        raise SystemExit(f"first crawl: unexpected outcome {first}")
    print(
        f"{sources} sources, {entries} entries each; mutual crawl start-up {startup:.2f} s; "
        f"first crawl (all 200): {first.rate(sources):,.1f} sources/s, "
        f"{first.new} new items in {first.seconds:.1f} s",
        flush=True,
    )
    return replace(first, startup=startup)


def measure(tmp: Path, root: Path, base_url: str, args: argparse.Namespace) -> None:
    settings = bench_settings(tmp, args.per_host)
    make_catalog(settings, base_url, args.sources)
    first = first_crawl(settings, args.sources, args.entries)
    rounds = [one_round(settings, root, args, n) for n in range(1, args.rounds + 1)]
    crawls = [result for result, _ in rounds]
    ours = [result.rate(args.sources) for result in crawls]
    base = [rate for _, rate in rounds]
    ours_median, base_median = statistics.median(ours), statistics.median(base)
    without_startup = args.sources / (statistics.median(c.seconds for c in crawls) - first.startup)
    print(
        f"sources={args.sources} entries={args.entries} rounds={args.rounds} "
        f"per_host={args.per_host} first_crawl={first.rate(args.sources):,.1f}/s "
        f"ours_median={ours_median:,.1f}/s urllib_median={base_median:,.1f}/s "
        f"ratio={ours_median / base_median:.3f} "
        f"status_200={crawls[-1].ok} status_304={crawls[-1].not_modified} "
        f"startup_s={first.startup:.2f} ours_without_startup={without_startup:,.1f}/s "
        f"ratio_without_startup={without_startup / base_median:.3f}"
    )


if __name__ == "__main__":
    main()
