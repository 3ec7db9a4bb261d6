"""Memberships, invitations and removing a source, on the catalog's database: this module runs
on PostgreSQL too (the community admin pages' tests are SQLite only, to keep the second run
short; removing a source relies on the database's foreign keys, so it is proven on both)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.accounts import add_user, find_user
from catalog.changes import deletions_since
from catalog.communities import add_community
from catalog.db import make_engine, session_factory, transaction
from catalog.item_keys import item_id_for
from catalog.items import store_items
from catalog.memberships import (
    ADMIN,
    InvitationInvalid,
    MembershipError,
    accept_invitation,
    add_member,
    approve,
    create_invitation,
    find_invitation,
    leave,
    list_invitations,
    member_slugs,
    members,
    request_to_join,
    revoke_invitation,
    set_role,
)
from catalog.models.base import utcnow
from catalog.models.items import Item
from catalog.records import ParsedItem
from catalog.sequences import current_value
from catalog.source_removal import remove_source
from catalog.sources import add_source, get_source
from ground.settings import Settings


def _people(session: Session) -> None:
    for name in ("alice", "bob", "carol"):
        add_user(session, f"{name}@example.org", "correct horse battery")


def test_join_approve_invite_revoke_and_remove(catalog: Settings) -> None:
    engine = make_engine(catalog.resolved_database_url)
    sessions = session_factory(engine)
    try:
        with transaction(sessions) as session:
            _people(session)
        with transaction(sessions) as session:
            _memberships_and_invitations(session)
    finally:
        engine.dispose()


def _memberships_and_invitations(session: Session) -> None:
    alice, bob, carol = (find_user(session, f"{n}@example.org") for n in ("alice", "bob", "carol"))
    assert alice and bob and carol
    club = add_community(session, "Finance Club", slug="finance-club")
    add_member(session, alice, club, role=ADMIN)
    assert request_to_join(session, bob, club).status == "pending"
    assert member_slugs(session, bob.id) == ()
    approve(session, bob.id, club)
    assert member_slugs(session, bob.id) == ("finance-club",)
    with pytest.raises(MembershipError, match="at least one admin"):
        set_role(session, alice.id, club, "member")

    now = utcnow()
    token = create_invitation(session, club, alice, days=2, max_uses=1, now=now)
    spare = create_invitation(session, club, alice, days=2, max_uses=4, now=now)
    assert accept_invitation(session, token, carol).slug == "finance-club"
    with pytest.raises(InvitationInvalid, match="already been used"):
        find_invitation(session, token)
    spare_row = find_invitation(session, spare)
    revoke_invitation(session, club, spare_row.id)
    with pytest.raises(InvitationInvalid, match="not valid"):
        find_invitation(session, spare)
    with pytest.raises(InvitationInvalid, match="expired"):
        find_invitation(session, token, now=now + timedelta(days=3))
    listed = [(i.max_uses, i.uses, i.revoked) for i in list_invitations(session, club)]
    assert sorted(listed) == [(1, 1, False), (4, 0, True)]
    other = add_community(session, "Other", slug="other")
    with pytest.raises(MembershipError, match="no invitation"):
        revoke_invitation(session, other, spare_row.id)

    leave(session, bob.id, club)
    assert member_slugs(session, bob.id) == ()
    assert [m.user.email for m in members(session, club)] == [
        "alice@example.org",
        "carol@example.org",
    ]


def test_removing_a_source_deletes_its_own_items_and_keeps_shared_ones(catalog: Settings) -> None:
    shared = ParsedItem(url="https://jobs.example.org/1", title="Analyst")
    own = ParsedItem(url="https://jobs.example.org/2", title="Clerk")
    engine = make_engine(catalog.resolved_database_url)
    sessions = session_factory(engine)
    try:
        with transaction(sessions) as session:
            for slug in ("one", "two"):
                add_community(session, slug.title(), slug=slug)
            first = add_source(session, "one", "https://one.example.org/feed.rss")
            second = add_source(session, "two", "https://two.example.org/feed.rss")
            store_items(session, first, [shared, own], complete=True)
            store_items(session, second, [shared], complete=True)
            first_id, second_id = first.id, second.id
        with transaction(sessions) as session:
            before = current_value(session)
            removed = remove_source(session, get_source(session, first_id))
        assert (removed.items_deleted, removed.items_updated) == (1, 1)
        with transaction(sessions) as session:
            (kept,) = session.scalars(select(Item)).all()
            assert kept.id == item_id_for(shared.url)
            assert [s.source_id for s in kept.sightings] == [second_id]
            assert kept.content_source_id in (None, second_id)
            assert kept.change_seq > before  # the sync sends it again, without source one
            upto = current_value(session)
            assert deletions_since(session, before, upto) == [item_id_for(own.url)]
    finally:
        engine.dispose()
