"""Asking a fellow member for an introduction (issue 21), on a real SQLite catalog, the real app
and a real SMTP server on loopback: the mail, the one-click "not now", the limits, blocks, and
nobody outside the community learning anything from the pages."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import timedelta
from email.message import Message

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.accounts import add_user
from catalog.communities import add_community
from catalog.introductions import (
    IntroductionError,
    ask_for_introduction,
    clean_note,
    history,
)
from catalog.memberships import add_member, leave
from catalog.models.base import utcnow
from catalog.models.people import Directory, Person
from catalog.people import (
    INTRODUCTIONS,
    LISTED,
    DirectoryEntry,
    PersonFields,
    publish_profile,
    replace_directory,
)
from ground.settings import Settings
from tests.helpers import catalog_session, run_mutual
from tests.web import PASSWORD, Mailbox, csrf_token, sign_in, smtp_server, submit
from webapp import create_app

pytestmark = pytest.mark.sqlite_only

ROSA = "rosa.private@example.org"  # open to introductions: her address must never reach Ana
NOTE = "Hi Rosa, I'm moving into FP&A <b>at Acme</b>; could we talk for 15 minutes?"


def _world(settings: Settings) -> dict[str, int]:
    """Finance Leaders: Ana (asking, with a profile), Rosa and Pat (open to introductions),
    Mel (listed, not open), Fred (left), a roster entry with no account; Otto is outside.
    Returns the people's ids by first name."""
    with catalog_session(settings) as session:
        finance = add_community(session, "Finance Leaders", slug="finance")
        users = {
            n: add_user(session, ROSA if n == "rosa" else f"{n}@example.org", PASSWORD)
            for n in ("ana", "rosa", "pat", "mel", "fred", "otto")
        }
        for name in ("ana", "rosa", "pat", "mel", "fred"):
            add_member(session, users[name], finance)
        ids = {}
        for name, consent in (("rosa", INTRODUCTIONS), ("pat", INTRODUCTIONS), ("mel", LISTED)):
            fields = PersonFields(name.title(), organisation="Acme", role="Controller")
            ids[name] = publish_profile(session, users[name].id, finance.id, fields, consent).id
        ana = PersonFields("Ana Silva", headline="Analyst moving into FP&A", organisation="Initech")
        publish_profile(session, users["ana"].id, finance.id, ana, LISTED)
        leave(session, users["fred"].id, finance)
        ids["priya"] = _roster_entry(session, finance.id)
        ids.update({f"user:{n}": u.id for n, u in users.items()})
    return ids


def _roster_entry(session: Session, community_id: int) -> int:
    roster = Directory(community_id=community_id, name="roster")
    session.add(roster)
    session.flush()
    entry = DirectoryEntry(
        "m1", PersonFields("Priya Shah"), profile_url="https://finance.example/members/m1"
    )
    replace_directory(session, roster, [entry])
    person_id = session.scalar(select(Person.id).where(Person.directory_id == roster.id))
    assert person_id is not None
    return person_id


def _app(settings: Settings, mailbox: Mailbox, per_day: int = 3) -> Flask:
    mailed = replace(
        settings, smtp_host="127.0.0.1", smtp_port=mailbox.port, introductions_per_day=per_day
    )
    return create_app(mailed, {"TESTING": True, "SECRET_KEY": "test-key"})


def _signed_in(app: Flask, name: str) -> FlaskClient:
    client = app.test_client()
    sign_in(client, ROSA if name == "rosa" else f"{name}@example.org")
    return client


def _ask(client: FlaskClient, person_id: int, note: str = NOTE) -> tuple[int, str]:
    response = submit(
        client, f"/people/{person_id}/introduce", {"note": note}, "#introduction-form"
    )
    if response.status_code == 302:
        response = client.get(response.headers["Location"])
    return response.status_code, response.get_data(as_text=True)


def _no_more_mail(app: Flask, mailbox: Mailbox) -> list[Message]:
    """Every mail the app queued, once its sender has finished."""
    app.extensions["mutual_mail_sender"].shutdown(wait=True)
    return mailbox.messages


def _parts(message: Message) -> tuple[str, str]:
    text = html = ""
    for part in message.walk():
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes) and part.get_content_type() == "text/plain":
            text = payload.decode()
        elif isinstance(payload, bytes) and part.get_content_type() == "text/html":
            html = payload.decode()
    return text, html


