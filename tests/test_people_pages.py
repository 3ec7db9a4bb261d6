"""Member profiles, the People search, warm paths on cards and item pages, and organisation
pages, through the web app against a real Elasticsearch, for each kind of visitor."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient

from catalog.accounts import add_user
from catalog.communities import add_community
from catalog.db import make_engine, session_factory, transaction
from catalog.items import store_items
from catalog.memberships import add_member
from catalog.models.people import Directory
from catalog.people import DirectoryEntry, PersonFields, replace_directory
from catalog.records import ParsedItem
from catalog.sources import add_source
from ground.settings import Settings
from tests.helpers import run_mutual
from tests.web import PASSWORD, csrf_token, post_button, sign_in
from webapp import create_app

JOB = "Senior Treasury Analyst"


@dataclass(frozen=True)
class World:
    settings: Settings
    item_path: str


def _populate(settings: Settings) -> None:
    """Finance Leaders (Jane, Ann; a roster with Tom at The Acme Company) and the private
    alumni circle (Sam, who used to work at Acme). Eve belongs to nothing; Ann to both."""
    sessions = session_factory(make_engine(settings.resolved_database_url))
    with transaction(sessions) as session:
        finance = add_community(session, "Finance Leaders", slug="finance")
        circle = add_community(session, "Alumni Circle", slug="circle")
        circle.visibility = "private"
        users = {
            n: add_user(session, f"{n}@example.org", PASSWORD)
            for n in ("jane", "ann", "sam", "eve")
        }
        for name in ("jane", "ann"):
            add_member(session, users[name], finance)
        for name in ("sam", "ann"):
            add_member(session, users[name], circle)
        source = add_source(session, "finance", "https://finance.example/jobs.rss")
        store_items(
            session,
            source,
            [
                ParsedItem(
                    url="https://finance.example/jobs/1", title=JOB, organisation="Acme Corp."
                )
            ],
        )
        roster = Directory(community_id=finance.id, name="roster")
        session.add(roster)
        session.flush()
        entry = DirectoryEntry(
            "m2",
            PersonFields("Tom Berg", organisation="The Acme Company", role="Auditor"),
            roster_email="tom.private@acme.example",
        )
        replace_directory(session, roster, [entry])


@pytest.fixture
def world(catalog: Settings) -> Iterator[World]:
    _populate(catalog)
    run_mutual(catalog, "index")
    yield World(catalog, "")


def _browser(settings: Settings, who: str | None) -> FlaskClient:
    client = create_app(settings, {"TESTING": True, "SECRET_KEY": "k"}).test_client()
    if who:
        assert sign_in(client, f"{who}@example.org").status_code == 302
    return client


def _publish(client: FlaskClient, slug: str, consent: str, **fields: str) -> str:
    page = client.get(f"/c/{slug}/profile").get_data(as_text=True)
    form = {"csrf_token": csrf_token(page, "#profile-form"), "consent": consent, **fields}
    response = client.post(f"/c/{slug}/profile", data=form, follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_listed_profile_is_found_by_fellow_members_only(world: World) -> None:
    jane = _browser(world.settings, "jane")
    page = _publish(
        jane,
        "finance",
        "introductions",
        display_name="Jane Doe",
        organisation="ACME Corporation",
        role="Controller",
        topics="FP&A, treasury",
    )
    assert "is saved" in page
    ann, eve, anonymous = (_browser(world.settings, w) for w in ("ann", "eve", None))
    found = ann.get("/people?q=acme").get_data(as_text=True)
    assert "Jane Doe" in found and "Tom Berg" in found and "Controller" in found
    assert "tom.private@acme.example" not in found  # a roster address is never shown
    assert "Jane Doe" not in eve.get("/people?q=acme").get_data(as_text=True)
    assert anonymous.get("/people?q=acme").status_code == 302  # to the sign-in page
    # Unlisting takes her out at once.
    _publish(jane, "finance", "unlisted", display_name="Jane Doe", organisation="ACME Corporation")
    assert "Jane Doe" not in ann.get("/people?q=acme").get_data(as_text=True)


def test_cards_item_pages_and_organisation_pages_show_warm_paths_to_members(world: World) -> None:
    sam = _browser(world.settings, "sam")
    _publish(
        sam,
        "circle",
        "members",
        display_name="Sam Lee",
        organisation="Globex",
        past_organisations="Acme, Inc.",
    )
    ann = _browser(world.settings, "ann")
    results = ann.get(f"/?q={JOB}").get_data(as_text=True)
    assert "1 person from your communities works at Acme Corp." in results
    assert "Tom Berg, Finance Leaders" in results
    assert "1 used to work there (Sam Lee, Alumni Circle)" in results
    item = ann.get(_item_path(results)).get_data(as_text=True)
    assert "Tom Berg, Finance Leaders" in item
    org = ann.get("/org/acme").get_data(as_text=True)
    assert JOB in org and "Tom Berg" in org
    for who in ("jane", "eve", None):  # Jane is not in the circle: no Sam for her
        page = _browser(world.settings, who).get(f"/?q={JOB}").get_data(as_text=True)
        assert "Sam Lee" not in page and "Alumni Circle" not in page
        if who != "jane":
            assert "Tom Berg" not in page and "from your communities" not in page


def test_leaving_a_community_removes_ones_profile_from_it(world: World) -> None:
    sam = _browser(world.settings, "sam")
    _publish(sam, "circle", "members", display_name="Sam Lee", organisation="Globex")
    ann = _browser(world.settings, "ann")
    assert "Sam Lee" in ann.get("/people?q=globex").get_data(as_text=True)
    assert post_button(sam, "/c/circle", "/c/circle/leave").status_code == 302
    assert "Sam Lee" not in ann.get("/people?q=globex").get_data(as_text=True)
    assert sam.get("/c/circle/profile").status_code == 404  # a private circle he left


def _item_path(page: str) -> str:
    start = page.index('href="/items/') + len('href="')
    return page[start : page.index('"', start)]


def test_a_member_downloads_and_deletes_what_mutual_holds_about_them(world: World) -> None:
    jane = _browser(world.settings, "jane")
    _publish(jane, "finance", "members", display_name="Jane Doe", organisation="Acme Corp.")
    exported = jane.get("/account/member-data.json")
    assert exported.headers["Content-Disposition"].startswith("attachment")
    data = exported.get_json()
    assert [p["display_name"] for p in data["profiles_and_entries"]] == ["Jane Doe"]
    assert "tom.private@acme.example" not in exported.get_data(as_text=True)
    ann = _browser(world.settings, "ann")
    assert "Jane Doe" in ann.get("/people?q=acme").get_data(as_text=True)
    assert post_button(jane, "/account", "/account/member-data/delete").status_code == 302
    assert jane.get("/account/member-data.json").get_json()["profiles_and_entries"] == []
    assert "Jane Doe" not in ann.get("/people?q=acme").get_data(as_text=True)


def test_a_member_listed_in_two_of_ones_communities_counts_once(world: World) -> None:
    from catalog.accounts import find_user
    from catalog.communities import get_community

    sessions = session_factory(make_engine(world.settings.resolved_database_url))
    with transaction(sessions) as session:
        sam = find_user(session, "sam@example.org")
        assert sam is not None
        add_member(session, sam, get_community(session, "finance"))
    sam_client = _browser(world.settings, "sam")
    for slug in ("circle", "finance"):
        _publish(sam_client, slug, "members", display_name="Sam Lee", organisation="Acme Corp")
    ann = _browser(world.settings, "ann")  # in both communities
    page = ann.get(f"/?q={JOB}").get_data(as_text=True)
    assert "2 people from your communities work at Acme Corp." in page
    assert "Sam Lee, Alumni Circle and Finance Leaders" in page
    assert "Tom Berg, Finance Leaders" in page
    jane = _browser(world.settings, "jane")  # in Finance Leaders only: the circle stays hidden
    theirs = jane.get(f"/?q={JOB}").get_data(as_text=True)
    assert "2 people from your communities work at Acme Corp." in theirs
    assert "Sam Lee, Finance Leaders" in theirs and "Alumni Circle" not in theirs
