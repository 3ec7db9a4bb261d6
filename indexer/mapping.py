"""The index template: analysis and a strict mapping for jobs, events and resources."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from elasticsearch import ApiError, Elasticsearch

from indexer.names import MAPPING_VERSION, IndexNames


def text_field(analyzer: str = "text_en") -> dict[str, Any]:
    """Stemmed text with an unstemmed `exact` subfield for precise matches. Offsets kept in the
    postings let the highlighter mark a hit without analysing its text again (hunspell on
    every hit's body: a few milliseconds a page at 100,000 items, bench/search_load.py)."""
    return {
        "type": "text",
        "analyzer": analyzer,
        "index_options": "offsets",
        "fields": {"exact": {"type": "text", "analyzer": "text_exact"}},
    }


def keyword_with_text() -> dict[str, Any]:
    """A filterable keyword that can also be searched as text."""
    return {
        "type": "keyword",
        "ignore_above": 256,
        "fields": {"text": {"type": "text", "analyzer": "text_exact"}},
    }


ANALYSIS: dict[str, Any] = {
    "filter": {
        "english_stop": {"type": "stop", "stopwords": "_english_"},
        # longest_only: one stem per word. With every stem, "remote" also indexes "mote" and
        # so matches "promotion" (-> "motion", "mote").
        "english_hunspell": {
            "type": "hunspell",
            "locale": "en_US",
            "dedup": True,
            "longest_only": True,
        },
    },
    "analyzer": {
        "text_en": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["lowercase", "english_stop", "english_hunspell"],
        },
        "text_exact": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase"]},
    },
}

KEYWORD = {"type": "keyword", "ignore_above": 256}
DATE = {"type": "date"}
# scaled_float lives in the mapper-extras module, absent from the core node: plain doubles.
MONEY = {"type": "double"}

PROPERTIES: dict[str, Any] = {
    "id": {"type": "keyword"},
    "kind": {"type": "keyword"},
    "title": text_field(),
    "summary": text_field(),
    "text": text_field(),
    "body": {"type": "text", "index": False},
    "url": {"type": "keyword", "index": False},
    "apply_url": {"type": "keyword", "index": False},
    "organisation": keyword_with_text(),
    # catalog/organisations.organisation_key of it: where fellow members work is matched on it.
    "organisation_key": KEYWORD,
    # The recurring event an occurrence belongs to (crawlers/results.py, event.series), else
    # the item's own id: the search page shows one card per series (indexer/query/series.py).
    "series": KEYWORD,
    "location": keyword_with_text(),
    "city": KEYWORD,
    "region": KEYWORD,
    "country": KEYWORD,
    "remote": KEYWORD,  # onsite, hybrid, remote
    "communities": {"type": "keyword"},
    "seen_in": {"type": "object", "enabled": False},
    "visibility": {"type": "keyword"},
    "source_ids": {"type": "keyword"},
    "cluster_id": {"type": "keyword"},
    "status": {"type": "keyword"},  # active, expired, cancelled, removed
    "language": KEYWORD,
    "tags": {"type": "keyword"},
    "published_at": DATE,
    "first_seen": DATE,
    "last_seen": DATE,
    "changed_at": DATE,
    "indexed_at": DATE,
    "change_seq": {"type": "long"},
    # Jobs
    "employment_type": KEYWORD,
    "valid_through": DATE,
    "salary": {
        "properties": {
            "min": MONEY,
            "max": MONEY,
            "currency": KEYWORD,
            "period": KEYWORD,
            "annual_min": MONEY,
            "annual_max": MONEY,
        }
    },
    # Events
    "event": {
        "properties": {
            "start": DATE,
            "end": DATE,
            "timezone": KEYWORD,
            "all_day": {"type": "boolean"},
            "attendance": KEYWORD,  # online, in_person, mixed
            "venue": keyword_with_text(),
            "status": KEYWORD,
        }
    },
    # Resources
    "author": keyword_with_text(),
    "content_type": KEYWORD,
    "suggest": {"type": "completion", "analyzer": "simple"},
}


def mapping_hash() -> str:
    """A fingerprint of the analysis and mapping: differs exactly when a reindex is needed."""
    canonical = json.dumps({"analysis": ANALYSIS, "properties": PROPERTIES}, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def index_template(names: IndexNames, replicas: int = 0) -> dict[str, Any]:
    return {
        "index_patterns": [names.pattern],
        "priority": 100,
        "template": {
            "settings": {
                "number_of_shards": 1,
                "number_of_replicas": replicas,
                "analysis": ANALYSIS,
            },
            "mappings": {
                "dynamic": "strict",
                "_meta": {"mapping_version": MAPPING_VERSION, "mapping_hash": mapping_hash()},
                "properties": PROPERTIES,
            },
        },
    }


def ensure_index(client: Elasticsearch, names: IndexNames, replicas: int = 0) -> str:
    """Install the template and, if the alias does not exist yet, a first index behind it."""
    client.indices.put_index_template(name=names.template, **index_template(names, replicas))
    existing = current_index(client, names)
    if existing:
        return existing
    index = names.new_index()
    try:
        client.indices.create(index=index, aliases={names.alias: {"is_write_index": True}})
    except ApiError as exc:
        if "resource_already_exists" not in str(exc):
            raise
    return current_index(client, names) or index


def current_index(client: Elasticsearch, names: IndexNames) -> str | None:
    """The index the alias points at, or None when there is no alias yet."""
    if not client.indices.exists_alias(name=names.alias):
        return None
    indices = sorted(client.indices.get_alias(name=names.alias).body)
    return indices[-1] if indices else None


def live_mapping_hash(client: Elasticsearch, index: str) -> str | None:
    """The fingerprint the live index was created with (None for an index from before them)."""
    mapping = client.indices.get_mapping(index=index).body[index]["mappings"]
    value = mapping.get("_meta", {}).get("mapping_hash")
    return str(value) if value else None
