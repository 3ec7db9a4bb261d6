"""What `mutual index --status` reports about the live index."""

from __future__ import annotations

from typing import Any

from elasticsearch import Elasticsearch

from indexer.mapping import current_index, live_mapping_hash, mapping_hash
from indexer.names import IndexNames


def index_status(
    client: Elasticsearch, names: IndexNames, watermark: int, newest: int, waiting: int
) -> dict[str, Any]:
    live = current_index(client, names)
    existing = client.indices.get(index=names.pattern, allow_no_indices=True).body
    status: dict[str, Any] = {
        "alias": names.alias,
        "index": live,
        "other_indices": sorted(name for name in existing if name != live),
        "documents": 0,
        "by_kind": {},
        "by_status": {},
        "watermark": watermark,
        "newest_change": newest,
        "items_waiting": waiting,
        "mapping_current": live is None or live_mapping_hash(client, live) == mapping_hash(),
    }
    if live:
        response = client.search(
            index=names.alias,
            size=0,
            track_total_hits=True,
            aggs={"kind": {"terms": {"field": "kind"}}, "status": {"terms": {"field": "status"}}},
        ).body
        status["documents"] = response["hits"]["total"]["value"]
        for agg, key in (("kind", "by_kind"), ("status", "by_status")):
            status[key] = {
                b["key"]: b["doc_count"] for b in response["aggregations"][agg]["buckets"]
            }
    return status
