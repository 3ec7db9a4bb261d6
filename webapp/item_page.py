"""One item's own page (`/items/<id>`) and its calendar file (`/items/<id>.ics`).

An item the viewer may not see answers exactly as one that does not exist: 404, same page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import Blueprint, Response, abort, render_template
from markupsafe import Markup

from alerts.ics import event_calendar
from crawlers.normalise import sanitise_html
from indexer.client import SearchUnavailable
from indexer.event_times import EventWhen, when_in_own_zone
from indexer.facet_values import FACET_LABELS
from indexer.hits import Hit
from indexer.lookups import get_item_with_body, more_from_organisation
from indexer.query.access import Viewer
from webapp.login import current_viewer
from webapp.services import services
from webapp.warm_paths import warm_paths

blueprint = Blueprint("items", __name__)

MAX_ITEM_ID_LENGTH = 200


@dataclass(frozen=True)
class ItemDetail:
    """A hit plus what only its own page shows: the plain summary and the body."""

    hit: Hit
    summary: str
    body_html: Markup  # sanitised again here, whatever the index holds


def safe_body(body: str) -> Markup:
    """The body as markup: cleaned by nh3 with the crawler's allow-list before it is trusted."""
    return Markup(sanitise_html(body))  # noqa: S704 - nh3-cleaned just now


def find_item(item_id: str, viewer: Viewer) -> ItemDetail | None:
    """The item with its body, or None when there is none the viewer may see."""
    if len(item_id) > MAX_ITEM_ID_LENGTH:
        return None
    app_services = services()
    client, names = app_services.search_client, app_services.index_names
    found = get_item_with_body(client, names, item_id, viewer)
    if found is None:
        return None
    return ItemDetail(found.hit, found.summary, safe_body(found.body))


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
    when = when_in_own_zone(detail.hit.event) if detail.hit.event else None
    last_day = _last_day(when) if when and when.all_day else None
    return render_template(
        "item.html",
        item=detail,
        when=when,
        last_day=last_day,
        more=more,
        labels=FACET_LABELS,
        paths=warm_paths([detail.hit]),
    )


@blueprint.get("/items/<item_id>.ics")
def item_ics(item_id: str) -> Response:
    try:
        detail = _visible_item(item_id)
    except SearchUnavailable:
        return Response("Search is unavailable right now.", 503, mimetype="text/plain")
    if detail.hit.event is None or not detail.hit.event.start:
        abort(404)
    ics = event_calendar(detail.hit, detail.summary, when_in_own_zone(detail.hit.event))
    response = Response(ics, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename(detail.hit)}"'
    return response


def _filename(hit: Hit) -> str:
    # ASCII only: a header value is Latin-1, and a file name needs no more.
    safe = "".join(c if c.isascii() and c.isalnum() else "-" for c in hit.title.lower())
    safe = safe[:40].strip("-")
    return f"{safe or 'event'}.ics"
