"""People search and "members at this organisation" at 100,000 people, against the same
searches for a viewer who sees everyone and without the community filter.

    .venv/bin/python -m bench.people_search --people 100000 --rounds 5 --es-url http://127.0.0.1:9250

Fills a fresh SQLite catalog with `--people` directory entries in 20 communities (straight
SQL inserts, change numbers from the people change log; names, ~2,000 organisations with a
Zipf spread, roles, cities, topics), indexes them with `indexer.people_sync.rebuild_people`
(timed), then times, interleaved query by query over `--rounds` rounds:
  ours:  indexer.people_search.search_people as a viewer who belongs to 3 communities;
  all:   the same, as a viewer of all 20 communities (the scope filter matches everyone);
  plain: the same request body (query, sort, page, facets) without the community filter,
         sent with `client.search`: what Elasticsearch costs for the words and facets alone.
Then members_at for `--pages` pages of 20 organisation keys (drawn with the same spread, each
page asked once: its size-0 request is what the node's request cache keeps), for ours and all.
Prints p50/p95/p99 in ms and the ratios ours/plain, all/plain. Deletes its index at the end.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from functools import partial
from typing import Any

from elasticsearch import Elasticsearch
from sqlalchemy import func, select

from bench.people_world import (
    CITIES,
    COMMUNITIES,
    PAGE_KEYS,
    ROLES,
    TOPICS,
    VIEWER_COMMUNITIES,
    World,
    fill_catalog,
)
from catalog.db import make_engine, session_factory
from catalog.models.people import Person
from catalog.organisations import organisation_key
from ground.settings import Settings, load_settings
from indexer.client import make_client
from indexer.people_mapping import PeopleNames
from indexer.people_search import (
    PEOPLE_FACETS,
    PeopleRequest,
    members_at,
    people_query,
    search_people,
)
from indexer.people_sync import rebuild_people
from indexer.query.access import Viewer

# --- The searches ----------------------------------------------------------------------------


def searches(world: World, viewer: Viewer, seed: int) -> list[PeopleRequest]:
    """A mix of what members type and pick on the People page, drawn from the catalog."""
    rng = random.Random(seed)

    def organisation() -> str:
        return rng.choices(world.organisations, world.weights)[0]

    mix: list[PeopleRequest] = []
    for _ in range(6):
        first, last = rng.choice(world.names).split()
        mix += [PeopleRequest(first), PeopleRequest(last), PeopleRequest(f"{first} {last}")]
        mix.append(PeopleRequest(organisation()))  # an employer's name, as words
        mix.append(PeopleRequest(organisation_key=organisation_key(organisation())))
        role, city = rng.choice(ROLES), rng.choice(CITIES)
        mix.append(PeopleRequest(role, location=city))  # a role in a city, as the facet picks
        mix.append(PeopleRequest(f"{role} {city.split(',')[0]}"))  # typed as words
        mix.append(PeopleRequest(topic=rng.choice(TOPICS)))
        mix.append(PeopleRequest(rng.choice(TOPICS)))
        community = rng.choice(viewer.member_of)
        mix.append(PeopleRequest(rng.choice(ROLES).split()[-1], community=community))
        mix.append(PeopleRequest(community=community))  # everyone in one community
    return mix


def plain_body(request: PeopleRequest) -> dict[str, Any]:
    """search_people's request body without the community filter (everyone may be found)."""
    query = people_query(Viewer(member_of=("-",)), request)
    query["bool"]["filter"] = query["bool"]["filter"][1:]  # the first is people_scope's
    return {
        "query": query,
        "from": (max(request.page, 1) - 1) * request.size,
        "size": request.size,
        "sort": ["_score", {"display_name": "asc"}, {"person_id": "asc"}],
        "_source": ["person_id"],
        "track_total_hits": True,
        "aggs": {name: {"terms": {"field": name, "size": 15}} for name in PEOPLE_FACETS},
    }


def timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def time_searches(
    client: Elasticsearch,
    settings: Settings,
    viewers: dict[str, Viewer],
    mix: list[PeopleRequest],
    rounds: int,
) -> dict[str, list[float]]:
    """Each search as ours, all and plain back to back, so drift on the machine hits all
    alike; one untimed round first."""
    alias = PeopleNames(settings.index_prefix).alias
    times: dict[str, list[float]] = {"ours": [], "all": [], "plain": []}
    for round_no in range(rounds + 1):
        for request in mix:
            calls: dict[str, Callable[[], Any]] = {
                name: partial(search_people, client, settings, viewer, request)
                for name, viewer in viewers.items()
            }
            calls["plain"] = partial(client.search, index=alias, **plain_body(request))
            for name, call in calls.items():
                elapsed = timed(call)
                if round_no:
                    times[name].append(elapsed)
    return times


