"""The JSON API against a real Elasticsearch: shapes, limits, error objects, cursors, OpenAPI."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from ground.settings import Settings
from indexer.query.request import MAX_PAGE_SIZE, MAX_QUERY_LENGTH
from tests.search_world import indexed_world
from webapp import create_app

pytestmark = pytest.mark.sqlite_only

HIT_FIELDS = {
    "id",
    "kind",
    "title",
    "title_html",
    "snippet_html",
    "url",
    "organisation",
    "location",
    "published_at",
    "seen_in",
    "remote",
    "employment_type",
    "salary",
    "event",
    "author",
    "status",
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, es_url: str) -> Iterator[Settings]:
    with indexed_world(tmp_path_factory.mktemp("api"), es_url) as settings:
        yield settings


@pytest.fixture
def client(world: Settings) -> FlaskClient:
    return create_app(world, {"TESTING": True}).test_client()


def _json(client: FlaskClient, path: str, status: int = 200) -> Any:
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    assert "no-store" in response.headers["Cache-Control"]
    return response.get_json()


def _error_code(client: FlaskClient, path: str, status: int) -> str:
    body = _json(client, path, status)
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert body["error"]["message"]
    code: str = body["error"]["code"]
    return code


def test_search_returns_the_pages_hits_as_json(client: FlaskClient) -> None:
    body = _json(client, "/api/search?q=revenue+cycle&kind=job")
    assert {"total", "hits", "facets", "suggestion", "after", "took_ms"} <= set(body)
    assert body["total"] == len(body["hits"]) == 1
    hit = body["hits"][0]
    assert set(hit) >= HIT_FIELDS
    assert hit["title"] == "Revenue Cycle Director"
    assert hit["title_html"] == "<mark>Revenue</mark> <mark>Cycle</mark> Director"
    assert hit["seen_in"] == ["Society of Healthcare Accountants", "Riverside Alumni"]
    assert hit["detail_url"] == f"/items/{hit['id']}"
    assert {"kind", "community", "organisation"} <= set(body["facets"])
    assert {"value", "label", "count", "selected"} == set(body["facets"]["kind"][0])


def test_job_and_event_details_are_objects(client: FlaskClient) -> None:
    jobs = _json(client, "/api/search?q=integrity&kind=job")["hits"]
    assert jobs[0]["salary"] == {
        "min": 72000.0,
        "max": 84000.0,
        "currency": "USD",
        "period": "year",
    }
    assert jobs[0]["employment_type"] == "full-time"
    event = _json(client, "/api/search?q=roundtable&kind=event")["hits"][0]
    assert event["salary"] is None
    assert event["event"]["timezone"] == "America/Denver"
    assert event["event"]["start"] == "2026-12-16T00:00:00+00:00"


def test_filters_mean_what_they_mean_on_the_page(client: FlaskClient) -> None:
    events = _json(client, "/api/search?kind=event")
    assert events["total"] == 3
    assert {h["kind"] for h in events["hits"]} == {"event"}
    shca = _json(client, "/api/search?community=shca&sort=newest")
    assert all("Society of Healthcare Accountants" in h["seen_in"] for h in shca["hits"])


def test_hostile_titles_stay_text(client: FlaskClient) -> None:
    hit = _json(client, "/api/search?q=reimbursement+analyst")["hits"][0]
    # The posted title's markup was converted at ingest: a client rendering `title` runs nothing.
    assert hit["title"] == "Reimbursement Analyst"
    assert "<script" not in hit["title_html"] and "script" not in hit["title_html"]


def test_cursor_pages_through_everything_once(client: FlaskClient) -> None:
    everything = _json(client, "/api/search?size=100")
    expected = [h["id"] for h in everything["hits"]]
    assert everything["after"] is None and len(expected) == everything["total"] == 11
    seen: list[str] = []
    path = "/api/search?size=3"
    for _ in range(10):
        page = _json(client, path)
        assert page["total"] == 11
        seen += [h["id"] for h in page["hits"]]
        if not page["after"]:
            break
        path = f"/api/search?size=3&after={page['after']}"
    assert seen == expected


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("size=0", "invalid_parameter"),
        (f"size={MAX_PAGE_SIZE + 1}", "invalid_parameter"),
        ("size=ten", "invalid_parameter"),
        ("size=%C2%B2", "invalid_parameter"),  # a superscript two: a digit, but not a number
        ("size=99999999999999999999", "invalid_parameter"),
        ("page=0", "invalid_parameter"),
        ("kind=spaceship", "invalid_parameter"),
        ("sort=random", "invalid_parameter"),
        ("after=not-a-cursor", "invalid_parameter"),
        (f"q={'a' * (MAX_QUERY_LENGTH + 1)}", "query_too_long"),
    ],
)
def test_bad_parameters_get_a_400_error_object(client: FlaskClient, query: str, code: str) -> None:
    assert _error_code(client, f"/api/search?{query}", 400) == code


def test_largest_page_is_allowed(client: FlaskClient) -> None:
    assert _json(client, f"/api/search?size={MAX_PAGE_SIZE}")["total"] == 11


def test_item_by_id_and_missing_item(client: FlaskClient) -> None:
    hit = _json(client, "/api/search?q=staff+accountant")["hits"][0]
    item = _json(client, f"/api/items/{hit['id']}")
    assert item == hit | {"title_html": item["title_html"], "snippet_html": item["snippet_html"]}
    assert item["title_html"] == "Staff Accountant"
    assert _error_code(client, "/api/items/no-such-item", 404) == "not_found"
    assert _error_code(client, f"/api/items/{'x' * 500}", 404) == "not_found"


def test_suggestions_are_titles_with_search_links(client: FlaskClient) -> None:
    body = _json(client, "/api/suggest?q=Reven")
    texts = [s["text"] for s in body["suggestions"]]
    assert "Revenue Cycle Director" in texts
    assert body["suggestions"][0]["url"].startswith("/?q=")
    assert _json(client, "/api/suggest?q=")["suggestions"] == []
    assert _error_code(client, f"/api/suggest?q={'a' * 101}", 400) == "query_too_long"


def test_unknown_routes_and_methods_answer_in_json(client: FlaskClient) -> None:
    assert _error_code(client, "/api/nothing-here", 404) == "not_found"
    assert _error_code(client, "/api", 404) == "not_found"
    response = client.post("/api/search")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert client.get("/no-such-page").mimetype == "text/html"  # pages keep their HTML 404


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_an_undeclared_method_answers_as_the_documents_method_not_allowed(
    client: FlaskClient, method: str
) -> None:
    # OpenAPI cannot attach a response to a method a path leaves out, so the document declares
    # it once (components/responses/MethodNotAllowed); every /api path must answer it exactly.
    document = _json(client, "/api/openapi.json")
    declared = document["components"]["responses"]["MethodNotAllowed"]
    headers = document["components"]["headers"]
    for path in ("/api/search", "/api/suggest", "/api/items/abc", "/api/openapi.json"):
        response = client.open(path, method=method)
        assert response.status_code == 405, path
        for name in declared["headers"]:
            assert name in response.headers, (path, name)
            Draft202012Validator(headers[name]["schema"]).validate(response.headers[name])
        assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
        validator = Draft202012Validator(
            declared["content"]["application/json"]["schema"]
            | {"components": document["components"]}
        )
        validator.validate(response.get_json())


def test_every_answer_declares_and_carries_its_cache_control(client: FlaskClient) -> None:
    document = _json(client, "/api/openapi.json")
    schema = document["components"]["headers"]["Cache-Control"]["schema"]
    for path, operation in ((p, o["get"]) for p, o in document["paths"].items()):
        for status, response in operation["responses"].items():
            assert "Cache-Control" in response["headers"], (path, status)
    for path in ("/api/search?q=x", "/api/items/none", "/api/search?size=0", "/api/nope"):
        Draft202012Validator(schema).validate(client.get(path).headers["Cache-Control"])


def test_unreachable_elasticsearch_is_a_503_error_object(world: Settings) -> None:
    closed = replace(world, es_hosts=("http://127.0.0.1:9",), es_request_timeout=2.0)
    client = create_app(closed, {"TESTING": True}).test_client()
    for path in ("/api/search?q=x", "/api/items/abc", "/api/suggest?q=abc"):
        assert _error_code(client, path, 503) == "search_unavailable", path


def test_openapi_document_is_valid_and_covers_every_route(client: FlaskClient) -> None:
    document = _json(client, "/api/openapi.json")
    validate(document)
    assert document["openapi"].startswith("3.1")
    routes = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for rule in client.application.url_map.iter_rules()
        if rule.rule.startswith("/api/")
    }
    assert routes and routes <= set(document["paths"]), routes - set(document["paths"])
    search = document["paths"]["/api/search"]["get"]
    names = {p["name"] for p in search["parameters"]}
    assert {"q", "scope", "kind", "community", "sort", "size", "after", "page"} <= names
    assert {"400", "503"} <= set(search["responses"])
    assert "Error" in document["components"]["schemas"]


def test_every_hit_is_what_the_openapi_document_says_a_hit_is(client: FlaskClient) -> None:
    # The document's Hit schema is derived from the model the API builds (webapp/api_models.py):
    # every hit of each kind must have exactly its fields, each of its type.
    schema = _json(client, "/api/openapi.json")["components"]["schemas"]["Hit"]
    hits = _json(client, f"/api/search?size={MAX_PAGE_SIZE}")["hits"]
    assert {hit["kind"] for hit in hits} == {"job", "event", "resource"}
    validator = Draft202012Validator(schema)
    for hit in hits:
        assert set(hit) == set(schema["properties"]), hit["title"]
        validator.validate(hit)


@pytest.mark.parametrize(
    ("path", "status", "schema"),
    [
        ("/api/search?q=analyst&size=5", 200, "SearchResults"),
        ("/api/suggest?q=a", 200, "Suggestions"),
        ("/api/items/no-such-item", 404, "Error"),
        ("/api/search?size=0", 400, "Error"),
        ("/api/no-such-endpoint", 404, "Error"),
    ],
)
def test_every_answer_is_what_the_openapi_document_says(
    client: FlaskClient, path: str, status: int, schema: str
) -> None:
    # Answers are validated against the whole document, so the schemas' references resolve.
    document = _json(client, "/api/openapi.json")
    validator = Draft202012Validator(
        {"$ref": f"#/components/schemas/{schema}", "components": document["components"]}
    )
    answer = _json(client, path, status)
    validator.validate(answer)
    if schema == "SearchResults":
        assert answer["hits"], "the search should find something to check"
