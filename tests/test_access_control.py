"""Trying to break access control: every query path, as every kind of person, against a
member-only job in a real index. A private community's member-only listing ("Clinical Data
Manager", carried only by the private Riverside Circle) must show to its members and admins, and
to nobody else: not in hits, counts, filters, "seen in", community pages, or after leaving.

(hostile-inputs.md items 17 to 19.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta

import feedparser
from flask.testing import FlaskClient
from parsel import Selector

from alerts.run import run_alerts
from catalog.accounts import find_user
from catalog.communities import get_community
from catalog.db import make_engine, session_factory, transaction
from catalog.memberships import leave
from catalog.models.base import utcnow
from catalog.saved_searches import add_saved_search, new_feed_token
from catalog.sources import list_sources
from ground.settings import Settings
from indexer.client import make_client
from indexer.lookups import get_item, suggest
from indexer.names import IndexNames
from indexer.portfolio import portfolio
from indexer.query.access import Viewer
from indexer.query.request import SearchRequest
from indexer.search import search
from indexer.viewers import viewer_for
from mutual.local_site import LocalSite
from tests.access_world import (
    ALLOWED,
    PERSONAS,
    SECRET_COMMUNITY,
    SECRET_TITLE,
    SHARED_TITLE,
    build_world,
)
from tests.web import post_button, sign_in, smtp_server
from webapp import create_app


def _browser(settings: Settings, persona: str) -> FlaskClient:
    client = create_app(settings, {"TESTING": True, "SECRET_KEY": "k"}).test_client()
    if persona != "anonymous":
        assert sign_in(client, f"{persona}@example.org").status_code == 302
    if persona == "former":  # was a member, saw the listing, then left: access ends at once
        assert SECRET_TITLE in _text(client, "/?q=clinical")
        left = post_button(client, "/c/circle", "/c/circle/leave")
        assert left.status_code == 302
        assert "You left Riverside Circle" in _text(client, "/communities")  # the flash, seen
    return client


def _text(client: FlaskClient, path: str) -> str:
    """The page's text as a reader sees it (highlighting tags and markup removed)."""
    html = client.get(path).get_data(as_text=True)
    return " ".join(" ".join(Selector(text=html).css("body ::text").getall()).split())


def _raw(client: FlaskClient, path: str) -> tuple[int, str]:
    """Status and body as sent (JSON, iCalendar): a leak is a leak in any format."""
    response = client.get(path)
    return response.status_code, response.get_data(as_text=True)


def _page(client: FlaskClient, path: str) -> tuple[int, str]:
    return client.get(path).status_code, _text(client, path)


def _operator_page(client: FlaskClient, path: str) -> tuple[int, str]:
    """An operator page as sent: anyone else is sent to sign in or refused, and sees nothing."""
    response = client.get(path)
    texts = Selector(text=response.get_data(as_text=True)).css("::text").getall()
    return response.status_code, " ".join(" ".join(texts).split())


def _member_only_source_history(client: FlaskClient, secret: Secret) -> tuple[int, str]:
    """The crawl history of the circle's member-only source (its id read from the catalog:
    /sources names it only to those who may know it)."""
    return _operator_page(client, f"/operator/sources/{secret.source_id}")


@dataclass(frozen=True)
class Secret:
    item_id: str  # the member-only listing's
    source_id: int  # the circle's member-only source's


