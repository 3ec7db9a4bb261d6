"""The "My communities" page: what each community brought, and what only it carried."""

from __future__ import annotations

import pytest
from parsel import Selector

from catalog.accounts import find_user
from catalog.communities import get_community
from catalog.db import make_engine, session_factory, transaction
from catalog.memberships import add_member
from ground.settings import Settings
from mutual.local_site import LocalSite
from tests.access_world import SECRET_TITLE, build_world
from tests.web import sign_in
from webapp import create_app

pytestmark = pytest.mark.sqlite_only  # reads through the same catalog code as the access tests


def _cell(page: Selector, slug: str, column: str) -> str:
    return " ".join(" ".join(page.css(f"#holding-{slug} .{column} ::text").getall()).split())


def test_portfolio_shows_new_items_unique_items_and_health(
    catalog: Settings, site: LocalSite
) -> None:
    build_world(catalog, site)
    engine = make_engine(catalog.resolved_database_url)
    with transaction(session_factory(engine)) as session:
        member = find_user(session, "member@example.org")
        assert member is not None
        add_member(session, member, get_community(session, "shca"))
    engine.dispose()
    client = create_app(catalog, {"TESTING": True, "SECRET_KEY": "k"}).test_client()
    assert client.get("/portfolio").status_code == 302  # sign in first
    sign_in(client, "member@example.org")
    page = Selector(text=client.get("/portfolio").get_data(as_text=True))
    # The circle's board: 2 jobs, both its members' own copies (a member-only copy of the
    # association's posting is its own item, issue 20 point 9); the association: 3 jobs.
    assert _cell(page, "circle", "new") == "2 jobs, 0 events, 0 resources"
    assert _cell(page, "circle", "only-here").startswith("2 of 2 (100%)")
    assert SECRET_TITLE in _cell(page, "circle", "only-here")
    assert _cell(page, "shca", "new") == "3 jobs, 0 events, 0 resources"
    assert _cell(page, "shca", "only-here").startswith("3 of 3 (100%)")
    assert _cell(page, "circle", "health") == "1 ok"
    summary = " ".join(page.css("#portfolio-summary ::text").getall())
    assert "2 communities; 5 listings reach you through one community only" in summary

    outsider = create_app(catalog, {"TESTING": True, "SECRET_KEY": "k"}).test_client()
    sign_in(outsider, "outsider@example.org")
    empty = outsider.get("/portfolio").get_data(as_text=True)
    assert "You do not belong to any community yet" in empty
