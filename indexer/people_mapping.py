"""The people index: its names and mapping. Its own index, never mixed with the items', so that
a snapshot or an export of the items carries no person, and rebuilt from the catalog alone."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from indexer.mapping import ANALYSIS, KEYWORD, keyword_with_text, text_field

PEOPLE_MAPPING_VERSION = 2  # 2: identity


@dataclass(frozen=True)
class PeopleNames:
    prefix: str

    @property
    def alias(self) -> str:
        return f"{self.prefix}-people"

    @property
    def pattern(self) -> str:
        return f"{self.prefix}-people-v*"

    @property
    def sync_state(self) -> str:
        """Key of the people sync's watermark (and its lease) in the catalog."""
        return f"index:{self.alias}"

    def new_index(self, now: datetime | None = None) -> str:
        stamp = (now or datetime.now(UTC)).strftime("%Y%m%d%H%M%S%f")
        return f"{self.prefix}-people-v{PEOPLE_MAPPING_VERSION}-{stamp}"


def _searched(field: dict[str, Any]) -> dict[str, Any]:
    """A field whose words also go into `text`, the one field a people search matches all its
    words in (a search for "acme controller" finds the controller at Acme)."""
    return {**field, "copy_to": "text"}


PEOPLE_PROPERTIES: dict[str, Any] = {
    "person_id": {"type": "long"},
    "identity": KEYWORD,
    # The community whose members alone may see the person: the visibility of this index.
    "community": KEYWORD,
    "community_name": {"type": "keyword", "index": False},
    "origin": KEYWORD,  # profile, directory
    "text": text_field(),
    "display_name": _searched(keyword_with_text()),
    "headline": _searched(text_field()),
    "organisation": _searched(keyword_with_text()),
    "organisation_key": KEYWORD,
    "role": _searched(text_field()),
    "past_organisations": _searched(keyword_with_text()),
    "past_keys": KEYWORD,
    "location": _searched(keyword_with_text()),
    "topics": _searched(keyword_with_text()),
    "introductions": {"type": "boolean"},
    "change_seq": {"type": "long"},
}


def people_mapping_hash() -> str:
    canonical = json.dumps({"analysis": ANALYSIS, "properties": PEOPLE_PROPERTIES}, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def people_index_body(replicas: int = 0) -> dict[str, Any]:
    """Settings and mapping of a new people index."""
    return {
        "settings": {"number_of_shards": 1, "number_of_replicas": replicas, "analysis": ANALYSIS},
        "mappings": {
            "dynamic": "strict",
            "_meta": {"mapping_hash": people_mapping_hash()},
            "properties": PEOPLE_PROPERTIES,
        },
    }
