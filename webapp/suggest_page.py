"""`/suggest?q=...`: suggestions without JavaScript, as a short page of search links.

The search box's script (static/suggest.js) asks /api/suggest instead, as the person types.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from indexer.client import SearchUnavailable
from indexer.lookups import suggest
from webapp.login import current_viewer
from webapp.services import services

blueprint = Blueprint("suggest", __name__)

MAX_TYPED = 100


@blueprint.get("/suggest")
def suggest_page() -> tuple[str, int] | str:
    typed = request.args.get("q", "")[:MAX_TYPED]
    app_services = services()
    try:
        titles = suggest(
            app_services.search_client, app_services.index_names, typed, current_viewer()
        )
    except SearchUnavailable:
        return render_template("unavailable.html", request_=None, scope=None), 503
    return render_template("suggest.html", typed=typed, titles=titles)
