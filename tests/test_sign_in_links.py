"""Failed sign-ins lock the client that made them, not the address: an attacker cannot lock the
owner out. A locked client may have a one-time sign-in link mailed (the same answer for any
address); one client guessing across many addresses is still stopped."""

from __future__ import annotations

import re
from dataclasses import replace
from email.message import Message

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from catalog.accounts import add_user, find_user, set_password
from ground.settings import Settings
from tests.helpers import catalog_session
from tests.web import PASSWORD, sign_in, signed_in_as, smtp_server, submit
from webapp import create_app

pytestmark = pytest.mark.sqlite_only

VICTIM, UNKNOWN = "victim@example.org", "nobody@example.org"
ATTACKER_IP, VICTIM_IP = "203.0.113.9", "198.51.100.7"
LINK = re.compile(r"https?://[^/\s]+(/signin/link/\S+)")


def _app(settings: Settings) -> Flask:
    with catalog_session(settings) as session:
        add_user(session, VICTIM, PASSWORD, display_name="Vic")
    return create_app(settings, {"TESTING": True, "SECRET_KEY": "test-key"})


def _client(app: Flask, ip: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return client


def _fail(client: FlaskClient, email: str, times: int) -> TestResponse:
    response = None
    for attempt in range(times):
        response = sign_in(client, email, f"wrong guess {attempt}")
    assert response is not None
    return response


def _ask_link(client: FlaskClient, email: str) -> TestResponse:
    return submit(client, "/signin/link", {"email": email}, "#sign-in-link-form")


def _mailed_link(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    found = LINK.search(payload.decode())
    assert found is not None, payload
    return found.group(1)


def _follow(client: FlaskClient, link: str) -> TestResponse:
    # The mailed page asks for a press of its button: a mail scanner fetching the link must not
    # use it up.
    return submit(client, link, {}, "#sign-in-link-use")


def test_an_attackers_failures_lock_only_the_attackers_client(catalog: Settings) -> None:
    app = _app(replace(catalog, sign_in_max_failures=3))
    attacker = _client(app, ATTACKER_IP)
    assert _fail(attacker, VICTIM, 3).status_code == 429
    assert sign_in(attacker, VICTIM, PASSWORD).status_code == 429  # locked, even when right
    owner = _client(app, VICTIM_IP)
    assert sign_in(owner, VICTIM, PASSWORD).status_code == 302
    assert signed_in_as(owner) == VICTIM


def test_a_locked_client_signs_in_once_by_a_mailed_link(catalog: Settings) -> None:
    with smtp_server() as mailbox:
        app = _app(
            replace(catalog, sign_in_max_failures=2, smtp_host="127.0.0.1", smtp_port=mailbox.port)
        )
        owner = _client(app, VICTIM_IP)
        locked = _fail(owner, VICTIM, 2)
        assert locked.status_code == 429
        assert 'id="sign-in-link-form"' in locked.get_data(as_text=True)
        asked = _ask_link(owner, VICTIM)
        assert asked.status_code == 200 and "on its way" in asked.get_data(as_text=True)
        link = _mailed_link(mailbox.wait(1)[0])
    assert _follow(owner, link).status_code == 302
    assert signed_in_as(owner) == VICTIM
    assert sign_in(_client(app, VICTIM_IP), VICTIM, PASSWORD).status_code == 302  # pair cleared
    again = _client(app, ATTACKER_IP)
    assert again.get(link).status_code == 400  # used: no longer valid
    assert signed_in_as(again) is None


def test_a_sign_in_link_dies_with_a_password_change(catalog: Settings) -> None:
    with smtp_server() as mailbox:
        app = _app(replace(catalog, smtp_host="127.0.0.1", smtp_port=mailbox.port))
        _ask_link(_client(app, VICTIM_IP), VICTIM)
        link = _mailed_link(mailbox.wait(1)[0])
    with catalog_session(catalog) as session:
        user = find_user(session, VICTIM)
        assert user is not None
        set_password(session, user, PASSWORD + " anew")
    assert _client(app, VICTIM_IP).get(link).status_code == 400


def test_asking_a_link_answers_an_unknown_address_as_a_known_one(catalog: Settings) -> None:
    with smtp_server() as mailbox:
        app = _app(replace(catalog, smtp_host="127.0.0.1", smtp_port=mailbox.port))
        pages = []
        for email in (VICTIM, UNKNOWN):
            response = _ask_link(_client(app, VICTIM_IP), email)
            body = re.sub(
                r'name="csrf_token"[^>]*value="[^"]*"', "", response.get_data(as_text=True)
            )
            pages.append((response.status_code, body.replace(email, "EMAIL")))
        app.extensions["mutual_mail_sender"].shutdown(wait=True)
        recipients = [message["To"] for message in mailbox.wait(1)]
    assert pages[0] == pages[1] and pages[0][0] == 200
    assert recipients == [VICTIM]


def test_without_mail_a_locked_page_says_try_again_later(catalog: Settings) -> None:
    app = _app(replace(catalog, sign_in_max_failures=2))
    locked = _fail(_client(app, ATTACKER_IP), VICTIM, 2).get_data(as_text=True)
    assert "Try again in" in locked
    assert "sign-in-link-form" not in locked
    assert _client(app, ATTACKER_IP).get("/signin/link").status_code == 503


def test_one_client_guessing_across_many_addresses_is_still_locked(catalog: Settings) -> None:
    app = _app(replace(catalog, sign_in_max_failures=2))  # one client: 4 times that
    sprayer = _client(app, ATTACKER_IP)
    answers = [sign_in(sprayer, f"user{n}@example.org", "Password1!").status_code for n in range(8)]
    assert answers == [401] * 7 + [429]
    assert sign_in(sprayer, VICTIM, PASSWORD).status_code == 429
    assert sign_in(_client(app, VICTIM_IP), VICTIM, PASSWORD).status_code == 302


def test_guesses_from_many_clients_make_the_owner_use_a_link(catalog: Settings) -> None:
    with smtp_server() as mailbox:
        mailed = replace(
            catalog, sign_in_max_failures=1, smtp_host="127.0.0.1", smtp_port=mailbox.port
        )
        app = _app(mailed)
        for n in range(10):  # a ceiling for the address from everywhere: 10 times the limit
            _fail(_client(app, f"203.0.113.{n + 10}"), VICTIM, 1)
        owner = _client(app, VICTIM_IP)
        locked = sign_in(owner, VICTIM, PASSWORD)
        assert locked.status_code == 429
        assert 'id="sign-in-link-form"' in locked.get_data(as_text=True)
        _ask_link(owner, VICTIM)
        link = _mailed_link(mailbox.wait(1)[0])
    assert _follow(owner, link).status_code == 302
    assert signed_in_as(owner) == VICTIM
