"""Driving the web app as a browser would: forms fetched first, their CSRF token sent back."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from urllib.parse import parse_qs

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from flask.testing import FlaskClient
from parsel import Selector
from werkzeug.test import TestResponse

from catalog.accounts import normalise_email
from ground.settings import Settings
from tests.helpers import REPO, settings_env
from webapp.accounts_pages import SignUpRequest, sign_up_link_path

PASSWORD = "correct horse battery staple"


def csrf_token(html: str, form: str = "form") -> str:
    token = Selector(text=html).css(f"{form} input[name=csrf_token]::attr(value)").get()
    if not token:
        raise AssertionError(f"no CSRF token in {form!r} of the page:\n{html[:2000]}")
    return token


def submit(
    client: FlaskClient, page: str, data: dict[str, str], form: str = "form", action: str = ""
) -> TestResponse:
    """GET `page`, then POST `data` with the token of its `form` to `action` (default: page)."""
    html = client.get(page).get_data(as_text=True)
    return client.post(action or page, data={**data, "csrf_token": csrf_token(html, form)})


def sign_up_link(client: FlaskClient, email: str, invitation: str = "") -> str:
    """The path of the link /signup mails to a new `email` (made here instead of read from a
    mail: tests/test_account_discovery.py follows the mail itself)."""
    with client.application.test_request_context():
        return sign_up_link_path(SignUpRequest(normalise_email(email), "", invitation))


def sign_up(client: FlaskClient, email: str, query: str = "") -> TestResponse:
    """Create the account `email` (through an invitation when `query` names one) as its mailed
    link does: the password chosen, the account made and signed in."""
    invitation = parse_qs(query.lstrip("?")).get("invitation", [""])[0]
    data = {"password": PASSWORD, "confirm": PASSWORD}
    return submit(client, sign_up_link(client, email, invitation), data, form="#finish-form")


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> TestResponse:
    return submit(client, "/signin", {"email": email, "password": password}, "#signin-form")


def signed_in_as(client: FlaskClient) -> str | None:
    """The address the account link shows, or None for an anonymous visitor."""
    html = client.get("/account").get_data(as_text=True)
    return Selector(text=html).css("#account-email::text").get()


def post_button(client: FlaskClient, page: str, action: str) -> TestResponse:
    """Press the button whose form posts to `action` on `page`."""
    html = client.get(page).get_data(as_text=True)
    return client.post(action, data={"csrf_token": csrf_token(html, f'form[action="{action}"]')})


@dataclass
class Mailbox:
    port: int
    messages: list[Message] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(message_from_bytes(envelope.original_content or b""))
        self.arrived.set()
        return "250 Message accepted for delivery"

    def wait(self, count: int = 1, timeout: float = 10.0) -> list[Message]:
        for _ in range(int(timeout * 10)):
            if len(self.messages) >= count:
                break
            self.arrived.wait(0.1)
        return self.messages


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def smtp_server() -> Iterator[Mailbox]:
    """A real SMTP server (aiosmtpd) on loopback, keeping what arrives."""
    mailbox = Mailbox(port=free_port())
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


def wait_for_url(url: str, process: subprocess.Popen[str], seconds: float = 120) -> None:
    """Wait until `url` answers, failing with the server's output if it exits first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise AssertionError(f"the server exited early:\n{output}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {seconds}s")


@contextmanager
def served_app(settings: Settings, extra_env: dict[str, str]) -> Iterator[str]:
    """`mutual serve` in its own process on a free port with `settings` (plus `extra_env`);
    yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mutual", "serve", "--port", str(port)],
        env=settings_env(settings) | extra_env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_url(f"{base}/healthz", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
