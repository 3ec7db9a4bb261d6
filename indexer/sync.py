"""`mutual index`: send every catalog change since the last watermark to the live index."""

from __future__ import annotations

from dataclasses import dataclass, field

from elasticsearch import (
    Elasticsearch,
)
from sqlalchemy.orm import Session, sessionmaker

from catalog.changes import get_watermark, mark_index_errors, set_watermark
from catalog.db import transaction
from catalog.locks import held
from catalog.sequences import current_value
from ground import exits
from ground.errors import MutualError
from ground.settings import Settings
from indexer.bulk_load import LoadReport, ProgressCallback, load_changes
from indexer.client import search_errors_explained
from indexer.mapping import ensure_index, live_mapping_hash, mapping_hash
from indexer.names import IndexNames


class ReindexNeeded(MutualError):
    """The live index was built with another mapping than the code's."""

    exit_code = exits.REINDEX_NEEDED


@dataclass
class SyncReport:
    watermark_before: int
    watermark_after: int
    sent: int = 0
    indexed: int = 0
    deleted: int = 0
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def sync_index(
    client: Elasticsearch,
    sessions: sessionmaker[Session],
    settings: Settings,
    progress: ProgressCallback | None = None,
) -> SyncReport:
    """Index every change since the watermark, holding the index lock; advance the watermark.

    A document Elasticsearch rejects for its content is reported and recorded on the item; the
    rest go in. If Elasticsearch becomes unreachable the watermark stays at the last checkpoint,
    so the next run resends from there (ids are stable: a resend overwrites, never duplicates).
    """
    names = IndexNames(settings.index_prefix)
    with held(sessions, names.sync_state, "index sync or rebuild"):
        # Under the lease: two workers syncing a fresh catalog at once would otherwise both
        # create the first index behind the alias.
        _check_live_index(client, names, settings)
        with transaction(sessions) as session:
            watermark = get_watermark(session, names.sync_state)
            upto = current_value(session)
        report = SyncReport(watermark, watermark)
        if upto > watermark:
            loaded = _load(
                client,
                sessions,
                settings,
                names=names,
                watermark=watermark,
                upto=upto,
                progress=progress,
            )
            report.sent, report.indexed, report.deleted = (
                loaded.sent,
                loaded.indexed,
                loaded.deleted,
            )
            report.errors = loaded.errors
            report.watermark_after = upto
            client.indices.refresh(index=names.alias)
        with transaction(sessions) as session:
            mark_index_errors(session, report.errors)
            set_watermark(session, names.sync_state, report.watermark_after)
    return report


def _check_live_index(client: Elasticsearch, names: IndexNames, settings: Settings) -> None:
    with search_errors_explained(settings):
        live = ensure_index(client, names, settings.index_replicas)
        live_hash = live_mapping_hash(client, live)
    if live_hash != mapping_hash():
        raise ReindexNeeded(
            f"the live index {live} was built with another mapping than this version of Mutual "
            "uses; run `mutual reindex` first"
        )


def _load(
    client: Elasticsearch,
    sessions: sessionmaker[Session],
    settings: Settings,
    *,
    names: IndexNames,
    watermark: int,
    upto: int,
    progress: ProgressCallback | None,
) -> LoadReport:
    def checkpoint(partial: LoadReport) -> None:
        with transaction(sessions) as session:
            mark_index_errors(session, partial.errors)
            set_watermark(session, names.sync_state, partial.safe_watermark)

    return load_changes(
        client,
        sessions,
        settings,
        index=names.alias,
        after=watermark,
        upto=upto,
        progress=progress,
        checkpoint=checkpoint,
    )
