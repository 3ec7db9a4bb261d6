"""The unified search page."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, render_template, request
from sqlalchemy import select

from catalog.models.sources import Community
from indexer.client import SearchRefused, SearchUnavailable
from indexer.cursors import open_point_in_time
from indexer.facet_values import FACET_LABELS
from indexer.query.access import Viewer
from indexer.query.request import SearchRequest
from indexer.search import SearchResults, search
from indexer.search_args import args_of, request_from_args, scope_of
from webapp.db import reading
from webapp.event_months import month_grids, shows_months
from webapp.login import current_catalog_view, signed_in_user
from webapp.search_view_model import chips, facet_groups, href, item_hrefs, next_href, sort_links
from webapp.series_cards import series_cards
from webapp.services import services
from webapp.warm_paths import warm_paths

blueprint = Blueprint("search", __name__)


def _run(search_request: SearchRequest, viewer: Viewer) -> SearchResults:
    """The search; a page reached through a cursor reads through a point in time, opened on
    the first "next" and carried in the cursor after, so pages do not shift as items arrive."""
    app_services = services()
    client, names = app_services.search_client, app_services.index_names
    if search_request.search_after and not search_request.pit_id:
        search_request = replace(search_request, pit_id=open_point_in_time(client, names))
    results = search(client, names, search_request, viewer)
    if search_request.pit_id and not results.hits and results.total == 0:
        # The point in time expired (5 minutes idle): start again from the first page.
        results = search(client, names, replace(search_request, pit_id="", search_after=()), viewer)
    return results


def _has_communities() -> bool:
    with reading() as source:
        return source.scalar(select(Community.id).limit(1)) is not None


@blueprint.get("/")
def search_view() -> tuple[str, int] | str:
    view = current_catalog_view()  # one read: the scope switch and facet labels too
    viewer, known = view.viewer, view.names
    scope = scope_of(request.args, viewer, known)
    search_request = request_from_args(request.args, scope, services().settings.page_size)
    links = args_of(search_request, scope)
    try:
        results = _run(search_request, viewer)
    except SearchUnavailable:
        page = render_template("unavailable.html", request_=search_request, scope=scope)
        return page, 503
    except SearchRefused:
        page = render_template(
            "unavailable.html", request_=search_request, scope=scope, refused=True
        )
        return page, 400
    groups = facet_groups(results.facets, links, {"community": known})
    user = signed_in_user()
    zone = user.timezone if user else ""
    months = (
        month_grids(results.hits, zone) if shows_months(search_request.kinds, results.hits) else []
    )
    return render_template(
        "search.html",
        request_=search_request,
        results=results,
        cards=series_cards(results.hits),
        item_hrefs=item_hrefs(results.hits),
        scope=scope,
        groups=groups,
        chips=chips(groups),
        sorts=sort_links(links, search_request.sort),
        next_href=next_href(links, results),
        first_href=href(links) if search_request.page > 1 else None,
        save_query=href(links).removeprefix("?"),
        # Asked only for the empty state: not a catalog query on every search.
        has_communities=results.total > 0 or _has_communities(),
        viewer_zone=zone,
        months=months,
        labels=FACET_LABELS,
        paths=warm_paths(results.hits),
    )
