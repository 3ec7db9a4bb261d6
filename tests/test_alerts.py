"""Saved searches and alerts end to end: a real SMTP server (aiosmtpd), a real webhook receiver,
a real index. New matches are announced once by e-mail and webhook, and never again however the
item comes back; digests group by community; unsubscribing needs no session; feeds show only what
the owner may see now; a sender killed after SMTP accepted a message loses nothing."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from email.message import Message
from urllib.parse import urlsplit

import feedparser
import icalendar
import pytest
from flask.testing import FlaskClient
from parsel import Selector

from alerts.run import CRASH_AFTER_SEND_ENV, CRASH_EXIT_CODE, run_alerts
from alerts.webhooks import WebhookFailed, check_webhook_url, verify_signature
from catalog.communities import get_community
from catalog.db import transaction
from catalog.memberships import leave
from catalog.models.base import utcnow
from catalog.models.saved_searches import AlertDelivery, SavedSearch
from catalog.saved_searches import new_calendar_token, new_feed_token
from ground.settings import Settings
from tests.alert_world import (
    OWNER,
    World,
    build_alert_world,
    event,
    job,
    mail_settings,
    webhook_receiver,
)
from tests.helpers import run_mutual
from tests.web import sign_in, smtp_server, submit
from webapp import create_app

pytestmark = pytest.mark.sqlite_only


def _bodies(message: Message) -> dict[str, str]:
    parts = {}
    for part in message.walk():
        if part.get_content_maintype() == "text":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            parts[part.get_content_type()] = payload.decode("utf-8")
    return parts


def _header(message: Message, name: str) -> str:
    return "".join(str(message[name]).split())  # unfolded


def _unsubscribe_path(message: Message) -> str:
    return urlsplit(_header(message, "List-Unsubscribe").strip("<>")).path


def test_a_new_match_is_announced_once_by_email_and_webhook(catalog: Settings) -> None:
    world = build_alert_world(catalog)
    with smtp_server() as mailbox, webhook_receiver() as receiver:
        settings = mail_settings(catalog, mailbox)
        world.save("controller", webhook=receiver.url)
        world.store("shca", job("Financial Controller"), job("Staff Nurse", "b"))
        report = run_alerts(settings)
        assert (report.new_matches, report.emails_sent, report.webhooks_sent) == (1, 1, 1)
        message = mailbox.wait(1)[0]
        parts = _bodies(message)
        assert "Financial Controller" in parts["text/plain"]
        assert "Financial Controller" in parts["text/html"]
        assert "Staff Nurse" not in parts["text/plain"]
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert _header(message, "List-Unsubscribe").startswith(
            "<http://mutual.test/alerts/unsubscribe/"
        )
        call = receiver.calls[0]
        payload = json.loads(call.body)
        assert [item["title"] for item in payload["items"]] == ["Financial Controller"]
        assert verify_signature("hook-secret", call.headers, call.body)
        tampered = call.body.replace(b"Fin", b"Fun")
        assert not verify_signature("hook-secret", call.headers, tampered)

        # A re-crawl, an edit, and the same posting from a second community: nothing new.
        world.store("shca", job("Financial Controller"))
        world.store("shca", job("Financial Controller", summary="Budgets, forecasts, audits."))
        world.store("guild", job("Financial Controller"))
        again = run_alerts(settings)
        assert (again.new_matches, again.emails_sent, again.webhooks_sent) == (0, 0, 0)
        assert len(mailbox.messages) == 1
        assert len(receiver.calls) == 1


def test_daily_digest_groups_by_community_and_waits_for_its_day(catalog: Settings) -> None:
    world = build_alert_world(catalog)
    with smtp_server() as mailbox:
        settings = mail_settings(catalog, mailbox)
        world.save("analyst", frequency="daily")
        world.store("shca", job("Budget Analyst", "a"))
        world.store("circle", job("Revenue Analyst", "b"))
        first = run_alerts(settings)
        assert (first.new_matches, first.emails_sent) == (2, 0)
        digest = run_alerts(settings, now=utcnow() + timedelta(days=1, minutes=1))
        assert digest.emails_sent == 1
        html = _bodies(mailbox.wait(1)[0])["text/html"]
        groups = {
            heading: Selector(text=html)
            .xpath(f"//h2[.='{heading}']/following-sibling::ul[1]//a/text()")
            .getall()
            for heading in ("Riverside Circle", "Society of Healthcare Accountants")
        }
        assert groups == {
            "Riverside Circle": ["Revenue Analyst"],
            "Society of Healthcare Accountants": ["Budget Analyst"],
        }
        assert "daily digest" in str(mailbox.messages[0]["Subject"])


def test_a_match_the_owner_can_no_longer_see_is_dropped_not_sent(catalog: Settings) -> None:
    world = build_alert_world(catalog)
    with smtp_server() as mailbox:
        settings = mail_settings(catalog, mailbox)
        world.save("analyst", frequency="daily")
        world.store("circle", job("Revenue Analyst", "b"))
        assert run_alerts(settings).new_matches == 1
        _leave(world, "circle")
        later = run_alerts(settings, now=utcnow() + timedelta(days=2))
        assert (later.emails_sent, later.dropped) == (0, 1)
        assert mailbox.messages == []


def _leave(world: World, slug: str) -> None:
    from catalog.accounts import find_user

    with transaction(world.sessions) as session:
        user = find_user(session, OWNER)
        assert user is not None
        leave(session, user.id, get_community(session, slug))


def _anonymous(settings: Settings) -> FlaskClient:
    return create_app(settings, {"TESTING": True}).test_client()


def test_one_click_unsubscribe_needs_no_cookie_and_a_forged_token_does_nothing(
    catalog: Settings,
) -> None:
    world = build_alert_world(catalog)
    with smtp_server() as mailbox:
        settings = mail_settings(catalog, mailbox)
        search_id = world.save("controller")
        world.store("shca", job("Financial Controller"))
        run_alerts(settings)
        path = _unsubscribe_path(mailbox.wait(1)[0])
    client = _anonymous(settings)
    forged = path[:-3] + ("abc" if not path.endswith("abc") else "xyz")
    assert client.post(forged).status_code == 404
    assert client.post("/alerts/unsubscribe/" + "x" * 40).status_code == 404
    confirm = client.get(path)
    assert confirm.status_code == 200 and b"unsubscribe-form" in confirm.data
    assert _email_on(world, search_id)  # a GET (a link scanner) changes nothing
    assert client.post("/alerts/save", data={"name": "x"}).status_code == 400  # only it is exempt
    done = client.post(path)  # no cookie, no CSRF token: as a mail client sends it
    assert done.status_code == 200 and b"unsubscribed" in done.data
    assert not _email_on(world, search_id)


def _email_on(world: World, search_id: int) -> bool:
    with transaction(world.sessions) as session:
        saved = session.get(SavedSearch, search_id)
        assert saved is not None
        return saved.email


def _feed_tokens(world: World, search_id: int) -> tuple[str, str]:
    with transaction(world.sessions) as session:
        saved = session.get(SavedSearch, search_id)
        assert saved is not None
        return new_feed_token(saved), new_calendar_token(session, saved.user_id)


def test_feeds_show_only_what_the_owner_may_see_now(catalog: Settings) -> None:
    world = build_alert_world(catalog)
    search_id = world.save("")  # everything in the owner's communities
    world.store("shca", job("Budget Analyst", "a"), event("Spring Mixer", "mixer"))
    world.store("circle", job("Revenue Analyst", "b"), event("Circle Supper", "supper"))
    token, calendar_token = _feed_tokens(world, search_id)
    client = _anonymous(catalog)

    def titles() -> tuple[set[str], set[str], set[str]]:
        atom = feedparser.parse(client.get(f"/feeds/{token}.atom").data)
        assert not atom.bozo, atom.bozo_exception
        found = {entry.title for entry in atom.entries}
        search_ics = icalendar.Calendar.from_ical(client.get(f"/feeds/{token}.ics").data)
        upcoming = icalendar.Calendar.from_ical(
            client.get(f"/feeds/calendar/{calendar_token}.ics").data
        )
        return found, _summaries(search_ics), _summaries(upcoming)

    assert titles() == (
        {"Budget Analyst", "Revenue Analyst", "Spring Mixer", "Circle Supper"},
        {"Spring Mixer", "Circle Supper"},
        {"Spring Mixer", "Circle Supper"},
    )
    _leave(world, "circle")
    assert titles() == ({"Budget Analyst", "Spring Mixer"}, {"Spring Mixer"}, {"Spring Mixer"})
    assert client.get("/feeds/not-a-token.atom").status_code == 404
    # The feed names itself at the public address, not at whatever host the request used.
    atom = feedparser.parse(client.get(f"/feeds/{token}.atom").data)
    self_links = [link.href for link in atom.feed.links if link.rel == "self"]
    assert self_links == [f"{catalog.public_url.rstrip('/')}/feeds/{token}.atom"]
    assert not catalog.public_url.startswith("http://localhost")
    old = token
    token, _ = _feed_tokens(world, search_id)  # a new address ends the old one
    assert client.get(f"/feeds/{old}.atom").status_code == 404


def _summaries(calendar: icalendar.Calendar) -> set[str]:
    return {str(component["SUMMARY"]) for component in calendar.walk("VEVENT")}


def test_saved_search_pages_belong_to_their_owner(catalog: Settings) -> None:
    world = build_alert_world(catalog)
    search_id = world.save("controller")
    owner = create_app(catalog, {"TESTING": True, "SECRET_KEY": "k"}).test_client()
    assert sign_in(owner, OWNER).status_code == 302
    page = owner.get("/alerts").get_data(as_text=True)
    assert "controller" in page and f"saved-search-{search_id}" in page
    form = {"name": "c", "query": "q=controller", "frequency": "instant", "email": "y"}
    private = submit(owner, f"/alerts/{search_id}", form | {"webhook_url": "http://10.0.0.5/x"})
    assert "webhook address refused" in private.get_data(as_text=True)
    other = create_app(catalog, {"TESTING": True, "SECRET_KEY": "k"}).test_client()
    assert sign_in(other, "olga@example.org").status_code == 302
    assert other.get(f"/alerts/{search_id}").status_code == 404
    saved = submit(
        other,
        "/alerts",
        {"name": "Remote analyst", "query": "q=analyst&kind=job&page=3", "frequency": "weekly"},
        action="/alerts/save",
    )
    assert saved.status_code == 302
    listed = other.get("/alerts").get_data(as_text=True)
    assert "Remote analyst" in listed and '/?q=analyst&amp;kind=job"' in listed
    assert other.post(f"/alerts/{search_id}/delete").status_code in (400, 404)
    assert _email_on(world, search_id)


def test_webhooks_to_private_addresses_are_refused() -> None:
    for url in ("http://10.0.0.5/hook", "http://127.0.0.1:9/hook", "http://[::1]/", "file:///etc"):
        with pytest.raises(WebhookFailed):
            check_webhook_url(url, allow_loopback=False)
    assert check_webhook_url("http://127.0.0.1:9/hook", allow_loopback=True) == "127.0.0.1"


def test_failed_deliveries_are_retried_with_backoff_and_shown(catalog: Settings) -> None:
    world = build_alert_world(catalog)
    with webhook_receiver() as receiver:
        receiver.status = 500
        world.save("controller", webhook=receiver.url)
        world.store("shca", job("Financial Controller"))
        settings = replace(catalog, alerts_retry_seconds=60)
        settings = replace(settings, smtp_host="")  # e-mail fails too: not configured
        failed = run_alerts(settings)
        assert failed.webhooks_sent == 0 and len(failed.failures) == 2
        assert run_alerts(settings).failures == []  # waiting for its retry time
        receiver.status = 204
        retried = run_alerts(settings, now=utcnow() + timedelta(minutes=2))
        assert retried.webhooks_sent == 1
        assert len(receiver.calls) == 2
        assert (
            receiver.calls[0].headers["X-Mutual-Delivery"]
            == receiver.calls[1].headers["X-Mutual-Delivery"]
        )
    with transaction(world.sessions) as session:
        email = session.query(AlertDelivery).filter_by(channel="email").one()
        assert (email.status, email.attempts) == ("failed", 2)
    client = create_app(catalog, {"TESTING": True, "SECRET_KEY": "k"}).test_client()
    assert sign_in(client, OWNER).status_code == 302
    page = client.get("/alerts").get_data(as_text=True)
    assert "set MUTUAL_SMTP_HOST" in page, page  # the reason, shown to the person


def test_a_sender_killed_after_smtp_accepted_sends_at_most_one_duplicate(
    catalog: Settings,
) -> None:
    world = build_alert_world(catalog)
    with smtp_server() as mailbox:
        settings = mail_settings(catalog, mailbox)
        world.save("controller")
        world.store("shca", job("Financial Controller"))
        crashed = run_mutual(
            settings, "alerts", "run", check=False, env={CRASH_AFTER_SEND_ENV: "1"}
        )
        assert crashed.returncode == CRASH_EXIT_CODE, crashed.stderr
        assert len(mailbox.wait(1)) == 1
        rerun = run_alerts(settings)  # in-process: the crashed run's lease died with it
        assert rerun.emails_sent == 1
        messages = mailbox.wait(2)
        assert 1 <= len(messages) <= 2
        assert all("Financial Controller" in _bodies(m)["text/plain"] for m in messages)
        assert len({m["Message-ID"] for m in messages}) == 1  # the copy is recognisable
        assert run_alerts(settings).emails_sent == 0
        assert len(mailbox.messages) == len(messages)


def test_the_save_form_partial_carries_the_page_query(catalog: Settings) -> None:
    app = create_app(catalog, {"TESTING": True, "SECRET_KEY": "k"})
    with app.test_request_context("/?q=controller&kind=job"):
        from flask import render_template

        html = render_template("_save_search.html")
    assert "Sign in" in html  # a visitor is asked to sign in first
    with app.test_request_context("/"):
        from flask_login import login_user

        from catalog.accounts import find_user
        from webapp.db import db
        from webapp.login import SignedIn

        build_alert_world(catalog)
        user = find_user(db(), OWNER)
        assert user is not None
        login_user(SignedIn(user, "t"))
        html = render_template("_save_search.html", save_query="q=controller&kind=job")
    form = Selector(text=html).css("#save-search-form")
    assert form.css("input[name=query]::attr(value)").get() == "q=controller&kind=job"
    assert form.css("input[name=csrf_token]::attr(value)").get()


def test_many_new_matches_are_read_page_by_page(
    catalog: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import alerts.matching

    monkeypatch.setattr(alerts.matching, "PAGE", 2)
    world = build_alert_world(catalog)
    world.save("analyst", frequency="weekly")
    world.store("shca", *(job(f"Analyst {n}", f"a{n}") for n in range(5)))
    assert run_alerts(catalog).new_matches == 5
