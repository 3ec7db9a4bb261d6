"""The demo's people: Bay Area Finance Leaders' roster (demo/rosters/bay-finance.csv) and a few
fellow members with profiles, so the demo member sees who works where next to the listings.

Everyone here is fictional; the fellow members' accounts get passwords nobody is told (they are
there to be asked for introductions, which the demo's mail setting decides whether it sends).
"""

from __future__ import annotations

import secrets
from pathlib import Path

from sqlalchemy.orm import Session

from catalog.accounts import add_user
from catalog.communities import get_community
from catalog.memberships import add_member
from catalog.people import (
    INTRODUCTIONS,
    LISTED,
    PersonFields,
    ensure_directory,
    publish_profile,
    replace_directory,
)
from crawlers.rosters import read_roster

ROSTERS = {"bay-finance": "bay-finance.csv"}
# (e-mail, community, profile, consent): each works at an employer the demo's boards list.
FELLOWS = (
    (
        "dana.okafor@demo.mutual.test",
        "women-in-data",
        PersonFields(
            "Dana Okafor",
            headline="Analytics lead, happy to talk data careers in health",
            organisation="Northwind Health",
            role="Analytics Lead",
            past_organisations=("Lakeshore Health Partners",),
            location="Oakland",
            topics=("dbt", "hiring in analytics"),
        ),
        INTRODUCTIONS,
    ),
    (
        "luis.ortega@demo.mutual.test",
        "chicago-alumni",
        PersonFields(
            "Luis Ortega",
            organisation="Lakeview Logistics",
            role="Finance Manager",
            location="Chicago",
            topics=("supply chain finance",),
        ),
        LISTED,
    ),
    (
        "mei.chen@demo.mutual.test",
        "product-guild",
        PersonFields(
            "Mei Chen",
            headline="Product manager in edtech",
            organisation="Sequoia Learning",
            role="Senior Product Manager",
            past_organisations=("Acme Robotics",),
            location="Palo Alto",
            topics=("product interviews", "edtech"),
        ),
        INTRODUCTIONS,
    ),
)


def load_demo_people(session: Session, rosters_dir: Path) -> int:
    """Import the demo's rosters and add its fellow members; how many people that makes."""
    count = 0
    for slug, filename in ROSTERS.items():
        parse = read_roster((rosters_dir / filename).read_bytes(), filename)
        directory = ensure_directory(session, get_community(session, slug).id, "roster")
        directory.columns = dict(parse.columns)
        count += len(parse.entries)
        replace_directory(session, directory, parse.entries)
    for email, slug, fields, consent in FELLOWS:
        user = add_user(session, email, secrets.token_urlsafe(16), display_name=fields.display_name)
        community = get_community(session, slug)
        add_member(session, user, community)
        publish_profile(session, user.id, community.id, fields, consent)
        count += 1
    return count
