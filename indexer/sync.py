"""Sending every catalog change since the last watermark to the index, in bulk."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from elasticsearch import ConnectionError as ESConnectionError
from elasticsearch import Elasticsearch, TransportError
from elasticsearch.helpers import streaming_bulk
from sqlalchemy.orm import Session, sessionmaker

from catalog.changes import get_watermark, items_changed_since, mark_index_errors, set_watermark
from catalog.db import transaction
from catalog.models import utcnow
from catalog.sequences import current_value
from indexer.client import SearchUnavailable
from indexer.documents import item_document
from indexer.mapping import ensure_index
from indexer.names import IndexNames
from indexer.prefetch import prefetched
from mutual.settings import Settings

ProgressCallback = Callable[[int], None]


@dataclass
class SyncReport:
    watermark_before: int
    watermark_after: int
    sent: int = 0
    indexed: int = 0
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
    """Index every item changed since the watermark; advance it once they are all sent.

    A document Elasticsearch rejects for its content is reported and recorded on the item; the rest
    go in. If Elasticsearch becomes unreachable the watermark stays put, so the next run resends
    (ids are stable, so a resend overwrites and never duplicates).
    """
    names = IndexNames(settings.index_prefix)
    try:
        ensure_index(client, names)
    except (ESConnectionError, TransportError) as exc:
        raise SearchUnavailable(f"Elasticsearch unreachable at {settings.es_hosts}: {exc}") from exc
    with transaction(sessions) as session:
        watermark = get_watermark(session, names.sync_state)
        upto = current_value(session)
    report = SyncReport(watermark, watermark)
    if upto > watermark:
        _send_changes(
            client=client,
            sessions=sessions,
            settings=settings,
            names=names,
            report=report,
            upto=upto,
            progress=progress,
        )
        report.watermark_after = upto
    with transaction(sessions) as session:
        mark_index_errors(session, report.errors)
        set_watermark(session, names.sync_state, report.watermark_after)
    return report


def _send_changes(
    *,
    client: Elasticsearch,
    sessions: sessionmaker[Session],
    settings: Settings,
    names: IndexNames,
    report: SyncReport,
    upto: int,
    progress: ProgressCallback | None,
) -> None:
    with sessions() as session:
        actions = prefetched(_actions(session, names, report.watermark_before, upto, report))
        try:
            for ok, result in streaming_bulk(
                client,
                actions,
                chunk_size=settings.index_chunk_docs,
                max_chunk_bytes=settings.index_chunk_bytes,
                raise_on_error=False,
                max_retries=5,
                initial_backoff=1,
            ):
                _record_result(ok, result, report, progress)
        except (ESConnectionError, TransportError) as exc:
            raise SearchUnavailable(
                f"Elasticsearch failed during the sync after {report.indexed} documents: {exc}"
            ) from exc
        finally:
            actions.close()  # stop the producer before its session closes
    client.indices.refresh(index=names.alias)


def _actions(
    session: Session, names: IndexNames, watermark: int, upto: int, report: SyncReport
) -> Iterator[dict[str, Any]]:
    now = utcnow()
    for batch in items_changed_since(session, watermark, upto):
        for item in batch:
            report.sent += 1
            yield {
                "_op_type": "index",
                "_index": names.alias,
                "_id": item.id,
                "_source": item_document(item, now),
            }
        session.expunge_all()  # keep memory flat over large syncs


def _record_result(
    ok: bool, result: dict[str, Any], report: SyncReport, progress: ProgressCallback | None
) -> None:
    outcome = next(iter(result.values()))
    if ok:
        report.indexed += 1
    else:
        error = outcome.get("error", {})
        reason = error.get("reason", str(error)) if isinstance(error, dict) else str(error)
        report.errors[str(outcome.get("_id"))] = f"{error.get('type', 'error')}: {reason}"
    if progress:
        progress(1)