# Each query path: what a person may see there, as (status, text that must not leak); the
# secret listing's id is given to the paths that take one.
PATHS: dict[str, Callable[[FlaskClient, Secret], tuple[int, str]]] = {
    "search hits": lambda c, _s: (200, _text(c, "/?q=clinical+data&scope=all")),
    "browse everything": lambda c, _s: (200, _text(c, "/?scope=all")),
    "community filter probe": lambda c, _s: (200, _text(c, "/?community=circle&scope=all")),
    "typo probe": lambda c, _s: (200, _text(c, "/?q=clinicl&scope=all")),
    "community page": lambda c, _s: (c.get("/c/circle").status_code, _text(c, "/c/circle")),
    "directory": lambda c, _s: (200, _text(c, "/communities")),
    "sources page": lambda c, _s: (200, _text(c, "/sources")),
    "api search": lambda c, _s: _raw(c, "/api/search?q=clinical+data&scope=all&size=100"),
    "api item": lambda c, s: _raw(c, f"/api/items/{s.item_id}"),
    "api suggest": lambda c, _s: _raw(c, "/api/suggest?q=Clinical"),
    "detail page": lambda c, s: _page(c, f"/items/{s.item_id}"),
    "item ics": lambda c, s: _raw(c, f"/items/{s.item_id}.ics"),
    "operator overview": lambda c, _s: _operator_page(c, "/operator"),
    "operator source history": _member_only_source_history,
}
# The operator sees every source's community and errors; anyone else is sent to sign in (302)
# or refused (403), and sees nothing.
OPERATOR_ONLY = ("operator overview", "operator source history")
SHOWN_TO_ALLOWED = (
    *("search hits", "browse everything", "community filter probe"),
    *("api search", "api item", "api suggest", "detail page", "typo probe"),
)
# Missing and not visible must read the same: 404 to anyone else.
NOT_FOUND_TO_OTHERS = ("api item", "detail page", "item ics")


def _secret_id(settings: Settings) -> str:
    """The member-only listing's id, as a member's search finds it."""
    client = make_client(settings)
    try:
        names, member = IndexNames(settings.index_prefix), _viewer(settings, "member")
        return search(client, names, SearchRequest(text=SECRET_TITLE), member).hits[0].id
    finally:
        client.close()


def _circle_source_id(settings: Settings) -> int:
    engine = make_engine(settings.resolved_database_url)
    try:
        with session_factory(engine)() as session:
            return list_sources(session, "circle")[0].id
    finally:
        engine.dispose()


def _operator_status(persona: str) -> int:
    return {"operator": 200, "anonymous": 302}.get(persona, 403)


def _expected(path_name: str, persona: str) -> bool:
    if path_name in SHOWN_TO_ALLOWED:
        return persona in ALLOWED
    if path_name in ("community page", "directory", "sources page"):
        return persona in ALLOWED or persona == "operator"
    if path_name in OPERATOR_ONLY:
        return persona == "operator"
    # The secret is a job: it has no calendar file for anyone.
    return False


def test_no_path_leaks_a_member_only_listing(catalog: Settings, site: LocalSite) -> None:
    build_world(catalog, site)
    secret = Secret(_secret_id(catalog), _circle_source_id(catalog))
    leaks = []
    for persona in PERSONAS:
        client = _browser(catalog, persona)
        for path_name, visit in PATHS.items():
            status, page = visit(client, secret)
            shown = SECRET_TITLE in page or SECRET_COMMUNITY in page
            expected = _expected(path_name, persona)
            if shown != expected:
                leaks.append(f"{persona} / {path_name}: shown={shown}, expected={expected}")
            if path_name in NOT_FOUND_TO_OTHERS and persona not in ALLOWED and status != 404:
                leaks.append(f"{persona} / {path_name}: status {status}, expected 404")
            if path_name in OPERATOR_ONLY and status != _operator_status(persona):
                leaks.append(f"{persona} / {path_name}: status {status}")
    assert not leaks, "\n".join(leaks)


def test_public_posting_never_names_the_private_community(
    catalog: Settings, site: LocalSite
) -> None:
    build_world(catalog, site)
    for persona in PERSONAS:
        page = _text(_browser(catalog, persona), "/?q=revenue+cycle&scope=all")
        assert SHARED_TITLE in page, persona
        assert (SECRET_COMMUNITY in page) is (persona in ALLOWED), persona


