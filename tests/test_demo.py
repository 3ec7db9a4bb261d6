"""`mutual demo`, end to end: every kind of source the demo site serves is read without error,
and what a first-time user searches for (jobs, events, resources, a posting two communities share)
is there, while cancelled, expired and member-only items stay out of an anonymous search."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from catalog.credentials import AUTH_KINDS
from catalog.db import make_engine, session_factory, transaction
from catalog.models.items import Item, Sighting
from catalog.models.sources import Source
from catalog.sources import ITEM_KINDS, SOURCE_KINDS
from ground.settings import Settings
from mutual.demo import demo_settings
from tests.helpers import run_mutual
from tests.web import sign_in
from webapp import create_app


@dataclass(frozen=True)
class Demo:
    settings: Settings  # of the demo's own catalog and index
    said: str  # what `mutual demo` printed


@pytest.fixture
def demo_run(settings: Settings) -> Demo:
    """The demo crawled and indexed once."""
    result = run_mutual(settings, "demo", "--no-serve", "--site-port", "0")
    assert "(0 failed)" in result.stdout, result.stdout
    return Demo(demo_settings(settings), result.stdout)


def _member_client(demo: Demo) -> FlaskClient:
    """The web app signed in with the demo account `mutual demo` printed."""
    found = re.search(r"sign in as (\S+) with the password (\S+) ", demo.said)
    assert found, demo.said
    client = create_app(demo.settings, {"TESTING": True}).test_client()
    assert sign_in(client, found[1], found[2]).status_code == 302
    return client


def _json(settings: Settings, *args: str) -> Any:
    return json.loads(run_mutual(settings, *args, "--json").stdout)


def _hits(settings: Settings, *args: str) -> list[dict[str, Any]]:
    hits: list[dict[str, Any]] = _json(settings, "search", *args, "--size", "100")["hits"]
    return hits


def _statuses(settings: Settings, *titles: str) -> dict[str, str]:
    """The catalog status of the items with these titles."""
    engine = make_engine(settings.resolved_database_url)
    try:
        with transaction(session_factory(engine)) as session:
            rows = session.execute(select(Item.title, Item.status).where(Item.title.in_(titles)))
            return {title: status for title, status in rows}
    finally:
        engine.dispose()


def _member_items(settings: Settings) -> dict[str, str]:
    """The catalog's active member-only items: title -> how their source signs in."""
    engine = make_engine(settings.resolved_database_url)
    try:
        with transaction(session_factory(engine)) as session:
            query = (
                select(Item.title, Source.auth_kind)
                .join(Sighting, Sighting.item_id == Item.id)
                .join(Source, Source.id == Sighting.source_id)
                .where(Source.access == "members", Item.status == "active")
            )
            return {title: auth for title, auth in session.execute(query)}
    finally:
        engine.dispose()


@pytest.mark.sqlite_only
def test_the_demo_reads_every_kind_of_source_and_finds_what_users_search_for(
    demo_run: Demo,
) -> None:
    demo = demo_run.settings
    # A first look is a few lines (issue 24, point 5): the crawl is a progress bar on stderr.
    said = demo_run.said.strip().splitlines()
    assert len(said) <= 5 and not any(line.startswith("source #") for line in said), said
    sources = _json(demo, "source", "list")
    broken = [s for s in sources if s["health"] != "ok" or s["last_error"] or s["items"] < 1]
    assert broken == []
    assert {s["kind"] for s in sources} == set(SOURCE_KINDS)
    assert {s["auth"] for s in sources if s["access"] == "members"} == set(AUTH_KINDS) - {"none"}

    for kind in ITEM_KINDS:
        assert _hits(demo, "--kind", kind), f"no {kind} in the demo's search results"

    # Posted by the alumni's career centre and by the guild's partner board, under two URLs and
    # two wordings ("Sr. Product Manager, Growth", "Senior Product Manager - Growth"): one result.
    growth = [h for h in _hits(demo, "product manager growth") if "Growth" in h["title"]]
    assert len(growth) == 1
    assert set(growth[0]["seen_in"]) == {
        "Lakeshore University Alumni, Chicago",
        "The Product Guild",
    }

    hidden = {
        "Winter mixer at the Ferry Building": "cancelled",
        "Marketing Analytics Manager": "expired",
    }
    assert _statuses(demo, *hidden) == hidden
    shown = {hit["title"] for hit in _hits(demo)}
    assert not shown & set(hidden)

    # Each way of signing in brought member-only items into the catalog; none is shown to an
    # anonymous visitor, even when searched for by name.
    members = _member_items(demo)
    assert set(members.values()) == {"basic", "bearer", "cookie", "form"}
    assert not shown & set(members)
    assert not {h["title"] for h in _hits(demo, "compensation survey")} & set(members)

    # The demo's member account, signed in with what the demo printed, sees them all.
    client = _member_client(demo_run)
    for title in members:
        found = client.get("/api/search", query_string={"q": f'"{title}"', "size": 50})
        assert title in [hit["title"] for hit in found.get_json()["hits"]], title

    # Next to a job at Acme Robotics, the fellow members there (issue 21): two from the finance
    # leaders' roster now, and a guild member who used to work there.
    page = client.get("/", query_string={"q": "Acme Robotics"}).get_data(as_text=True)
    assert "2 people from your communities work at Acme Robotics" in page
    assert "Priya Raman, Bay Area Finance Leaders" in page
    assert "1 used to work there (Mei Chen, The Product Guild)" in page
    people = client.get("/people", query_string={"q": "dbt"}).get_data(as_text=True)
    assert "Dana Okafor" in people and "Ask for an introduction" in people
    anonymous = create_app(demo, {"TESTING": True}).test_client()
    assert "Priya Raman" not in anonymous.get("/?q=Acme+Robotics").get_data(as_text=True)
