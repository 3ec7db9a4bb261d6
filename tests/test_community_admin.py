"""Managing a community in the web app: who may, members, invitations and settings. A Flask
test client on the real catalog; every form is posted with the CSRF token read from the page, as
a browser does (tests/community_admin_world.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalog.accounts import find_user
from catalog.communities import get_community
from catalog.memberships import membership
from catalog.models.memberships import Invitation
from ground.settings import Settings
from tests.community_admin_world import Browser, _people, _text
from tests.helpers import catalog_session

pytestmark = pytest.mark.sqlite_only


def _user_id(settings: Settings, name: str) -> int:
    with catalog_session(settings) as session:
        user = find_user(session, f"{name}@example.org")
        assert user is not None
        return user.id


def _membership(settings: Settings, name: str, slug: str = "shca") -> tuple[str, str] | None:
    with catalog_session(settings) as session:
        row = membership(session, _user_id(settings, name), get_community(session, slug).id)
        return (row.status, row.role) if row else None


def test_only_admins_and_the_operator_manage(catalog: Settings) -> None:
    _people(catalog)
    anonymous = Browser(catalog).client.get("/c/shca/manage")
    assert anonymous.status_code == 302 and "/signin" in anonymous.headers["Location"]
    member = Browser(catalog).sign_in("bob@example.org")
    assert member.get("/c/shca/manage")[0] == 403
    token = member.get("/c/shca")[1].css("#membership input[name=csrf_token]::attr(value)").get()
    refused = member.client.post("/c/shca/manage/members/1/remove", data={"csrf_token": token})
    assert token and refused.status_code == 403
    outsider = Browser(catalog).sign_in("dave@example.org")
    assert outsider.get("/c/shca/manage")[0] == 403
    assert outsider.get("/c/inner-circle/manage")[0] == 404  # a private community stays hidden
    status, page = Browser(catalog).sign_in("alice@example.org").get("/c/shca/manage")
    assert status == 200
    assert page.css("#members tr.member-row .member-email::text").getall() == [
        "alice@example.org",
        "bob@example.org",
        "carol@example.org",
        "erin@example.org",
    ]
    assert Browser(catalog).sign_in("op@example.org").get("/c/inner-circle/manage")[0] == 200
    _, community_page = Browser(catalog).sign_in("alice@example.org").get("/c/shca")
    assert community_page.css("a[href='/c/shca/manage']")


def test_admin_approves_refuses_changes_roles_and_removes(catalog: Settings) -> None:
    _people(catalog)
    alice = Browser(catalog).sign_in("alice@example.org")
    bob = Browser(catalog).sign_in("bob@example.org")
    ids = {name: _user_id(catalog, name) for name in ("alice", "bob", "carol", "erin")}

    def act(name: str, action: str) -> str:
        form = f"#member-{ids[name]} form[action$='/{action}']"
        return _text(alice.submit("/c/shca/manage", form))

    assert "carol@example.org is now a member" in act("carol", "approve")
    assert _membership(catalog, "carol") == ("active", "member")
    assert "request from erin@example.org was refused" in act("erin", "refuse")
    assert _membership(catalog, "erin") is None
    act("bob", "make-admin")
    assert bob.get("/c/shca/manage")[0] == 200  # at once, from the next request
    act("bob", "make-member")
    assert bob.get("/c/shca/manage")[0] == 403
    assert "a community keeps at least one admin" in act("alice", "make-member")
    assert "bob@example.org was removed" in act("bob", "remove")
    assert _membership(catalog, "bob") is None
    _, page = bob.get("/c/shca")
    assert page.css("#join")  # Bob is no member any more: he may only ask again


def test_invitation_link_works_once_and_revoked_links_fail(catalog: Settings) -> None:
    _people(catalog)
    alice = Browser(catalog).sign_in("alice@example.org")
    created = _text(alice.submit("/c/inner-circle/manage", "#invitation-form", days=3, max_uses=1))
    prefix = f"{catalog.public_url}/invite/"
    assert prefix in created
    link = created.split(prefix, 1)[1].split()[0]
    dave = Browser(catalog).sign_in("dave@example.org")
    joined = dave.submit(f"/invite/{link}", "#accept-form")
    assert "Welcome to Inner Circle" in _text(joined)
    assert _membership(catalog, "dave", "inner-circle") == ("active", "member")
    erin = Browser(catalog).sign_in("erin@example.org")
    assert erin.get(f"/invite/{link}")[0] == 404  # used up
    _, page = alice.get("/c/inner-circle/manage")
    assert page.css(".invitation-uses::text").get() == "1 / 1"
    assert prefix not in " ".join(page.css("main ::text").getall())  # shown once only

    second = _text(alice.submit("/c/inner-circle/manage", "#invitation-form", days=1, max_uses=5))
    token = second.split(prefix, 1)[1].split()[0]
    with catalog_session(catalog) as session:
        newest = session.scalar(select(Invitation).order_by(Invitation.id.desc()))
        assert newest is not None and newest.max_uses == 5
        newest_id = newest.id
    revoked = alice.submit("/c/inner-circle/manage", f"#invitation-{newest_id} form")
    assert f"Invitation #{newest_id} revoked" in _text(revoked)
    status, refused = erin.get(f"/invite/{token}")
    assert status == 404 and "not valid" in " ".join(refused.css(".error ::text").getall())
    assert _membership(catalog, "erin", "inner-circle") is None


def test_admin_changes_the_community_settings(catalog: Settings) -> None:
    _people(catalog)
    alice = Browser(catalog).sign_in("alice@example.org")
    saved = alice.submit(
        "/c/shca/manage",
        "#settings-form",
        description="Accountants in healthcare.",
        homepage="https://shca.example.org/",
        visibility="private",
        join_policy="invite",
    )
    assert "Settings of Society of Healthcare Accountants saved" in _text(saved)
    with catalog_session(catalog) as session:
        shca = get_community(session, "shca")
        assert (shca.visibility, shca.join_policy) == ("private", "invite")
        assert shca.homepage == "https://shca.example.org/"
    assert Browser(catalog).sign_in("dave@example.org").get("/c/shca/manage")[0] == 404
