"""Warm paths cost a results page one Elasticsearch request, however many cards it has (issue
21): the search page of 20 cards, rendered for a signed-in member, makes exactly one request
more than the same page for an anonymous visitor, and that one is a search of the people index.

Requests are counted at the app's own client transport (every `client.options(...)` copy shares
it), so whatever the page asks of Elasticsearch is seen, not only the calls this test expects."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient
from parsel import Selector

from catalog.accounts import add_user
from catalog.communities import add_community
from catalog.db import make_engine, session_factory, transaction
from catalog.items import store_items
from catalog.memberships import add_member
from catalog.people import (
    DirectoryEntry,
    PersonFields,
    ensure_directory,
    publish_profile,
    replace_directory,
)
from catalog.records import ParsedItem
from catalog.sources import add_source
from ground.settings import Settings
from indexer.people_mapping import PeopleNames
from tests.helpers import run_mutual
from tests.web import PASSWORD, sign_in
from webapp import create_app
from webapp.services import Services

QUERY = "analyst"
ORGANISATIONS = (
    "Acme Robotics",
    "Globex",
    "Initech",
    "Umbrella Health",
    "Stark Industries",
    "Wayne Enterprises",
    "Wonka Foods",
    "Tyrell Systems",
    "Cyberdyne",
    "Soylent",
    "Hooli",
    "Pied Piper",
    "Vandelay Industries",
    "Gringotts",
    "Oscorp",
    "Massive Dynamic",
    "Aperture Science",
    "Black Mesa",
    "Monarch Solutions",
    "Dunder Mifflin",
    "Sterling Cooper",
    "Prestige Worldwide",
    "Bluth Company",
    "Nakatomi Trading",
    "Virtucon",
)


@dataclass(frozen=True)
class Fellow:
    name: str
    community: str
    organisation: str
    past: tuple[str, ...] = ()


# Fellow members at organisations of several cards, so a page that asked per card or per
# organisation would show more than one extra request.
FELLOWS = (
    Fellow("Tom Berg", "finance", "Acme Robotics"),
    Fellow("Lena Ortiz", "finance", "Initech", ("Globex",)),
    Fellow("Ravi Shah", "circle", "Hooli", ("Acme Robotics", "Cyberdyne")),
    Fellow("Mei Chen", "circle", "Virtucon"),
)


def _populate(settings: Settings) -> None:
    """Finance Leaders (public, 25 jobs, each at another organisation, and a roster) and the
    alumni circle; Ann belongs to both and publishes her own profile, Eve to neither."""
    sessions = session_factory(make_engine(settings.resolved_database_url))
    with transaction(sessions) as session:
        communities = {
            "finance": add_community(session, "Finance Leaders", slug="finance"),
            "circle": add_community(session, "Alumni Circle", slug="circle"),
        }
        ann = add_user(session, "ann@example.org", PASSWORD)
        add_user(session, "eve@example.org", PASSWORD)
        for community in communities.values():
            add_member(session, ann, community)
        source = add_source(session, "finance", "https://finance.example/jobs.rss")
        jobs = [
            ParsedItem(
                url=f"https://finance.example/jobs/{n}",
                title=f"Financial Analyst {n}",
                organisation=name,
            )
            for n, name in enumerate(ORGANISATIONS)
        ]
        store_items(session, source, jobs)
        for slug, community in communities.items():
            roster = ensure_directory(session, community.id, "roster")
            entries = [
                DirectoryEntry(
                    f"e{n}",
                    PersonFields(f.name, organisation=f.organisation, past_organisations=f.past),
                )
                for n, f in enumerate(FELLOWS)
                if f.community == slug
            ]
            replace_directory(session, roster, entries)
        own = PersonFields("Ann Page", organisation="Stark Industries")
        publish_profile(session, ann.id, communities["finance"].id, own, "members")


@pytest.fixture
def settings_with_world(catalog: Settings) -> Settings:
    _populate(catalog)
    run_mutual(catalog, "index")
    return catalog


@dataclass
class CountedApp:
    """A browser on the app, and the (method, path) of every request its client sent."""

    browser: FlaskClient
    requests: list[tuple[str, str]]


def _counting(perform: Callable[..., Any], seen: list[tuple[str, str]]) -> Callable[..., Any]:
    def counted(method: str, path: str, *args: Any, **kwargs: Any) -> Any:
        seen.append((method, path))
        return perform(method, path, *args, **kwargs)

    return counted


@pytest.fixture
def counted(settings_with_world: Settings) -> Iterator[Callable[[str | None], CountedApp]]:
    made: list[Services] = []

    def open_app(who: str | None) -> CountedApp:
        app = create_app(settings_with_world, {"TESTING": True, "SECRET_KEY": "k"})
        services: Services = app.extensions["mutual"]
        seen: list[tuple[str, str]] = []
        transport = services.search_client.transport
        transport.perform_request = _counting(transport.perform_request, seen)  # type: ignore[method-assign]
        made.append(services)
        browser = app.test_client()
        if who:
            assert sign_in(browser, f"{who}@example.org").status_code == 302
        return CountedApp(browser, seen)

    yield open_app
    for services in made:
        services.search_client.close()


def _requests_for_page(app: CountedApp) -> tuple[str, list[tuple[str, str]]]:
    """The results page's HTML and the requests rendering it made (after one render that
    warms whatever the app does once per process)."""
    assert app.browser.get(f"/?q={QUERY}").status_code == 200
    app.requests.clear()
    response = app.browser.get(f"/?q={QUERY}")
    assert response.status_code == 200
    return response.get_data(as_text=True), list(app.requests)


def _cards(page: str) -> int:
    return len(Selector(text=page).css("li.result"))


def test_warm_paths_cost_a_page_of_20_cards_one_request(
    counted: Callable[[str | None], CountedApp], settings_with_world: Settings
) -> None:
    member_page, member = _requests_for_page(counted("ann"))
    anonymous_page, anonymous = _requests_for_page(counted(None))
    assert _cards(member_page) == _cards(anonymous_page) == 20
    # The member's page shows fellow members on several cards, current and past employers.
    for name in ("Tom Berg", "Lena Ortiz", "Ravi Shah"):
        assert name in member_page and name not in anonymous_page
    people = f"/{PeopleNames(settings_with_world.index_prefix).alias}/_search"
    assert [(method, path.split("?")[0]) for method, path in member if path.startswith(people)] == [
        ("POST", people)
    ]
    assert len(member) - len(anonymous) == 1, (member, anonymous)
    assert sorted(r for r in member if not r[1].startswith(people)) == sorted(anonymous)


def test_a_member_of_nothing_costs_the_page_no_request(
    counted: Callable[[str | None], CountedApp],
) -> None:
    _, eve = _requests_for_page(counted("eve"))
    _, anonymous = _requests_for_page(counted(None))
    assert sorted(eve) == sorted(anonymous)
