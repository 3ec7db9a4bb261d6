"""Every kind of answer (pages, the item page, the API, feeds, static files, errors) carries the
security headers; Strict-Transport-Security only when the app is reached over https."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask

import webapp
from catalog.accounts import add_user
from catalog.saved_searches import new_calendar_token
from ground.settings import Settings
from tests.helpers import catalog_session
from tests.search_world import indexed_world
from webapp import create_app

pytestmark = pytest.mark.sqlite_only

ONE_YEAR = 365 * 24 * 3600


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, es_url: str) -> Iterator[Settings]:
    with indexed_world(tmp_path_factory.mktemp("headers"), es_url) as settings:
        yield settings


def _app(settings: Settings) -> Flask:
    # Errors answered as in production (a 500 page), not raised into the test.
    app = create_app(settings, {"TESTING": True, "PROPAGATE_EXCEPTIONS": False})

    def fail() -> str:
        raise RuntimeError("a bug")

    app.add_url_rule("/test-failure", view_func=fail)
    return app


def _paths(app: Flask, settings: Settings) -> dict[str, int]:
    """A path of every kind of answer, and the status it answers."""
    client = app.test_client()
    item_id = client.get("/api/search").get_json()["hits"][0]["id"]
    with catalog_session(settings) as session:
        user = add_user(session, f"h{id(app)}@example.org", "correct horse battery staple")
        calendar = new_calendar_token(session, user.id)
    return {
        "/": 200,
        "/?q=revenue": 200,
        f"/items/{item_id}": 200,
        "/api/search?q=revenue": 200,
        "/api/openapi.json": 200,
        "/api/no-such-thing": 404,
        f"/feeds/calendar/{calendar}.ics": 200,
        "/feeds/unknown.atom": 404,
        "/static/style.css": 200,
        "/signin": 200,
        "/healthz": 200,
        "/no-such-page": 404,
        "/test-failure": 500,
    }


def _check(settings: Settings, hsts: str | None) -> None:
    app = _app(settings)
    client = app.test_client()
    for path, status in _paths(app, settings).items():
        response = client.get(path)
        assert response.status_code == status, path
        headers = response.headers
        policy = headers.get("Content-Security-Policy", "")
        for directive in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'"):
            assert directive in policy, (path, policy)
        assert "unsafe-inline" not in policy, path
        assert headers.get("X-Content-Type-Options") == "nosniff", path
        assert headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", path
        assert headers.get("X-Frame-Options") == "DENY", path
        assert headers.get("Strict-Transport-Security") == hsts, path


def test_every_answer_carries_the_headers_and_no_hsts_over_http(world: Settings) -> None:
    _check(replace(world, public_url="http://127.0.0.1:8000"), None)


def test_hsts_when_the_public_address_is_https(world: Settings) -> None:
    _check(
        replace(world, public_url="HTTPS://jobs.example"), f"max-age={ONE_YEAR}; includeSubDomains"
    )


INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def test_templates_hold_nothing_the_policy_would_block() -> None:
    """No inline script, `<style>`, `style=` or `on*=` handler: the policy blocks them all."""
    templates = Path(webapp.__file__).parent / "templates"
    found = [
        f"{path.name}: {match.group(0)}"
        for path in sorted(templates.glob("*.html"))
        for match in INLINE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found, found
