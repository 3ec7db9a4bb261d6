"""Admission by roster (issue 21), on a real SQLite catalog and the real app: with the admins'
switch on, an account whose address is on the roster joins without approval (also where the
community is joined by invitation), waiting requests from the roster are approved when it is
turned on or the roster imported; with it off, nothing changes; private communities stay closed."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from catalog.accounts import add_user, find_user
from catalog.communities import add_community, get_community
from catalog.memberships import (
    ADMIN,
    PENDING,
    MembershipError,
    add_member,
    membership,
    request_to_join,
)
from catalog.models.people import Directory
from catalog.people import DirectoryEntry, PersonFields, replace_directory
from ground.settings import Settings
from tests.helpers import catalog_session
from tests.test_cli_directories import mutual, roster_file
from tests.web import PASSWORD, csrf_token, post_button, sign_in
from webapp import create_app

pytestmark = pytest.mark.sqlite_only

# On the roster as the admin's file wrote it: mixed case, a space too much.
ON_ROSTER = ("Carol@Example.org ", "dan@example.org", "erin@example.org")
MANAGE = "/c/finance/manage"


def _world(settings: Settings, join_policy: str = "approval") -> int:
    """Finance Leaders (admin: Ada) with a roster listing Carol, Dan and Erin; Otto is not on
    it. Returns the roster's id."""
    with catalog_session(settings) as session:
        finance = add_community(session, "Finance Leaders", slug="finance")
        finance.join_policy = join_policy
        for name in ("ada", "carol", "dan", "erin", "otto"):
            add_user(session, f"{name}@example.org", PASSWORD)
        ada = find_user(session, "ada@example.org")
        assert ada is not None
        add_member(session, ada, finance, role=ADMIN)
        roster = Directory(community_id=finance.id, name="roster")
        session.add(roster)
        session.flush()
        entries = [
            DirectoryEntry(
                f"m{n}", PersonFields(address.split("@")[0].strip()), roster_email=address
            )
            for n, address in enumerate(ON_ROSTER)
        ]
        replace_directory(session, roster, entries)
        return roster.id


def _status(settings: Settings, name: str) -> str | None:
    with catalog_session(settings) as session:
        user = find_user(session, f"{name}@example.org")
        assert user is not None
        row = membership(session, user.id, get_community(session, "finance").id)
        return row.status if row else None


def _ask(settings: Settings, name: str) -> str:
    with catalog_session(settings) as session:
        user = find_user(session, f"{name}@example.org")
        assert user is not None
        return request_to_join(session, user, get_community(session, "finance")).status


def _app(settings: Settings) -> Flask:
    return create_app(settings, {"TESTING": True, "SECRET_KEY": "test-key"})


def _signed_in(app: Flask, name: str) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, f"{name}@example.org").status_code == 302
    return client


def _switch(client: FlaskClient, roster_id: int, action: str) -> str:
    response = post_button(client, MANAGE, f"/c/finance/manage/directories/{roster_id}/{action}")
    assert response.status_code == 302
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_admins_switch_admits_the_roster_both_ways(catalog: Settings) -> None:
    roster_id = _world(catalog)
    assert _ask(catalog, "carol") == PENDING  # off: the roster changes nothing
    app = _app(catalog)
    ada = _signed_in(app, "ada")
    page = _switch(ada, roster_id, "admit")
    assert "1 waiting request was approved" in page
    assert _status(catalog, "carol") == "active"
    assert _ask(catalog, "dan") == "active"
    assert _ask(catalog, "otto") == PENDING  # not on the roster: the admins decide
    page = _switch(ada, roster_id, "stop-admitting")
    assert "ask to join like anyone else" in page
    assert _ask(catalog, "erin") == PENDING


def test_only_the_communitys_admins_may_switch(catalog: Settings) -> None:
    roster_id = _world(catalog)
    with catalog_session(catalog) as session:
        carol = find_user(session, "carol@example.org")
        assert carol is not None
        add_member(session, carol, get_community(session, "finance"))
    app = _app(catalog)
    carol_client = _signed_in(app, "carol")
    token = csrf_token(carol_client.get("/c/finance").get_data(as_text=True))
    action = f"/c/finance/manage/directories/{roster_id}/admit"
    assert carol_client.post(action, data={"csrf_token": token}).status_code == 403
    assert app.test_client().post(action).status_code in (302, 400)
    with catalog_session(catalog) as session:
        roster = session.get(Directory, roster_id)
        assert roster is not None and not roster.admits_members


def test_an_invitation_only_community_admits_its_roster(catalog: Settings) -> None:
    roster_id = _world(catalog, join_policy="invite")
    with pytest.raises(MembershipError, match="invitation only"):
        _ask(catalog, "carol")
    _switch(_signed_in(_app(catalog), "ada"), roster_id, "admit")
    app = _app(catalog)
    carol_page = _signed_in(app, "carol").get("/c/finance").get_data(as_text=True)
    otto_page = _signed_in(app, "otto").get("/c/finance").get_data(as_text=True)
    assert 'id="join"' in carol_page and 'id="join"' not in otto_page
    assert "by invitation" in otto_page
    carol = _signed_in(app, "carol")
    assert post_button(carol, "/c/finance", "/c/finance/join").status_code == 302
    assert _status(catalog, "carol") == "active"
    with pytest.raises(MembershipError, match="invitation only"):
        _ask(catalog, "otto")


def test_a_private_community_stays_joined_by_invitation(catalog: Settings) -> None:
    roster_id = _world(catalog)
    with catalog_session(catalog) as session:
        get_community(session, "finance").visibility = "private"
        roster = session.get(Directory, roster_id)
        assert roster is not None
        roster.admits_members = True
    with pytest.raises(MembershipError, match="invitation only"):
        _ask(catalog, "carol")


def test_an_import_with_admits_members_approves_waiting_requests(
    catalog: Settings, tmp_path: Path
) -> None:
    _world(catalog)
    assert _ask(catalog, "carol") == PENDING and _ask(catalog, "otto") == PENDING
    csv = roster_file(tmp_path, "Name,Email\nCarol,carol@example.org\nDan,DAN@example.org\n")
    result = mutual(catalog, "directory", "import", "finance", csv, "--yes", "--admits-members")
    assert "1 waiting requests to join approved" in result.output
    assert "carol@example.org" not in result.output  # a roster address is never printed
    assert _status(catalog, "carol") == "active" and _status(catalog, "otto") == PENDING
    assert _ask(catalog, "dan") == "active"
    mutual(catalog, "directory", "import", "finance", csv, "--yes", "--no-admits-members")
    assert _ask(catalog, "erin") == PENDING  # not on the file any more, and admission is off
    with catalog_session(catalog) as session:
        roster = session.scalar(select(Directory).where(Directory.name == "roster"))
        assert roster is not None and not roster.admits_members
