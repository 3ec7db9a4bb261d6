"""Accounts through the real web app and catalog: sign-up modes, sign-in limits shared by every
worker, sessions that end on the server, password change and reset by real mail, and CSRF."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from flask import Flask
from flask.testing import FlaskClient

from catalog.communities import add_community
from catalog.db import make_engine, session_factory, transaction
from catalog.memberships import create_invitation
from ground.settings import Settings
from tests.helpers import run_mutual
from tests.web import (
    PASSWORD,
    sign_in,
    sign_up,
    sign_up_link,
    signed_in_as,
    smtp_server,
    submit,
)
from webapp import create_app

pytestmark = (
    pytest.mark.sqlite_only
)  # web flows; the PostgreSQL path is proven by test_memberships_pg


def _app(settings: Settings) -> Flask:
    return create_app(settings, {"TESTING": True, "SECRET_KEY": "test-key"})


def _client(settings: Settings) -> FlaskClient:
    return _app(settings).test_client()


def test_sign_up_signs_in_and_one_address_is_one_account(catalog: Settings) -> None:
    client = _client(catalog)
    response = sign_up(client, "  Ann.Lee@Example.ORG ")
    assert response.status_code == 302
    assert signed_in_as(client) == "ann.lee@example.org"
    # A link to create the address again no longer works (/signup mails its owner instead).
    again = _client(catalog)
    assert again.get(sign_up_link(again, "ann.lee@example.org")).status_code == 400


def test_short_passwords_and_mismatches_are_refused(catalog: Settings) -> None:
    client = _client(catalog)
    link = sign_up_link(client, "bo@example.org")
    data = {"password": "short", "confirm": "short"}
    html = submit(client, link, data, "#finish-form").get_data(as_text=True)
    assert "at least 10 characters" in html.lower()
    data = {"password": PASSWORD, "confirm": PASSWORD + "x"}
    html = submit(client, link, data, "#finish-form").get_data(as_text=True)
    assert "Passwords differ" in html
    assert signed_in_as(client) is None


def test_closed_and_invite_only_sign_up(catalog: Settings) -> None:
    closed = _client(replace(catalog, signup_mode="closed"))
    assert closed.get("/signup").status_code == 403
    invite_only = replace(catalog, signup_mode="invite")
    assert _client(invite_only).get("/signup").status_code == 403
    engine = make_engine(catalog.resolved_database_url)
    with transaction(session_factory(engine)) as session:
        community = add_community(session, "Riverside Alumni", slug="riverside")
        token = create_invitation(session, community, None)
    engine.dispose()
    client = _client(invite_only)
    response = sign_up(client, "cy@example.org", query=f"?invitation={token}")
    assert response.headers["Location"].endswith(f"/invite/{token}")
    assert signed_in_as(client) == "cy@example.org"
    assert _client(invite_only).get("/signup?invitation=forged").status_code == 403


def test_wrong_password_then_lock_shared_by_every_worker(catalog: Settings) -> None:
    limited = replace(catalog, sign_in_max_failures=3)
    sign_up(_client(limited), "di@example.org")
    worker_a, worker_b = _client(limited), _client(limited)  # two app processes, one catalog
    first = sign_in(worker_a, "di@example.org", "not the password")
    assert first.status_code == 401
    assert "do not match" in first.get_data(as_text=True)
    assert sign_in(worker_b, "di@example.org", "nor this one").status_code == 401
    assert sign_in(worker_a, "DI@example.org", "guess three").status_code == 429
    locked = sign_in(worker_b, "di@example.org", PASSWORD)  # the right password, too late
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.get_data(as_text=True)
    assert signed_in_as(worker_b) is None


def test_sign_out_ends_the_session_on_the_server(catalog: Settings) -> None:
    client = _client(catalog)
    sign_up(client, "ed@example.org")
    stolen = client.get_cookie("session")
    assert stolen is not None
    html = client.get("/account").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token is not None
    client.post("/signout", data={"csrf_token": token.group(1)})
    assert signed_in_as(client) is None
    replay = _client(catalog)
    replay.set_cookie("session", stolen.value)
    assert signed_in_as(replay) is None


def test_password_change_signs_out_other_browsers(catalog: Settings) -> None:
    laptop, phone = _client(catalog), _client(catalog)
    sign_up(laptop, "flo@example.org")
    sign_in(phone, "flo@example.org")
    assert signed_in_as(phone) == "flo@example.org"
    new = "a different long passphrase"
    data = {"current": PASSWORD, "password": new, "confirm": new}
    response = submit(laptop, "/account", data, "#password-form")
    assert response.status_code == 302
    assert signed_in_as(laptop) == "flo@example.org"
    assert signed_in_as(phone) is None
    assert sign_in(_client(catalog), "flo@example.org").status_code == 401
    assert sign_in(_client(catalog), "flo@example.org", new).status_code == 302


def test_password_reset_by_mail_works_once(catalog: Settings) -> None:
    with smtp_server() as mailbox:
        mailed = replace(
            catalog,
            smtp_host="127.0.0.1",
            smtp_port=mailbox.port,
            public_url="https://jobs.example",
        )
        sign_up(_client(mailed), "gus@example.org")
        client = _client(mailed)
        answer = submit(client, "/password/forgot", {"email": "gus@example.org"}, "#forgot-form")
        assert "link to choose a new password is on its way" in answer.get_data(as_text=True)
        unknown = submit(
            client, "/password/forgot", {"email": "nobody@example.org"}, "#forgot-form"
        )
        assert "on its way" in unknown.get_data(as_text=True)  # no account discovery
        (message,) = mailbox.wait(1)
    assert message["To"] == "gus@example.org"
    assert message["Subject"] == "Reset your Mutual password"
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    body = payload.decode()
    link = re.search(r"https://jobs\.example(/password/reset/\S+)", body)
    assert link is not None
    new = "the reset passphrase"
    reset = submit(client, link.group(1), {"password": new, "confirm": new}, "#reset-form")
    assert reset.status_code == 302
    assert signed_in_as(client) == "gus@example.org"
    assert _client(mailed).get(link.group(1)).status_code == 400  # used: no longer valid
    assert sign_in(_client(mailed), "gus@example.org", new).status_code == 302


def test_reset_without_mail_server_is_a_clear_error(catalog: Settings) -> None:
    sign_up(_client(catalog), "hal@example.org")
    answer = submit(_client(catalog), "/password/forgot", {"email": "hal@example.org"}, "form")
    assert answer.status_code == 503
    assert "MUTUAL_SMTP_HOST" in answer.get_data(as_text=True)


def test_every_state_changing_request_needs_a_csrf_token(catalog: Settings) -> None:
    app = _app(catalog)
    client = app.test_client()
    sign_up(client, "ida@example.org")
    # RFC 8058 one-click unsubscribe is the one exemption: a mail client POSTs it with no
    # session; its signed token is what authorises it (tests/test_alerts.py).
    exempt = {"/alerts/unsubscribe/<token>"}
    posts = [
        rule
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ()) and rule.rule not in exempt
    ]
    assert len(posts) >= 8
    for rule in posts:
        path = re.sub(r"<[^>]+>", "x", re.sub(r"<int:[^>]+>", "1", rule.rule))
        refused = client.post(path, data={"email": "ida@example.org", "password": PASSWORD})
        assert refused.status_code == 400, rule.rule
        assert "CSRF" in refused.get_data(as_text=True), rule.rule
    assert signed_in_as(client) == "ida@example.org"  # nothing signed us out either


def test_session_cookie_flags(catalog: Settings) -> None:
    for url, secure in (("http://127.0.0.1:8000", False), ("https://jobs.example", True)):
        client = _client(replace(catalog, public_url=url))
        response = sign_up(client, f"jo{int(secure)}@example.org")
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert ("Secure" in cookie) is secure


def test_operator_account_from_the_command_line(catalog: Settings) -> None:
    env = {"MUTUAL_USER_PASSWORD": PASSWORD}
    added = run_mutual(catalog, "user", "add", "Ops@Example.org", "--admin", env=env)
    assert "added operator ops@example.org" in added.stdout
    again = run_mutual(catalog, "user", "add", "ops@example.org", env=env, check=False)
    assert again.returncode != 0 and "already exists" in again.stderr
    listed = run_mutual(catalog, "user", "list", "--json")
    assert '"operator": true' in listed.stdout
    client = _client(catalog)
    assert sign_in(client, "ops@example.org").status_code == 302
    data = {"name": "Riverside Alumni", "slug": "riverside", "description": "", "homepage": ""}
    created = submit(client, "/communities", data, "#community-form")
    assert created.headers["Location"].endswith("/c/riverside")
    assert "You are an admin" in client.get("/c/riverside").get_data(as_text=True)
