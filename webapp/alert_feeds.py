"""Private feeds: a saved search as Atom and as a calendar of its events, and a person's calendar
of upcoming events across their communities.

The token in the address is the only key (feed readers and calendars send no cookies); only
its hash is stored, and a new token ends the old address. Each request runs the search with the
owner's viewer as it is then, so leaving a community takes its member-only items out at once.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, abort
from icalendar import Calendar

from alerts.matching import saved_request
from catalog.models import SavedSearch
from catalog.saved_searches import search_for_feed, user_for_calendar
from indexer.client import SearchUnavailable
from indexer.query import SearchRequest, Viewer
from indexer.search import Hit, search
from indexer.viewers import viewer_for
from webapp.db import db
from webapp.event_times import instant
from webapp.item_ics import EventFields, day_or_time, vevent
from webapp.public_links import public_url_for
from webapp.services import services

blueprint = Blueprint("feeds", __name__)

FEED_SIZE = 50
CALENDAR_SIZE = 100
PRODID = "-//Mutual//Saved searches//EN"
UID_DOMAIN = "mutual"  # subscribed calendars know the events by these UIDs: keep them


def _hits(request: SearchRequest, viewer: Viewer) -> list[Hit]:
    app = services()
    try:
        results = search(app.search_client, app.index_names, request, viewer)
    except SearchUnavailable:
        abort(503)
    return list(results.hits)


def atom_feed(title: str, self_url: str, hits: list[Hit], now: datetime) -> bytes:
    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(title)
    feed.link(href=self_url, rel="self")
    feed.updated(now)
    for hit in reversed(hits):  # feedgen puts each new entry first
        entry = feed.add_entry()
        entry.id(f"urn:mutual:item:{hit.id}")
        entry.title(hit.title)
        entry.link(href=hit.url)
        entry.summary(str(hit.snippet_html.striptags()) or hit.title)
        entry.updated(instant(hit.published_at) or now)
        for community in hit.seen_in:
            entry.category(term=community)
    body: bytes = feed.atom_str(pretty=True)
    return body


def _feed_fields(hit: Hit) -> EventFields | None:
    """A feed's event says only what is known: no end, location or status is made up."""
    start = instant(hit.event.start if hit.event else None)
    if start is None or hit.event is None:
        return None
    end = instant(hit.event.end)
    return EventFields(
        uid=f"{hit.id}@{UID_DOMAIN}",
        start=day_or_time(start, hit.event.all_day),
        end=day_or_time(end, hit.event.all_day) if end is not None and end > start else None,
        description=str(hit.snippet_html.striptags()),
        location=hit.event.venue or hit.location or None,
        status="CANCELLED" if hit.event.status == "cancelled" else None,
    )


def icalendar_feed(name: str, hits: list[Hit], not_before: date) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for hit in hits:
        fields = _feed_fields(hit)
        if fields is not None and _starts_on_or_after(fields, not_before):
            calendar.add_component(vevent(hit, fields))
    body: bytes = calendar.to_ical()
    return body


def _starts_on_or_after(fields: EventFields, day: date) -> bool:
    """Whether the event starts on `day` or later, all-day and timed events alike."""
    if isinstance(fields.start, datetime):
        return fields.start >= datetime(day.year, day.month, day.day, tzinfo=UTC)
    return fields.start is not None and fields.start >= day


def _feed_search(token: str) -> tuple[SavedSearch, Viewer]:
    saved = search_for_feed(db(), token)
    if saved is None:
        abort(404)
    return saved, viewer_for(db(), saved.user_id)


@blueprint.get("/feeds/<token>.atom")
def saved_search_atom(token: str) -> Response:
    saved, viewer = _feed_search(token)
    request = replace(saved_request(saved, viewer, FEED_SIZE), sort="newest")
    self_url = public_url_for("feeds.saved_search_atom", token=token)
    body = atom_feed(f"Mutual: {saved.name}", self_url, _hits(request, viewer), _now())
    return Response(body, mimetype="application/atom+xml", headers=_private())


@blueprint.get("/feeds/<token>.ics")
def saved_search_calendar(token: str) -> Response:
    saved, viewer = _feed_search(token)
    request = saved_request(saved, viewer, CALENDAR_SIZE)
    hits: list[Hit] = []
    if not request.kinds or "event" in request.kinds:
        request = replace(request, kinds=("event",), sort="event_date")
        hits = _hits(request, viewer)
    body = icalendar_feed(f"Mutual: {saved.name}", hits, _now().date())
    return Response(body, mimetype="text/calendar", headers=_private())


@blueprint.get("/feeds/calendar/<token>.ics")
def upcoming_calendar(token: str) -> Response:
    """Every upcoming event of every community the person belongs to."""
    user_id = user_for_calendar(db(), token)
    if user_id is None:
        abort(404)
    viewer = viewer_for(db(), user_id)
    hits: list[Hit] = []
    if viewer.member_of:
        request = SearchRequest(
            kinds=("event",), communities=viewer.member_of, sort="event_date", size=CALENDAR_SIZE
        )
        hits = _hits(request, viewer)
    body = icalendar_feed("Mutual: my communities' events", hits, _now().date())
    return Response(body, mimetype="text/calendar", headers=_private())


def _now() -> datetime:
    return datetime.now(UTC)


def _private() -> dict[str, str]:
    # The address is a secret: keep it out of shared caches and search engines.
    return {"Cache-Control": "private, max-age=300", "X-Robots-Tag": "noindex"}
