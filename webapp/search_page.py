"""The unified search page."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from indexer.client import SearchUnavailable
from indexer.search import search
from webapp.db import db
from webapp.login import current_viewer
from webapp.search_args import args_of, request_from_args, scope_of
from webapp.services import services

blueprint = Blueprint("search", __name__)


@blueprint.get("/")
def search_view() -> tuple[str, int] | str:
    viewer = current_viewer()
    scope = scope_of(request.args, viewer, db())
    app_services = services()
    search_request = request_from_args(request.args, scope, app_services.settings.page_size)
    links = args_of(search_request, scope)
    try:
        results = search(
            app_services.search_client, app_services.index_names, search_request, viewer
        )
    except SearchUnavailable:
        page = render_template("unavailable.html", request_=search_request, scope=scope)
        return page, 503
    return render_template(
        "search.html", request_=search_request, results=results, scope=scope, links=links
    )
