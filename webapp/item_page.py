"""One item's own page (`/items/<id>`) and its calendar file (`/items/<id>.ics`).

An item the viewer may not see answers exactly as one that does not exist: 404, same page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from elasticsearch import ApiError, NotFoundError, TransportError
from flask import Blueprint, Response, abort, render_template
from markupsafe import Markup

from crawlers.normalise import sanitise_html
from indexer.client import SearchUnavailable
from indexer.query import Viewer, build_get_item
from indexer.search import (
    FACET_LABELS,
    EventTimes,
    Hit,
    hit_from_document,
    more_from_organisation,
)
from webapp.item_ics import event_calendar
from webapp.login import current_viewer
from webapp.services import services

blueprint = Blueprint("items", __name__)

MAX_ITEM_ID_LENGTH = 200


@dataclass(frozen=True)
class ItemDetail:
    """A hit plus what only its own page shows: the plain summary and the body."""

    hit: Hit
    summary: str
    body_html: Markup  # sanitised again here, whatever the index holds


@dataclass(frozen=True)
class EventWhen:
    """When an event happens, as its own time zone reads it."""

    start: datetime | None
    end: datetime | None
    zone: str  # the IANA name shown beside the times ("UTC" when the source gave none)
    all_day: bool


def safe_body(body: str) -> Markup:
    """The body as markup: cleaned by nh3 with the crawler's allow-list before it is trusted."""
    return Markup(sanitise_html(body))  # noqa: S704 - nh3-cleaned just now


def find_item(item_id: str, viewer: Viewer) -> ItemDetail | None:
    """The item with its body, or None when there is none the viewer may see."""
    if len(item_id) > MAX_ITEM_ID_LENGTH:
        return None
    app_services = services()
    body = build_get_item(item_id, viewer)  # the same access rule as indexer.search.get_item
    try:
        response = app_services.search_client.search(index=app_services.index_names.alias, **body)
    except NotFoundError:
        return None
    except (TransportError, ApiError) as exc:
        raise SearchUnavailable(f"search failed: {exc}") from exc
    hits: list[dict[str, Any]] = response.body["hits"]["hits"]
    if not hits:
        return None
    source = hits[0]["_source"]
    hit = hit_from_document(hits[0], viewer.hidden)
    return ItemDetail(hit, str(source.get("summary", "")), safe_body(str(source.get("body", ""))))


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _instant(value: str | None, zone: ZoneInfo) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(zone)


def event_when(event: EventTimes) -> EventWhen:
    """Start and end as the event's own time zone reads them (UTC when it names none)."""
    zone = _zone(event.timezone)
    # An all-day event is stored as midnight UTC of each date: its dates are read in UTC.
    reading = ZoneInfo("UTC") if event.all_day else zone
    start, end = _instant(event.start, reading), _instant(event.end, reading)
    return EventWhen(start, end, zone.key, event.all_day)


def _last_day(when: EventWhen) -> date | None:
    """An all-day event's last day (its end is exclusive), when it is not its first."""
    if when.end is None or when.start is None:
        return None
    last = (when.end - timedelta(days=1)).date()
    return last if last > when.start.date() else None


def _visible_item(item_id: str) -> ItemDetail:
    detail = find_item(item_id, current_viewer())
    if detail is None:
        abort(404)
    return detail


@blueprint.get("/items/<item_id>")
def item_page(item_id: str) -> tuple[str, int] | str:
    try:
        detail = _visible_item(item_id)
        app_services = services()
        client, names = app_services.search_client, app_services.index_names
        more = more_from_organisation(client, names, detail.hit, current_viewer())
    except SearchUnavailable:
        return render_template("unavailable.html", request_=None, scope=None), 503
    when = event_when(detail.hit.event) if detail.hit.event else None
    last_day = _last_day(when) if when and when.all_day else None
    return render_template(
        "item.html", item=detail, when=when, last_day=last_day, more=more, labels=FACET_LABELS
    )


@blueprint.get("/items/<item_id>.ics")
def item_ics(item_id: str) -> Response:
    try:
        detail = _visible_item(item_id)
    except SearchUnavailable:
        return Response("Search is unavailable right now.", 503, mimetype="text/plain")
    if detail.hit.event is None or not detail.hit.event.start:
        abort(404)
    ics = event_calendar(detail.hit, detail.summary, event_when(detail.hit.event))
    response = Response(ics, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename(detail.hit)}"'
    return response


def _filename(hit: Hit) -> str:
    # ASCII only: a header value is Latin-1, and a file name needs no more.
    safe = "".join(c if c.isascii() and c.isalnum() else "-" for c in hit.title.lower())
    safe = safe[:40].strip("-")
    return f"{safe or 'event'}.ics"
