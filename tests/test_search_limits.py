"""A request past what the engine reaches is the asker's mistake, not an outage: pages past
Elasticsearch's result window are a 400 that says why on the API and the last reachable page on
the search page; 503 stays for an engine that is really down. Methods a route does not take
answer 405 with an Allow header."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from ground.settings import Settings
from tests.search_world import indexed_world
from webapp import create_app

pytestmark = pytest.mark.sqlite_only


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, es_url: str) -> Iterator[Settings]:
    with indexed_world(tmp_path_factory.mktemp("limits"), es_url) as settings:
        yield settings


@pytest.fixture
def client(world: Settings) -> FlaskClient:
    return create_app(world, {"TESTING": True}).test_client()


@pytest.mark.parametrize("path", ["/api/search?page=501", "/api/search?page=101&size=100"])
def test_an_api_page_past_the_result_window_is_a_400_that_says_why(
    client: FlaskClient, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 400, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "invalid_parameter"
    assert "page" in error["message"] and "after" in error["message"]


def test_the_last_reachable_api_page_still_answers(client: FlaskClient) -> None:
    response = client.get("/api/search?page=500")
    assert response.status_code == 200
    assert response.get_json()["hits"] == []


def test_a_search_page_past_the_result_window_shows_the_last_reachable_page(
    client: FlaskClient,
) -> None:
    response = client.get("/?page=501")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert "cannot be reached" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/api/search"), ("DELETE", "/api/items/x"), ("PUT", "/api/suggest")],
)
def test_an_undeclared_api_method_is_a_405_with_allow(
    client: FlaskClient, method: str, path: str
) -> None:
    response = client.open(path, method=method)
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_an_undeclared_page_method_is_a_405_with_allow(client: FlaskClient) -> None:
    response = client.open("/", method="DELETE")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
