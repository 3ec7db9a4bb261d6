"""An operator's merges and splits of organisation keys, through `mutual organisation`, reaching
the items' index, the people index and the organisation pages after `mutual index`."""

from __future__ import annotations

from catalog.accounts import add_user
from catalog.communities import add_community
from catalog.db import make_engine, session_factory, transaction
from catalog.items import store_items
from catalog.memberships import add_member
from catalog.people import LISTED, PersonFields, publish_profile
from catalog.records import ParsedItem
from catalog.sources import add_source
from ground.settings import Settings
from tests.helpers import run_mutual
from tests.web import PASSWORD, sign_in
from webapp import create_app

RENAMED = "Warehouse Automation Lead"  # posted under Acme's new name


def _populate(settings: Settings) -> None:
    sessions = session_factory(make_engine(settings.resolved_database_url))
    with transaction(sessions) as session:
        finance = add_community(session, "Finance Leaders", slug="finance")
        jane, ann = (add_user(session, f"{n}@example.org", PASSWORD) for n in ("jane", "ann"))
        for user in (jane, ann):
            add_member(session, user, finance)
        source = add_source(session, "finance", "https://finance.example/jobs.rss")
        jobs = [
            ParsedItem(
                url="https://finance.example/1", title=RENAMED, organisation="Acme Robotics Inc."
            ),
            ParsedItem(
                url="https://finance.example/2", title="Roof Estimator", organisation="Acme Roofing"
            ),
        ]
        store_items(session, source, jobs)
        fields = PersonFields("Jane Doe", organisation="Acme Corp.", role="Controller")
        publish_profile(session, jane.id, finance.id, fields, LISTED)


def _stored_key(settings: Settings, title: str) -> str:
    from sqlalchemy import select

    from catalog.models.items import Item

    with transaction(session_factory(make_engine(settings.resolved_database_url))) as session:
        return session.scalars(select(Item.organisation_key).where(Item.title == title)).one()


def _page(settings: Settings, url: str) -> str:
    client = create_app(settings, {"TESTING": True, "SECRET_KEY": "k"}).test_client()
    assert sign_in(client, "ann@example.org").status_code == 302
    return client.get(url).get_data(as_text=True)


def test_a_merge_joins_two_keys_and_a_split_takes_one_name_apart(catalog: Settings) -> None:
    _populate(catalog)
    run_mutual(catalog, "index")
    assert "Jane Doe" not in _page(catalog, f"/?q={RENAMED}")  # acme-robotics is not acme yet

    said = run_mutual(catalog, "organisation", "merge", "acme-robotics", "acme").stdout
    assert "1 items and people read differently now" in said
    assert _stored_key(catalog, RENAMED) == "acme"  # the catalog keeps the merged key
    run_mutual(catalog, "index")
    page = _page(catalog, f"/?q={RENAMED}")
    assert "1 person from your communities works at Acme Robotics Inc." in page
    assert RENAMED in _page(catalog, "/org/acme-robotics")  # the old key leads to the new one

    # Acme Roofing keys as "acme-roofing" already; split it off into a key of its own name
    # anyway, then forget the merge: Jane is no longer next to the renamed posting.
    run_mutual(catalog, "organisation", "split", "Acme Roofing", "acme-roofing-ohio")
    assert (
        run_mutual(catalog, "organisation", "key", "Acme Roofing").stdout.strip()
        == "acme-roofing-ohio"
    )
    run_mutual(catalog, "organisation", "forget", "merge", "acme-robotics")
    run_mutual(catalog, "index")
    assert "Jane Doe" not in _page(catalog, f"/?q={RENAMED}")
    listed = run_mutual(catalog, "organisation", "list", "--json").stdout
    assert '"target": "acme-roofing-ohio"' in listed and "acme-robotics" not in listed


def test_a_merge_into_itself_or_round_in_a_loop_is_refused(catalog: Settings) -> None:
    run_mutual(catalog, "organisation", "merge", "globex-trading", "globex")
    looped = run_mutual(catalog, "organisation", "merge", "globex", "globex-trading", check=False)
    assert looped.returncode != 0 and "would make a loop" in looped.stderr
    bad = run_mutual(catalog, "organisation", "merge", "Not A Key!", "globex", check=False)
    assert bad.returncode != 0 and "is not an organisation key" in bad.stderr


def test_reindex_brings_stored_keys_to_todays_rules(catalog: Settings) -> None:
    """A key stored under older rules (before "Spółka Akcyjna" was a legal form) is what the
    people index copies; `mutual reindex` re-keys it, and the organisation page finds Jane."""
    from sqlalchemy import select

    from catalog.models.accounts import User
    from catalog.models.items import Item
    from catalog.models.organisations import OrganisationFollow
    from catalog.models.people import Person

    _populate(catalog)
    sessions = session_factory(make_engine(catalog.resolved_database_url))
    with transaction(sessions) as session:
        jane = session.scalars(select(Person)).one()
        jane.organisation, jane.organisation_key = "Orlen Spółka Akcyjna", "orlen-spolka-akcyjna"
        before = jane.change_seq
        job = session.scalars(select(Item).where(Item.title == RENAMED)).one()
        assert job.organisation_key == "acme-robotics"  # stored as it was written
        job.organisation, job.organisation_key = "Orlen Spółka Akcyjna", "orlen-spolka-akcyjna"
        ann = session.scalars(select(User).where(User.email == "ann@example.org")).one()
        session.add(OrganisationFollow(user_id=ann.id, key="orlen-spolka-akcyjna", announced=[]))
    run_mutual(catalog, "index")
    assert "Jane Doe" not in _page(catalog, "/org/orlen")
    assert RENAMED not in _page(catalog, "/org/orlen")
    result = run_mutual(catalog, "reindex")
    assert "organisation keys updated to today's rules: 1 items, 1 people" in result.stdout
    with transaction(sessions) as session:
        jane = session.scalars(select(Person)).one()
        assert jane.organisation_key == "orlen" and jane.change_seq > before
        job = session.scalars(select(Item).where(Item.title == RENAMED)).one()
        assert job.organisation_key == "orlen"
        # Ann's follow of the old key, which nothing carries now, follows the new one.
        assert session.scalars(select(OrganisationFollow.key)).all() == ["orlen"]
    org_page = _page(catalog, "/org/orlen")
    assert "Jane Doe" in org_page and RENAMED in org_page
    again = run_mutual(catalog, "reindex")
    assert "organisation keys updated" not in again.stdout  # nothing left to re-key


def test_a_profiles_typo_lands_on_the_employer_already_known(catalog: Settings) -> None:
    """Keys are made against the organisations the catalog knows: Jane writes "Acme Robotcs"
    (sic), and the posting's "Acme Robotics Inc." page shows her."""
    from sqlalchemy import select

    from catalog.models.people import Person

    _populate(catalog)
    sessions = session_factory(make_engine(catalog.resolved_database_url))
    with transaction(sessions) as session:
        jane = session.scalars(select(Person)).one()
        user_id, community_id = jane.user_id, jane.community_id
        assert user_id is not None
        fields = PersonFields("Jane Doe", organisation="Acme Robotcis Inc", role="Controller")
        publish_profile(session, user_id, community_id, fields, LISTED)
    with transaction(sessions) as session:
        assert session.scalars(select(Person.organisation_key)).one() == "acme-robotics"
    run_mutual(catalog, "index")
    assert "Jane Doe" in _page(catalog, "/org/acme-robotics")
    said = run_mutual(catalog, "organisation", "key", "Acme Robotcis").stdout.strip()
    assert said == "acme-robotics"
