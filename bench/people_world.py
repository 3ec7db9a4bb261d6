"""The generated catalog of bench/people_search.py: communities, one roster each, and people
with realistic names, organisations spread as employers are (Zipf), roles, cities and topics,
inserted in bulk with one change number each."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, update

from catalog.communities import add_community
from catalog.db import make_engine, session_factory, transaction, upgrade_schema
from catalog.models.base import utcnow
from catalog.models.change_log import Sequence
from catalog.models.people import Person
from catalog.organisations import organisation_key
from catalog.people import LISTED, ensure_directory
from catalog.sequences import PEOPLE_CHANGES, next_value
from ground.settings import Settings


def _words(text: str, separator: str | None = None) -> list[str]:
    return text.split(separator)


COMMUNITIES = 20
ORGANISATIONS = 2000
VIEWER_COMMUNITIES = (1, 6, 11)  # by size rank: a large, a middling and a small community
PAGE_KEYS = 20
FIRST = _words(
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy "
    "Matthew Betty Anthony Sandra Mark Margaret Donald Ashley Steven Kimberly Andrew Emily "
    "Paul Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Melissa George Deborah "
    "Timothy Stephanie Priya Wei Aisha Mateo Sofia Hiroshi Fatima Olga Lars Ingrid Chidi "
    "Amara Diego Lucia Rahul Ananya Jin Mei Omar Leila Tomasz Agnieszka Kwame Nia Pierre "
    "Camille Hans Greta"
)
LAST = _words(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez "
    "Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson "
    "White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott "
    "Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell "
    "Carter Roberts Patel Chen Wang Kim Singh Kowalski Novak Okafor Mensah Dubois Schmidt "
    "Müller Rossi Bianchi Tanaka Sato Haddad Khan Larsen Johansson Ivanova Petrov Costa "
    "Silva Fernandes Berg Lindqvist"
)
STEMS = _words(
    "Acme Globex Initech Northwind Contoso Fabrikam Umbrella Stark Wayne Wonka Tyrell Hooli "
    "Vandelay Oscorp Aperture Monarch Sterling Bluth Nakatomi Virtucon Cyberdyne Soylent "
    "Gringotts Prestige Dunder Massive Pinnacle Summit Harbor Cedar Maple Granite Silver "
    "Blue Red Evergreen Lakeside Riverside Highland Atlas Orion Vega Polaris Zenith Apex "
    "Meridian Horizon Keystone Liberty Pioneer Frontier Beacon Crescent Sequoia Redwood "
    "Aspen Juniper Willow"
)
SUFFIXES = _words(
    "Robotics Health Capital Bank Foods Labs Partners Systems Analytics Energy Logistics "
    "Insurance Pharma Media Motors Software Consulting Retail Advisors Foundation Group "
    "Holdings Networks Biotech Aerospace Financial Hospital University Studios Security "
    "Semiconductors Airlines Telecom Realty Ventures Manufacturing Chemicals Water Trust "
    "Works"
)
ROLES = [
    "Controller",
    "Financial Analyst",
    "Senior Accountant",
    "VP Finance",
    "Chief Financial Officer",
    "Treasury Manager",
    "FP&A Manager",
    "Auditor",
    "Tax Director",
    "Data Engineer",
    "Software Engineer",
    "Product Manager",
    "Data Scientist",
    "Engineering Manager",
    "UX Designer",
    "Recruiter",
    "HR Business Partner",
    "Marketing Director",
    "Sales Manager",
    "Account Executive",
    "Operations Manager",
    "Supply Chain Analyst",
    "Nurse Practitioner",
    "Research Scientist",
    "Professor",
    "Attorney",
    "Management Consultant",
    "Project Manager",
    "Customer Success Manager",
    "Chief Operating Officer",
]
CITIES = [
    "San Francisco, CA",
    "New York, NY",
    "Chicago, IL",
    "Denver, CO",
    "Austin, TX",
    "Boston, MA",
    "Seattle, WA",
    "Atlanta, GA",
    "Los Angeles, CA",
    "Washington, DC",
    "Toronto, ON",
    "London, UK",
    "Berlin, Germany",
    "Paris, France",
    "Remote",
    "Minneapolis, MN",
    "Phoenix, AZ",
    "Miami, FL",
    "Portland, OR",
    "Dublin, Ireland",
]
TOPICS = _words(
    "treasury;FP&A;audit;tax;M&A;fundraising;machine learning;cloud;security;product "
    "strategy;design systems;recruiting;diversity;leadership;mentoring;career change;supply "
    "chain;healthcare;climate;fintech;payments;accounting;analytics;SQL;Python;marketing;"
    "sales;operations;startups;nonprofits;public "
    "sector;education;real estate;biotech;energy;retail;consulting;negotiation;public "
    "speaking;remote work",
    ";",
)


# --- The catalog -----------------------------------------------------------------------------


@dataclass(frozen=True)
class World:
    """What the generated catalog holds, for drawing searches from it."""

    communities: tuple[str, ...]  # slugs, largest first
    organisations: tuple[str, ...]  # most people first
    weights: tuple[float, ...]  # each organisation's share of the people
    names: tuple[str, ...]  # display names of a sample of the people


def zipf_weights(count: int, exponent: float = 1.0) -> list[float]:
    return [1 / (rank**exponent) for rank in range(1, count + 1)]


def organisation_names(rng: random.Random) -> list[str]:
    pairs = [f"{stem} {suffix}" for stem in STEMS for suffix in SUFFIXES]
    return rng.sample(pairs, ORGANISATIONS)


def person_rows(
    count: int, rng: random.Random, community_ids: list[tuple[int, int]], organisations: list[str]
) -> Iterator[dict[str, Any]]:
    """`count` people: (community id, directory id) by a milder Zipf, organisations by Zipf."""
    keys = {name: organisation_key(name) for name in organisations}
    org_weights = zipf_weights(len(organisations))
    community_weights = zipf_weights(len(community_ids), 0.5)
    now = utcnow()
    for n in range(count):
        community_id, directory_id = rng.choices(community_ids, community_weights)[0]
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        organisation = rng.choices(organisations, org_weights)[0]
        role = rng.choice(ROLES)
        past = rng.choices(organisations, org_weights, k=rng.choice((0, 0, 1, 1, 2)))
        yield {
            "community_id": community_id,
            "origin": "directory",
            "directory_id": directory_id,
            "entry_key": f"m{n}",
            "display_name": name,
            "headline": f"{role} at {organisation}",
            "organisation": organisation,
            "organisation_key": keys[organisation],
            "role": role,
            "past_organisations": [p for p in dict.fromkeys(past) if p != organisation],
            "location": rng.choice(CITIES),
            "topics": rng.sample(TOPICS, rng.randint(1, 3)),
            "consent": LISTED,
            "created_at": now,
            "updated_at": now,
        }


def fill_catalog(settings: Settings, count: int, seed: int) -> World:
    """Communities, one roster each, and `count` people inserted in bulk, each with its own
    number from the people change log (the sync pages through people by that number)."""
    rng = random.Random(seed)
    url = settings.resolved_database_url
    upgrade_schema(url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    organisations = organisation_names(rng)
    with transaction(sessions) as session:
        slugs, ids = [], []
        for n in range(COMMUNITIES):
            community = add_community(session, f"Community {n + 1}", slug=f"community-{n + 1}")
            roster = ensure_directory(session, community.id, "roster")
            slugs.append(community.slug)
            ids.append((community.id, roster.id))
        first = next_value(session, PEOPLE_CHANGES)
        session.execute(
            update(Sequence).where(Sequence.name == PEOPLE_CHANGES).values(value=first + count - 1)
        )
        rows = []
        for n, row in enumerate(person_rows(count, rng, ids, organisations)):
            rows.append({**row, "change_seq": first + n})
            if len(rows) == 10_000:
                session.execute(insert(Person), rows)
                rows = []
        if rows:
            session.execute(insert(Person), rows)
    engine.dispose()
    names = tuple(f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(200))
    return World(tuple(slugs), tuple(organisations), tuple(zipf_weights(ORGANISATIONS)), names)
