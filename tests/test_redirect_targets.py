"""Where a request may send the browser next: only to a path of this site, however the target
is spelled; anything a browser could read as another host falls back to the search page."""

from __future__ import annotations

from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from flask.testing import FlaskClient

from catalog.accounts import add_user
from ground.settings import Settings
from tests.helpers import catalog_session
from tests.web import PASSWORD, submit
from webapp import create_app
from webapp.redirect_targets import local_target

pytestmark = pytest.mark.sqlite_only

# Spellings that browsers resolve to another host or run as script, or that hold characters a
# browser may drop (then the rest could name another host).
REFUSED = [
    "//evil.example/",
    "////evil.example/",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/ /evil.example",
    "\x00//evil.example",
    "/\u200b/evil.example",
    "https://evil.example/",
    "HTTPS://evil.example/",
    "https:evil.example",
    "https:/evil.example",
    "//evil.example@site.example",
    "javascript:alert(1)",
    "jav\tascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "",
]
KEPT = ["/", "/c/riverside", "/alerts?sort=newest#saved", "/items/abc%2Fdef", "/a//b"]


@pytest.mark.parametrize("target", REFUSED)
def test_off_site_targets_are_refused(target: str) -> None:
    assert local_target(target) is None


@pytest.mark.parametrize("target", KEPT)
def test_paths_of_this_site_are_kept(target: str) -> None:
    assert local_target(target) == target


@pytest.fixture
def client(catalog: Settings) -> FlaskClient:
    with catalog_session(catalog) as session:
        add_user(session, "ann@example.org", PASSWORD)
    return create_app(catalog, {"TESTING": True, "SECRET_KEY": "test-key"}).test_client()


def _signed_in_to(client: FlaskClient, target: str) -> str:
    page = "/signin?" + urlencode({"next": target})
    data = {"email": "ann@example.org", "password": PASSWORD}
    response = submit(client, page, data, "#signin-form")
    assert response.status_code == 302
    return response.headers["Location"]


def test_sign_in_never_sends_the_browser_off_site(client: FlaskClient) -> None:
    for target in REFUSED:
        location = _signed_in_to(client, target)
        assert location == "/", repr(target)
        assert urlsplit(urljoin("http://site.example/x", location)).netloc == "site.example"


def test_sign_in_goes_back_to_the_page_asked_for(client: FlaskClient) -> None:
    assert _signed_in_to(client, "/alerts?sort=newest") == "/alerts?sort=newest"
