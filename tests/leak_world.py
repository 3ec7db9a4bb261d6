"""The world of the leak table (tests/test_leaks.py): tests/access_world.py's public association
and private circle, plus a member-only board of the public association, and a person in each
role, each with a saved search (its feed) and a calendar address. Built once per module: every
row of the table reads it and none writes to it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.accounts import add_user, find_user
from catalog.communities import add_community
from catalog.db import make_engine, session_factory, transaction, upgrade_schema
from catalog.entry_claims import start_claim
from catalog.memberships import ADMIN, MEMBER, add_member, create_invitation
from catalog.models.accounts import User
from catalog.models.people import Directory, Person
from catalog.models.sources import Community
from catalog.people import (
    INTRODUCTIONS,
    LISTED,
    DirectoryEntry,
    PersonFields,
    publish_profile,
    replace_directory,
)
from catalog.saved_searches import add_saved_search, new_calendar_token, new_feed_token
from catalog.sources import add_source
from ground.settings import Settings
from indexer.client import make_client
from indexer.names import IndexNames
from indexer.query.request import SearchRequest
from indexer.search import search
from indexer.viewers import viewer_for
from mutual.local_site import LocalSite
from tests.access_world import SECRET_COMMUNITY, SECRET_TITLE
from tests.conftest import FIXTURES
from tests.helpers import isolated_settings, remove_indices, run_mutual
from tests.web import PASSWORD, post_button, sign_in
from webapp import create_app

# "member" belongs to both communities, "admin" administers the circle only, "former" was in
# both and left them (through the web, as a person does), "operator" belongs to none.
ROLES = ("anonymous", "outsider", "member", "former", "admin", "operator")
ASSOCIATION_SECRET_TITLE = "Chief Financial Officer"  # on the association's member-only board
MEMBER_BOARD = "/crawl/members/jobs.rss"
CIRCLE_BOARD = "/alumni/jobs.atom"
# People: the circle's admin lists a profile at the circle job's employer; the former member
# had one there too, until leaving; the association's roster lists someone at a public
# posting's employer, with an address from the roster that nobody may ever see.
CIRCLE_PERSON = "Quentin Ashgrove"
FORMER_PERSON = "Ford Leftwell"
SHCA_PERSON = "Philippa Nightingale"
ROSTER_ADDRESS = "philippa.private@stmarys.example"


@dataclass(frozen=True)
class World:
    settings: Settings
    values: dict[str, str]  # what the table's URLs name: {circle_item}, {shca_source}, ...
    own: dict[str, dict[str, str]]  # role -> its own {search}, {feed} and {calendar}


def _people(session: Session, circle: Community, shca: Community) -> dict[str, User]:
    people = {}
    for role in ROLES[1:]:
        user = add_user(session, f"{role}@example.org", PASSWORD, admin=role == "operator")
        people[role] = user
        if role in ("member", "former"):
            add_member(session, user, shca, role=MEMBER)
        if role in ("member", "former", "admin"):
            add_member(session, user, circle, role=ADMIN if role == "admin" else MEMBER)
    return people


def _profiles(
    session: Session, people: dict[str, User], circle: Community, shca: Community
) -> dict[str, str]:
    admin = publish_profile(
        session,
        people["admin"].id,
        circle.id,
        PersonFields(CIRCLE_PERSON, organisation="Aspen Clinical Trials", role="Data lead"),
        INTRODUCTIONS,
    )
    publish_profile(
        session,
        people["former"].id,
        circle.id,
        PersonFields(FORMER_PERSON, organisation="Aspen Clinical Trials"),
        LISTED,
    )
    roster = Directory(community_id=shca.id, name="roster")
    session.add(roster)
    session.flush()
    fields = PersonFields(SHCA_PERSON, organisation="St. Mary's Regional Hospital")
    replace_directory(session, roster, [DirectoryEntry("p1", fields, roster_email=ROSTER_ADDRESS)])
    shca_person = session.scalar(select(Person.id).where(Person.directory_id == roster.id))
    return {
        "circle_person": str(admin.id),
        "shca_person": str(shca_person),
        "shca_roster": str(roster.id),
    }


def _populate(
    settings: Settings, site: LocalSite
) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    engine = make_engine(settings.resolved_database_url)
    own: dict[str, dict[str, str]] = {}
    with transaction(session_factory(engine)) as session:
        shca = add_community(session, "Society of Healthcare Accountants", slug="shca")
        circle = add_community(session, SECRET_COMMUNITY, slug="circle")
        circle.visibility, circle.join_policy = "private", "invite"
        public = add_source(session, "shca", f"{site.base_url}/association/careers.rss")
        board = add_source(session, "shca", f"{site.base_url}{MEMBER_BOARD}", access="members")
        secret = add_source(session, "circle", f"{site.base_url}{CIRCLE_BOARD}", access="members")
        people = _people(session, circle, shca)
        values_people = _profiles(session, people, circle, shca)
        for role, user in people.items():
            saved = add_saved_search(session, user.id, f"{role}'s search", "scope=all")
            calendar = new_calendar_token(session, user.id)
            own[role] = {"search": str(saved.id), "feed": new_feed_token(saved)}
            own[role]["calendar"] = calendar
        values = {"invitation": create_invitation(session, circle, None, max_uses=100)}
        values |= {"public_source": str(public.id), "shca_source": str(board.id)}
        values["circle_source"] = str(secret.id)
        values |= values_people
        # The association's member asked to claim its roster entry: the link mailed is theirs.
        _, values["member_claim"] = start_claim(
            session, people["member"].id, int(values_people["shca_person"])
        )
    engine.dispose()
    return values, own


def _item_ids(settings: Settings) -> dict[str, str]:
    """The member-only listings' ids, as the member's search finds them."""
    engine, client = make_engine(settings.resolved_database_url), make_client(settings)
    try:
        with session_factory(engine)() as session:
            user = find_user(session, "member@example.org")
            assert user is not None
            viewer = viewer_for(session, user.id)
        names = IndexNames(settings.index_prefix)
        found = {
            key: search(client, names, SearchRequest(text=title), viewer).hits[0].id
            for key, title in (
                ("circle_item", SECRET_TITLE),
                ("shca_item", ASSOCIATION_SECRET_TITLE),
            )
        }
        return found
    finally:
        client.close()
        engine.dispose()


def build_world(settings: Settings, site: LocalSite) -> World:
    values, own = _populate(settings, site)
    run_mutual(settings, "crawl")
    run_mutual(settings, "index")
    return World(settings, values | _item_ids(settings), own)


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory, es_url: str, module_database_url: str
) -> Iterator[World]:
    root = tmp_path_factory.mktemp("leaks")
    settings = isolated_settings(root, es_url, module_database_url)
    upgrade_schema(settings.resolved_database_url)
    site = LocalSite(FIXTURES)
    site.start()
    try:
        yield build_world(settings, site)
    finally:
        site.stop()
        remove_indices(es_url, settings.index_prefix)


def _leave_everything(client: FlaskClient) -> None:
    """The former member saw both boards' listings, then left: access must end at once."""
    page = client.get("/?scope=all").get_data(as_text=True)
    assert SECRET_TITLE in page and ASSOCIATION_SECRET_TITLE in page
    for slug in ("circle", "shca"):
        assert post_button(client, f"/c/{slug}", f"/c/{slug}/leave").status_code == 302


@pytest.fixture(scope="module")
def browsers(world: World) -> dict[str, FlaskClient]:
    """One signed-in browser per role (the anonymous one signed in as nobody)."""
    app = create_app(world.settings, {"TESTING": True, "SECRET_KEY": "k"})
    clients = {}
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            assert sign_in(client, f"{role}@example.org").status_code == 302
        if role == "former":
            _leave_everything(client)
        clients[role] = client
    return clients
