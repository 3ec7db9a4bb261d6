"""`mutual index` against a plain `helpers.bulk` of the same documents, on the same node.

    .venv/bin/python -m bench.index_vs_bulk --docs 10000 --rounds 3

Loads N generated job postings into a fresh SQLite catalog (not timed), then alternates:
  ours:     the sync `mutual index` runs (read changes from the catalog, build documents, bulk,
            refresh) into a fresh index behind a fresh alias;
  baseline: helpers.bulk of the very same documents, built beforehand, into a fresh index with the
            same settings and mapping, then a refresh.
Prints each round, the median rates and ours/baseline. Needs the node of scripts/elasticsearch.sh.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch, helpers

from catalog.changes import changed_items
from catalog.communities import add_community
from catalog.db import make_engine, session_factory, transaction, upgrade_schema
from catalog.items import store_items
from catalog.records import ParsedItem
from catalog.sequences import current_value
from catalog.sources import add_source, get_source
from ground.settings import Settings, load_settings, settings_environ
from indexer.client import make_client
from indexer.documents import item_document
from indexer.mapping import index_template
from indexer.names import IndexNames
from indexer.rebuild import rebuild_index
from indexer.sync import sync_index

TITLES = [
    "Financial Analyst",
    "Controller",
    "VP Finance",
    "Data Engineer",
    "Product Manager",
    "Treasury Manager",
    "Staff Accountant",
    "Chief Financial Officer",
    "FP&A Manager",
]
LEVELS = ["", "Senior ", "Lead ", "Principal ", "Junior "]
CITIES = ["San Francisco, CA", "Chicago, IL", "Denver, CO", "Remote", "Austin, TX", "Boston, MA"]
WORDS = [
    "forecasting",
    "budgeting",
    "reporting",
    "consolidation",
    "audit",
    "treasury",
    "liquidity",
    "pricing",
    "modelling",
    "stakeholders",
    "strategy",
    "planning",
    "variance",
    "analysis",
    "SQL",
    "Python",
    "Excel",
    "leadership",
    "growth",
]


def generate(count: int, seed: int = 7) -> list[ParsedItem]:
    rng = random.Random(seed)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    items = []
    for n in range(count):
        body = " ".join(rng.choice(WORDS) for _ in range(120))
        items.append(
            ParsedItem(
                url=f"https://jobs.example.org/postings/{n}",
                title=f"{rng.choice(LEVELS)}{rng.choice(TITLES)}",
                summary=body[:300],
                body=f"<p>{body}</p>",
                organisation=f"Company {rng.randrange(2000)}",
                location=rng.choice(CITIES),
                published_at=start + timedelta(minutes=n),
            )
        )
    return items


def load_catalog(settings: Settings, count: int) -> None:
    upgrade_schema(settings.resolved_database_url)
    sessions = session_factory(make_engine(settings.resolved_database_url))
    with transaction(sessions) as session:
        add_community(session, "Bench", "bench")
        add_source(session, "bench", "https://jobs.example.org/feed.rss")
    items = generate(count)
    for start in range(0, count, 2000):
        with transaction(sessions) as session:
            store_items(session, get_source(session, 1), items[start : start + 2000])


def documents(settings: Settings) -> list[dict[str, Any]]:
    """The documents the sync would send, built once so the baseline only loads them."""
    sessions = session_factory(make_engine(settings.resolved_database_url))
    now = datetime.now(UTC)
    docs: list[dict[str, Any]] = []
    with sessions() as session:
        for batch in changed_items(session, 0, current_value(session)):
            docs.extend(item_document(item, now) for item in batch)
    return docs


def run_ours(settings: Settings, client: Elasticsearch) -> float:
    round_settings = replace(settings, index_prefix=f"bench-{uuid.uuid4().hex[:8]}")
    sessions = session_factory(make_engine(settings.resolved_database_url))
    started = time.perf_counter()
    report = sync_index(client, sessions, round_settings)
    elapsed = time.perf_counter() - started
    if report.indexed != report.sent or report.errors:
        raise SystemExit(f"mutual index rejected documents: {report.errors}")
    client.indices.delete(index=IndexNames(round_settings.index_prefix).pattern)
    client.indices.delete_index_template(name=IndexNames(round_settings.index_prefix).template)
    return report.indexed / elapsed


def run_reindex(settings: Settings, client: Elasticsearch) -> float:
    """`mutual reindex` into a fresh index (an alias already exists: the first round's sync)."""
    sessions = session_factory(make_engine(settings.resolved_database_url))
    started = time.perf_counter()
    report = rebuild_index(client, sessions, settings)
    elapsed = time.perf_counter() - started
    if report.errors:
        raise SystemExit(f"mutual reindex rejected documents: {report.errors}")
    return report.documents / elapsed


def run_baseline(settings: Settings, docs: list[dict[str, Any]]) -> float:
    """helpers.bulk with a plain client (the library's defaults), as anyone would load them."""
    client = Elasticsearch(settings.es_hosts[0], request_timeout=120)
    names = IndexNames(f"bench-{uuid.uuid4().hex[:8]}")
    template = index_template(names)["template"]
    index = names.new_index()
    started = time.perf_counter()
    client.indices.create(index=index, settings=template["settings"], mappings=template["mappings"])
    actions = ({"_index": index, "_id": d["id"], "_source": d} for d in docs)
    indexed, errors = helpers.bulk(
        client,
        actions,
        chunk_size=settings.index_chunk_docs,
        max_chunk_bytes=settings.index_chunk_bytes,
    )
    client.indices.refresh(index=index)
    elapsed = time.perf_counter() - started
    if indexed != len(docs) or errors:
        raise SystemExit(f"helpers.bulk rejected documents: {errors}")
    client.indices.delete(index=index)
    return indexed / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--es-url", default="http://127.0.0.1:9200")
    parser.add_argument(
        "--mode",
        choices=("index", "reindex"),
        default="index",
        help="index: `mutual index` into a fresh alias; reindex: `mutual reindex` of the catalog",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            environ={},
            overrides={"data_dir": tmp, "es_hosts": args.es_url, "es_request_timeout": 120},
        )
        client = make_client(settings)
        started = time.perf_counter()
        load_catalog(settings, args.docs)
        docs = documents(settings)
        print(f"catalog loaded with {len(docs)} items in {time.perf_counter() - started:.1f} s")
        ours, base = run_rounds(args.mode, args.rounds, settings, client, docs)
        ratio = statistics.median(ours) / statistics.median(base)
        command_rss = command_memory(args.mode, settings)
        print(
            f"docs={args.docs} rounds={args.rounds} mode={args.mode} "
            f"ours_median={statistics.median(ours):,.0f}/s "
            f"bulk_median={statistics.median(base):,.0f}/s ratio={ratio:.2f} "
            f"mutual_{args.mode}_peak_rss_mb={command_rss:.0f}"
        )


def command_memory(mode: str, settings: Settings) -> float:
    """Peak memory of one `mutual index` (into a fresh alias) or `mutual reindex`, run as the
    command a user runs, in its own process."""
    settings = replace(settings, index_prefix=f"bench-{uuid.uuid4().hex[:8]}")
    env = {**os.environ, **settings_environ(settings)}
    commands = [["index"]] if mode == "index" else [["index"], ["reindex"]]
    peak_kb = 0
    for command in commands:
        # Measured from a small wrapper process: a child forked straight from this harness would
        # start out counting the harness's own memory (the baseline's documents) as its own.
        wrapper = (
            "import resource, subprocess, sys; "
            "subprocess.run(sys.argv[1:], check=True, capture_output=True); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
        )
        result = subprocess.run(
            [sys.executable, "-c", wrapper, sys.executable, "-m", "mutual", *command],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        peak_kb = int(result.stdout.split()[-1])  # the last command's: the one measured
    make_client(settings).indices.delete(index=IndexNames(settings.index_prefix).pattern)
    return peak_kb / 1024


def run_rounds(
    mode: str, rounds: int, settings: Settings, client: Elasticsearch, docs: list[dict[str, Any]]
) -> tuple[list[float], list[float]]:
    """Alternate ours and the baseline; returns the rates of each round."""
    ours: list[float] = []
    base: list[float] = []
    settings = replace(settings, index_prefix=f"bench-{uuid.uuid4().hex[:8]}")
    sessions = session_factory(make_engine(settings.resolved_database_url))
    if mode == "reindex":
        sync_index(client, sessions, settings)  # the live index each rebuild replaces
    for round_no in range(1, rounds + 1):
        ours.append(
            run_reindex(settings, client) if mode == "reindex" else run_ours(settings, client)
        )
        base.append(run_baseline(settings, docs))
        print(
            f"round {round_no}: mutual {mode} {ours[-1]:,.0f} docs/s, "
            f"helpers.bulk {base[-1]:,.0f} docs/s",
            flush=True,
        )
    if mode == "reindex":
        client.indices.delete(index=IndexNames(settings.index_prefix).pattern)
        client.indices.delete_index_template(name=IndexNames(settings.index_prefix).template)
    return ours, base


if __name__ == "__main__":
    main()
