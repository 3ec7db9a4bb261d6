"""One alert matching pass against the same queries sent as a bare msearch loop.

    MUTUAL_ES_HOSTS=http://127.0.0.1:9250 .venv/bin/python -m bench.alert_matching \
        --items 100000 --new 1000 --searches 10000 --rounds 3

Builds (not timed) an index of ITEMS generated postings, the last NEW of them indexed "now",
and a fresh SQLite catalog with SEARCHES saved searches owned by 200 people in 20 communities.
Then times:
  ours:     indexer.alert_matching.match_saved_searches: each search replayed through
            webapp.search_args and the query builder with its owner's viewer, msearch batches,
            search_after paging, outbox inserts (rolled back afterwards);
  baseline: the very same request bodies, built beforehand, sent as one plain msearch loop in
            batches of the same size, responses read and thrown away.
Prints both times and ours/baseline. Needs an Elasticsearch node (scripts/elasticsearch.sh).
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

from catalog.db import make_engine, session_factory, transaction, upgrade_schema
from catalog.models import Community, Membership, SavedSearch, User
from indexer.alert_matching import (
    MSEARCH_BATCH,
    PAGE,
    alert_body,
    match_saved_searches,
    saved_request_body,
)
from indexer.client import make_client
from indexer.mapping import ensure_index
from indexer.names import IndexNames
from indexer.viewers import viewer_for
from mutual.settings import Settings, load_settings

ROLES = ["analyst", "controller", "accountant", "engineer", "manager", "director", "nurse"]
ROLES += ["designer", "recruiter", "treasurer", "auditor", "scientist", "planner", "writer"]
FIELDS = ["finance", "data", "product", "clinical", "revenue", "tax", "payroll", "risk"]
COMMUNITIES = 20
PEOPLE = 200


def _document(n: int, indexed_at: datetime, rng: random.Random) -> dict[str, Any]:
    community = f"c{n % COMMUNITIES}"
    title = f"{rng.choice(FIELDS).title()} {rng.choice(ROLES).title()}"
    return {
        "_id": f"{n:040d}",
        "id": f"{n:040d}",
        "kind": rng.choice(("job", "job", "job", "event", "resource")),
        "title": title,
        "summary": f"{title} with {rng.choice(FIELDS)} and {rng.choice(FIELDS)} work.",
        "organisation": f"Company {n % 300}",
        "communities": [community],
        "seen_in": [{"slug": community, "name": community.upper(), "first_seen": _iso(indexed_at)}],
        "visibility": ["public"] if n % 4 else [community],
        "status": "active",
        "first_seen": _iso(indexed_at),
        "indexed_at": _iso(indexed_at),
        "url": f"https://bench.example/{n}",
    }


def _iso(when: datetime) -> str:
    return when.isoformat()


def build_index(client: Elasticsearch, names: IndexNames, items: int, new: int) -> None:
    ensure_index(client, names)
    rng = random.Random(7)
    old_time = datetime.now(UTC) - timedelta(days=3)
    new_time = datetime.now(UTC) - timedelta(seconds=30)
    actions = (
        {"_index": names.alias, **_document(n, new_time if n >= items - new else old_time, rng)}
        for n in range(items)
    )
    helpers.bulk(client, actions, chunk_size=2000)
    client.indices.refresh(index=names.alias)


def build_catalog(url: str, searches: int) -> None:
    upgrade_schema(url)
    rng = random.Random(11)
    saved_at = datetime.now(UTC) - timedelta(days=4)
    with transaction(session_factory(make_engine(url))) as session:
        session.execute(
            insert(Community),
            [{"id": c + 1, "slug": f"c{c}", "name": f"C{c}"} for c in range(COMMUNITIES)],
        )
        session.execute(
            insert(User),
            [
                {"id": p + 1, "email": f"p{p}@bench.example", "password_hash": "-"}
                for p in range(PEOPLE)
            ],
        )
        memberships = {(p + 1, rng.randrange(COMMUNITIES) + 1) for p in range(PEOPLE) for _ in "ab"}
        session.execute(
            insert(Membership), [{"user_id": u, "community_id": c} for u, c in memberships]
        )
        session.execute(insert(SavedSearch), [_search(n, rng, saved_at) for n in range(searches)])


def _search(n: int, rng: random.Random, saved_at: datetime) -> dict[str, Any]:
    params = {"q": rng.choice(ROLES)}
    if n % 3 == 0:
        params["kind"] = "job"
    if n % 2 == 0:
        params["scope"] = "all"
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
            body = saved_request_body(session, saved, viewer, PAGE)
            overlap = timedelta(seconds=120)
            bodies.append(alert_body(body, saved.last_checked - overlap, now, saved.created_at))
    return bodies


def time_baseline(
    client: Elasticsearch, names: IndexNames, bodies: list[dict[str, Any]]
) -> tuple[float, int]:
    started = time.perf_counter()
    hits = 0
    for start in range(0, len(bodies), MSEARCH_BATCH):
        lines: list[dict[str, Any]] = []
        for body in bodies[start : start + MSEARCH_BATCH]:
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
        ours = statistics.median(r[0] for r in rounds)
        baseline = statistics.median(r[1] for r in rounds)
        print(f"ours:     {ours:.2f}s median of {args.rounds}")
        print(f"baseline: {baseline:.2f}s median of {args.rounds}")
        print(f"ours/baseline: {ours / baseline:.2f}")
    finally:
        client.indices.delete(index=f"{settings.index_prefix}-*", allow_no_indices=True)
        client.options(ignore_status=404).indices.delete_index_template(name=names.template)


if __name__ == "__main__":
    main()