def test_a_request_mails_the_recipient_and_not_now_reads_politely(catalog: Settings) -> None:
    ids = _world(catalog)
    with smtp_server() as mailbox:
        app = _app(catalog, mailbox)
        ana = _signed_in(app, "ana")
        form_page = ana.get(f"/people/{ids['rosa']}/introduce").get_data(as_text=True)
        status, history_page = _ask(ana, ids["rosa"])
        [mail] = mailbox.wait(1)
        assert status == 200 and "Waiting for an answer" in history_page
        assert "&lt;b&gt;at Acme&lt;/b&gt;" in history_page  # the note shown as typed
        assert mail["To"] == ROSA and "ana@example.org" in mail["Reply-To"]
        assert "Ana Silva" in mail["Reply-To"] and "Finance Leaders" in mail["Subject"]
        text, html = _parts(mail)
        assert NOTE in text and "Analyst moving into FP&A" in text and "Initech" in text
        assert "&lt;b&gt;at Acme&lt;/b&gt;" in html and "<b>at Acme" not in html
        link = re.search(r"https?://[^/\s]+(/introductions/answer/\S+)", text)
        assert link is not None
        scanner = app.test_client()  # a mail scanner's GET answers nothing
        assert scanner.get(link.group(1)).status_code == 200
        assert "Waiting for an answer" in ana.get("/introductions").get_data(as_text=True)
        done = submit(app.test_client(), link.group(1), {}, "#introduction-link-form")
        assert done.status_code == 200 and "can't help right now" in done.get_data(as_text=True)
        after = ana.get("/introductions").get_data(as_text=True)
        assert "They can&#39;t help right now" in after
        assert len(_no_more_mail(app, mailbox)) == 1
    for page in (form_page, history_page, after):
        assert ROSA not in page and "rosa.private" not in page
    rosa_page = _signed_in(app, "rosa").get("/introductions").get_data(as_text=True)
    assert "Ana Silva" in rosa_page and "You said not now" in rosa_page


def test_one_open_request_per_pair_and_a_few_a_day(catalog: Settings) -> None:
    ids = _world(catalog)
    with smtp_server() as mailbox:
        app = _app(catalog, mailbox, per_day=1)
        ana = _signed_in(app, "ana")
        assert _ask(ana, ids["rosa"])[0] == 200
        again = _ask(ana, ids["rosa"])
        assert again[0] == 400 and "already have an open request to Rosa" in again[1]
        other = _ask(ana, ids["pat"])
        assert other[0] == 400 and "1 introduction requests in 24 hours" in other[1]
        assert [m["To"] for m in _no_more_mail(app, mailbox)] == [ROSA]


def test_someone_listed_but_not_open_to_requests_is_not_asked(catalog: Settings) -> None:
    ids = _world(catalog)
    with smtp_server() as mailbox:
        app = _app(catalog, mailbox)
        ana = _signed_in(app, "ana")
        page = ana.get(f"/people/{ids['mel']}/introduce").get_data(as_text=True)
        assert "Mel is not taking introduction requests" in page
        assert 'id="introduction-form"' not in page
        posted = ana.post(f"/people/{ids['mel']}/introduce", data={"note": NOTE})
        assert 'id="introduction-form"' not in posted.get_data(as_text=True)
        roster = ana.get(f"/people/{ids['priya']}/introduce").get_data(as_text=True)
        assert 'href="https://finance.example/members/m1"' in roster
        assert "Finance Leaders" in roster and 'id="introduction-form"' not in roster
        assert _no_more_mail(app, mailbox) == []


@pytest.mark.parametrize("who", ["anonymous", "otto", "fred"])
def test_outsiders_former_members_and_visitors_get_404(catalog: Settings, who: str) -> None:
    ids = _world(catalog)
    with smtp_server() as mailbox:
        app = _app(catalog, mailbox)
        client = app.test_client() if who == "anonymous" else _signed_in(app, who)
        ana = _signed_in(app, "ana")
        token = csrf_token(ana.get(f"/people/{ids['rosa']}/introduce").get_data(as_text=True))
        assert client.get(f"/people/{ids['rosa']}/introduce").status_code == 404
        assert client.get(f"/people/{ids['mel']}/introduce").status_code == 404
        assert client.get("/people/999999/introduce").status_code == 404
        posted = client.post(
            f"/people/{ids['rosa']}/introduce", data={"note": NOTE, "csrf_token": token}
        )
        assert posted.status_code in (400, 404)
        assert _no_more_mail(app, mailbox) == []


