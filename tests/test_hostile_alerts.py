"""Alerts under hostile inputs (docs/hostile-inputs-coverage.md, classes 16 and 20): a webhook
that reached the catalog without the save form's check (an old catalog, a restored backup) is
still refused when it is sent, and markup in an item never runs in the mail or the private
Atom feed (as a crawl stores it), nor breaks out of its event in the iCalendar feeds."""

from __future__ import annotations

import json
from dataclasses import replace

import feedparser
import icalendar
import pytest
from parsel import Selector

from alerts.run import run_alerts
from catalog.db import transaction
from catalog.models.saved_searches import AlertDelivery, SavedSearch
from catalog.saved_searches import new_calendar_token, new_feed_token
from crawlers.enrich import enrich
from ground.settings import Settings
from tests.alert_world import build_alert_world, event, job, mail_settings, webhook_receiver
from tests.web import smtp_server
from webapp import create_app

pytestmark = pytest.mark.sqlite_only

HOSTILE_TITLE = '<script>alert("t")</script><img src=x onerror=alert(1)> Controller'
HOSTILE_SUMMARY = (
    '<a href="javascript:alert(2)">apply</a><iframe srcdoc="<script>x()</script>"></iframe>'
    '<svg onload="alert(3)"></svg><form action="https://evil.example/"><input></form>'
)


@pytest.mark.parametrize(
    "hook", ["http://169.254.169.254/latest/meta-data/", "http://[::ffff:10.0.0.5]/hook"]
)
def test_a_stored_webhook_to_a_private_address_is_refused_when_sent(
    catalog: Settings, hook: str
) -> None:
    world = build_alert_world(catalog)
    with smtp_server() as mailbox:
        settings = mail_settings(catalog, mailbox)
        world.save("controller", webhook=hook)  # straight into the catalog, past the form
        world.store("shca", job("Financial Controller"))
        report = run_alerts(settings)
        assert (report.emails_sent, report.webhooks_sent) == (1, 0)  # the mail still goes
        assert any("refused" in failure for failure in report.failures), report.failures
    with transaction(world.sessions) as session:
        webhook = session.query(AlertDelivery).filter_by(channel="webhook").one()
        assert webhook.status != "sent" and "refused" in (webhook.last_error or "")


def test_markup_in_an_item_never_runs_in_the_mail(catalog: Settings) -> None:
    # Stored as is, past the crawl's conversion to text: the mail's escaping alone must hold.
    world = build_alert_world(catalog)
    with smtp_server() as mailbox, webhook_receiver() as receiver:
        settings = mail_settings(catalog, mailbox)
        world.save("controller", webhook=receiver.url)
        world.store("shca", job(HOSTILE_TITLE, summary=HOSTILE_SUMMARY))
        assert run_alerts(settings).emails_sent == 1
        message = mailbox.wait(1)[0]
        html = next(
            part.get_payload(decode=True).decode("utf-8")  # type: ignore[union-attr]
            for part in message.walk()
            if part.get_content_type() == "text/html"
        )
        page = Selector(text=html)
        assert page.css("script, iframe, svg, form, img, base").getall() == []
        attributes = page.xpath("//@*").getall()
        names = page.xpath("//@*").xpath("name()").getall()
        assert not [n for n in names if n.lower().startswith("on")], names
        assert not [a for a in attributes if a.strip().lower().startswith("javascript:")]
        assert "Controller" in page.xpath("string(//body)").get("")
        # The webhook carries the catalog's text as JSON data (a crawl stores it without
        # markup: crawlers.enrich, tests/test_text_fields.py); here it must arrive intact.
        payload = json.loads(receiver.calls[0].body)
        assert [item["title"] for item in payload["items"]] == [HOSTILE_TITLE]


def _no_active_content(html: str) -> None:
    page = Selector(text=html)
    assert page.css("script, iframe, svg, form, img, base, object, embed").getall() == []
    names = page.xpath("//@*").xpath("name()").getall()
    assert not [name for name in names if name.lower().startswith("on")], names
    values = [value.strip().lower() for value in page.xpath("//@*").getall()]
    assert not [v for v in values if v.startswith(("javascript:", "data:"))], values


def test_markup_never_runs_in_the_atom_feed_nor_breaks_out_of_the_calendar(
    catalog: Settings,
) -> None:
    world = build_alert_world(catalog)
    search_id = world.save("")
    breakout = "Mixer\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Forged\r\nX-EVIL:1"
    # The job as a crawl stores it (ingest sanitises; the Atom feed shows the stored HTML); the
    # event as is, past ingest's removal of line breaks: the calendar's own escaping must hold.
    crawled = enrich(replace(job(HOSTILE_TITLE, summary=HOSTILE_SUMMARY), body=HOSTILE_SUMMARY))
    world.store("shca", crawled, event(breakout, "mixer"))
    with transaction(world.sessions) as session:
        saved = session.get(SavedSearch, search_id)
        assert saved is not None
        token, calendar = new_feed_token(saved), new_calendar_token(session, saved.user_id)
    client = create_app(catalog, {"TESTING": True}).test_client()
    atom = feedparser.parse(client.get(f"/feeds/{token}.atom").data, sanitize_html=False)
    assert not atom.bozo, atom.bozo_exception
    assert len(atom.entries) == 2
    for entry in atom.entries:  # what a reader would render: the entry's HTML, unsanitised
        for part in [entry.get("summary", ""), *(c.value for c in entry.get("content", []))]:
            _no_active_content(part)
        assert "<" not in entry.title or entry.title_detail.type == "text/plain", entry.title
    for path in (f"/feeds/{token}.ics", f"/feeds/calendar/{calendar}.ics"):
        ics = icalendar.Calendar.from_ical(client.get(path).data)
        events = ics.walk("VEVENT")
        assert len(events) == 1, [str(e.get("SUMMARY")) for e in events]
        assert "X-EVIL" not in events[0] and str(events[0]["SUMMARY"]).startswith("Mixer")
