"""`mutual alerts run`: one pass of matching saved searches, then delivering what is owed.

`run_alerts` is the one entry point: the command calls it, and so will the worker (after each
index sync). One pass at a time holds the alerts lock in the catalog, so a delivery found
"sending" at the start of a pass was left by a pass that died mid-send: it is sent again (at
most one duplicate, and nothing missed). Every delivery re-checks, with the owner's memberships
as they are at that moment, that the owner may still see each item; those they may not are
dropped, never sent.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from elasticsearch import Elasticsearch
from sqlalchemy.orm import Session, sessionmaker

from alerts.alert_mail import compose_alert
from alerts.fellow_alerts import send_new_fellows
from alerts.mail import MailFailed, MailNotConfigured, send
from alerts.matching import match_saved_searches, visible_hits
from alerts.outbox import delivery_matches, due_deliveries, plan_deliveries, record_failure
from alerts.webhooks import WebhookCall, WebhookFailed, post_webhook
from catalog.db import make_engine, require_schema, session_factory
from catalog.locks import held
from catalog.models.accounts import User
from catalog.models.base import utcnow
from catalog.models.saved_searches import AlertDelivery, SavedSearch
from catalog.outages import retrying
from catalog.saved_searches import active_saved_searches
from ground.secret_key import SecretKeyUnreadable
from ground.settings import Settings
from indexer.client import make_client
from indexer.hits import Hit
from indexer.names import IndexNames
from indexer.viewers import viewer_for

# Tests only: exit at once after the mail server accepted a message, before it is recorded.
CRASH_AFTER_SEND_ENV = "MUTUAL_TEST_EXIT_AFTER_SEND"
CRASH_EXIT_CODE = 70
T = TypeVar("T")
SEND_ERRORS = (MailFailed, MailNotConfigured, SecretKeyUnreadable, WebhookFailed)


@dataclass
class AlertsReport:
    searches: int = 0
    new_matches: int = 0
    emails_sent: int = 0
    webhooks_sent: int = 0
    dropped: int = 0
    fellow_emails: int = 0  # "new fellow member at an organisation you follow"
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"checked {self.searches} saved searches: {self.new_matches} new matches, "
            f"{self.emails_sent} e-mails sent, {self.webhooks_sent} webhooks sent, "
            f"{self.dropped} deliveries dropped (no longer visible), "
            f"{self.fellow_emails} new-fellow-member e-mails, "
            f"{len(self.failures)} failures"
        )


@dataclass(frozen=True)
class _Context:
    settings: Settings
    client: Elasticsearch
    names: IndexNames
    sessions: sessionmaker[Session]
    now: datetime


def run_alerts(settings: Settings, now: datetime | None = None) -> AlertsReport:
    """Match every active saved search on newly indexed items, then send what is due."""
    engine = make_engine(settings.resolved_database_url)
    require_schema(engine)
    client = make_client(settings)
    names = IndexNames(settings.index_prefix)
    context = _Context(settings, client, names, session_factory(engine), now or utcnow())
    try:
        with held(context.sessions, f"alerts:{names.alias}", "alerts run"):
            report = _match(context)
            _plan(context)
            _deliver_all(context, report)
            _announce_fellows(context, report)
    finally:
        client.close()
        engine.dispose()
    return report


def _announce_fellows(context: _Context, report: AlertsReport) -> None:
    """Follows of organisations: new fellow members listed there since the last pass."""
    if not context.settings.smtp_host:
        return  # no mail set up: nothing can be announced, and nothing is marked as told
    fellows = send_new_fellows(context.settings, context.sessions)
    report.fellow_emails += fellows.mails
    report.failures += fellows.failures


def _in_transaction(context: _Context, work: Callable[[Session], T]) -> T:
    """`work` in one transaction, waited out through a restart of the catalog's database (a
    delivery the mail server took must be recorded as sent, or the next pass sends it again)."""
    return retrying(context.sessions, work, context.settings.catalog_retry_seconds)


def _match(context: _Context) -> AlertsReport:
    overlap = timedelta(seconds=context.settings.alerts_overlap_seconds)
    found = _in_transaction(
        context,
        lambda s: match_saved_searches(context.client, context.names, s, context.now, overlap),
    )
    report = AlertsReport(searches=found.searches, new_matches=found.new_matches)
    report.failures.extend(f"saved search #{i}: {error}" for i, error in found.failures.items())
    return report


def _plan(context: _Context) -> None:
    def plan(session: Session) -> None:
        for saved in active_saved_searches(session):
            plan_deliveries(session, saved, context.now)

    _in_transaction(context, plan)


def _deliver_all(context: _Context, report: AlertsReport) -> None:
    due = _in_transaction(
        context, lambda s: [(d.id, d.channel) for d in due_deliveries(s, context.now)]
    )
    for delivery_id, channel in due:
        outcome = deliver(context, delivery_id)
        if outcome == "sent":
            report.emails_sent += channel == "email"
            report.webhooks_sent += channel == "webhook"
        elif outcome == "dropped":
            report.dropped += 1
        elif outcome.startswith("failed"):
            report.failures.append(f"delivery #{delivery_id}: {outcome.removeprefix('failed: ')}")


@dataclass(frozen=True)
class _Prepared:
    delivery: AlertDelivery
    saved: SavedSearch
    owner: User
    hits: list[Hit]


def _prepare(context: _Context, session: Session, delivery_id: int) -> _Prepared | str:
    """The delivery with the items its owner may still see, marked "sending"; or why not."""
    delivery = session.get(AlertDelivery, delivery_id)
    saved = session.get(SavedSearch, delivery.saved_search_id) if delivery else None
    if delivery is None or saved is None or saved.paused:
        return "held"
    matches = delivery_matches(session, delivery)
    viewer = viewer_for(session, saved.user_id)
    visible = visible_hits(context.client, context.names, viewer, [m.item_id for m in matches])
    for match in matches:
        match.dropped = match.item_id not in visible
    hits = [visible[m.item_id] for m in matches if m.item_id in visible]
    wanted = saved.email if delivery.channel == "email" else bool(saved.webhook_url)
    if not hits or not wanted:
        delivery.status = "dropped"
        return "dropped"
    delivery.status = "sending"
    return _Prepared(delivery, saved, saved.user, hits)


def deliver(context: _Context, delivery_id: int) -> str:
    """Send one delivery: "sent", "dropped", "held" (paused) or "failed: why"."""
    prepared = _in_transaction(context, lambda s: _prepare(context, s, delivery_id))
    if isinstance(prepared, str):
        return prepared
    try:
        _send(context, prepared)
    except SEND_ERRORS as exc:
        error = str(exc)
        _in_transaction(context, lambda s: _failed(context, s, delivery_id, error))
        return f"failed: {error}"
    if os.environ.get(CRASH_AFTER_SEND_ENV):
        os._exit(CRASH_EXIT_CODE)
    _in_transaction(context, lambda s: _sent(s, delivery_id))
    return "sent"


def _sent(session: Session, delivery_id: int) -> None:
    delivery = session.get(AlertDelivery, delivery_id)
    if delivery is not None:
        delivery.status, delivery.sent_at = "sent", utcnow()
        delivery.attempts += 1


def _failed(context: _Context, session: Session, delivery_id: int, error: str) -> None:
    delivery = session.get(AlertDelivery, delivery_id)
    if delivery is not None:
        retry = timedelta(seconds=context.settings.alerts_retry_seconds)
        record_failure(delivery, error, context.now, retry, context.settings.alerts_max_attempts)


def _send(context: _Context, prepared: _Prepared) -> None:
    delivery, saved = prepared.delivery, prepared.saved
    if delivery.channel == "email":
        message = compose_alert(
            context.settings, saved, prepared.owner.email, prepared.hits, delivery.uuid
        )
        send(context.settings, message)
        return
    call = WebhookCall(saved.webhook_url, saved.webhook_secret, delivery.uuid, _payload(prepared))
    post_webhook(
        call,
        int(utcnow().timestamp()),
        context.settings.crawl_allow_loopback,
        context.settings.webhook_timeout,
    )


def _payload(prepared: _Prepared) -> dict[str, Any]:
    return {
        "delivery_id": prepared.delivery.uuid,
        "saved_search": {"id": prepared.saved.id, "name": prepared.saved.name},
        "items": [_item(hit) for hit in prepared.hits],
    }


def _item(hit: Hit) -> dict[str, Any]:
    return {
        "id": hit.id,
        "kind": hit.kind,
        "title": hit.title,
        "url": hit.url,
        "organisation": hit.organisation,
        "location": hit.location,
        "published_at": hit.published_at,
        "seen_in": list(hit.seen_in),
        "event_start": hit.event.start if hit.event else None,
    }
