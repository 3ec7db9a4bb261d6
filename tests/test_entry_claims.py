"""Claiming one's directory entry (issue 21), on a real SQLite catalog, the real app and a real
SMTP server on loopback: the link goes to the roster's address (never the claimer's, never shown
on a page), works once, for the account that asked only, within 48 hours; entries with no
roster address cannot be claimed; nobody outside the community learns anything."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from email.message import Message
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.accounts import add_user
from catalog.communities import add_community
from catalog.entry_claims import (
    NO_ADDRESS,
    PER_DAY,
    PER_ENTRY_PER_DAY,
    ClaimError,
    start_claim,
)
from catalog.memberships import add_member
from catalog.models.base import utcnow
from catalog.models.entry_claims import EntryClaim
from catalog.models.people import Directory, Person
from catalog.people import DirectoryEntry, PersonFields, own_records, replace_directory
from ground.settings import Settings
from tests.helpers import catalog_session
from tests.web import Mailbox, post_button, sign_in, smtp_server, submit
from webapp import create_app

pytestmark = pytest.mark.sqlite_only

ROSTER_ANA = "ana.at.home@finance.example"  # the roster's address for Ana's entry
CLAIM_PAGE = "/c/finance/claim"


def _world(settings: Settings) -> dict[str, int]:
    """Finance Leaders with Ana and Bob (members) and Otto (outside); its roster lists Ana
    (with an address), Ben (with one too) and Nora (none). Ids by name."""
    with catalog_session(settings) as session:
        finance = add_community(session, "Finance Leaders", slug="finance")
        users = {
            n: add_user(session, f"{n}@example.org", "correct horse battery staple")
            for n in ("ana", "bob", "otto")
        }
        for name in ("ana", "bob"):
            add_member(session, users[name], finance)
        roster = Directory(community_id=finance.id, name="roster")
        session.add(roster)
        session.flush()
        entries = [
            DirectoryEntry(
                "m1", PersonFields("Ana Silva", organisation="Initech"), roster_email=ROSTER_ANA
            ),
            DirectoryEntry("m2", PersonFields("Ben Okafor"), roster_email="ben@finance.example"),
            DirectoryEntry("m3", PersonFields("Nora Quist")),
        ]
        replace_directory(session, roster, entries)
        ids = {p.display_name.split()[0].lower(): p.id for p in session.scalars(select(Person))}
        ids |= {f"user:{n}": u.id for n, u in users.items()}
    return ids


def _app(settings: Settings, mailbox: Mailbox) -> Flask:
    mailed = replace(settings, smtp_host="127.0.0.1", smtp_port=mailbox.port)
    return create_app(mailed, {"TESTING": True, "SECRET_KEY": "test-key"})


def _signed_in(app: Flask, name: str) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, f"{name}@example.org").status_code == 302
    return client


def _claim(client: FlaskClient, person_id: int) -> str:
    """Press "This is me" for the entry; the page it lands on."""
    response = post_button(client, CLAIM_PAGE, f"/c/finance/claim/{person_id}")
    assert response.status_code == 302
    return client.get(response.headers["Location"]).get_data(as_text=True)


def _link(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    found = re.search(r"https?://[^/\s]+(/claim/\S+)", payload.decode())
    assert found is not None
    return found.group(1)


def _entry(settings: Settings, person_id: int) -> Person:
    with catalog_session(settings) as session:
        person = session.get(Person, person_id)
        assert person is not None
        session.expunge(person)
    return person


def test_a_claim_mails_the_roster_address_and_its_link_links_the_entry(catalog: Settings) -> None:
    ids = _world(catalog)
    before = _entry(catalog, ids["ana"]).change_seq
    with smtp_server() as mailbox:
        app = _app(catalog, mailbox)
        ana = _signed_in(app, "ana")
        listing = ana.get(CLAIM_PAGE).get_data(as_text=True)
        assert "Ana Silva" in listing and "Nora Quist" in listing
        sent = _claim(ana, ids["ana"])
        assert "we sent a link to the address the directory has for this entry" in sent.lower()
        [mail] = mailbox.wait(1)
        assert mail["To"] == ROSTER_ANA and "Finance Leaders" in mail["Subject"]
        link = _link(mail)
        scanner = app.test_client().get(link)  # a scanner, signed in as nobody, claims nothing
        assert scanner.status_code == 302 and _entry(catalog, ids["ana"]).user_id is None
        confirm_page = ana.get(link).get_data(as_text=True)
        assert (
            'id="claim-link-form"' in confirm_page and _entry(catalog, ids["ana"]).user_id is None
        )
        done = submit(ana, link, {}, "#claim-link-form")
        assert done.status_code == 200 and 'id="claim-link-done"' in done.get_data(as_text=True)
        again = ana.get(link)
        assert again.status_code == 400 and "already been used" in again.get_data(as_text=True)
        after = ana.get(CLAIM_PAGE).get_data(as_text=True)
    claimed = _entry(catalog, ids["ana"])
    assert claimed.user_id == ids["user:ana"] and claimed.change_seq > before
    with catalog_session(catalog) as session:
        assert [p.display_name for p in own_records(session, ids["user:ana"])] == ["Ana Silva"]
    assert 'id="claimed-entry"' in after and "Ana Silva" in after
    for page in (listing, sent, confirm_page, after):
        assert ROSTER_ANA not in page and "ana.at.home" not in page


def test_the_link_does_nothing_for_another_account(catalog: Settings) -> None:
    ids = _world(catalog)
    with smtp_server() as mailbox:
        app = _app(catalog, mailbox)
        _claim(_signed_in(app, "ana"), ids["ana"])
        link = _link(mailbox.wait(1)[0])
        bob = _signed_in(app, "bob")
        page = bob.get(link)
        assert page.status_code == 404 and "Ana Silva" not in page.get_data(as_text=True)
        token = re.search(
            r'name="csrf_token"[^>]*value="([^"]+)"', bob.get(CLAIM_PAGE).get_data(as_text=True)
        )
        assert token is not None
        posted = bob.post(link, data={"csrf_token": token.group(1)})
        assert posted.status_code == 404
    assert _entry(catalog, ids["ana"]).user_id is None


def test_an_expired_link_is_refused(catalog: Settings) -> None:
    ids = _world(catalog)
    with catalog_session(catalog) as session:
        _, token = start_claim(session, ids["user:ana"], ids["ana"], utcnow() - timedelta(hours=49))
    with smtp_server() as mailbox:
        ana = _signed_in(_app(catalog, mailbox), "ana")
        page = ana.get(f"/claim/{token}")
    assert page.status_code == 400 and "expired" in page.get_data(as_text=True)
    assert _entry(catalog, ids["ana"]).user_id is None


def test_an_entry_without_a_roster_address_cannot_be_claimed(catalog: Settings) -> None:
    ids = _world(catalog)
    with smtp_server() as mailbox:
        app = _app(catalog, mailbox)
        ana = _signed_in(app, "ana")
        listing = ana.get(CLAIM_PAGE).get_data(as_text=True)
        nora = listing.split('id="entry-{}"'.format(ids["nora"]))[1].split("</li>")[0]
        assert "cannot be claimed" in nora and "This is me" not in nora
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', listing)
        assert token is not None
        response = ana.post(f"/c/finance/claim/{ids['nora']}", data={"csrf_token": token.group(1)})
        assert NO_ADDRESS in unescape(ana.get(response.headers["Location"]).get_data(as_text=True))
        app.extensions["mutual_mail_sender"].shutdown(wait=True)
        assert mailbox.messages == []


@pytest.mark.parametrize("who", ["anonymous", "otto"])
def test_no_one_outside_the_community_can_claim(catalog: Settings, who: str) -> None:
    ids = _world(catalog)
    with smtp_server() as mailbox:
        app = _app(catalog, mailbox)
        client = app.test_client() if who == "anonymous" else _signed_in(app, who)
        token = re.search(
            r'name="csrf_token"[^>]*value="([^"]+)"',
            _signed_in(app, "ana").get(CLAIM_PAGE).get_data(as_text=True),
        )
        assert token is not None
        expected = 302 if who == "anonymous" else 404
        assert client.get(CLAIM_PAGE).status_code == expected
        posted = client.post(f"/c/finance/claim/{ids['ana']}", data={"csrf_token": token.group(1)})
        assert posted.status_code in (expected, 400)
        assert client.get("/c/no-such/claim").status_code == expected
        app.extensions["mutual_mail_sender"].shutdown(wait=True)
        assert mailbox.messages == []


def _used_up_claims(session: Session, user_id: int, person_id: int, count: int) -> None:
    """Claims made an hour ago whose links were used or lapsed: they count for the day only."""
    an_hour_ago = utcnow() - timedelta(hours=1)
    for n in range(count):
        session.add(
            EntryClaim(
                person_id=person_id,
                user_id=user_id,
                token_hash=f"{user_id}-{person_id}-{n}",
                address_hash="",
                created_at=an_hour_ago,
                expires_at=an_hour_ago,
            )
        )
    session.flush()


def test_one_pending_claim_per_entry_and_a_few_a_day(catalog: Settings) -> None:
    ids = _world(catalog)
    with catalog_session(catalog) as session:
        start_claim(session, ids["user:ana"], ids["ana"])
        with pytest.raises(ClaimError, match="already sent"):
            start_claim(session, ids["user:ana"], ids["ana"])
        _used_up_claims(session, ids["user:ana"], ids["ana"], PER_DAY - 1)
        with pytest.raises(ClaimError, match="3 entries in 24 hours"):
            start_claim(session, ids["user:ana"], ids["ben"])
        _used_up_claims(session, ids["user:otto"], ids["ben"], PER_ENTRY_PER_DAY)
        with pytest.raises(ClaimError, match="enough links today"):
            start_claim(session, ids["user:bob"], ids["ben"])
        with pytest.raises(ClaimError, match="not listed"):
            start_claim(session, ids["user:otto"], ids["ana"])


def test_one_claimed_entry_per_account_and_community(catalog: Settings) -> None:
    ids = _world(catalog)
    with smtp_server() as mailbox:
        app = _app(catalog, mailbox)
        ana = _signed_in(app, "ana")
        _claim(ana, ids["ana"])
        submit(ana, _link(mailbox.wait(1)[0]), {}, "#claim-link-form")
        with (
            catalog_session(catalog) as session,
            pytest.raises(ClaimError, match="already claimed"),
        ):
            start_claim(session, ids["user:ana"], ids["ben"])
        with (
            catalog_session(catalog) as session,
            pytest.raises(ClaimError, match="another account"),
        ):
            start_claim(session, ids["user:bob"], ids["ana"])