def test_private_community_page_is_indistinguishable_from_a_missing_one(
    catalog: Settings, site: LocalSite
) -> None:
    build_world(catalog, site)
    for persona in ("anonymous", "outsider", "former"):
        client = _browser(catalog, persona)
        assert client.get("/c/circle").status_code == 404, persona
        assert client.get("/c/no-such-community").status_code == 404
    assert _browser(catalog, "member").get("/c/circle").status_code == 200


def _viewer(settings: Settings, persona: str) -> Viewer:
    engine = make_engine(settings.resolved_database_url)
    try:
        with session_factory(engine)() as session:
            user = find_user(session, f"{persona}@example.org")
            return viewer_for(session, user.id if user else None)
    finally:
        engine.dispose()


def test_indexer_query_paths_leak_nothing(catalog: Settings, site: LocalSite) -> None:
    """Facet counts, suggestions, single items, "more from", "did you mean" and the portfolio
    figures: each under the same rule, for each kind of person."""
    build_world(catalog, site)
    engine = make_engine(catalog.resolved_database_url)
    with transaction(session_factory(engine)) as session:
        former = find_user(session, "former@example.org")
        assert former is not None
        leave(session, former.id, get_community(session, "circle"))
    engine.dispose()
    client, names = make_client(catalog), IndexNames(catalog.index_prefix)
    member = _viewer(catalog, "member")
    secret = search(client, names, SearchRequest(text=SECRET_TITLE), member).hits[0]
    for persona in PERSONAS:
        viewer = _viewer(catalog, persona)
        allowed = persona in ALLOWED
        results = search(client, names, SearchRequest(text="clinicl"), viewer)
        counted = dict(results.community_counts)
        assert ("circle" in counted) is allowed, persona
        assert (results.total > 0) is allowed, persona
        assert (SECRET_TITLE in suggest(client, names, "Clinical", viewer)) is allowed, persona
        assert (get_item(client, names, secret.id, viewer) is not None) is allowed, persona
        probe = search(client, names, SearchRequest(text="community:circle"), viewer)
        assert (probe.total > 0) is allowed, persona
        # The circle's member-only copy is its own item: members see it beside the public one.
        shared = search(client, names, SearchRequest(text=SHARED_TITLE), viewer).hits
        assert any("circle" in hit.communities for hit in shared) is allowed, persona
        figures = portfolio(client, names, viewer, utcnow())
        assert ("circle" in figures) is allowed, persona
    client.close()


def test_alert_delivery_and_feeds_never_carry_a_member_only_listing(
    catalog: Settings, site: LocalSite
) -> None:
    """Each persona saved a search for the secret title before it appeared: only members hear
    of it, by e-mail or in their private feed (hostile-inputs.md item 17, "alerts")."""
    build_world(catalog, site)
    personas = ("outsider", "operator", "former", "member")
    engine = make_engine(catalog.resolved_database_url)
    feeds = {}
    with transaction(session_factory(engine)) as session:
        for persona in personas:
            user = find_user(session, f"{persona}@example.org")
            assert user is not None
            saved = add_saved_search(session, user.id, persona, "q=clinical+data&scope=all")
            saved.created_at = saved.last_checked = utcnow() - timedelta(hours=1)
            feeds[persona] = new_feed_token(saved)
            if persona == "former":
                leave(session, user.id, get_community(session, "circle"))
    engine.dispose()
    with smtp_server() as mailbox:
        mailed = replace(catalog, smtp_host="127.0.0.1", smtp_port=mailbox.port, secret_key="k")
        run_alerts(mailed)
        told = {str(m["To"]) for m in mailbox.messages if SECRET_TITLE in str(m)}
    assert told == {"member@example.org"}
    reader = create_app(catalog, {"TESTING": True}).test_client()
    for persona, token in feeds.items():
        entries = feedparser.parse(reader.get(f"/feeds/{token}.atom").data).entries
        shown = any(SECRET_TITLE in entry.title for entry in entries)
        assert shown is (persona in ALLOWED), persona
