"""The index template: analysis and a strict mapping for jobs, events and resources."""

from __future__ import annotations

from typing import Any

from elasticsearch import ApiError, Elasticsearch

from indexer.names import MAPPING_VERSION, IndexNames


def _text(analyzer: str = "text_en") -> dict[str, Any]:
    """Stemmed text with an unstemmed `exact` subfield for precise matches."""
    return {
        "type": "text",
        "analyzer": analyzer,
        "fields": {"exact": {"type": "text", "analyzer": "text_exact"}},
    }


def _keyword_with_text() -> dict[str, Any]:
    """A filterable keyword that can also be searched as text."""
    return {
        "type": "keyword",
        "ignore_above": 256,
        "fields": {"text": {"type": "text", "analyzer": "text_exact"}},
    }


ANALYSIS: dict[str, Any] = {
    "filter": {
        "english_stop": {"type": "stop", "stopwords": "_english_"},
        "english_hunspell": {"type": "hunspell", "locale": "en_US", "dedup": True},
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

PROPERTIES: dict[str, Any] = {
    "id": {"type": "keyword"},
    "kind": {"type": "keyword"},
    "title": _text(),
    "summary": _text(),
    "text": _text(),
    "body": {"type": "text", "index": False},
    "url": {"type": "keyword", "index": False},
    "organisation": _keyword_with_text(),
    "location": _keyword_with_text(),
    "communities": {"type": "keyword"},
    "seen_in": {"type": "object", "enabled": False},
    "visibility": {"type": "keyword"},
    "source_ids": {"type": "keyword"},
    "status": {"type": "keyword"},
    "tags": {"type": "keyword"},
    "published_at": {"type": "date"},
    "first_seen": {"type": "date"},
    "changed_at": {"type": "date"},
    "indexed_at": {"type": "date"},
    "change_seq": {"type": "long"},
    "suggest": {"type": "completion", "analyzer": "simple"},
}


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
                "_meta": {"mapping_version": MAPPING_VERSION},
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
