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
(`apt-get install wrk`). The searches and wrk's runs are in bench/search_load_requests.py, the
report in bench/search_load_report.py; this module builds the index, serves the app and drives.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from elasticsearch import Elasticsearch
from elasticsearch.helpers import streaming_bulk

from bench.cpu_use import CpuReading, read_cpu
from bench.search_corpus import documents
from bench.search_load_report import print_level
from bench.search_load_requests import (
    PAGE_SIZE,
    Result,
    Target,
    get_status,
    run_wrk,
    searches,
    targets,
    write_wrk_script,
)
from indexer.mapping import current_index, index_template
from indexer.names import IndexNames

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
