"""One alert matching pass against the same queries sent as a bare msearch loop.

    MUTUAL_ES_HOSTS=http://127.0.0.1:9250 .venv/bin/python -m bench.alert_matching \
        --items 100000 --new 1000 --searches 10000 --rounds 3

Builds (not timed) an index of ITEMS generated postings, the last NEW of them indexed "now",
and a fresh SQLite catalog with SEARCHES saved searches owned by 200 people in the corpus's
communities (bench/search_corpus.py; the queries of bench/search_load.py and titles in cities).
Then times:
  ours:     alerts.matching.match_saved_searches: each search replayed through
            indexer.search_args and the query builder with its owner's viewer, searches with the
            same words grouped into one request, msearch batches, search_after paging, outbox
            inserts (rolled back afterwards);
  baseline: each search's own request (alerts.matching.alert_body: the same query and
            filters, ungrouped), built beforehand, sent as one plain msearch loop in batches of
            250 to the live index, responses read and thrown away.
Prints the times and each speed relative to the baseline (baseline time / our time).
Needs an Elasticsearch node (scripts/elasticsearch.sh).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from elasticsearch import Elasticsearch, helpers
from sqlalchemy import insert

from alerts.matching import (
    alert_body,
    match_saved_searches,
    saved_matching,
    saved_window,
)
from bench.search_corpus import CITIES, COMMUNITIES, JOB_TITLES, documents
from bench.search_load_requests import searches
from catalog.db import make_engine, session_factory, transaction, upgrade_schema
from catalog.models.accounts import User
from catalog.models.memberships import Membership
from catalog.models.saved_searches import SavedSearch
from catalog.models.sources import Community
from ground.settings import Settings, load_settings
from indexer.client import make_client
from indexer.mapping import ensure_index
from indexer.names import IndexNames
from indexer.viewers import viewer_for

PEOPLE = 200
RAW_BATCH = 250  # searches per msearch request in the baseline
SLUGS = [slug for _, slug in COMMUNITIES]


def _timed(document: dict[str, Any], when: datetime) -> dict[str, Any]:
    """The document as if first seen and indexed at `when`."""
    stamp = when.isoformat()
    seen_in = [{**seen, "first_seen": stamp} for seen in document["seen_in"]]
    return {**document, "first_seen": stamp, "indexed_at": stamp, "seen_in": seen_in}


def build_index(client: Elasticsearch, names: IndexNames, items: int, new: int) -> None:
    """The search benchmark's corpus (bench/search_corpus.py), the last `new` indexed now."""
    ensure_index(client, names)
    old_time = datetime.now(UTC) - timedelta(days=3)
    new_time = datetime.now(UTC) - timedelta(seconds=30)
    actions = (
        {
            "_index": names.alias,
            "_id": document["id"],
            **_timed(document, new_time if n >= items - new else old_time),
        }
        for n, document in enumerate(documents(items))
    )
    helpers.bulk(client, actions, chunk_size=2000)
    client.indices.refresh(index=names.alias)


def build_catalog(url: str, count: int) -> None:
    upgrade_schema(url)
    rng = random.Random(11)
    saved_at = datetime.now(UTC) - timedelta(days=4)
    with transaction(session_factory(make_engine(url))) as session:
        session.execute(
            insert(Community),
            [{"id": c + 1, "slug": slug, "name": slug} for c, slug in enumerate(SLUGS)],
        )
        session.execute(
            insert(User),
            [
                {"id": p + 1, "email": f"p{p}@bench.example", "password_hash": "-"}
                for p in range(PEOPLE)
            ],
        )
        memberships = {(p + 1, rng.randrange(len(SLUGS)) + 1) for p in range(PEOPLE) for _ in "ab"}
        session.execute(
            insert(Membership), [{"user_id": u, "community_id": c} for u, c in memberships]
        )
        queries = saved_queries(rng)
        # Popular searches are saved by many people: ranks drawn with Zipf weights (1 / rank).
        weights = [1 / rank for rank in range(1, len(queries) + 1)]
        picked = rng.choices(queries, weights, k=count)
        session.execute(
            insert(SavedSearch), [_search(n, p, saved_at) for n, p in enumerate(picked)]
        )


