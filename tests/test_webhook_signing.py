"""Webhooks are signed the Standard Webhooks way: a receiver verifies a real delivery with the
`standardwebhooks` library, which rejects a tampered body and an old timestamp (a replay), and
Mutual's own verify_signature agrees with it. Secrets saved before keep working."""

from __future__ import annotations

import base64
import json
import os
from datetime import timedelta

import pytest
from parsel import Selector
from standardwebhooks import Webhook, WebhookVerificationError

from alerts.run import run_alerts
from alerts.webhooks import WebhookCall, post_webhook, verify_signature
from catalog.db import transaction
from catalog.models.base import utcnow
from catalog.models.saved_searches import SavedSearch
from ground.settings import Settings
from tests.alert_world import OWNER, Received, World, build_alert_world, job, webhook_receiver
from tests.web import sign_in, submit
from webapp import create_app

pytestmark = pytest.mark.sqlite_only

SECRET = "whsec_" + base64.b64encode(os.urandom(32)).decode("ascii")


def _use_secret(world: World, search_id: int, secret: str) -> None:
    with transaction(world.sessions) as session:
        saved = session.get(SavedSearch, search_id)
        assert saved is not None
        saved.webhook_secret = secret


def _rejected(hook: Webhook, body: bytes, headers: dict[str, str]) -> bool:
    try:
        hook.verify(body, headers)
    except WebhookVerificationError:
        return True
    return False


def _delivered(catalog: Settings, secret: str) -> Received:
    """One real delivery of a new match to a search with `secret`, as its receiver got it."""
    world = build_alert_world(catalog)
    with webhook_receiver() as receiver:
        _use_secret(world, world.save("controller", webhook=receiver.url), secret)
        world.store("shca", job("Financial Controller"))
        assert run_alerts(catalog).webhooks_sent == 1
    return receiver.calls[0]


def test_a_delivery_verifies_with_the_library_and_a_tampered_one_does_not(
    catalog: Settings,
) -> None:
    call = _delivered(catalog, SECRET)
    hook = Webhook(SECRET)
    payload = hook.verify(call.body, call.headers)
    assert [item["title"] for item in payload["items"]] == ["Financial Controller"]
    assert call.headers["webhook-id"] == payload["delivery_id"]
    assert verify_signature(SECRET, call.headers, call.body)
    tampered = call.body.replace(b"Fin", b"Fun")
    assert _rejected(hook, tampered, call.headers)
    assert not verify_signature(SECRET, call.headers, tampered)
    assert not any(name.lower().startswith("x-mutual-") for name in call.headers)


def test_an_old_timestamp_is_rejected_as_a_replay(catalog: Settings) -> None:
    ten_minutes_ago = int((utcnow() - timedelta(minutes=10)).timestamp())
    with webhook_receiver() as receiver:
        call = WebhookCall(receiver.url, SECRET, "d-1", {"delivery_id": "d-1", "items": []})
        post_webhook(call, ten_minutes_ago, allow_loopback=True, timeout=5)
        post_webhook(call, int(utcnow().timestamp()), allow_loopback=True, timeout=5)
    old, fresh = receiver.calls
    hook = Webhook(SECRET)
    assert hook.verify(fresh.body, fresh.headers) == {"delivery_id": "d-1", "items": []}
    assert _rejected(hook, old.body, old.headers)
    assert not verify_signature(SECRET, old.headers, old.body)
    assert verify_signature(SECRET, fresh.headers, fresh.body)
    assert old.headers["webhook-id"] == fresh.headers["webhook-id"] == "d-1"


def test_a_secret_saved_before_keeps_working(catalog: Settings) -> None:
    call = _delivered(catalog, "hook-secret")  # the older format: the string itself is the key
    payload = Webhook(b"hook-secret").verify(call.body, call.headers)
    assert payload["items"][0]["title"] == "Financial Controller"
    shown = "whsec_" + base64.b64encode(b"hook-secret").decode("ascii")
    assert Webhook(shown).verify(call.body, call.headers) == payload
    assert verify_signature("hook-secret", call.headers, call.body)
    # Receivers still checking the older headers keep working until they move to the library.
    assert call.headers["X-Mutual-Delivery"] == call.headers["webhook-id"]
    assert call.headers["X-Mutual-Signature"].startswith("sha256=")


def test_a_new_webhook_gets_a_whsec_secret_shown_on_its_page(catalog: Settings) -> None:
    world = build_alert_world(catalog)
    search_id = world.save("controller")
    owner = create_app(catalog, {"TESTING": True, "SECRET_KEY": "k"}).test_client()
    assert sign_in(owner, OWNER).status_code == 302
    form = {"name": "c", "query": "q=controller", "frequency": "instant", "email": "y"}
    hook = {"webhook_url": "http://127.0.0.1:9/hook"}
    assert submit(owner, f"/alerts/{search_id}", form | hook).status_code == 302
    page = owner.get(f"/alerts/{search_id}").get_data(as_text=True)
    shown = Selector(text=page).css("#webhook-secret::text").get() or ""
    assert shown.startswith("whsec_") and len(base64.b64decode(shown[6:])) == 32
    with transaction(world.sessions) as session:
        saved = session.get(SavedSearch, search_id)
        assert saved is not None and saved.webhook_secret == shown
    Webhook(shown).sign("d-1", utcnow(), json.dumps({}))  # the library takes it as it is
    _use_secret(world, search_id, "hook-secret")  # an older secret: shown in the same form
    page = owner.get(f"/alerts/{search_id}").get_data(as_text=True)
    shown = Selector(text=page).css("#webhook-secret::text").get() or ""
    assert base64.b64decode(shown.removeprefix("whsec_")) == b"hook-secret"
