"""The JSON API: the search page's search, single items and suggestions, as JSON.

It reads the URL exactly as the page does (`indexer.search_args`) and sees what the page's
viewer sees (`current_viewer()`, from the session cookie). Where the page quietly clamps a
value, the API says what was wrong: every error is `{"error": {"code", "message"}}`.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from flask import Blueprint, Response, jsonify, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from catalog.models.people import Person as PersonRow
from catalog.people import open_to_introductions, visible_people
from indexer.client import SearchRefused, SearchUnavailable
from indexer.cursors import Cursor
from indexer.hits import Hit
from indexer.lookups import get_item, suggest
from indexer.people_search import search_people
from indexer.query.request import (
    ATTENDANCE,
    KINDS,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    MAX_QUERY_LENGTH,
    POSTED_WITHIN,
    RESULT_WINDOW,
    SALARY_BANDS,
    SORTS,
    UPCOMING,
    last_page,
)
from indexer.search import SearchResults, search
from indexer.search_args import request_from_args, scope_of
from webapp import api_models
from webapp.api_models import ErrorCode
from webapp.db import db
from webapp.login import current_viewer, signed_in_user
from webapp.openapi import CACHE_CONTROL, openapi_document
from webapp.people_pages import MAX_PAGE as MAX_PEOPLE_PAGE
from webapp.people_pages import people_request
from webapp.services import services

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

blueprint = Blueprint("api", __name__, url_prefix="/api")

MAX_SUGGEST_LENGTH = 100
MAX_ITEM_ID_LENGTH = 200
# URL parameter -> the values it may take, for the parameters that name one of a few choices.
CHOICES: dict[str, tuple[str, ...]] = {
    "kind": KINDS,
    "sort": SORTS,
    "salary": tuple(SALARY_BANDS),
    "posted": tuple(POSTED_WITHIN),
    "upcoming": tuple(UPCOMING),
    "attendance": tuple(ATTENDANCE),
}


class ApiProblem(Exception):
    """A request the API answers with an error object instead of a result."""

    def __init__(self, status: int, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@blueprint.after_request
def _private(response: Response) -> Response:
    # Answers depend on who asks (member-only listings): no shared cache may keep them.
    response.headers.setdefault("Cache-Control", CACHE_CONTROL)
    return response


def error_response(status: int, code: ErrorCode, message: str) -> tuple[Response, int]:
    """The one shape of every API error."""
    return _private(answer(api_models.Error(api_models.ErrorBody(code, message)))), status


@blueprint.errorhandler(ApiProblem)
def _problem(problem: ApiProblem) -> tuple[Response, int]:
    return error_response(problem.status, problem.code, problem.message)


@blueprint.errorhandler(SearchRefused)
def _refused(_exc: SearchRefused) -> tuple[Response, int]:
    message = "The search engine refused this search as asked; change the query or filters."
    return error_response(400, "invalid_parameter", message)


@blueprint.errorhandler(SearchUnavailable)
def _unavailable(_exc: SearchUnavailable) -> tuple[Response, int]:
    message = "The search engine cannot be reached; please try again in a minute."
    return error_response(503, "search_unavailable", message)


@blueprint.app_errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> HTTPException | tuple[Response, int]:
    """Under /api, unknown routes and methods answer in JSON too; elsewhere nothing changes."""
    if not f"{request.path}/".startswith("/api/") or exc.code is None:
        return exc
    codes: dict[int, ErrorCode] = {404: "not_found", 405: "method_not_allowed"}
    code = codes.get(exc.code, "http_error")
    response, status = error_response(exc.code, code, exc.description or exc.name)
    for name, value in exc.get_headers():
        if name.lower() == "allow":  # a 405 says which methods the route takes (RFC 9110)
            response.headers["Allow"] = value
    return response, status


# --- Parameters ---------------------------------------------------------------------------


def _bounded_int(args: MultiDict[str, str], name: str, default: int, top: int) -> int:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9) or not 1 <= int(raw) <= top:
        raise ApiProblem(400, "invalid_parameter", f"{name} must be a whole number 1 to {top}.")
    return int(raw)


def _check_choices(args: MultiDict[str, str]) -> None:
    for name, allowed in CHOICES.items():
        for value in args.getlist(name):
            if value and value not in allowed:
                choices = ", ".join(allowed)
                message = f"{name}={value!r} is not one of: {choices}."
                raise ApiProblem(400, "invalid_parameter", message)


def checked_search_args(args: MultiDict[str, str], default_size: int) -> int:
    """Refuse what the page would quietly clamp; returns the page size asked for."""
    if len(args.get("q", "")) > MAX_QUERY_LENGTH:
        message = f"q is longer than {MAX_QUERY_LENGTH} characters."
        raise ApiProblem(400, "query_too_long", message)
    if args.get("after") and Cursor.decode(args["after"]) is None:
        raise ApiProblem(400, "invalid_parameter", "after is not a cursor this API gave out.")
    _check_choices(args)
    size = _bounded_int(args, "size", default_size, MAX_PAGE_SIZE)
    _check_page(args, size)
    return size


def _check_page(args: MultiDict[str, str], size: int) -> None:
    """Pages stop where the engine stops answering (page x size within its result window)."""
    deepest = last_page(size)
    if _bounded_int(args, "page", 1, MAX_PAGE) > deepest:
        message = (
            f"page must be 1 to {deepest} at size {size}: the engine answers only the first "
            f"{RESULT_WINDOW:,} hits by page number; follow the after cursor to go further."
        )
        raise ApiProblem(400, "invalid_parameter", message)


# --- Shapes -------------------------------------------------------------------------------


def hit_answer(hit: Hit) -> api_models.Hit:
    """One hit as the API shows it (the HTML fields are escaped, with only <mark> added)."""
    return api_models.Hit(
        id=hit.id,
        kind=hit.kind,
        title=hit.title,
        title_html=str(hit.title_html),
        snippet_html=str(hit.snippet_html),
        url=hit.url,
        detail_url=url_for("items.item_page", item_id=hit.id),
        apply_url=hit.apply_url,
        organisation=hit.organisation,
        location=hit.location,
        published_at=hit.published_at,
        seen_in=list(hit.seen_in),
        remote=hit.remote,
        employment_type=hit.employment_type,
        salary=hit.salary,
        event=hit.event,
        author=hit.author,
        status=hit.status,
    )


def results_answer(results: SearchResults) -> api_models.SearchResults:
    return api_models.SearchResults(
        total=results.total,
        hits=[hit_answer(hit) for hit in results.hits],
        facets={name: list(values) for name, values in results.facets.items()},
        suggestion=results.suggestion,
        relaxed=results.request.relaxed,
        after=results.next_cursor.encode() if results.next_cursor else None,
        took_ms=results.took_ms,
    )


def answer(model: DataclassInstance) -> Response:
    """A typed answer (webapp/api_models.py) as the JSON the OpenAPI document describes."""
    return jsonify(asdict(model))


# --- Endpoints ----------------------------------------------------------------------------


@blueprint.get("/search")
def api_search() -> Response:
    app_services = services()
    size = checked_search_args(request.args, app_services.settings.page_size)
    viewer = current_viewer()
    scope = scope_of(request.args, viewer, {})  # the API shows no switch: no labels to read
    search_request = request_from_args(request.args, scope, size)
    results = search(app_services.search_client, app_services.index_names, search_request, viewer)
    return answer(results_answer(results))


@blueprint.get("/items/<item_id>")
def api_item(item_id: str) -> Response:
    app_services = services()
    hit = None
    if len(item_id) <= MAX_ITEM_ID_LENGTH:
        client, names = app_services.search_client, app_services.index_names
        hit = get_item(client, names, item_id, current_viewer())
    if hit is None:  # missing and not visible read the same: nothing to learn by probing
        raise ApiProblem(404, "not_found", "No such item.")
    return answer(hit_answer(hit))


@blueprint.get("/suggest")
def api_suggest() -> Response:
    typed = request.args.get("q", "")
    if len(typed) > MAX_SUGGEST_LENGTH:
        message = f"q is longer than {MAX_SUGGEST_LENGTH} characters."
        raise ApiProblem(400, "query_too_long", message)
    app_services = services()
    titles = suggest(app_services.search_client, app_services.index_names, typed, current_viewer())
    found = [api_models.Suggestion(t, url_for("search.search_view", q=t)) for t in titles]
    return answer(api_models.Suggestions(query=typed, suggestions=found))


@blueprint.get("/people")
def api_people() -> Response:
    """Fellow members, for a signed-in member only: what /people shows, as JSON."""
    user = signed_in_user()
    if user is None:
        raise ApiProblem(401, "sign_in_required", "Sign in to see the members of your communities.")
    page = request.args.get("page", "1")
    if not page.isdigit() or not 1 <= int(page) <= MAX_PEOPLE_PAGE:
        raise ApiProblem(400, "invalid_parameter", f"page is a number from 1 to {MAX_PEOPLE_PAGE}.")
    app_services = services()
    asked = people_request(request.args)
    found = search_people(
        app_services.search_client, app_services.settings, current_viewer(), asked
    )
    people = [person_answer(p) for p in visible_people(db(), user.id, found.ids)]
    facets = {k: [api_models.PeopleCount(v, n) for v, n in c] for k, c in found.facets.items()}
    return answer(api_models.PeopleResults(found.total, people, facets))


def person_answer(person: PersonRow) -> api_models.Person:
    """What the API says about a person: never a roster address, nor an account's."""
    return api_models.Person(
        id=person.id,
        display_name=person.display_name,
        headline=person.headline,
        organisation=person.organisation,
        organisation_key=person.organisation_key,
        role=person.role,
        past_organisations=list(person.past_organisations),
        location=person.location,
        topics=list(person.topics),
        community=person.community.slug,
        community_name=person.community.name,
        origin="directory" if person.origin == "directory" else "profile",
        open_to_introductions=open_to_introductions(person),
        directory_profile_url=person.profile_url,
    )


@blueprint.get("/openapi.json")
def api_openapi() -> Response:
    return jsonify(openapi_document())
