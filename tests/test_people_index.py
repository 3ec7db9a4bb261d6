"""The people index against a real Elasticsearch: who finds whom, warm paths for a page of
organisations in one request, and consent changes and leaving taking effect on the next sync."""

from __future__ import annotations

from sqlalchemy import func, select, update

from catalog.accounts import add_user
from catalog.communities import add_community
from catalog.db import make_engine, session_factory, transaction
from catalog.memberships import add_member, leave
from catalog.models.people import Directory, Person, PersonDeletion
from catalog.models.sources import Community
from catalog.people import (
    INTRODUCTIONS,
    LISTED,
    UNLISTED,
    DirectoryEntry,
    PersonFields,
    profile,
    publish_profile,
    replace_directory,
    visible_people,
)
from ground.settings import Settings
from indexer.client import make_client
from indexer.people_search import PeopleRequest, members_at, search_people
from indexer.people_sync import rebuild_people, sync_people
from indexer.viewers import viewer_for
from tests.web import PASSWORD


def _world(settings: Settings) -> dict[str, int]:
    """Finance Leaders (Jane at Acme, listed; Omar at Acme, unlisted; a roster of two) and the
    alumni chapter (Sam, formerly at Acme). Ids of the users by first name."""
    sessions = session_factory(make_engine(settings.resolved_database_url))
    with transaction(sessions) as session:
        finance = add_community(session, "Finance Leaders", slug="finance")
        alumni = add_community(session, "Alumni Chapter", slug="alumni")
        users = {
            n: add_user(session, f"{n}@example.org", PASSWORD)
            for n in ("jane", "omar", "sam", "ann", "eve")
        }
        for name in ("jane", "omar", "ann"):
            add_member(session, users[name], finance)
        for name in ("sam", "ann"):
            add_member(session, users[name], alumni)
        publish_profile(
            session,
            users["jane"].id,
            finance.id,
            PersonFields(
                "Jane Doe", organisation="Acme Corp.", role="Controller", topics=("FP&A",)
            ),
            INTRODUCTIONS,
        )
        publish_profile(
            session,
            users["omar"].id,
            finance.id,
            PersonFields("Omar Haddad", organisation="ACME Corporation"),
            UNLISTED,
        )
        publish_profile(
            session,
            users["sam"].id,
            alumni.id,
            PersonFields("Sam Lee", organisation="Globex", past_organisations=("Acme, Inc.",)),
            LISTED,
        )
        roster = Directory(community_id=finance.id, name="roster")
        session.add(roster)
        session.flush()
        replace_directory(
            session,
            roster,
            [
                DirectoryEntry(
                    "m1",
                    PersonFields("Priya Shah", organisation="Initech LLC", location="Leeds"),
                    roster_email="priya@initech.example",
                ),
                DirectoryEntry(
                    "m2", PersonFields("Tom Berg", organisation="The Acme Company", role="Auditor")
                ),
            ],
        )
        return {name: user.id for name, user in users.items()} | {"finance": finance.id}


def _names(settings: Settings, user_id: int | None, text: str = "") -> list[str]:
    engine = make_engine(settings.resolved_database_url)
    client = make_client(settings)
    with session_factory(engine)() as session:
        viewer = viewer_for(session, user_id)
        found = search_people(client, settings, viewer, PeopleRequest(text=text))
        return sorted(p.display_name for p in visible_people(session, user_id, found.ids))


def test_people_are_found_only_by_fellow_members_and_only_when_listed(catalog: Settings) -> None:
    users = _world(catalog)
    sessions = session_factory(make_engine(catalog.resolved_database_url))
    client = make_client(catalog)
    report = sync_people(client, sessions, catalog)
    assert report.rebuilt and report.indexed == 4  # Omar's unlisted profile is not sent
    assert _names(catalog, users["jane"]) == ["Jane Doe", "Priya Shah", "Tom Berg"]
    assert _names(catalog, users["ann"]) == ["Jane Doe", "Priya Shah", "Sam Lee", "Tom Berg"]
    assert _names(catalog, users["eve"]) == []  # a member of nothing
    # The index itself keeps to the viewer's communities (counts come from it, unchecked).
    with sessions() as session:
        jane = viewer_for(session, users["jane"])
    assert search_people(client, catalog, jane, PeopleRequest()).total == 3
    assert set(members_at(client, catalog, jane, {"globex"})) == set()
    assert _names(catalog, None) == []
    assert _names(catalog, users["ann"], "acme controller") == ["Jane Doe"]
    assert (
        _names(catalog, users["ann"], "priya@initech.example") == []
    )  # roster address unsearchable


def test_warm_paths_for_a_page_cost_one_request(catalog: Settings) -> None:
    users = _world(catalog)
    sessions = session_factory(make_engine(catalog.resolved_database_url))
    client = make_client(catalog)
    sync_people(client, sessions, catalog)
    with sessions() as session:
        viewer = viewer_for(session, users["ann"])
        outsider = viewer_for(session, users["eve"])
    paths = members_at(client, catalog, viewer, {"acme", "initech", "umbrella"})
    assert set(paths) == {"acme", "initech"}
    acme = paths["acme"]
    assert (acme.current, acme.past) == (2, 1)  # Jane and Tom now, Sam before; not unlisted Omar
    assert [p.display_name for p in acme.current_people] == ["Jane Doe", "Tom Berg"]
    assert [(p.display_name, p.community_name) for p in acme.past_people] == [
        ("Sam Lee", "Alumni Chapter")
    ]
    assert members_at(client, catalog, outsider, {"acme"}) == {}


def test_unlisting_and_leaving_leave_the_index_on_the_next_sync(catalog: Settings) -> None:
    users = _world(catalog)
    sessions = session_factory(make_engine(catalog.resolved_database_url))
    client = make_client(catalog)
    sync_people(client, sessions, catalog)
    with transaction(sessions) as session:
        finance = session.get(Community, users["finance"])
        assert finance is not None
        jane = profile(session, users["jane"], finance.id)
        assert jane is not None
        leave(session, users["jane"], finance)
        # Before any sync, the catalog's own check already hides her.
        assert visible_people(session, users["ann"], [jane.id]) == []
    with transaction(sessions) as session:
        assert session.scalar(select(func.count()).select_from(PersonDeletion)) == 1
    report = sync_people(client, sessions, catalog)
    assert not report.rebuilt and report.removed == 1
    assert "Jane Doe" not in _names(catalog, users["ann"])
    with transaction(sessions) as session:  # the index has passed her tombstone: it goes
        assert session.scalar(select(func.count()).select_from(PersonDeletion)) == 0
    assert rebuild_people(client, sessions, catalog).indexed == 3


def test_people_sharing_one_change_number_are_all_indexed(catalog: Settings) -> None:
    """A bulk write may give many rows one change number; the sync pages by (number, id)."""
    sessions = session_factory(make_engine(catalog.resolved_database_url))
    with transaction(sessions) as session:
        community = add_community(session, "Big Association", slug="big")
        roster = Directory(community_id=community.id, name="roster")
        session.add(roster)
        session.flush()
        entries = [DirectoryEntry(f"m{n}", PersonFields(f"Member {n}")) for n in range(1500)]
        replace_directory(session, roster, entries)
        session.execute(update(Person).values(change_seq=7))
    report = rebuild_people(make_client(catalog), sessions, catalog)
    assert report.indexed == 1500
