"""Nobody learns whether an address has an account: sign-up, sign-in and password reset answer
a known address exactly as an unknown one (same status, same page, about the same time), and
only the address's owner, by mail, hears which it was."""

from __future__ import annotations

import logging
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from email.message import Message

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from catalog.accounts import add_user
from ground.settings import Settings
from tests.helpers import catalog_session
from tests.web import PASSWORD, csrf_token, free_port, signed_in_as, smtp_server, submit
from webapp import create_app

pytestmark = pytest.mark.sqlite_only

KNOWN, UNKNOWN = "known@example.org", "unknown@example.org"
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="[^"]*"')


def _app(settings: Settings) -> Flask:
    with catalog_session(settings) as session:
        add_user(session, KNOWN, PASSWORD, display_name="Kim")
    return create_app(settings, {"TESTING": True, "SECRET_KEY": "test-key"})


def _page(response: TestResponse, email: str) -> tuple[int, str]:
    """Status and body, with the CSRF token (different in every session) and the address typed
    (a form shows it back) blanked out."""
    body = CSRF_FIELD.sub("csrf", response.get_data(as_text=True))
    return response.status_code, body.replace(email, "EMAIL")


def _sent_mail(app: Flask) -> None:
    """Wait until the mail the requests queued has been handed to the SMTP server (or failed)."""
    sender = app.extensions.get("mutual_mail_sender")
    if sender is not None:  # before mail was sent off the request, it was sent within it
        sender.shutdown(wait=True)


def _text(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def test_sign_up_answers_a_taken_address_as_a_new_one(catalog: Settings) -> None:
    with smtp_server() as mailbox:
        mailed = replace(catalog, smtp_host="127.0.0.1", smtp_port=mailbox.port)
        app = _app(mailed)
        answers = [
            _page(submit(app.test_client(), "/signup", {"email": who}, "#signup-form"), who)
            for who in (UNKNOWN, KNOWN)
        ]
        _sent_mail(app)
        messages = {message["To"]: message for message in mailbox.wait(2)}
    assert answers[0] == answers[1]
    assert answers[0][0] == 200 and "Check your e-mail" in answers[0][1]
    assert signed_in_as(app.test_client()) is None
    taken = _text(messages[KNOWN])
    assert "already has one" in taken and "/signup/finish/" not in taken
    new = _text(messages[UNKNOWN])
    link = re.search(r"https?://[^/\s]+(/signup/finish/\S+)", new)
    assert link is not None
    client = app.test_client()
    finished = submit(client, link.group(1), {"password": PASSWORD, "confirm": PASSWORD})
    assert finished.status_code == 302
    assert signed_in_as(client) == UNKNOWN
    assert app.test_client().get(link.group(1)).status_code == 400  # used: no longer valid


def test_sign_up_without_mail_says_so_whatever_the_address(catalog: Settings) -> None:
    app = _app(catalog)  # no MUTUAL_SMTP_HOST: an address cannot be confirmed
    page = app.test_client().get("/signup")
    assert page.status_code == 503
    assert "MUTUAL_SMTP_HOST" in page.get_data(as_text=True)


def _failed_sign_in(client: FlaskClient, email: str) -> Callable[[], tuple[float, str]]:
    """A wrong-password sign-in of `email` to repeat: each call answers (seconds, page)."""
    token = csrf_token(client.get("/signin").get_data(as_text=True), "#signin-form")
    data = {"email": email, "password": "not the password at all", "csrf_token": token}

    def attempt() -> tuple[float, str]:
        started = time.perf_counter()
        response = client.post("/signin", data=data)
        seconds = time.perf_counter() - started
        assert response.status_code == 401
        return seconds, _page(response, email)[1]

    return attempt


def test_sign_in_answers_an_unknown_address_as_a_known_one(catalog: Settings) -> None:
    app = _app(replace(catalog, sign_in_max_failures=100))
    known = _failed_sign_in(app.test_client(), KNOWN)
    unknown = _failed_sign_in(app.test_client(), UNKNOWN)
    known(), unknown()  # warm up: templates, the catalog's connections
    times: dict[str, list[float]] = {KNOWN: [], UNKNOWN: []}
    pages = set()
    for _ in range(7):  # in turns, so that a busy moment of the machine slows both alike
        for email, attempt in ((KNOWN, known), (UNKNOWN, unknown)):
            seconds, page = attempt()
            times[email].append(seconds)
            pages.add(page)
    assert len(pages) == 1  # the same page for both
    # A ratio, not a time: the password hash dominates either way, on any machine.
    ratio = statistics.median(times[KNOWN]) / statistics.median(times[UNKNOWN])
    assert 0.5 < ratio < 2, times


def test_reset_answers_the_same_when_mail_fails(
    catalog: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    broken = replace(catalog, smtp_host="127.0.0.1", smtp_port=free_port())  # nothing listens
    app = _app(broken)
    caplog.set_level(logging.ERROR)
    answers = [
        _page(submit(app.test_client(), "/password/forgot", {"email": who}, "#forgot-form"), who)
        for who in (KNOWN, UNKNOWN)
    ]
    _sent_mail(app)
    assert answers[0] == answers[1]
    assert answers[0][0] == 200 and "on its way" in answers[0][1]
    failures = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert any(KNOWN in record.getMessage() for record in failures), failures


def test_reset_without_mail_server_is_the_same_503_for_everyone(catalog: Settings) -> None:
    app = _app(catalog)
    answers = [
        _page(submit(app.test_client(), "/password/forgot", {"email": who}, "#forgot-form"), who)
        for who in (KNOWN, UNKNOWN)
    ]
    assert answers[0] == answers[1]
    assert answers[0][0] == 503 and "MUTUAL_SMTP_HOST" in answers[0][1]
