"""Trying to break access control: every query path, as every kind of person, against a
member-only job in a real index. A private community's member-only listing ("Clinical Data
Manager", carried only by the private Riverside Circle) must show to its members and admins, and
to nobody else: not in hits, counts, filters, "seen in", community pages, or after leaving.

(hostile-inputs.md items 17 to 19.)
"""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from parsel import Selector

from catalog.accounts import find_user
from catalog.communities import get_community
from catalog.db import make_engine, session_factory, transaction
from catalog.memberships import leave
from catalog.models import utcnow
from indexer.client import make_client
from indexer.names import IndexNames
from indexer.portfolio import portfolio
from indexer.query import SearchRequest, Viewer
from indexer.search import get_item, search, suggest
from indexer.viewers import viewer_for
from mutual.local_site import LocalSite
from mutual.settings import Settings
from tests.access_world import (
    ALLOWED,
    PERSONAS,
    SECRET_COMMUNITY,
    SECRET_TITLE,
    SHARED_TITLE,
    build_world,
)
from tests.web import post_button, sign_in
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


# Each query path: what a person may see there, as (path, secret that must not leak).
PATHS: dict[str, Callable[[FlaskClient], tuple[int, str]]] = {
    "search hits": lambda c: (200, _text(c, "/?q=clinical+data&scope=all")),
    "browse everything": lambda c: (200, _text(c, "/?scope=all")),
    "community filter probe": lambda c: (200, _text(c, "/?community=circle&scope=all")),
    "typo probe": lambda c: (200, _text(c, "/?q=clinicl&scope=all")),
    "community page": lambda c: (c.get("/c/circle").status_code, _text(c, "/c/circle")),
    "directory": lambda c: (200, _text(c, "/communities")),
    "sources page": lambda c: (200, _text(c, "/sources")),
}


def test_no_path_leaks_a_member_only_listing(catalog: Settings, site: LocalSite) -> None:
    build_world(catalog, site)
    leaks = []
    for persona in PERSONAS:
        client = _browser(catalog, persona)
        for path_name, visit in PATHS.items():
            _status, page = visit(client)
            shown = SECRET_TITLE in page or SECRET_COMMUNITY in page
            if path_name in ("search hits", "browse everything", "community filter probe"):
                expected = persona in ALLOWED
            elif path_name in ("community page", "directory"):
                expected = persona in ALLOWED or persona == "operator"
            else:  # the sources page names communities, never member-only listings
                expected = shown
            if shown != expected:
                leaks.append(f"{persona} / {path_name}: shown={shown}, expected={expected}")
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
        shared = search(client, names, SearchRequest(text=SHARED_TITLE), viewer).hits[0]
        assert ("circle" in shared.communities) is allowed, persona
        figures = portfolio(client, names, viewer, utcnow())
        assert ("circle" in figures) is allowed, persona
    client.close()
