"""Property-based testing of the JSON API from its own OpenAPI document (schemathesis).

Every operation of /api/openapi.json is called with generated inputs (valid and invalid, odd
unicode, very long values, repeated parameters) against the real app, a real Elasticsearch and
realistic items, and every answer is checked with all of schemathesis' checks: no 5xx, every
status, header and content type documented, every body valid against its schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis import Case

from indexer.query.request import MAX_PAGE_SIZE, last_page
from tests.search_world import indexed_world
from webapp import create_app
from webapp.openapi import openapi_document

pytestmark = pytest.mark.sqlite_only


@pytest.fixture(scope="module")
def api_app(tmp_path_factory: pytest.TempPathFactory, es_url: str) -> Iterator[Flask]:
    with indexed_world(tmp_path_factory.mktemp("schemathesis"), es_url) as world:
        yield create_app(world, {"TESTING": True})


# The document the app serves is built by this same function (tests/test_api.py checks the
# served one). Loaded eagerly, not through `schemathesis.pytest.from_fixture`: its lazy loader
# sets `request.node._nodeid`, which pytest 9.2 no longer has (schemathesis 4.32).
schema = schemathesis.openapi.from_dict(openapi_document())


def _within_what_a_schema_can_say(case: Case[Any]) -> None:
    """A schema-valid search the API rightly refuses, made one it accepts, for the check that
    schema-valid requests are accepted (positive_data_acceptance). Two rules JSON Schema
    cannot state: `after` is an opaque token only an answer gives out (a generated string is
    never one; tests/test_api.py follows real cursors), and the deepest page depends on `size`
    (page x size within the engine's result window). Invalid cases keep them as generated."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    if case.operation.path != "/api/search" or not isinstance(case.query, dict):
        return
    case.query.pop("after", None)
    size = case.query.get("size")
    if isinstance(case.query.get("page"), int):
        deepest = last_page(size if isinstance(size, int) else MAX_PAGE_SIZE)
        case.query["page"] = min(case.query["page"], deepest)


@schema.parametrize()
@settings(
    max_examples=60,
    deadline=None,  # a real search engine on shared cores: seconds are not a bug
    derandomize=True,  # the same inputs on every run, so a failure in CI reproduces here
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_answers_as_documented(case: Case[Any], api_app: Flask) -> None:
    _within_what_a_schema_can_say(case)
    # WSGI: each call goes to the app in this process (no server, no sockets), fast.
    case.call_and_validate(app=api_app)