def test_a_block_stops_further_requests_and_reads_as_not_now(catalog: Settings) -> None:
    ids = _world(catalog)
    with smtp_server() as mailbox:
        app = _app(catalog, mailbox)
        ana = _signed_in(app, "ana")
        _ask(ana, ids["rosa"])
        text, _html = _parts(mailbox.wait(1)[0])
        link = re.search(r"https?://[^/\s]+(/introductions/block/\S+)", text)
        assert link is not None
        done = submit(app.test_client(), link.group(1), {}, "#introduction-link-form")
        assert "Blocked" in done.get_data(as_text=True)
        assert "They can&#39;t help right now" in ana.get("/introductions").get_data(as_text=True)
        page = ana.get(f"/people/{ids['rosa']}/introduce").get_data(as_text=True)
        assert "Rosa is not taking introduction requests at the moment" in page
        assert ROSA not in page
        assert len(_no_more_mail(app, mailbox)) == 1


def test_the_recipients_buttons_answer_and_report(catalog: Settings) -> None:
    ids = _world(catalog)
    with smtp_server() as mailbox:
        app = _app(catalog, mailbox)
        ana = _signed_in(app, "ana")
        _ask(ana, ids["pat"])
        pat = _signed_in(app, "pat")
        with catalog_session(catalog) as session:
            [request] = history(session, ids["user:pat"]).received
        # Ana cannot answer her own request as if she were Pat.
        not_now = f"/introductions/{request.id}/not-now"
        ana.post(not_now, data={"csrf_token": csrf_token(ana.get("/introductions").get_data(True))})
        assert "Waiting for your answer" in pat.get("/introductions").get_data(as_text=True)
        action = f"/introductions/{request.id}/replied"
        page = pat.get("/introductions").get_data(as_text=True)
        pat.post(action, data={"csrf_token": csrf_token(page, f'form[action="{action}"]')})
        assert "They replied" in ana.get("/introductions").get_data(as_text=True)
        assert "You replied" in pat.get("/introductions").get_data(as_text=True)
        report = f"/introductions/{request.id}/report"
        token = csrf_token(pat.get("/introductions").get_data(as_text=True))
        pat.post(report, data={"csrf_token": token, "reason": "spam"})
        again = ana.get(f"/people/{ids['pat']}/introduce").get_data(as_text=True)
        assert "Pat is not taking introduction requests" in again
        _no_more_mail(app, mailbox)
    # The operator finds the report: who reported whom, where, and why.
    listed = json.loads(run_mutual(catalog, "introductions", "reports", "--json").stdout)
    assert [(r["by"], r["about"], r["reason"]) for r in listed] == [
        ("pat@example.org", "ana@example.org", "spam")
    ]
    assert listed[0]["community"]


def test_directory_entries_without_an_account_point_to_the_directory(catalog: Settings) -> None:
    ids = _world(catalog)
    with catalog_session(catalog) as session, pytest.raises(IntroductionError) as refused:
        ask_for_introduction(session, ids["user:ana"], ids["priya"], NOTE)
    assert "https://finance.example/members/m1" in str(refused.value)
    assert "no Mutual account" in str(refused.value)


def test_the_daily_limit_is_rolling_and_notes_stay_plain(catalog: Settings) -> None:
    ids = _world(catalog)
    then = utcnow() - timedelta(hours=25)
    with catalog_session(catalog) as session:
        ask_for_introduction(session, ids["user:ana"], ids["rosa"], NOTE, now=then, per_day=1)
        session.flush()
        with pytest.raises(IntroductionError, match="open request"):
            ask_for_introduction(session, ids["user:ana"], ids["rosa"], NOTE, per_day=1)
        ask_for_introduction(session, ids["user:ana"], ids["pat"], NOTE, per_day=1)
        with pytest.raises(IntroductionError, match="1000 characters"):
            ask_for_introduction(session, ids["user:mel"], ids["pat"], "x" * 1001)
    assert clean_note("a\x00b\r\n  c \u202e\n") == "ab\n  c"


def test_without_mail_nothing_is_asked(catalog: Settings) -> None:
    ids = _world(catalog)
    app = create_app(catalog, {"TESTING": True, "SECRET_KEY": "test-key"})
    ana = _signed_in(app, "ana")
    page = ana.get(f"/people/{ids['rosa']}/introduce")
    assert page.status_code == 503 and "E-mail is not set up" in page.get_data(as_text=True)
    with catalog_session(catalog) as session:
        assert history(session, ids["user:ana"]).asked == []
