"""The unified search page."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template, request
from sqlalchemy import select

from catalog.models import Community
from indexer.client import SearchUnavailable
from indexer.query import MAX_QUERY_LENGTH, SearchRequest, Viewer
from indexer.search import search
from webapp.db import db
from webapp.login import current_viewer
from webapp.services import services

blueprint = Blueprint("search", __name__)

MINE = "mine"  # every community the viewer belongs to: the default for members
EVERYWHERE = "all"  # everything the viewer may see, public listings of other communities too


@dataclass(frozen=True)
class Scope:
    """Where a search looks: the value of the scope switch and the communities it means."""

    value: str  # MINE, EVERYWHERE or a community slug
    communities: tuple[str, ...]
    chosen: tuple[str, ...]  # communities picked in the page's filters, kept in its links
    choices: tuple[tuple[str, str], ...]  # (value, label) for the switch; empty for visitors


def _scope(viewer: Viewer) -> Scope:
    chosen = tuple(request.args.getlist("community"))
    if not viewer.member_of:
        return Scope(EVERYWHERE, chosen, chosen, ())
    rows = db().execute(
        select(Community.slug, Community.name).where(Community.slug.in_(viewer.member_of))
    )
    names = {slug: name for slug, name in rows}
    choices = (
        (MINE, "All my communities"),
        *((slug, names.get(slug, slug)) for slug in viewer.member_of),
        (EVERYWHERE, "Everything on Mutual"),
    )
    value = request.args.get("scope", MINE)
    if value in viewer.member_of:
        return Scope(value, (value,), (), choices)
    if value == EVERYWHERE or chosen:
        return Scope(EVERYWHERE if value == EVERYWHERE else MINE, chosen, chosen, choices)
    return Scope(MINE, viewer.member_of, (), choices)


def _request_from_args(scope: Scope) -> SearchRequest:
    args = request.args
    return SearchRequest(
        text=args.get("q", "")[:MAX_QUERY_LENGTH],
        kinds=tuple(args.getlist("kind")),
        communities=scope.communities,
        page=args.get("page", 1, type=int) or 1,
        size=services().settings.page_size,
    ).clamped()


@blueprint.get("/")
def search_view() -> tuple[str, int] | str:
    viewer = current_viewer()
    scope = _scope(viewer)
    search_request = _request_from_args(scope)
    app_services = services()
    try:
        results = search(
            app_services.search_client, app_services.index_names, search_request, viewer
        )
    except SearchUnavailable:
        page = render_template("unavailable.html", request_=search_request, scope=scope)
        return page, 503
    return render_template("search.html", request_=search_request, results=results, scope=scope)
