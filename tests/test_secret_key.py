"""Without MUTUAL_SECRET_KEY, every process of one machine signs with the same kept key: a
session started at one gunicorn worker holds at the next, and an unsubscribe link in a mail the
alert sender signed opens on the site."""

from __future__ import annotations

import stat
from dataclasses import replace
from pathlib import Path

import pytest

from alerts.alert_mail import read_unsubscribe_token, unsubscribe_token
from catalog.accounts import add_user
from catalog.db import make_engine, session_factory, transaction
from catalog.saved_searches import add_saved_search
from ground.secret_key import KEY_FILE, SecretKeyUnreadable, secret_key
from ground.settings import Settings
from tests.web import sign_in, signed_in_as
from webapp import create_app

pytestmark = pytest.mark.sqlite_only

EMAIL = "kim@example.org"


def _keyless(catalog: Settings) -> Settings:
    settings = replace(catalog, secret_key="")
    with transaction(session_factory(make_engine(settings.resolved_database_url))) as session:
        add_user(session, EMAIL, "correct horse battery staple")
    return settings


def test_a_session_from_one_process_holds_at_another(catalog: Settings) -> None:
    settings = _keyless(catalog)
    first = create_app(settings, {"TESTING": True}).test_client()
    second = create_app(settings, {"TESTING": True}).test_client()
    sign_in(first, EMAIL, "correct horse battery staple")
    assert signed_in_as(first) == EMAIL

    cookie = first.get_cookie("session")
    assert cookie is not None
    second.set_cookie("session", cookie.value)
    assert signed_in_as(second) == EMAIL

    kept = Path(settings.data_dir) / KEY_FILE
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_an_unsubscribe_link_signed_by_the_sender_opens_on_the_site(catalog: Settings) -> None:
    settings = _keyless(catalog)
    with transaction(session_factory(make_engine(settings.resolved_database_url))) as session:
        from catalog.accounts import find_user

        user = find_user(session, EMAIL)
        assert user is not None
        saved = add_saved_search(session, user.id, "controller", "q=controller", "instant")
        session.flush()
        token = unsubscribe_token(settings, saved)
        ids = (saved.id, user.id)
    client = create_app(settings, {"TESTING": True}).test_client()
    page = client.get(f"/alerts/unsubscribe/{token}")
    assert page.status_code == 200 and b"unsubscribe-form" in page.data
    assert read_unsubscribe_token(settings, token) == ids
    # A key set later signs otherwise: links made with the kept key no longer verify.
    assert read_unsubscribe_token(replace(settings, secret_key="set-later"), token) is None


def test_an_emptied_key_file_is_an_error_that_says_what_to_do(catalog: Settings) -> None:
    settings = replace(catalog, secret_key="")
    secret_key(settings)
    (Path(settings.data_dir) / KEY_FILE).write_text("")
    with pytest.raises(SecretKeyUnreadable, match="delete it to make a new key"):
        secret_key(settings)
