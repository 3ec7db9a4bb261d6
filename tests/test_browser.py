"""The README's run command, seen in headless Chromium: the demo's items on the search page."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from ground.settings import Settings
from mutual.demo import demo_settings
from tests.helpers import ARTIFACTS, REPO, run_mutual, settings_env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(url: str, process: subprocess.Popen[str], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"mutual demo exited early:\n{process.stdout.read() if process.stdout else ''}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {seconds}s")


@pytest.fixture
def demo_url(settings: Settings) -> Iterator[str]:
    """`mutual demo` as the README runs it, on free ports."""
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mutual",
            "demo",
            "--site-port",
            str(_free_port()),
            "--port",
            str(port),
        ],
        env=settings_env(settings),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_for(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.browser
@pytest.mark.sqlite_only
def test_demo_items_are_searchable_in_the_browser(
    settings: Settings, demo_url: str, browser: Browser
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone screen
    page.goto(demo_url)
    # The demo's calendar repeats monthly, so how many meetups are ahead depends on the date:
    # the page must show all that the index holds for an anonymous visitor, and that is plenty.
    search = run_mutual(demo_settings(settings), "search", "--json", "--size", "1")
    total = json.loads(search.stdout)["total"]
    assert total >= 30
    assert page.locator("#result-count").inner_text().startswith(f"{total} results")
    page.screenshot(path=str(ARTIFACTS / "demo-home.png"), full_page=True)

    page.get_by_label("Search jobs, events and resources").fill("financial analyst")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?q=financial+analyst")
    first = page.locator("li.result").first
    assert "Senior Financial Analyst" in first.locator("h2").inner_text()
    assert first.locator("h2 mark").count() >= 1
    seen_in = first.locator(".seen-in").inner_text()
    assert "Bay Area Finance Leaders" in seen_in
    assert "Lakeshore University Alumni, Chicago" in seen_in
    page.screenshot(path=str(ARTIFACTS / "demo-search.png"), full_page=True)

    page.get_by_label("Search jobs, events and resources").fill("negotiate offer")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?q=negotiate+offer")
    assert page.locator("li.result.kind-resource h2").first.inner_text() == (
        "How to negotiate a product manager offer"
    )
