"""The unified search page."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from indexer.client import SearchUnavailable
from indexer.query import MAX_QUERY_LENGTH, SearchRequest, Viewer
from indexer.search import search
from webapp.services import services

blueprint = Blueprint("search", __name__)


def _request_from_args() -> SearchRequest:
    args = request.args
    return SearchRequest(
        text=args.get("q", "")[:MAX_QUERY_LENGTH],
        kinds=tuple(args.getlist("kind")),
        communities=tuple(args.getlist("community")),
        page=args.get("page", 1, type=int) or 1,
        size=services().settings.page_size,
    ).clamped()


@blueprint.get("/")
def search_view() -> tuple[str, int] | str:
    search_request = _request_from_args()
    app_services = services()
    try:
        results = search(
            app_services.search_client, app_services.index_names, search_request, Viewer()
        )
    except SearchUnavailable:
        return render_template("unavailable.html", request_=search_request), 503
    return render_template("search.html", request_=search_request, results=results)
