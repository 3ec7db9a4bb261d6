"""The search page and the JSON API under load, against the same searches sent straight to
Elasticsearch.

    .venv/bin/python -m bench.search_load --items 100000 --levels 1,4,16,32 --duration 15

Indexes `--items` generated jobs, events and resources (bench/search_corpus.py) into a fresh
index made from the project's template, behind the alias the app searches; serves the app with
gunicorn on loopback (under `--app-python`, default this interpreter); then, for each
concurrency level, drives with wrk (closed loop: N connections, each sending its next request
when the last one is answered):
  page: GET /?q=...             the search page, as an anonymous visitor;
  api:  GET /api/search?q=...   the JSON API (skipped when the app has none yet);
  raw:  POST /_msearch          the two bodies `indexer.query.page.build_search` makes for the
        same search (hits, and facet counts), straight to Elasticsearch as the app sends them:
        what the app costs on top of the search itself.
Prints throughput and p50/p95/p99 latency per target and level, page/raw ratios and the page's
p95 against its goal, and the CPU each request cost the node and the app (bench/cpu_use.py).
Exits non-zero only when requests failed. Needs the node of scripts/elasticsearch.sh and wrk
(`apt-get install wrk`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from elasticsearch import Elasticsearch
from elasticsearch.helpers import streaming_bulk
from werkzeug.datastructures import MultiDict

from bench.cpu_use import CpuReading, read_cpu
from bench.search_corpus import documents
from indexer.mapping import current_index, index_template
from indexer.names import IndexNames
from indexer.query.access import Viewer
from indexer.query.page import build_search
from indexer.search_args import EVERYWHERE, Scope, request_from_args

PAGE_P95_GOAL_MS = 50.0
THROUGHPUT_GOAL = 0.5  # the page's throughput as a share of raw Elasticsearch's
PAGE_SIZE = 20  # the `page_size` setting's default, which the served app keeps

# What visitors type, with and without the page's filters: single words, titles, phrases, a
# synonym ("vp finance"), typos (which make the page ask for a respelling), field syntax.
WORDS = (
    "engineer", "analyst", "nurse", "python", "finance", "remote", "networking", "workshop",
    "resume", "devops", "kubernetes", "accountant", "controller", "chicago", "toronto",
    "healthcare", "nonprofit", "sql", "excel", "meetup", "webinar", "interview", "sales",
    "recruiter", "teacher", "engneer", "managment",
)  # fmt: skip
PHRASES = (
    "data scientist", "product manager", "software engineer", "vp finance", "marketing manager",
    '"senior software engineer"', '"career fair"', "salary negotiation", "grant writer",
    "ux designer", "machine learning", "cloud architect", "project manager remote",
    "data engineer python", "title:analyst", "women in tech", "registered nurse boston",
)  # fmt: skip
FILTERED: tuple[dict[str, str], ...] = (
    {"q": "engineer", "kind": "job"},
    {"q": "engineer", "remote": "remote"},
    {"q": "analyst", "posted": "week"},
    {"q": "manager", "sort": "newest"},
    {"q": "python", "kind": "job", "salary": "100k"},
    {"q": "meetup", "kind": "event", "upcoming": "month"},
    {"q": "nurse", "location": "Boston"},
    {"q": "developer", "type": "contract"},
    {"q": "data", "kind": "event", "attendance": "online"},
    {"q": "", "kind": "job", "sort": "newest"},
    {"q": "", "kind": "event", "sort": "event_date", "upcoming": "week"},
    {"q": "finance", "remote": "hybrid", "posted": "month"},
)


def searches() -> list[dict[str, str]]:
    """About fifty distinct searches, as URL parameters."""
    return [{"q": q} for q in (*WORDS, *PHRASES)] + [dict(f) for f in FILTERED]


@dataclass(frozen=True)
class Target:
    name: str
    base_url: str
    requests: tuple[tuple[str, str, str], ...]  # (method, path, body)


@dataclass(frozen=True)
class Result:
    target: str
    concurrency: int
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    node_cpu_ms: float = 0.0  # the node's CPU per answered request, over the run and its drain
    app_cpu_ms: float = 0.0  # gunicorn's (master and workers), likewise

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


# wrk calls request() for every request it sends, cycling through the searches (each
# connection's thread starts at its own offset), and done() once with the merged latencies.
WRK_SCRIPT = """
local requests = {%s}
local counter = 0
local headers = {["Content-Type"] = "application/json", ["Accept"] = "*/*"}
function init(args)
  counter = math.random(#requests)
end
function request()
  counter = counter %% #requests + 1
  local r = requests[counter]
  return wrk.format(r[1], r[2], headers, r[3])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT {\\"requests\\": %%d, \\"micros\\": %%d, \\"errors\\": %%d, " ..
    "\\"p50\\": %%d, \\"p95\\": %%d, \\"p99\\": %%d}\\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def _lua_string(text: str) -> str:
    level = "=" * 4
    if f"]{level}]" in text:
        raise ValueError("a request holds the Lua string terminator")
    return f"[{level}[{text}]{level}]"


def write_wrk_script(target: Target, folder: Path) -> Path:
    rows = ",".join(
        f"{{{_lua_string(m)}, {_lua_string(p)}, {_lua_string(b) if b else 'nil'}}}"
        for m, p, b in target.requests
    )
    path = folder / f"{target.name}.lua"
    path.write_text(WRK_SCRIPT % rows, encoding="utf-8")
    return path


def run_wrk(target: Target, script: Path, concurrency: int, seconds: int) -> Result:
    """One closed-loop run: `concurrency` connections on one wrk thread (one thread is plenty
    at these rates, and leaves the two cores to the app and Elasticsearch)."""
    command = [
        "wrk",
        "--threads=1",
        f"--connections={concurrency}",
        f"--duration={seconds}s",
        "--timeout=30s",
        f"--script={script}",
        target.base_url,
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    line = next(row for row in output.splitlines() if row.startswith("WRK_RESULT "))
    raw = json.loads(line.removeprefix("WRK_RESULT "))
    return Result(
        target=target.name,
        concurrency=concurrency,
        requests=int(raw["requests"]),
        seconds=raw["micros"] / 1e6,
        p50_ms=raw["p50"] / 1000,
        p95_ms=raw["p95"] / 1000,
        p99_ms=raw["p99"] / 1000,
        errors=int(raw["errors"]),
    )


# --- The index -------------------------------------------------------------------------------


def build_index(client: Elasticsearch, names: IndexNames, count: int, seed: int) -> float:
    """A fresh index from the project's template, loaded with refresh off, behind the alias;
    returns the seconds it took."""
    started = time.perf_counter()
    drop_index(client, names)
    client.indices.put_index_template(name=names.template, **index_template(names))
    index = names.new_index()
    client.indices.create(
        index=index,
        aliases={names.alias: {"is_write_index": True}},
        settings={"refresh_interval": "-1"},
    )
    actions = ({"_index": index, "_id": d["id"], "_source": d} for d in documents(count, seed))
    failed = sum(
        not ok for ok, _ in streaming_bulk(client, actions, chunk_size=1000, raise_on_error=False)
    )
    if failed:
        raise SystemExit(f"{failed} documents were rejected")
    client.indices.put_settings(index=index, settings={"refresh_interval": None})
    client.indices.refresh(index=index)
    return time.perf_counter() - started


def drop_index(client: Elasticsearch, names: IndexNames) -> None:
    client.options(ignore_status=404).indices.delete(index=names.pattern)
    client.options(ignore_status=404).indices.delete_index_template(name=names.template)


def indexed_count(client: Elasticsearch, names: IndexNames) -> int:
    if current_index(client, names) is None:
        return 0
    return int(client.count(index=names.alias)["count"])


# --- The app ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback URL
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


@contextmanager
def served_app(
    env: dict[str, str], gunicorn_options: list[str], python: str
) -> Iterator[tuple[str, int]]:
    """The app under gunicorn, run by `python`, on a free loopback port; yields its base URL
    and gunicorn's pid."""
    subprocess.run([python, "-m", "mutual", "init"], env=env, check=True)
    port = free_port()
    command = [
        python,
        "-m",
        "gunicorn",
        *gunicorn_options,
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
        "--timeout=120",  # a worker answering slowly under load is slow, not stuck
        "webapp:create_app()",
    ]
    # The app logs a JSON line per request, as in production: to a file, not the bench's output.
    log_path = Path(env["MUTUAL_DATA_DIR"]) / "gunicorn.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server, log_path)
        yield base, server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # still answering searches queued by the last run
            server.kill()
            server.wait()


def _wait_until_up(base: str, server: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            tail = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
            raise SystemExit(f"gunicorn exited before serving:\n{tail}")
        try:
            if get_status(f"{base}/healthz") < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within a minute")


def app_environ(args: argparse.Namespace, data_dir: str) -> dict[str, str]:
    return {
        **os.environ,
        "MUTUAL_ES_HOSTS": args.es_url,
        "MUTUAL_INDEX_PREFIX": args.prefix,
        "MUTUAL_DATA_DIR": data_dir,
        "MUTUAL_SECRET_KEY": "bench-search-load-not-secret",
        "MUTUAL_PAGE_SIZE": str(PAGE_SIZE),
    }


# --- Targets ---------------------------------------------------------------------------------


def raw_body(params: dict[str, str], alias: str) -> str:
    """The msearch the page sends for these parameters, read the way the page reads them (an
    anonymous visitor's scope: everywhere, with the communities picked in the URL)."""
    args: MultiDict[str, str] = MultiDict(params)
    chosen = tuple(args.getlist("community"))
    request = request_from_args(args, Scope(EVERYWHERE, chosen, chosen, ()), PAGE_SIZE)
    bodies = build_search(request, Viewer(), datetime.now(UTC))
    header = json.dumps({"index": alias})
    lines = [header, _compact(bodies.hits), header, _compact(bodies.facets)]
    return "\n".join(lines) + "\n"


def _compact(body: dict[str, object]) -> str:
    return json.dumps(body, separators=(",", ":"))


def targets(app_url: str, es_url: str, names: IndexNames) -> list[Target]:
    found = searches()
    page = tuple(("GET", "/?" + urlencode(p), "") for p in found)
    api = tuple(("GET", "/api/search?" + urlencode(p), "") for p in found)
    raw = tuple(("POST", "/_msearch", raw_body(p, names.alias)) for p in found)
    chosen = [Target("page", app_url, page)]
    if get_status(f"{app_url}/api/search?q=engineer") == 404:
        print("API not available (GET /api/search answers 404): skipped")
    else:
        chosen.append(Target("api", app_url, api))
    chosen.append(Target("raw", es_url.rstrip("/"), raw))
    return chosen


# --- Report ----------------------------------------------------------------------------------


def _median_run(results: list[Result]) -> Result:
    """The run with the median throughput, reported whole (its latencies with it)."""
    return sorted(results, key=lambda r: r.throughput)[len(results) // 2]


def _pair_ratio(run: list[Result]) -> float | None:
    """Page throughput over raw throughput within one round of runs (None if one had none)."""
    by_name = {r.target: r for r in run}
    page, raw = by_name["page"], by_name["raw"]
    return page.throughput / raw.throughput if page.requests and raw.requests else None


def print_level(runs: list[list[Result]]) -> None:
    """One level: per target, the median of the rounds (and the range of throughput over them);
    the page/raw ratio is the median of each round's ratio, page and raw having run back to back."""
    # Other work on the machine (test runs sharing the cores) shows here, not in the figures.
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    level = runs[0][0].concurrency
    print(f"\nconcurrency {level}, {len(runs)} rounds (load average after: {load})")
    print(f"  {'target':<6} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p99 ms':>8} {'errors':>6}  req/s over rounds")  # fmt: skip
    medians = {}
    for name in [r.target for r in runs[0]]:
        results = [r for run in runs for r in run if r.target == name]
        r = medians[name] = _median_run(results)
        spread = min(x.throughput for x in results), max(x.throughput for x in results)
        print(
            f"  {r.target:<6} {r.requests:>8} {r.throughput:>8.1f} {r.p50_ms:>8.1f} "
            f"{r.p95_ms:>8.1f} {r.p99_ms:>8.1f} {r.errors:>6}  {spread[0]:.1f}-{spread[1]:.1f}"
        )
    ratios = sorted(x for x in map(_pair_ratio, runs) if x is not None)
    if not ratios:
        # wrk counts answered requests only: a run shorter than the queue takes to drain has none.
        print("  page/raw: n/a (a target had no request answered within the run)", flush=True)
        return
    ratio, page, raw = statistics.median_high(ratios), medians["page"], medians["raw"]
    verdicts = (
        f"page/raw throughput {ratio:.2f} (rounds {ratios[0]:.2f}-{ratios[-1]:.2f}; goal >= "
        f"{THROUGHPUT_GOAL}: {'met' if ratio >= THROUGHPUT_GOAL else 'missed'}); "
        f"page p95 {page.p95_ms:.1f} ms (goal < {PAGE_P95_GOAL_MS:.0f} ms: "
        f"{'met' if page.p95_ms < PAGE_P95_GOAL_MS else 'missed'}); "
        f"page/raw p95 {page.p95_ms / raw.p95_ms:.1f}x"
    )
    print(f"  {verdicts}", flush=True)
    print_cpu(runs)


def print_cpu(runs: list[list[Result]]) -> None:
    """CPU per request, medians over the rounds: where a page's time on the cores goes, and the
    page/raw throughput those costs allow when the cores are the limit."""
    node, app = {}, {}
    for name in [r.target for r in runs[0]]:
        answered = [r for run in runs for r in run if r.target == name and r.requests]
        if not answered:
            return
        node[name] = statistics.median_high(r.node_cpu_ms for r in answered)
        app[name] = statistics.median_high(r.app_cpu_ms for r in answered)
    parts = [
        f"{name} node {node[name]:.1f}" + (f" + app {app[name]:.1f}" if name != "raw" else "")
        for name in node
    ]
    allowed = node["raw"] / (node["page"] + app["page"]) if node["page"] + app["page"] else 0
    print(
        f"  CPU ms per request: {', '.join(parts)}; the cores allow page/raw {allowed:.2f}",
        flush=True,
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--levels", default="1,4,16,32", help="concurrency levels, commas")
    parser.add_argument("--duration", type=int, default=12, help="seconds per target and level")
    parser.add_argument("--warmup", type=int, default=5, help="seconds per target before timing")
    parser.add_argument("--runs", type=int, default=3, help="rounds per level (medians shown)")
    # The Dockerfile's and docker-compose's gunicorn: what production runs.
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument(
        "--worker-class", default="gthread", help="gunicorn worker class (sync: no keep-alive)"
    )
    parser.add_argument(
        "--app-python",
        default=sys.executable,
        help="the Python that serves the app, from a virtualenv with Mutual and gunicorn "
        "installed (default: this one); see bench/README.md on interpreter builds",
    )
    parser.add_argument("--es-url", default="http://127.0.0.1:9200")
    parser.add_argument("--prefix", default="bench-load", help="index prefix of the bench")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--reuse-index",
        action="store_true",
        help="keep an index left by --keep when it holds --items documents",
    )
    parser.add_argument("--keep", action="store_true", help="leave the index behind")
    return parser.parse_args()


def describe_python(args: argparse.Namespace) -> str:
    """The app's interpreter, version and path: how it was built moves the app's CPU per page
    by a sixth (bench/README.md), so the figures name it."""
    probe = "import sys; print(sys.version.split()[0])"
    version = subprocess.run(
        [args.app_python, "-c", probe], check=True, capture_output=True, text=True
    ).stdout.strip()
    return f"Python {version} ({args.app_python})"


def prepare_index(args: argparse.Namespace, client: Elasticsearch, names: IndexNames) -> None:
    if args.reuse_index and indexed_count(client, names) == args.items:
        print(f"reusing {names.alias} with {args.items} items")
        return
    seconds = build_index(client, names, args.items, args.seed)
    print(f"indexed {indexed_count(client, names)} items in {seconds:.0f} s", flush=True)


def wait_for_idle_searches(client: Elasticsearch, limit: float = 60.0) -> None:
    """Wait (up to `limit` seconds) until the node has no search running or queued: when wrk
    stops, searches it gave up on may still be queued, and would slow the next target's run."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        nodes = client.nodes.stats(metric="thread_pool")["nodes"].values()
        pools = [node["thread_pool"]["search"] for node in nodes]
        if all(pool["active"] == 0 and pool["queue"] == 0 for pool in pools):
            return
        time.sleep(0.5)


def measured_run(
    client: Elasticsearch, app_pid: int, target: Target, script: Path, *, level: int, seconds: int
) -> Result:
    """One run, then the wait for the node to drain it, with the CPU both sides spent meanwhile
    divided among the answered requests."""
    before = read_cpu(client, app_pid)
    result = run_wrk(target, script, level, seconds)
    wait_for_idle_searches(client)
    return with_cpu(result, before, read_cpu(client, app_pid))


def with_cpu(result: Result, before: CpuReading, after: CpuReading) -> Result:
    if not result.requests:
        return result
    per_request = 1000 / result.requests
    return replace(
        result,
        node_cpu_ms=(after.node_s - before.node_s) * per_request,
        app_cpu_ms=(after.app_s - before.app_s) * per_request,
    )


def drive(
    client: Elasticsearch,
    app_pid: int,
    chosen: list[Target],
    levels: list[int],
    args: argparse.Namespace,
) -> int:
    """Every level, each target in turn; returns the number of failed requests."""
    errors = 0
    with tempfile.TemporaryDirectory() as folder:
        scripts = {t.name: write_wrk_script(t, Path(folder)) for t in chosen}
        for target in chosen:  # caches, connection pools and every worker warmed alike
            run_wrk(target, scripts[target.name], 4, args.warmup)
            wait_for_idle_searches(client)
        for level in levels:
            runs: list[list[Result]] = []
            for _ in range(args.runs):  # interleaved, so drift on the machine hits all alike
                runs.append([])
                for target in chosen:
                    script = scripts[target.name]
                    runs[-1].append(
                        measured_run(
                            client, app_pid, target, script, level=level, seconds=args.duration
                        )
                    )
            print_level(runs)
            errors += sum(r.errors for run in runs for r in run)
    return errors


def main() -> None:
    args = parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    levels = [int(level) for level in args.levels.split(",")]
    client = Elasticsearch(args.es_url, request_timeout=300)
    names = IndexNames(args.prefix)
    prepare_index(args, client, names)
    print(
        f"machine: {os.cpu_count()} cores; {args.items} items; app on {describe_python(args)}; "
        f"gunicorn {args.worker_class} "
        f"{args.workers} workers x {args.threads} threads; {len(searches())} searches; "
        f"{args.duration} s per run; "
        f"wrk 1 thread, closed loop"
    )
    try:
        with tempfile.TemporaryDirectory() as data_dir:
            env = app_environ(args, data_dir)
            options = [
                f"--workers={args.workers}",
                f"--threads={args.threads}",
                f"--worker-class={args.worker_class}",
            ]
            with served_app(env, options, args.app_python) as (app_url, app_pid):
                chosen = targets(app_url, args.es_url, names)
                errors = drive(client, app_pid, chosen, levels, args)
    finally:
        if not args.keep:
            drop_index(client, names)
    print(f"\nfailed requests: {errors}")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
