"""The operator's views: sources by health with their last errors, each source's crawl history,
how far the index is behind the catalog, alert deliveries that failed; and the actions to fetch
a source at the next crawl, or to pause and resume it.

Only the operator (`mutual user add --admin`) sees them: anyone else is sent to sign in or
refused, as on the operator's other pages. The actions only change the catalog; the next
`mutual crawl` or worker cycle does the fetching (the web app never crawls).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload
from werkzeug.wrappers import Response

from catalog.delivery_failures import FailedDelivery, failed_deliveries
from catalog.fetch_history import FAILED, NOT_MODIFIED, recent_attempts
from catalog.models.base import utcnow
from catalog.models.sources import FetchAttempt, Source
from catalog.source_control import SourcePaused, retry_source_now, set_source_paused
from catalog.sync_lag import SyncLag, read_sync_lag
from crawlers.normalise import MAX_TITLE, clean_text
from webapp.db import db
from webapp.fetch_charts import source_chart
from webapp.forms import EmptyForm
from webapp.login import operator_required
from webapp.services import services
from webapp.sources_page import MAX_ERROR_SHOWN, Moment, health, moment, next_fetch, web_link

blueprint = Blueprint("operator", __name__)

# Failing first (most failures in a row first), then what needs a look, healthy last.
HEALTH_ORDER = {"failing": 0, "warning": 1, "never": 2, "paused": 3, "ok": 4}
OUTCOME_WORDS = {"ok": "fetched", NOT_MODIFIED: "not modified", FAILED: "failed"}
ACTIONS = ("retry", "pause", "resume")


@dataclass(frozen=True)
class OperatorSource:
    id: int
    label: str
    community: str
    url: str
    link: str | None
    kind: str
    health: str
    health_class: str
    failures: int
    status: str
    last_attempt: Moment
    next_fetch: Moment
    last_error: str
    paused: bool


@dataclass(frozen=True)
class AttemptRow:
    started: Moment
    duration: str
    outcome: str
    outcome_class: str
    status: str
    items_new: str
    items_updated: str
    items_unchanged: str
    error: str


def operator_source(source: Source, now: datetime) -> OperatorSource:
    """A source as the operator sees it: URL and error shown, member-only or not."""
    words, state = health(source)
    url = clean_text(source.url, MAX_TITLE)
    return OperatorSource(
        id=source.id,
        label=clean_text(source.title, MAX_TITLE) or url,
        community=source.community.name,
        url=url,
        link=web_link(source.url),
        kind=f"{source.kind} of {source.item_kind}s",
        health=words,
        health_class=state,
        failures=source.error_count,
        status=str(source.last_status or "\N{EN DASH}"),
        last_attempt=moment(source.last_fetched_at, now),
        next_fetch=next_fetch(source, now),
        last_error=clean_text(source.last_error, MAX_ERROR_SHOWN),
        paused=source.paused,
    )


def sources_by_health(session: Session, now: datetime) -> list[OperatorSource]:
    sources = session.scalars(select(Source).options(joinedload(Source.community)))
    rows = [operator_source(source, now) for source in sources]
    return sorted(rows, key=lambda r: (HEALTH_ORDER[r.health_class], -r.failures, r.id))


def attempt_row(attempt: FetchAttempt, now: datetime) -> AttemptRow:
    def count(value: int | None) -> str:
        return "\N{EN DASH}" if value is None else str(value)

    return AttemptRow(
        started=moment(attempt.started_at, now),
        duration=f"{attempt.duration_ms / 1000:.1f} s",
        outcome=OUTCOME_WORDS.get(attempt.outcome, attempt.outcome),
        outcome_class="failing" if attempt.outcome == FAILED else "ok",
        status=count(attempt.http_status),
        items_new=count(attempt.items_new),
        items_updated=count(attempt.items_updated),
        items_unchanged=count(attempt.items_unchanged),
        error=clean_text(attempt.error, MAX_ERROR_SHOWN),
    )


@dataclass(frozen=True)
class Overview:
    sources: list[OperatorSource]
    lag: SyncLag
    oldest_waiting: Moment
    last_sync: Moment
    deliveries: list[FailedDelivery]

    @property
    def failing_count(self) -> int:
        return sum(row.health_class == "failing" for row in self.sources)


def read_overview(session: Session, sync_state: str, now: datetime) -> Overview:
    lag = read_sync_lag(session, sync_state)
    return Overview(
        sources=sources_by_health(session, now),
        lag=lag,
        oldest_waiting=moment(lag.oldest_waiting, now, never="nothing waiting"),
        last_sync=moment(lag.last_sync, now),
        deliveries=failed_deliveries(session),
    )


@blueprint.get("/operator")
@operator_required
def overview() -> str:
    now = utcnow()
    data = read_overview(db(), services().index_names.sync_state, now)
    return render_template("operator.html", overview=data, now=now, empty=EmptyForm())


@blueprint.get("/operator/sources/<int:source_id>")
@operator_required
def source_history(source_id: int) -> str:
    source = _source_or_404(source_id)
    now = utcnow()
    recorded = recent_attempts(db(), source.id)
    shown = operator_source(source, now)
    return render_template(
        "operator_source.html",
        source=shown,
        attempts=[attempt_row(a, now) for a in recorded],
        chart=source_chart("fetch-chart", f"source #{source.id}", recorded) if recorded else None,
        empty=EmptyForm(),
    )


@blueprint.post("/operator/sources/<int:source_id>/<action>")
@operator_required
def source_action(source_id: int, action: str) -> Response:
    """Retry now, pause or resume; back to the page the button was on."""
    source = _source_or_404(source_id)
    if action not in ACTIONS or not EmptyForm().validate_on_submit():
        abort(400)
    try:
        if action == "retry":
            retry_source_now(source)
        else:
            set_source_paused(source, action == "pause")
    except SourcePaused as exc:
        flash(str(exc))
    else:
        db().commit()
        flash(_done(source_id, action))
    if request.form.get("back") == "history":
        return redirect(url_for("operator.source_history", source_id=source_id))
    return redirect(url_for("operator.overview", _anchor=f"source-{source_id}"))


def _done(source_id: int, action: str) -> str:
    if action == "retry":
        return f"Source #{source_id} is due now: the next crawl fetches it."
    return f"Source #{source_id} {'paused' if action == 'pause' else 'resumed'}."


def _source_or_404(source_id: int) -> Source:
    source = db().get(Source, source_id)
    if source is None:
        abort(404)
    return source
