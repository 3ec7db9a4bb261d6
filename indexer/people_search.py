"""Searching people, and "fellow members at this organisation" for a page of results.

Both are limited, inside the query, to the communities the viewer is an active member of: the
people index's only visibility rule (docs/members.md). A viewer who is a member of nothing gets
nothing, without a request. The hits carry ids; the web app shows a person only after checking
the catalog again (catalog.people.visible_people), so a change the index has not caught up
with never shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from elasticsearch import Elasticsearch, NotFoundError

from ground.settings import Settings
from indexer.client import search_errors_explained
from indexer.people_mapping import PeopleNames
from indexer.query.access import Viewer

PEOPLE_FACETS = ("community", "organisation", "location", "topics")
_BOOSTED_FIELDS = ("display_name.text^3", "organisation.text^2", "role^2", "topics.text")
SHOWN_PER_ORGANISATION = 3


@dataclass(frozen=True)
class PeopleRequest:
    text: str = ""
    community: str = ""
    organisation_key: str = ""
    location: str = ""
    topic: str = ""
    page: int = 1
    size: int = 20


@dataclass(frozen=True)
class PersonHit:
    person_id: int
    community: str
    community_name: str
    display_name: str
    identity: str = ""


@dataclass(frozen=True)
class PeopleResults:
    total: int
    ids: tuple[int, ...]
    facets: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class WarmPath:
    """Fellow members of an organisation the viewer may see: how many (each person once,
    however many communities list them) and the first listings, a person's several
    listings among them."""

    current: int
    past: int
    current_people: tuple[PersonHit, ...]
    past_people: tuple[PersonHit, ...]


def people_scope(viewer: Viewer) -> dict[str, Any]:
    """The one filter deciding which people a viewer may find."""
    return {"terms": {"community": list(viewer.member_of)}}


def _filters(viewer: Viewer, request: PeopleRequest) -> list[dict[str, Any]]:
    filters = [people_scope(viewer)]
    chosen = {
        "community": request.community,
        "organisation_key": request.organisation_key,
        "location": request.location,
        "topics": request.topic,
    }
    filters += [{"term": {name: value}} for name, value in chosen.items() if value]
    return filters


def people_query(viewer: Viewer, request: PeopleRequest) -> dict[str, Any]:
    """Every word in some field of the person (`text`), names and employers weighing most."""
    text = request.text.strip()
    query: dict[str, Any] = {"bool": {"filter": _filters(viewer, request)}}
    if text:
        query["bool"]["must"] = [{"match": {"text": {"query": text, "operator": "and"}}}]
        query["bool"]["should"] = [
            {"multi_match": {"query": text, "fields": list(_BOOSTED_FIELDS)}}
        ]
    return query


def search_people(
    client: Elasticsearch, settings: Settings, viewer: Viewer, request: PeopleRequest
) -> PeopleResults:
    """One request: the page of ids (best match, then name) and the facet counts."""
    if not viewer.member_of:
        return PeopleResults(0, ())
    body = {
        "query": people_query(viewer, request),
        "from": (max(request.page, 1) - 1) * request.size,
        "size": request.size,
        "sort": ["_score", {"display_name": "asc"}, {"person_id": "asc"}],
        "_source": ["person_id"],
        "track_total_hits": True,
        "aggs": {name: {"terms": {"field": name, "size": 15}} for name in PEOPLE_FACETS},
    }
    raw = _search(client, settings, body)
    if raw is None:
        return PeopleResults(0, ())
    hits = raw["hits"]["hits"]
    facets = {
        name: tuple((b["key"], b["doc_count"]) for b in raw["aggregations"][name]["buckets"])
        for name in PEOPLE_FACETS
    }
    ids = tuple(int(h["_source"]["person_id"]) for h in hits)
    return PeopleResults(int(raw["hits"]["total"]["value"]), ids, facets)


def members_at(
    client: Elasticsearch, settings: Settings, viewer: Viewer, keys: set[str]
) -> dict[str, WarmPath]:
    """For each organisation key, the viewer's fellow members working there now and before:
    one request however many keys (a results page asks for its 20 cards at once)."""
    keys = {k for k in keys if k}
    if not keys or not viewer.member_of:
        return {}
    body = {
        "size": 0,
        "query": {"bool": {"filter": [people_scope(viewer)]}},
        "aggs": {
            "current": _per_key("organisation_key", keys),
            "past": _per_key("past_keys", keys),
        },
    }
    raw = _search(client, settings, body)
    if raw is None:
        return {}
    current = _buckets(raw["aggregations"]["current"])
    past = _buckets(raw["aggregations"]["past"])
    return {
        key: WarmPath(
            current[key][0] if key in current else 0,
            past[key][0] if key in past else 0,
            current[key][1] if key in current else (),
            past[key][1] if key in past else (),
        )
        for key in keys
        if key in current or key in past
    }


def _per_key(field_name: str, keys: set[str]) -> dict[str, Any]:
    top = {
        # Enough listings for SHOWN_PER_ORGANISATION people listed in up to three communities.
        "size": SHOWN_PER_ORGANISATION * 3,
        "sort": [{"display_name": "asc"}, {"person_id": "asc"}],
        "_source": ["person_id", "identity", "community", "community_name", "display_name"],
    }
    # Exact below the threshold (Elasticsearch's HyperLogLog++ counts exactly up to it).
    distinct = {"cardinality": {"field": "identity", "precision_threshold": 40000}}
    return {
        "terms": {"field": field_name, "include": sorted(keys), "size": len(keys)},
        "aggs": {"people": {"top_hits": top}, "distinct": distinct},
    }


def _buckets(agg: dict[str, Any]) -> dict[str, tuple[int, tuple[PersonHit, ...]]]:
    found = {}
    for bucket in agg["buckets"]:
        people = tuple(
            PersonHit(
                int(h["_source"]["person_id"]),
                h["_source"]["community"],
                h["_source"].get("community_name", ""),
                h["_source"]["display_name"],
                h["_source"].get("identity", ""),
            )
            for h in bucket["people"]["hits"]["hits"]
        )
        found[bucket["key"]] = (int(bucket["distinct"]["value"]), people)
    return found


def _search(client: Elasticsearch, settings: Settings, body: dict[str, Any]) -> Any:
    """The answer, or None when the people index does not exist yet (nothing synced)."""
    with search_errors_explained(settings):
        try:
            return client.search(index=PeopleNames(settings.index_prefix).alias, **body).body
        except NotFoundError:
            return None
