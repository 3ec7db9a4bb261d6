"""Keeping the people index in step with the catalog: catch up from a watermark, or rebuild.

Only listed people go in (a directory entry, or a profile whose owner chose to be listed); a
profile made unlisted, or removed, is deleted from the index on the next sync. The index is
derived data: when it is missing or its mapping is not this version's, it is rebuilt from the
catalog into a new index and the alias swapped, so readers never see it half-filled.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from elasticsearch import Elasticsearch
from elasticsearch.helpers import bulk
from sqlalchemy.orm import Session, sessionmaker

from catalog.changes import get_watermark, set_watermark
from catalog.db import transaction
from catalog.locks import held
from catalog.organisation_overrides import OrganisationResolver, load_resolver
from catalog.people import UNLISTED, open_to_introductions
from catalog.people_changes import (
    PersonRow,
    changed_people,
    forget_removals_upto,
    newest_people_change,
    removed_people,
)
from ground.settings import Settings
from indexer.client import search_errors_explained
from indexer.people_mapping import PeopleNames, people_index_body, people_mapping_hash

BATCH = 1000


@dataclass
class PeopleSyncReport:
    indexed: int = 0
    removed: int = 0
    rebuilt: bool = False
    watermark: int = 0


def person_document(row: PersonRow, resolver: OrganisationResolver) -> dict[str, Any]:
    person = row.person
    past_keys = {resolver.key(name) for name in person.past_organisations}
    return {
        "person_id": person.id,
        # Who the person is across communities: their account, else this entry alone. Warm
        # paths count a member listed in two of the viewer's communities once.
        "identity": f"user-{person.user_id}" if person.user_id else f"person-{person.id}",
        "community": row.community_slug,
        "community_name": row.community_name,
        "origin": person.origin,
        "display_name": person.display_name,
        "headline": person.headline,
        "organisation": person.organisation,
        "organisation_key": person.organisation_key,
        "role": person.role,
        "past_organisations": list(person.past_organisations or []),
        "past_keys": sorted(k for k in past_keys if k),
        "location": person.location,
        "topics": list(person.topics or []),
        "introductions": open_to_introductions(person),
        "change_seq": person.change_seq,
    }


def sync_people(
    client: Elasticsearch, sessions: sessionmaker[Session], settings: Settings
) -> PeopleSyncReport:
    """Bring the people index up to the catalog's newest people change, under the lease."""
    names = PeopleNames(settings.index_prefix)
    with (
        held(sessions, names.sync_state, "people index sync", wait=30),
        search_errors_explained(settings),
    ):
        if _live_index(client, names) is None:
            return _rebuild(client, sessions, settings, names)
        with transaction(sessions) as session:
            after = get_watermark(session, names.sync_state)
            upto = newest_people_change(session)
        report = _load(client, sessions, names.alias, after, upto)
        client.indices.refresh(index=names.alias)
        with transaction(sessions) as session:
            set_watermark(session, names.sync_state, upto)
            forget_removals_upto(session, upto)
        report.watermark = upto
        return report


def rebuild_people(
    client: Elasticsearch, sessions: sessionmaker[Session], settings: Settings
) -> PeopleSyncReport:
    """Fill a new people index from the catalog and swap the alias onto it."""
    names = PeopleNames(settings.index_prefix)
    with (
        held(sessions, names.sync_state, "people index rebuild", wait=30),
        search_errors_explained(settings),
    ):
        return _rebuild(client, sessions, settings, names)


def _live_index(client: Elasticsearch, names: PeopleNames) -> str | None:
    """The index behind the alias if it has this version's mapping, else None."""
    if not client.indices.exists_alias(name=names.alias):
        return None
    index = sorted(client.indices.get_alias(name=names.alias).body)[-1]
    meta = client.indices.get_mapping(index=index).body[index]["mappings"].get("_meta", {})
    return index if meta.get("mapping_hash") == people_mapping_hash() else None


def _rebuild(
    client: Elasticsearch, sessions: sessionmaker[Session], settings: Settings, names: PeopleNames
) -> PeopleSyncReport:
    index = names.new_index()
    client.indices.create(index=index, **people_index_body(settings.index_replicas))
    try:
        with transaction(sessions) as session:
            upto = newest_people_change(session)
        report = _load(client, sessions, index, 0, upto)
        client.indices.refresh(index=index)
        _swap_alias(client, names, index)
    except Exception:
        client.indices.delete(index=index, ignore_unavailable=True)
        raise
    with transaction(sessions) as session:
        set_watermark(session, names.sync_state, upto, force=True)
        forget_removals_upto(session, upto)
    report.rebuilt, report.watermark = True, upto
    return report


def _swap_alias(client: Elasticsearch, names: PeopleNames, index: str) -> None:
    old = []
    if client.indices.exists_alias(name=names.alias):
        old = list(client.indices.get_alias(name=names.alias).body)
    actions: list[dict[str, Any]] = [{"add": {"index": index, "alias": names.alias}}]
    actions += [{"remove": {"index": name, "alias": names.alias}} for name in old]
    client.indices.update_aliases(actions=actions)
    for name in old:
        client.indices.delete(index=name, ignore_unavailable=True)


def _load(
    client: Elasticsearch, sessions: sessionmaker[Session], index: str, after: int, upto: int
) -> PeopleSyncReport:
    report = PeopleSyncReport()
    for actions in _batches(sessions, index, after, upto):
        _, errors = bulk(client, actions, raise_on_error=False, raise_on_exception=True)
        failed = [e for e in errors if not _missing_delete(e)] if isinstance(errors, list) else []
        if failed:
            raise RuntimeError(f"the people index refused {len(failed)} documents: {failed[:1]}")
        report.indexed += sum(1 for a in actions if a["_op_type"] == "index")
        report.removed += sum(1 for a in actions if a["_op_type"] == "delete")
    return report


def _missing_delete(error: dict[str, Any]) -> bool:
    """A delete of a person who was never in the index (unlisted all along): nothing to do."""
    return bool(error.get("delete", {}).get("status") == 404)


def _batches(
    sessions: sessionmaker[Session], index: str, after: int, upto: int
) -> Iterator[list[dict[str, Any]]]:
    with sessions() as session:
        gone = removed_people(session, after, upto)
    for start in range(0, len(gone), BATCH):
        yield [_delete(index, pid) for pid in gone[start : start + BATCH]]
    position = (after, 0)
    while True:
        with sessions() as session:
            rows = changed_people(session, position[0], upto, BATCH, after_id=position[1])
            resolver = load_resolver(session)
        if not rows:
            return
        position = (rows[-1].person.change_seq, rows[-1].person.id)
        yield [_action(index, row, resolver) for row in rows]


def _delete(index: str, person_id: int) -> dict[str, Any]:
    return {"_op_type": "delete", "_index": index, "_id": str(person_id)}


def _action(index: str, row: PersonRow, resolver: OrganisationResolver) -> dict[str, Any]:
    if row.person.consent == UNLISTED:
        return _delete(index, row.person.id)
    return {
        "_op_type": "index",
        "_index": index,
        "_id": str(row.person.id),
        "_source": person_document(row, resolver),
    }
