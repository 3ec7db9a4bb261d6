"""`mutual worker` for a fixed time over 1,000 local sources of mixed kinds: throughput and cost.

    .venv/bin/python -m bench.worker --sources 1000 --duration 300 --interval 45 --es-url http://127.0.0.1:9250

Serves generated sources from a LocalSite in a process of its own: six in ten feeds (RSS, Atom,
JSON Feed from bench.parse_feeds), two in ten iCalendar calendars, two in ten pages with a
schema.org JobPosting. Registers them in a fresh catalog (a temporary SQLite file, or the empty
database `--database-url` names) and runs one `mutual worker` process, as an operator would, with
a short crawl interval so sources fall due again: the site answers 304 to those unchanged since
(ETag), and every `--churn-every` seconds a tenth of the sources get new content. The worker
crawls, syncs the index (a fresh index prefix on `--es-url`, deleted afterwards) and runs alerts.

Prints sources per minute (every fetch recorded: 200, 304 or failed), items per second (items
in the sources fetched with 200, as parsed; and items written new or changed), the worker's CPU
(the worker and its crawl processes, from getrusage after it exits) and memory (peak resident
set of the worker process and of its largest crawl process, sampled from /proc).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from elasticsearch import Elasticsearch

from bench.crawl_sources import start_site
from bench.parse_feeds import feed_body, feed_format
from catalog.communities import add_community
from catalog.db import make_engine, session_factory, transaction, upgrade_schema
from catalog.sources import add_source
from ground.settings import ENV_PREFIX, Settings, load_settings, settings_environ

REPO = Path(__file__).resolve().parents[1]
SOURCES_PER_COMMUNITY = 50
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


# --- The sources ------------------------------------------------------------------------------


def kind_of(number: int) -> str:
    """Six in ten feeds, two calendars, two pages."""
    return "feed" if number % 10 < 6 else "calendar" if number % 10 < 8 else "structured"


def path_of(number: int) -> str:
    kind = kind_of(number)
    if kind == "feed":
        return f"/feeds/{number}.{feed_format(number)}"
    return f"/calendars/{number}.ics" if kind == "calendar" else f"/pages/{number}.html"


def calendar_body(number: int, version: int, events: int = 8) -> bytes:
    start = datetime.now(UTC).replace(hour=18, minute=0, second=0, microsecond=0)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Mutual bench//EN"]
    for n in range(events):
        begins = start + timedelta(days=7 * (n + 1) + number % 5)
        lines += [
            "BEGIN:VEVENT",
            f"UID:bench-{number}-{version}-{n}@bench.example",
            "DTSTAMP:20261101T000000Z",
            f"DTSTART:{begins:%Y%m%dT%H%M%SZ}",
            f"DTEND:{begins + timedelta(hours=2):%Y%m%dT%H%M%SZ}",
            f"SUMMARY:Chapter {number} meetup {n} (v{version})",
            "LOCATION:Denver\\, CO",
            f"URL:https://events.example/{number}/{version}/{n}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def page_body(number: int, version: int) -> bytes:
    posting = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": f"Senior Accountant {number} (v{version})",
        "description": f"<p>Close the books at Company {number}; reconciliations.</p>",
        "datePosted": "2026-11-01",
        "hiringOrganization": {"@type": "Organization", "name": f"Company {number}"},
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": "Denver",
                "addressRegion": "CO",
            },
        },
        "url": f"https://careers{number}.example/jobs/{version}",
    }
    return (
        f"<!doctype html><html lang=en><head><title>Senior Accountant {number}</title>"
        f'<script type="application/ld+json">{json.dumps(posting)}</script></head>'
        f"<body><h1>Senior Accountant</h1></body></html>"
    ).encode()


def write_source(root: Path, number: int, version: int, entries: int) -> None:
    target = root / path_of(number).lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    kind = kind_of(number)
    if kind == "feed":
        body = feed_body("{{BASE}}", number, entries, version)
    elif kind == "calendar":
        body = calendar_body(number, version)
    else:
        body = page_body(number, version)
    target.write_bytes(body)


def make_catalog(settings: Settings, base_url: str, count: int) -> None:
    upgrade_schema(settings.resolved_database_url)
    engine = make_engine(settings.resolved_database_url)
    with transaction(session_factory(engine)) as session:
        for number in range(count):
            chapter = number // SOURCES_PER_COMMUNITY + 1
            if number % SOURCES_PER_COMMUNITY == 0:
                add_community(session, f"Chapter {chapter}", f"chapter-{chapter}")
            kind = kind_of(number)
            item_kind = "event" if kind == "calendar" else "job"
            add_source(
                session,
                f"chapter-{chapter}",
                base_url + path_of(number),
                kind=kind,
                item_kind=item_kind,
            )
    engine.dispose()


# --- Watching the worker ----------------------------------------------------------------------


@dataclass
class Peaks:
    """Peak resident memory (bytes) of the worker process and of its crawl processes."""

    worker: int = 0
    crawl: int = 0
    stop: threading.Event = field(default_factory=threading.Event)


def rss_bytes(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[21]) * PAGE_SIZE  # field 24 of stat, counted after "pid (comm)"


def children_of(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def watch(pid: int, peaks: Peaks) -> None:
    while not peaks.stop.wait(0.25):
        peaks.worker = max(peaks.worker, rss_bytes(pid))
        for child in children_of(pid):
            peaks.crawl = max(peaks.crawl, rss_bytes(child))


def churn(root: Path, count: int, entries: int, every: float, stop: threading.Event) -> None:
    """Every `every` seconds, new content for a tenth of the sources (another tenth each time)."""
    version = 1
    while not stop.wait(every):
        for number in range(version % 10, count, 10):
            write_source(root, number, version, entries)
        version += 1


# --- The run ----------------------------------------------------------------------------------


def worker_env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    return env | settings_environ(settings)


def read_log(log: Path) -> tuple[Counter[str], int, int]:
    """Outcomes per source fetch, items in the sources fetched with 200, and cycles."""
    outcomes: Counter[str] = Counter()
    items = cycles = 0
    for line in log.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if entry.get("logger") != "mutual.worker":
            continue
        if "outcome" in entry:
            outcomes[entry["outcome"]] += 1
            items += entry["items"] if entry["outcome"] == "ok" else 0
        elif entry.get("message") == "cycle finished":
            cycles += 1
    return outcomes, items, cycles


def written_items(metrics: Path) -> int:
    total = 0.0
    for line in metrics.read_text(encoding="utf-8").splitlines():
        if line.startswith("mutual_worker_items_total{"):
            total += float(line.rsplit(" ", 1)[1])
    return int(total)


def run(args: argparse.Namespace, workdir: Path) -> None:
    root = workdir / "site"
    for number in range(args.sources):
        write_source(root, number, 0, args.entries)
    site_process, pipe, base_url = start_site(root)
    prefix = f"bench-worker-{uuid.uuid4().hex[:8]}"
    settings = load_settings(
        environ={},
        overrides={
            "database_url": args.database_url,
            "data_dir": str(workdir / "var"),
            "es_hosts": args.es_url,
            "index_prefix": prefix,
            "crawl_allow_loopback": True,
            "crawl_delay": 0.0,
            "crawl_concurrency_per_host": args.per_host,
            "crawl_interval": args.interval,
            "worker_period": 5,
            "worker_batch_size": args.batch,
            "worker_metrics_file": str(workdir / "worker.prom"),
        },
    )
    make_catalog(settings, base_url, args.sources)
    stop = threading.Event()
    threading.Thread(
        target=churn, args=(root, args.sources, args.entries, args.churn_every, stop), daemon=True
    ).start()
    log = workdir / "worker.log"
    try:
        measured = measure(settings, args.duration, log)
    finally:
        stop.set()
        pipe.close()
        site_process.join(10)
        client = Elasticsearch(args.es_url, request_timeout=30)
        client.indices.delete(index=f"{prefix}-*", ignore_unavailable=True, allow_no_indices=True)
        client.options(ignore_status=404).indices.delete_index_template(name=f"{prefix}-*")
        client.close()
    if args.keep_log:
        shutil.copy(log, args.keep_log)
    report(args.duration, measured, log, workdir / "worker.prom")


@dataclass(frozen=True)
class Measured:
    cpu: float  # seconds of CPU of the worker and its crawl processes
    stop_s: float  # from SIGTERM to exit
    exit_code: int
    peaks: Peaks


def measure(settings: Settings, duration: float, log: Path) -> Measured:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with log.open("wb") as stderr:
        worker = subprocess.Popen(
            [sys.executable, "-m", "mutual", "worker"],
            env=worker_env(settings),
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    peaks = Peaks()
    threading.Thread(target=watch, args=(worker.pid, peaks), daemon=True).start()
    time.sleep(duration)
    worker.send_signal(signal.SIGTERM)
    stopping = time.perf_counter()
    worker.wait(timeout=120)
    peaks.stop.set()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return Measured(cpu, time.perf_counter() - stopping, worker.returncode, peaks)


def report(duration: float, measured: Measured, log: Path, metrics: Path) -> None:
    outcomes, items, cycles = read_log(log)
    fetched = sum(outcomes.values()) - outcomes["unfinished"]
    minutes = duration / 60
    figures = {
        "sources_per_min": round(fetched / minutes, 1),
        "ok": outcomes["ok"],
        "not_modified": outcomes["not_modified"],
        "failed": outcomes["failed"],
        "unfinished": outcomes["unfinished"],
        "items_parsed_per_s": round(items / duration, 1),
        "items_written_per_s": round(written_items(metrics) / duration, 1),
        "cycles": cycles,
        "cpu_s": round(measured.cpu, 1),
        "cpu_share_of_one_core": round(measured.cpu / (duration + measured.stop_s), 2),
        "worker_rss_peak_mb": round(measured.peaks.worker / 2**20, 1),
        "crawl_rss_peak_mb": round(measured.peaks.crawl / 2**20, 1),
        "stop_s": round(measured.stop_s, 1),
        "exit_code": measured.exit_code,
    }
    print(" ".join(f"{key}={value}" for key, value in figures.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--duration", type=float, default=180.0, help="seconds the worker runs")
    parser.add_argument("--interval", type=int, default=60, help="MUTUAL_CRAWL_INTERVAL")
    parser.add_argument("--batch", type=int, default=200, help="MUTUAL_WORKER_BATCH_SIZE")
    parser.add_argument("--per-host", type=int, default=16, help="crawl_concurrency_per_host")
    parser.add_argument("--entries", type=int, default=10, help="entries per feed")
    parser.add_argument("--churn-every", type=float, default=120.0)
    parser.add_argument("--es-url", default="http://127.0.0.1:9200")
    parser.add_argument("--database-url", default="", help="an empty database (default SQLite)")
    parser.add_argument("--keep-log", type=Path, help="copy the worker's JSON log here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mutual-bench-worker-") as workdir:
        run(args, Path(workdir))


if __name__ == "__main__":
    main()
