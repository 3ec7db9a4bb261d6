"""In headless Chromium, against `mutual serve` and a real SMTP server: a member publishes a
profile open to introductions, a fellow member finds her in the People search and by the
job card at her employer, asks for an introduction, and the note arrives in her mailbox."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from email.utils import parseaddr

import pytest
from playwright.sync_api import Browser, Page

from ground.settings import Settings
from tests.helpers import ARTIFACTS, run_mutual
from tests.test_people_pages import JOB, _populate
from tests.web import PASSWORD, Mailbox, served_app, smtp_server

NOTE = "Hi Jane, I'm applying for the treasury role at Acme: could we talk for 15 minutes?"


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


@pytest.fixture
def served(catalog: Settings, mailbox: Mailbox) -> Iterator[str]:
    _populate(catalog)
    run_mutual(catalog, "index")
    mailed = replace(catalog, smtp_host="127.0.0.1", smtp_port=mailbox.port)
    with served_app(mailed, {"MUTUAL_SECRET_KEY": "browser-test"}) as base:
        yield base


def _sign_in(browser: Browser, base: str, who: str) -> Page:
    page = browser.new_context().new_page()
    page.goto(f"{base}/signin")
    page.get_by_label("E-mail").fill(f"{who}@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


@pytest.mark.browser
@pytest.mark.sqlite_only
def test_publish_a_profile_find_her_and_ask_for_an_introduction(
    served: str, browser: Browser, mailbox: Mailbox
) -> None:
    base = served
    ARTIFACTS.mkdir(exist_ok=True)
    jane = _sign_in(browser, base, "jane")
    jane.goto(f"{base}/c/finance")
    jane.locator("#own-profile").click()
    jane.get_by_label("Name").fill("Jane Doe")
    jane.get_by_label("Where you work now").fill("ACME Corporation")
    jane.get_by_label("Your role there").fill("Controller")
    jane.get_by_label("I can help with").fill("treasury, FP&A")
    jane.get_by_label("Listed, and open to introduction requests").check()
    jane.get_by_role("button", name="Save profile").click()
    assert "is saved" in jane.locator(".flashes").inner_text()
    jane.screenshot(path=str(ARTIFACTS / "people-profile.png"), full_page=True)

    ann = _sign_in(browser, base, "ann")
    ann.goto(f"{base}/")
    ann.get_by_label("Search jobs, events and resources").fill(JOB)
    with ann.expect_navigation():
        ann.keyboard.press("Enter")
    fellows = ann.locator("li.result .warm-path").inner_text()
    assert "2 people from your communities work at Acme Corp." in fellows
    assert "Jane Doe, Finance Leaders" in fellows

    ann.get_by_role("link", name="People", exact=True).click()
    ann.get_by_label("Name, organisation, role, place or topic").fill("treasury controller")
    ann.get_by_role("button", name="Search people").click()
    cards = ann.locator("li.person")
    assert cards.locator("h2").all_inner_texts() == ["Jane Doe"]
    ann.screenshot(path=str(ARTIFACTS / "people-search.png"), full_page=True)
    cards.get_by_role("link", name="Ask for an introduction").click()
    ann.get_by_label("Your note").fill(NOTE)
    ann.get_by_role("button", name="Send the request").click()
    assert "Your request was sent to Jane Doe" in ann.locator(".flashes").inner_text()
    assert "jane@example.org" not in ann.content()

    (message,) = mailbox.wait(1)
    assert message["To"] == "jane@example.org"
    assert parseaddr(message["Reply-To"])[1] == "ann@example.org"
    parts = [p for p in message.walk() if p.get_content_type() == "text/plain"]
    payload = parts[0].get_payload(decode=True)
    assert isinstance(payload, bytes) and NOTE in payload.decode()
