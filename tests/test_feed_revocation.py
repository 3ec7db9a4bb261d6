"""Private feed addresses are keys that work without a session: the account page lists them and
revokes them, and changing the password or signing out everywhere offers to revoke them too
(checked by default), so a stolen feed address dies with the stolen session."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from parsel import Selector

from catalog.accounts import add_user, find_user
from catalog.db import make_engine, session_factory, transaction
from catalog.saved_searches import add_saved_search, new_calendar_token, new_feed_token
from ground.settings import Settings
from tests.web import PASSWORD, csrf_token, sign_in
from webapp import create_app

EMAIL = "reader@example.org"
NEW_PASSWORD = "a different horse, battery and staple"


def _feeds(settings: Settings) -> list[str]:
    """The reader's three private addresses: a saved search's Atom and calendar, and the
    calendar of their communities' events."""
    engine = make_engine(settings.resolved_database_url)
    with transaction(session_factory(engine)) as session:
        user = find_user(session, EMAIL) or add_user(session, EMAIL, PASSWORD)
        session.flush()
        saved = add_saved_search(session, user.id, "Controller jobs", "q=controller")
        token = new_feed_token(saved)
        calendar = new_calendar_token(session, user.id)
    engine.dispose()
    return [f"/feeds/{token}.atom", f"/feeds/{token}.ics", f"/feeds/calendar/{calendar}.ics"]


def _client(settings: Settings) -> FlaskClient:
    client = create_app(settings, {"TESTING": True, "SECRET_KEY": "k"}).test_client()
    assert sign_in(client, EMAIL).status_code == 302
    return client


def _alive(settings: Settings, paths: list[str]) -> list[bool]:
    """Which addresses a feed reader (no session, no cookie) still gets an answer from."""
    reader = create_app(settings, {"TESTING": True}).test_client()
    return [reader.get(path).status_code == 200 for path in paths]


def _post_form(client: FlaskClient, form: str, data: dict[str, str]) -> int:
    html = client.get("/account").get_data(as_text=True)
    action = Selector(text=html).css(f"{form}::attr(action)").get() or "/account"
    token = csrf_token(html, form)
    return client.post(action, data={**data, "csrf_token": token}).status_code


@pytest.fixture
def client(catalog: Settings) -> FlaskClient:
    engine = make_engine(catalog.resolved_database_url)
    with transaction(session_factory(engine)) as session:
        add_user(session, EMAIL, PASSWORD)
    engine.dispose()
    return _client(catalog)


def test_the_account_page_lists_the_private_feeds_and_revokes_them(
    catalog: Settings, client: FlaskClient
) -> None:
    paths = _feeds(catalog)
    page = client.get("/account").get_data(as_text=True)
    listed = Selector(text=page).css("#private-feeds li::text").getall()
    assert any("Controller jobs" in line for line in listed), page
    assert any("calendar" in line.lower() for line in listed), page
    assert _alive(catalog, paths) == [True, True, True]
    assert _post_form(client, "#revoke-feeds-form", {}) == 302
    assert _alive(catalog, paths) == [False, False, False]
    assert "Controller jobs" not in client.get("/account").get_data(as_text=True)


def test_a_password_change_revokes_the_feeds_unless_told_not_to(
    catalog: Settings, client: FlaskClient
) -> None:
    kept = _feeds(catalog)
    change = {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert _post_form(client, "#password-form", change) == 302  # box left unticked
    assert _alive(catalog, kept) == [True, True, True]
    back = {"current": NEW_PASSWORD, "password": PASSWORD, "confirm": PASSWORD}
    assert _post_form(client, "#password-form", {**back, "revoke_feeds": "y"}) == 302
    assert _alive(catalog, kept) == [False, False, False]


def test_the_revoke_box_is_ticked_by_default(client: FlaskClient) -> None:
    page = Selector(text=client.get("/account").get_data(as_text=True))
    for form in ("#password-form", "#sign-out-everywhere-form"):
        assert page.css(f"{form} input[name=revoke_feeds]::attr(checked)").get() is not None


def test_signing_out_everywhere_revokes_the_feeds(catalog: Settings, client: FlaskClient) -> None:
    paths = _feeds(catalog)
    assert _post_form(client, "#sign-out-everywhere-form", {"revoke_feeds": "y"}) == 302
    assert _alive(catalog, paths) == [False, False, False]