def time_members_at(
    client: Elasticsearch,
    settings: Settings,
    viewers: dict[str, Viewer],
    world: World,
    *,
    pages: int,
    seed: int,
) -> dict[str, list[float]]:
    """members_at for pages of 20 organisation keys drawn by the organisations' spread (a
    page of job results names popular employers more often), each page asked once per viewer."""
    rng = random.Random(seed)
    keys = [organisation_key(name) for name in world.organisations]
    times: dict[str, list[float]] = {name: [] for name in viewers}
    for page_no in range(pages + 5):  # five untimed pages first
        page: set[str] = set()
        while len(page) < PAGE_KEYS:
            page.add(rng.choices(keys, world.weights)[0])
        for name, viewer in viewers.items():
            elapsed = timed(partial(members_at, client, settings, viewer, page))
            if page_no >= 5:
                times[name].append(elapsed)
    return times


# --- The report ------------------------------------------------------------------------------


def percentiles(values: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def print_times(title: str, times: dict[str, list[float]], baseline: str) -> None:
    print(f"\n{title}")
    print(f"  {'target':8} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    figures = {name: percentiles(values) for name, values in times.items()}
    for name, (p50, p95, p99) in figures.items():
        print(f"  {name:8} {len(times[name]):8} {p50:8.1f} {p95:8.1f} {p99:8.1f}")
    base = figures[baseline]
    for name, (p50, p95, _) in figures.items():
        if name != baseline:
            print(f"  {name}/{baseline}: p50 {p50 / base[0]:.2f}, p95 {p95 / base[1]:.2f}")


def describe(world: World, settings: Settings, client: Elasticsearch, viewer: Viewer) -> str:
    alias = PeopleNames(settings.index_prefix).alias
    seen = client.count(index=alias, query={"terms": {"community": list(viewer.member_of)}})
    # The node's version from _cat: GET / is not answered by every node (the test node's is not).
    nodes: Any = client.cat.nodes(h="version,heap.max", format="json").body
    node = nodes[0]
    return (
        f"machine: {os.cpu_count()} cores; Python {platform.python_version()}; "
        f"Elasticsearch {node['version']} ({node['heap.max']} heap); {COMMUNITIES} communities; "
        f"{len(world.organisations)} organisations; "
        f"the viewer of 3 communities sees {seen['count']} people"
    )


def organisation_spread(settings: Settings) -> str:
    engine = make_engine(settings.resolved_database_url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(func.count())
            .select_from(Person)
            .group_by(Person.organisation_key)
            .order_by(func.count().desc())
        )
        sizes = [int(n) for (n,) in rows]
    engine.dispose()
    return (
        f"people per organisation: largest {sizes[0]}, 10th {sizes[9]}, 100th {sizes[99]}, "
        f"median {sizes[len(sizes) // 2]}, smallest {sizes[-1]}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds of the searches")
    parser.add_argument("--pages", type=int, default=100, help="pages of 20 keys for members_at")
    parser.add_argument("--es-url", default="http://127.0.0.1:9200")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            environ={},
            overrides={
                "data_dir": tmp,
                "es_hosts": args.es_url,
                "es_request_timeout": 120,
                "index_prefix": f"bench-people-{uuid.uuid4().hex[:8]}",
            },
        )
        client = make_client(settings)
        try:
            run(args, settings, client)
        finally:
            client.options(ignore_status=404).indices.delete(
                index=PeopleNames(settings.index_prefix).pattern
            )
            client.close()


def run(args: argparse.Namespace, settings: Settings, client: Elasticsearch) -> None:
    started = time.perf_counter()
    world = fill_catalog(settings, args.people, args.seed)
    print(f"catalog filled with {args.people} people in {time.perf_counter() - started:.1f} s")
    print(organisation_spread(settings))
    sessions = session_factory(make_engine(settings.resolved_database_url))
    started = time.perf_counter()
    report = rebuild_people(client, sessions, settings)
    print(f"rebuild_people: {report.indexed} people in {time.perf_counter() - started:.1f} s")
    if report.indexed != args.people:
        raise SystemExit(f"indexed {report.indexed} of {args.people} people")
    viewers = {
        "ours": Viewer(member_of=tuple(world.communities[n] for n in VIEWER_COMMUNITIES)),
        "all": Viewer(member_of=world.communities),
    }
    print(describe(world, settings, client, viewers["ours"]))
    mix = searches(world, viewers["ours"], args.seed)
    times = time_searches(client, settings, viewers, mix, args.rounds)
    print_times(f"search_people: {len(mix)} searches x {args.rounds} rounds", times, "plain")
    paths = time_members_at(client, settings, viewers, world, pages=args.pages, seed=args.seed)
    print_times(f"members_at: {args.pages} pages of {PAGE_KEYS} organisation keys", paths, "all")


if __name__ == "__main__":
    main()