def saved_queries(rng: random.Random) -> list[dict[str, str]]:
    """What people save, most popular first: the search benchmark's searches, a title in a
    city, a remote job title, a title alone."""
    titles = [title.lower() for title in JOB_TITLES]
    pairs = [{"q": f"{title} {city.lower()}"} for title in titles for city, _, _ in CITIES]
    remote = [{"q": title, "remote": "remote", "kind": "job"} for title in titles]
    queries = [*searches(), *rng.sample(pairs, 300), *remote, *({"q": t} for t in titles)]
    rng.shuffle(queries)
    return queries


def _search(n: int, params: dict[str, str], saved_at: datetime) -> dict[str, Any]:
    if n % 2 == 0:
        params = {**params, "scope": "all"}
    return {
        "user_id": n % PEOPLE + 1,
        "name": f"search {n}",
        "query": urlencode(params),
        # Checked ten minutes ago: the old items are behind it, the new ones after it.
        "last_checked": datetime.now(UTC) - timedelta(minutes=10),
        "created_at": saved_at,
    }


def time_ours(settings: Settings, client: Elasticsearch, names: IndexNames) -> tuple[float, int]:
    sessions = session_factory(make_engine(settings.resolved_database_url))
    with sessions() as session:
        started = time.perf_counter()
        report = match_saved_searches(
            client, names, session, datetime.now(UTC), timedelta(seconds=120)
        )
        elapsed = time.perf_counter() - started
        session.rollback()
    return elapsed, report.new_matches


def raw_bodies(settings: Settings) -> list[dict[str, Any]]:
    """The bodies our pass sends first, built beforehand (not timed)."""
    sessions = session_factory(make_engine(settings.resolved_database_url))
    now = datetime.now(UTC)
    bodies = []
    with sessions() as session:
        for saved in session.query(SavedSearch).order_by(SavedSearch.id):
            viewer = viewer_for(session, saved.user_id)
            matching = saved_matching(saved, viewer)
            window = saved_window(saved, now, timedelta(seconds=120))
            bodies.append(alert_body(matching, window))
    return bodies


def time_baseline(
    client: Elasticsearch, names: IndexNames, bodies: list[dict[str, Any]]
) -> tuple[float, int]:
    started = time.perf_counter()
    hits = 0
    for start in range(0, len(bodies), RAW_BATCH):
        lines: list[dict[str, Any]] = []
        for body in bodies[start : start + RAW_BATCH]:
            lines.extend(({}, body))
        for response in client.msearch(index=names.alias, searches=lines)["responses"]:
            hits += len(response["hits"]["hits"])
    return time.perf_counter() - started, hits


def _round(
    settings: Settings, client: Elasticsearch, names: IndexNames, bodies: list[dict[str, Any]]
) -> tuple[float, float]:
    baseline, raw_hits = time_baseline(client, names, bodies)
    ours, matches = time_ours(settings, client, names)
    print(f"  ours {ours:.2f}s ({matches} matches), baseline {baseline:.2f}s ({raw_hits} hits)")
    return ours, baseline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000, help="documents in the index")
    parser.add_argument("--new", type=int, default=1_000, help="of which indexed just now")
    parser.add_argument("--searches", type=int, default=10_000, help="saved searches")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds of each")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-alerts-"))
    settings = replace(
        load_settings(),
        index_prefix=f"bench-alerts-{uuid.uuid4().hex[:8]}",
        database_url=f"sqlite:///{folder / 'catalog.db'}",
    )
    client = make_client(settings).options(request_timeout=300)
    names = IndexNames(settings.index_prefix)
    try:
        started = time.perf_counter()
        build_index(client, names, args.items, args.new)
        build_catalog(settings.resolved_database_url, args.searches)
        built = time.perf_counter() - started
        print(f"built {args.items} items and {args.searches} searches in {built:.1f}s")
        bodies = raw_bodies(settings)
        time_baseline(client, names, bodies)  # warm the caches for both, untimed
        rounds = [_round(settings, client, names, bodies) for _ in range(args.rounds)]
        ours, baseline = (statistics.median(r[n] for r in rounds) for n in range(2))
        print(f"ours:     {ours:.2f}s median of {args.rounds} (goal: under 30 s)")
        print(f"baseline: {baseline:.2f}s median of {args.rounds}")
        print(f"speed of ours / baseline (goal: at least 0.8): {baseline / ours:.2f}")
    finally:
        client.indices.delete(index=f"{settings.index_prefix}-*", allow_no_indices=True)
        client.options(ignore_status=404).indices.delete_index_template(name=names.template)


if __name__ == "__main__":
    main()
