"""Following an organisation: `mutual alerts run` mails "new fellow member at Acme" once, to
followers who share a community with the new member, and to nobody else."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from catalog.db import make_engine, session_factory, transaction
from catalog.models.accounts import User
from catalog.people import LISTED, UNLISTED, PersonFields, publish_profile
from ground.settings import Settings
from tests.helpers import run_mutual
from tests.test_people_pages import _populate
from tests.web import Mailbox, post_button, sign_in, smtp_server
from webapp import create_app


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


def _follow(settings: Settings, who: str, key: str) -> None:
    client = create_app(settings, {"TESTING": True, "SECRET_KEY": "k"}).test_client()
    assert sign_in(client, f"{who}@example.org").status_code == 302
    assert post_button(client, f"/org/{key}", f"/org/{key}/follow").status_code == 302
    assert "Unfollow" in client.get(f"/org/{key}").get_data(as_text=True)


def _profile(settings: Settings, who: str, organisation: str, consent: str) -> None:
    sessions = session_factory(make_engine(settings.resolved_database_url))
    with transaction(sessions) as session:
        user = session.query(User).filter_by(email=f"{who}@example.org").one()
        fields = PersonFields(who.title(), organisation=organisation, role="Controller")
        publish_profile(session, user.id, 1, fields, consent)  # community 1: Finance Leaders


def test_new_fellow_members_at_a_followed_organisation_are_mailed_once(
    catalog: Settings, mailbox: Mailbox
) -> None:
    _populate(catalog)
    run_mutual(catalog, "index")
    mailed = replace(catalog, smtp_host="127.0.0.1", smtp_port=mailbox.port)
    for who in ("ann", "sam", "eve"):  # Ann shares Finance Leaders with Jane; Sam and Eve do not
        _follow(mailed, who, "acme")
    _profile(mailed, "jane", "Acme Corp.", UNLISTED)
    assert "0 new-fellow-member e-mails" in run_mutual(mailed, "alerts", "run").stdout

    _profile(mailed, "jane", "ACME Corporation", LISTED)
    assert "1 new-fellow-member e-mails" in run_mutual(mailed, "alerts", "run").stdout
    (message,) = mailbox.wait(1)
    assert message["To"] == "ann@example.org"
    assert message["Subject"] == "1 new fellow member at ACME Corporation"
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    assert "- Jane (Controller), Finance Leaders" in payload.decode()
    assert "/org/acme" in payload.decode()

    _profile(mailed, "jane", "ACME Corporation", LISTED)  # an edit is not news
    assert "0 new-fellow-member e-mails" in run_mutual(mailed, "alerts", "run").stdout
    assert len(mailbox.messages) == 1


def test_a_mail_that_cannot_be_sent_is_announced_at_the_next_pass(
    catalog: Settings, mailbox: Mailbox
) -> None:
    """Mails are sent outside the catalog's transaction and recorded one by one: with the mail
    server down nothing is recorded as told, so the next pass sends it."""
    _populate(catalog)
    run_mutual(catalog, "index")
    down = replace(catalog, smtp_host="127.0.0.1", smtp_port=9)  # nothing listens on port 9
    _follow(down, "ann", "acme")
    _profile(down, "jane", "ACME Corporation", LISTED)
    failed = run_mutual(down, "alerts", "run", check=False)
    assert "0 new-fellow-member e-mails" in failed.stdout + failed.stderr
    mailed = replace(catalog, smtp_host="127.0.0.1", smtp_port=mailbox.port)
    assert "1 new-fellow-member e-mails" in run_mutual(mailed, "alerts", "run").stdout
    (message,) = mailbox.wait(1)
    assert message["To"] == "ann@example.org"
    assert "0 new-fellow-member e-mails" in run_mutual(mailed, "alerts", "run").stdout
