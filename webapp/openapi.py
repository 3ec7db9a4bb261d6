"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json.

Built by a function (not kept in a module-level dict) so that no caller can change it for the
next one; `tests/test_api.py` validates it and checks every /api route is in it. The answers'
schemas are derived from the typed models the endpoints build (webapp/api_models.py, through
pydantic's JSON Schema generation); the parameters from the query builder's own limits.
"""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter
from pydantic.json_schema import JsonSchemaMode

from indexer.query.request import (
    ATTENDANCE,
    KINDS,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    MAX_QUERY_LENGTH,
    POSTED_WITHIN,
    SALARY_BANDS,
    SORTS,
    UPCOMING,
)
from webapp.api_models import ANSWERS, Error, Hit, PeopleResults, SearchResults, Suggestions

JSON = "application/json"
REF = "#/components/schemas/"
DESCRIPTION = (
    "Search the jobs, events and resources of your communities. Identity is the web session's "
    "cookie: the API sees what the search page shows the same person. Every error is a JSON "
    'object {"error": {"code": ..., "message": ...}}; any unknown path under /api answers 404 '
    "with code not_found; a method an operation does not declare answers 405 (code "
    "method_not_allowed) with an Allow header naming the methods it takes (the reusable response "
    "MethodNotAllowed: OpenAPI has no place for the methods a path leaves out). Every answer "
    "carries Cache-Control: private, no-store, since what it holds depends on who asks."
)
# What every API answer carries (webapp/api.py's `_private`), declared on every response.
CACHE_CONTROL = "private, no-store"
HEADERS = "#/components/headers/"


def _parameter(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _text(name: str, description: str, max_length: int | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if max_length:
        schema["maxLength"] = max_length
    return _parameter(name, description, schema)


def _choices(choices: tuple[str, ...]) -> dict[str, Any]:
    # An empty value means "not given", as the page's forms send an unset select (`posted=`).
    return {"type": "string", "enum": ["", *choices]}


def _many(name: str, description: str, choices: tuple[str, ...] = ()) -> dict[str, Any]:
    items: dict[str, Any] = _choices(choices) if choices else {"type": "string"}
    parameter = _parameter(name, description, {"type": "array", "items": items})
    return parameter | {"style": "form", "explode": True}


def _one_of(name: str, description: str, choices: tuple[str, ...]) -> dict[str, Any]:
    return _parameter(name, description, _choices(choices))


def _number(name: str, description: str, top: int) -> dict[str, Any]:
    return _parameter(name, description, {"type": "integer", "minimum": 1, "maximum": top})


def search_parameters() -> list[dict[str, Any]]:
    """The search page's own URL parameters, each meaning what it means on the page."""
    return [
        _text(
            "q",
            "What is typed in the search box (the query language of the page).",
            MAX_QUERY_LENGTH,
        ),
        _text(
            "scope", "`mine` (default for members), `all`, or one of the viewer's community slugs."
        ),
        _many("kind", "Kinds of item.", KINDS),
        _many("community", "Community slugs."),
        _many("org", "Organisations, as the facet lists them."),
        _many("location", "Cities, as the facet lists them."),
        _many("remote", "onsite, hybrid or remote."),
        _many("type", "Employment types (full-time, contract, ...)."),
        _one_of("salary", "Annual pay reaching at least this much.", tuple(SALARY_BANDS)),
        _one_of("posted", "Posted within.", tuple(POSTED_WITHIN)),
        _one_of("upcoming", "Events starting within.", tuple(UPCOMING)),
        _one_of("attendance", "Online or in person.", tuple(ATTENDANCE)),
        _one_of("sort", "Order of the hits (default relevance).", SORTS),
        _number("page", "Page number, when not following a cursor.", MAX_PAGE),
        _number("size", "Hits per page (default: the site's page size).", MAX_PAGE_SIZE),
        _text("after", "The `after` cursor of the previous page."),
    ]


def people_parameters() -> list[dict[str, Any]]:
    """GET /api/people's parameters: those of the People page."""
    return [
        _text("q", "Words to find in a name, organisation, role, place or topic.", 200),
        _text("community", "A community slug of the viewer's.", 80),
        _text("org", "An organisation key (as in /org/KEY).", 200),
        _text("location", "A place, as the facet lists it.", 200),
        _text("topic", "A topic, as the facet lists it.", 200),
        _number("page", "Page number (20 people a page).", 50),
    ]


def _inlined(schema: Any, found: dict[str, Any], named: set[str]) -> Any:
    """`schema` with every reference to a schema that is not one of `named` written in place."""
    if isinstance(schema, list):
        return [_inlined(part, found, named) for part in schema]
    if not isinstance(schema, dict):
        return schema
    target = str(schema.get("$ref", "")).removeprefix(REF)
    if target and target not in named:
        return _inlined(found[target], found, named)
    return {key: _inlined(value, found, named) for key, value in schema.items()}


def _schemas() -> dict[str, Any]:
    """The answers' schemas, derived from the typed models the endpoints build."""
    mode: JsonSchemaMode = "serialization"
    adapters: list[tuple[str, JsonSchemaMode, TypeAdapter[Any]]] = [
        (model.__name__, mode, TypeAdapter(model)) for model in ANSWERS
    ]
    _, definitions = TypeAdapter.json_schemas(adapters, ref_template=REF + "{model}")
    found = definitions["$defs"]
    named = {model.__name__ for model in ANSWERS}
    return {name: _inlined(found[name], found, named) for name in sorted(named)}


def _json(description: str, schema: str | dict[str, Any]) -> dict[str, Any]:
    body = {"$ref": REF + schema} if isinstance(schema, str) else schema
    return {
        "description": description,
        "headers": {"Cache-Control": {"$ref": HEADERS + "Cache-Control"}},
        "content": {JSON: {"schema": body}},
    }


def _error(description: str) -> dict[str, Any]:
    return _json(description, Error.__name__)


def _paths() -> dict[str, Any]:
    unavailable = _error("Elasticsearch cannot be reached (code search_unavailable).")
    bad = _error("A parameter is out of range or unknown (invalid_parameter, query_too_long).")
    return {
        "/api/search": {
            "get": {
                "operationId": "search",
                "summary": "Search, exactly as the search page does, as the signed-in viewer.",
                "parameters": search_parameters(),
                "responses": {
                    "200": _json("One page of hits.", SearchResults.__name__),
                    "400": bad,
                    "503": unavailable,
                },
            }
        },
        "/api/items/{item_id}": {
            "get": {
                "operationId": "getItem",
                "summary": "One item; missing and not visible to the viewer both answer 404.",
                "parameters": [
                    {
                        "name": "item_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {
                    "200": _json("The item.", Hit.__name__),
                    "404": _error("No item the viewer may see (code not_found)."),
                    "503": unavailable,
                },
            }
        },
        "/api/suggest": {
            "get": {
                "operationId": "suggest",
                "summary": "Titles the viewer may see that start with what was typed.",
                "parameters": [_text("q", "What is typed so far.", 100)],
                "responses": {
                    "200": _json("Suggestions, each with a search link.", Suggestions.__name__),
                    "400": bad,
                    "503": unavailable,
                },
            }
        },
        "/api/people": {
            "get": {
                "operationId": "searchPeople",
                "summary": "Fellow members of the signed-in viewer's communities (members only).",
                "parameters": people_parameters(),
                "responses": {
                    "200": _json("One page of people.", PeopleResults.__name__),
                    "400": bad,
                    "401": _error("Not signed in (code sign_in_required)."),
                    "503": unavailable,
                },
            }
        },
        "/api/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This document.",
                "responses": {"200": _json("The OpenAPI document.", {"type": "object"})},
            }
        },
    }


def openapi_document() -> dict[str, Any]:
    """The API's OpenAPI 3.1 document, new on each call."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Mutual API",
            "version": "1",
            "description": DESCRIPTION,
        },
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "headers": _headers(),
            "responses": {"MethodNotAllowed": _method_not_allowed()},
        },
    }


def _headers() -> dict[str, Any]:
    return {
        "Cache-Control": {
            "description": "No shared cache may keep an answer: it depends on who asks.",
            "required": True,
            "schema": {"type": "string", "const": CACHE_CONTROL},
        },
        "Allow": {
            "description": "The methods the path takes (RFC 9110), on a 405.",
            "required": True,
            "schema": {"type": "string", "pattern": "^[A-Z]+(, [A-Z]+)*$"},
        },
    }


def _method_not_allowed() -> dict[str, Any]:
    """The answer to any method an operation does not declare, on every /api path."""
    response = _error("The path does not take this method (code method_not_allowed).")
    response["headers"]["Allow"] = {"$ref": HEADERS + "Allow"}
    return response
