"""Private feeds: a saved search as Atom and as a calendar of its events, and a person's calendar
of upcoming events across their communities.

The token in the address is the only key (feed readers and calendars send no cookies); only
its hash is stored, and a new token ends the old address. Each request runs the search with the
owner's viewer as it is then, so leaving a community takes its member-only items out at once.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from flask import Blueprint, Response, abort

from alerts.feeds import atom_feed, icalendar_feed
from alerts.matching import saved_request
from catalog.models.saved_searches import SavedSearch
from catalog.saved_searches import search_for_feed, user_for_calendar
from indexer.client import SearchRefused, SearchUnavailable
from indexer.hits import Hit
from indexer.query.access import Viewer
from indexer.query.request import SearchRequest
from indexer.search import search
from indexer.viewers import viewer_for
from webapp.db import db
from webapp.public_links import public_url_for
from webapp.services import services

blueprint = Blueprint("feeds", __name__)

FEED_SIZE = 50
CALENDAR_SIZE = 100


def _hits(request: SearchRequest, viewer: Viewer) -> list[Hit]:
    app = services()
    try:
        results = search(app.search_client, app.index_names, request, viewer)
    except SearchUnavailable:
        abort(503)
    except SearchRefused:
        abort(400)  # a saved search the engine will not run; retrying will not help
    return list(results.hits)


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
