"""Loading a range of the catalog's change log into one index: shared by sync and rebuild."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from elasticsearch import ConnectionError as ESConnectionError
from elasticsearch import Elasticsearch, TransportError
from elasticsearch.helpers import streaming_bulk
from sqlalchemy.orm import Session, sessionmaker

from catalog.changes import changed_items, deletions_since
from catalog.models.base import utcnow
from catalog.organisation_overrides import load_resolver
from ground.settings import Settings
from indexer.client import SearchUnavailable
from indexer.documents import item_document
from indexer.prefetch import prefetched

ProgressCallback = Callable[[int], None]
CheckpointCallback = Callable[["LoadReport"], None]
CHECKPOINT_EVERY = 5000


@dataclass
class LoadReport:
    sent: int = 0
    indexed: int = 0
    deleted: int = 0
    errors: dict[str, str] = field(default_factory=dict)
    # Highest change number at or below which every change has been acknowledged.
    safe_watermark: int = 0
    # Change number of each action in flight, in the order sent (None for deletions);
    # the bulk helper answers in the same order.
    in_flight: deque[int | None] = field(default_factory=deque)
    acknowledged: int = 0


def load_changes(
    client: Elasticsearch,
    sessions: sessionmaker[Session],
    settings: Settings,
    *,
    index: str,
    after: int,
    upto: int,
    progress: ProgressCallback | None = None,
    checkpoint: CheckpointCallback | None = None,
) -> LoadReport:
    """Send every deletion and item change in (after, upto] to `index`.

    Documents rejected for their content are collected in the report; connection failures raise
    SearchUnavailable after the bulk helper's retries (429s are retried with backoff).
    `checkpoint` is called now and then with the report, whose `safe_watermark` is a change
    number up to which everything is in, so a long load that dies is resumed, not restarted.
    """
    report = LoadReport(safe_watermark=after)
    with sessions() as session:
        actions = prefetched(_actions(session, index, after, upto, report))
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
                _record(ok, result, report, progress, checkpoint)
        except (ESConnectionError, TransportError) as exc:
            raise SearchUnavailable(
                f"Elasticsearch failed after {report.indexed} documents: {exc}"
            ) from exc
        finally:
            actions.close()  # stop the producer before its session closes
    report.safe_watermark = upto
    return report


def _actions(
    session: Session, index: str, after: int, upto: int, report: LoadReport
) -> Iterator[dict[str, Any]]:
    # Deletions first: an item deleted and then seen again has a newer change, sent after.
    for item_id in deletions_since(session, after, upto):
        report.sent += 1
        report.in_flight.append(None)
        yield {"_op_type": "delete", "_index": index, "_id": item_id}
    now, resolver = utcnow(), load_resolver(session)
    for batch in changed_items(session, after, upto):
        for changed in batch:
            report.sent += 1
            report.in_flight.append(changed.row["change_seq"])
            yield {
                "_op_type": "index",
                "_index": index,
                "_id": changed.row["id"],
                "_source": item_document(changed, now, resolver),
            }


def _record(
    ok: bool,
    result: dict[str, Any],
    report: LoadReport,
    progress: ProgressCallback | None,
    checkpoint: CheckpointCallback | None,
) -> None:
    op, outcome = next(iter(result.items()))
    seq = report.in_flight.popleft()
    if op == "delete":
        # Deleting what is not there is fine: the index already agrees with the catalog.
        report.deleted += 1
    elif ok:
        report.indexed += 1
    else:
        report.errors[str(outcome.get("_id"))] = describe_error(outcome.get("error"))
    report.acknowledged += 1
    if seq is not None and seq - 1 > report.safe_watermark:
        # Items come in change order, so everything before this one's change is in.
        report.safe_watermark = seq - 1
    if checkpoint and report.acknowledged % CHECKPOINT_EVERY == 0:
        checkpoint(report)
    if progress:
        progress(1)


def describe_error(error: Any, limit: int = 240) -> str:
    """One line from a bulk item's error: its type and reason, then what caused it, each
    shortened (a reason may quote the whole offending value)."""
    if not isinstance(error, dict):
        return str(error)[:limit]
    parts: list[str] = []
    while isinstance(error, dict) and len(parts) < 3:
        reason = str(error.get("reason", ""))
        if len(reason) > limit:
            reason = reason[:limit] + "…"
        parts.append(f"{error.get('type', 'error')}: {reason}")
        error = error.get("caused_by")
    return "; caused by ".join(parts)
