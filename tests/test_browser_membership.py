"""In headless Chromium: sign up through an invitation (and the link it mails), see the
community's member-only jobs, leave it, and no longer see them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

import pytest
from playwright.sync_api import Browser, Page

from ground.settings import Settings
from mutual.local_site import LocalSite
from tests.access_world import SECRET_TITLE, build_world
from tests.helpers import ARTIFACTS
from tests.web import PASSWORD, Mailbox, served_app, smtp_server


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


@pytest.fixture
def served(catalog: Settings, site: LocalSite, mailbox: Mailbox) -> Iterator[tuple[str, str]]:
    """`mutual serve` on a free port over the access world, mailing through `mailbox`;
    (base URL, invitation token)."""
    token = build_world(catalog, site)
    mailed = replace(catalog, smtp_host="127.0.0.1", smtp_port=mailbox.port)
    with served_app(mailed, {"MUTUAL_SECRET_KEY": "browser-test"}) as base:
        yield base, token


def _mailed_link(mailbox: Mailbox) -> str:
    """The path of the link in the one mail that arrived."""
    (message,) = mailbox.wait(1)
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    link = re.search(r"https?://[^/\s]+(/\S+)", payload.decode())
    assert link is not None
    return link.group(1)


def _results(page: Page, base: str, query: str) -> list[str]:
    page.goto(f"{base}/")
    page.get_by_label("Search jobs, events and resources").fill(query)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    return page.locator("li.result h2").all_inner_texts()


@pytest.mark.browser
@pytest.mark.sqlite_only
def test_join_by_invitation_see_member_jobs_then_leave(
    served: tuple[str, str], browser: Browser, mailbox: Mailbox
) -> None:
    base, token = served
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page()
    assert SECRET_TITLE not in _results(page, base, "clinical data")

    page.goto(f"{base}/invite/{token}")
    page.locator("#signup-link").click()
    page.get_by_label("E-mail").fill("newcomer@example.org")
    page.get_by_role("button", name="Send me a link").click()
    assert "Check your e-mail" in page.locator("#signup-sent").inner_text()
    page.goto(f"{base}{_mailed_link(mailbox)}")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("button", name="Join Riverside Circle").click()
    assert "Welcome to Riverside Circle" in page.locator(".flashes").inner_text()
    page.screenshot(path=str(ARTIFACTS / "membership-joined.png"), full_page=True)

    assert SECRET_TITLE in _results(page, base, "clinical data")
    page.screenshot(path=str(ARTIFACTS / "membership-member-search.png"), full_page=True)

    page.goto(f"{base}/c/circle")
    page.get_by_role("button", name="Leave Riverside Circle").click()
    assert "You left Riverside Circle" in page.locator(".flashes").inner_text()
    assert SECRET_TITLE not in _results(page, base, "clinical data")
    gone = page.goto(f"{base}/c/circle")
    assert gone is not None and gone.status == 404  # a private community: gone from view
    page.screenshot(path=str(ARTIFACTS / "membership-left.png"), full_page=True)
