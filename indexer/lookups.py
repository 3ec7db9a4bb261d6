"""Searches that are not a results page: title suggestions, one item by id (with its body),
and an organisation's other listings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError

from indexer.client import SearchUnavailable
from indexer.hits import Hit, hit_from_document
from indexer.names import IndexNames
from indexer.query.access import Viewer
from indexer.query.items import build_get_item, build_more_from_organisation
from indexer.query.suggestions import build_prefix_suggest


def _plain_search(client: Elasticsearch, names: IndexNames, body: dict[str, Any]) -> list[Any]:
    try:
        hits: list[Any] = client.search(index=names.alias, **body).body["hits"]["hits"]
    except NotFoundError:
        return []
    except (TransportError, ApiError) as exc:
        raise SearchUnavailable(f"search failed: {exc}") from exc
    return hits


def suggest(
    client: Elasticsearch, names: IndexNames, prefix: str, viewer: Viewer, size: int = 8
) -> tuple[str, ...]:
    """Titles, among those the viewer may see, that start with what was typed so far."""
    if not prefix.strip():
        return ()
    hits = _plain_search(client, names, build_prefix_suggest(prefix, viewer, size))
    titles = dict.fromkeys(str(hit["_source"]["title"]) for hit in hits)
    return tuple(titles)[:size]


@dataclass(frozen=True)
class ItemWithBody:
    """An item's hit with what only its own page shows."""

    hit: Hit
    summary: str  # plain text
    body: str  # HTML as indexed: sanitise it before trusting it


def get_item(client: Elasticsearch, names: IndexNames, item_id: str, viewer: Viewer) -> Hit | None:
    """The item with this id, or None when there is none the viewer may see."""
    found = get_item_with_body(client, names, item_id, viewer)
    return found.hit if found else None


def get_item_with_body(
    client: Elasticsearch, names: IndexNames, item_id: str, viewer: Viewer
) -> ItemWithBody | None:
    """`get_item` with the item's summary and body."""
    hits = _plain_search(client, names, build_get_item(item_id, viewer))
    if not hits:
        return None
    source = hits[0]["_source"]
    hit = hit_from_document(hits[0], viewer.hidden)
    return ItemWithBody(hit, str(source.get("summary", "")), str(source.get("body", "")))


def more_from_organisation(
    client: Elasticsearch, names: IndexNames, hit: Hit, viewer: Viewer, size: int = 5
) -> tuple[Hit, ...]:
    """Other live listings of the hit's organisation that the viewer may see."""
    if not hit.organisation:
        return ()
    body = build_more_from_organisation(hit.organisation, viewer, hit.id, size)
    raw_hits = _plain_search(client, names, body)
    return tuple(hit_from_document(raw, viewer.hidden) for raw in raw_hits)
