"""Leak tests: every GET path of the app, as every role, against the world's secrets (a private
community, member-only sources of a private and of a public community, and their member-only
listings). One table, PATHS, says for each path who sees which secret there; a secret must be
absent for everyone else and present for those named (so no row passes by showing nothing), and
the status must be what an outsider gets for a thing that does not exist. A route of the app
missing from the table fails `test_every_route_is_in_the_table`: a new page must be added.

(hostile-inputs.md items 17 and 31; the "Trust" issue, point 1.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from flask.testing import FlaskClient

from tests.access_world import SECRET_COMMUNITY, SECRET_TITLE
from tests.leak_world import (
    ASSOCIATION_SECRET_TITLE,
    CIRCLE_BOARD,
    CIRCLE_PERSON,
    FORMER_PERSON,
    MEMBER_BOARD,
    ROLES,
    ROSTER_ADDRESS,
    SHCA_PERSON,
    World,
    browsers,
    world,
)
from webapp import create_app

__all__ = ["browsers", "world"]  # the module's fixtures, imported from the world

# Each secret and the strings that betray it (any one of them is a leak; one is enough to show
# it). The slug is matched as a word, for "circle" is also an English word of CSS and prose.
# A member-only source's row on /sources shows neither its address nor, without a title, any
# name: its members know it by its row's id.
SECRETS: dict[str, tuple[str, ...]] = {
    "circle": (SECRET_COMMUNITY, r"\bcircle\b"),
    "circle source": (CIRCLE_BOARD, "Riverside College Alumni", 'id="source-{circle_source}"'),
    "circle item": (SECRET_TITLE,),
    "shca source": (MEMBER_BOARD, "Members-only job bank", 'id="source-{shca_source}"'),
    "shca item": (ASSOCIATION_SECRET_TITLE,),
    "circle person": (CIRCLE_PERSON,),
    "former person": (FORMER_PERSON,),  # left the circle: gone from every page at once
    "shca person": (SHCA_PERSON,),
    "roster address": (ROSTER_ADDRESS,),  # for claims only: shown to nobody, members included
}

IN_CIRCLE = frozenset({"member", "admin"})
KNOWS_CIRCLE = IN_CIRCLE | {"operator"}
IN_SHCA = frozenset({"member"})
KNOWS_SHCA = IN_SHCA | {"operator"}
OPERATOR = frozenset({"operator"})
CIRCLE_ADMINS = frozenset({"admin", "operator"})
EVERYONE = frozenset(ROLES)


@dataclass(frozen=True)
class Row:
    """One path: `url` may name the world's things ({circle_item}, {shca_source}, ...) and the
    role's own ({search}, {feed}, {calendar}); `shows` says who sees which secret there;
    `ok` who gets 200, everyone else `denied` (302 means sent to sign in, for the anonymous)."""

    rule: str
    url: str
    shows: dict[str, frozenset[str]] = field(default_factory=dict)
    ok: frozenset[str] = EVERYONE
    denied: int = 404
    anonymous: int | None = None  # the anonymous visitor's status, when not `denied`
    refused: frozenset[str] = frozenset()  # who gets 403: they may know the thing exists


def signed_in(rule: str, url: str, **shows: frozenset[str]) -> Row:
    return Row(rule, url, _shows(shows), EVERYONE - {"anonymous"}, 302)


def operator_page(rule: str, url: str, **shows: frozenset[str]) -> Row:
    return Row(rule, url, _shows(shows), OPERATOR, 403, anonymous=302)


def _shows(shows: dict[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    return {name.replace("_", " "): roles for name, roles in shows.items()}


BOTH_ITEMS = {"circle_item": IN_CIRCLE, "shca_item": IN_SHCA, "circle": IN_CIRCLE}
# The cards' "fellow members who work there": the circle's on its job, the roster's on a public one.
ST_MARYS = {"shca_person": IN_SHCA}
WARM_PATHS = {"circle_person": IN_CIRCLE} | ST_MARYS
IN_CIRCLE_WITH_ITS_PERSON = {
    "circle_item": IN_CIRCLE,
    "circle": IN_CIRCLE,
    "circle_person": IN_CIRCLE,
}

PATHS: tuple[Row, ...] = (
    Row("/", "/?scope=all", _shows(BOTH_ITEMS | WARM_PATHS)),
    # The circle also carries a St. Mary's posting: its card names the roster's person, to
    # those in the association only.
    Row("/", "/?q=community:circle&scope=all", _shows(IN_CIRCLE_WITH_ITS_PERSON | ST_MARYS)),
    Row("/", "/?community=circle&scope=all", _shows(IN_CIRCLE_WITH_ITS_PERSON | ST_MARYS)),
    signed_in("/account", "/account"),
    # One's own data as a member: the circle's admin's profile, to her alone.
    signed_in(
        "/account/member-data.json",
        "/account/member-data.json",
        circle=frozenset({"admin"}),
        circle_person=frozenset({"admin"}),
    ),
    signed_in("/alerts", "/alerts"),
    signed_in("/alerts/<int:search_id>", "/alerts/{search}"),
    Row("/alerts/unsubscribe/<token>", "/alerts/unsubscribe/not-a-token", ok=frozenset()),
    Row(
        "/api/items/<item_id>",
        "/api/items/{circle_item}",
        _shows({"circle_item": IN_CIRCLE, "circle": IN_CIRCLE}),
        IN_CIRCLE,
    ),
    Row("/api/items/<item_id>", "/api/items/{shca_item}", _shows({"shca_item": IN_SHCA}), IN_SHCA),
    Row("/api/openapi.json", "/api/openapi.json"),
    Row(
        "/api/people",
        "/api/people",
        _shows({"circle": IN_CIRCLE, **WARM_PATHS}),
        EVERYONE - {"anonymous"},
        anonymous=401,
    ),
    Row(
        "/api/people",
        "/api/people?q=stmarys.example",  # a roster address is not searchable
        {},
        EVERYONE - {"anonymous"},
        anonymous=401,
    ),
    Row("/api/search", "/api/search?scope=all&size=100", _shows(BOTH_ITEMS)),
    Row(
        "/api/search",
        "/api/search?q=community:circle&scope=all",
        _shows({"circle_item": IN_CIRCLE, "circle": IN_CIRCLE}),
    ),
    Row("/api/suggest", "/api/suggest?q=Clin", _shows({"circle_item": IN_CIRCLE})),
    Row("/api/suggest", "/api/suggest?q=Confid", _shows({"shca_item": IN_SHCA})),
    Row("/c/<slug>", "/c/circle", _shows({"circle": KNOWS_CIRCLE}), KNOWS_CIRCLE),
    Row("/c/<slug>", "/c/shca"),
    Row(
        "/c/<slug>/profile",
        "/c/circle/profile",
        _shows({"circle": IN_CIRCLE, "circle_person": frozenset({"admin"})}),  # her own
        IN_CIRCLE,
        anonymous=302,
    ),
    Row("/c/<slug>/profile", "/c/shca/profile", {}, IN_SHCA, anonymous=302),
    # "Is this you?": the association's roster entries, to its members only; never its address.
    Row(
        "/c/<slug>/claim",
        "/c/shca/claim",
        _shows({"shca_person": IN_SHCA}),
        IN_SHCA,
        anonymous=302,
    ),
    Row(
        "/c/<slug>/claim",
        "/c/circle/claim",
        _shows({"circle": IN_CIRCLE}),
        IN_CIRCLE,
        anonymous=302,
    ),
    Row(
        "/c/<slug>/manage",
        "/c/circle/manage",
        _shows({"circle": CIRCLE_ADMINS, "circle_source": CIRCLE_ADMINS}),
        CIRCLE_ADMINS,
        anonymous=302,
        refused=IN_SHCA,
    ),
    Row(
        "/c/<slug>/manage",
        "/c/shca/manage",
        _shows({"shca_source": OPERATOR}),
        OPERATOR,
        403,
        anonymous=302,
    ),
    Row(
        "/c/<slug>/manage/feeds.opml",
        "/c/circle/manage/feeds.opml",
        _shows({"circle": CIRCLE_ADMINS}),
        CIRCLE_ADMINS,
        anonymous=302,
        refused=IN_SHCA,
    ),
    Row(
        "/c/<slug>/manage/feeds.opml", "/c/shca/manage/feeds.opml", {}, OPERATOR, 403, anonymous=302
    ),
    Row(
        "/c/<slug>/manage/manifest.toml",
        "/c/circle/manage/manifest.toml?member_sources=y",
        _shows({"circle": CIRCLE_ADMINS, "circle_source": CIRCLE_ADMINS}),
        CIRCLE_ADMINS,
        anonymous=302,
        refused=IN_SHCA,
    ),
    Row(
        "/c/<slug>/manage/manifest.toml",
        "/c/shca/manage/manifest.toml?member_sources=y",
        _shows({"shca_source": OPERATOR}),
        OPERATOR,
        403,
        anonymous=302,
    ),
    # The association's roster: its entries for the operator (its only admin) alone.
    Row(
        "/c/<slug>/manage/directories/<int:directory_id>/entries",
        "/c/shca/manage/directories/{shca_roster}/entries",
        _shows({"shca_person": OPERATOR}),
        OPERATOR,
        403,
        anonymous=302,
    ),
    # An upload's preview is its uploader's only: a token nobody uploaded is gone for all.
    Row(
        "/c/<slug>/manage/directories/preview/<token>",
        "/c/circle/manage/directories/preview/nope",
        {},
        frozenset(),
        anonymous=302,
        refused=IN_SHCA,
    ),
    Row("/communities", "/communities", _shows({"circle": KNOWS_CIRCLE})),
    operator_page("/communities/import", "/communities/import"),
    Row("/feeds/<token>.atom", "/feeds/{feed}.atom", _shows(BOTH_ITEMS), EVERYONE - {"anonymous"}),
    Row("/feeds/<token>.ics", "/feeds/{feed}.ics", {}, EVERYONE - {"anonymous"}),
    Row(
        "/feeds/calendar/<token>.ics",
        "/feeds/calendar/{calendar}.ics",
        {},
        EVERYONE - {"anonymous"},
    ),
    Row("/claim/<token>", "/claim/not-a-token", ok=frozenset(), anonymous=302),
    # A real claim link: the entry is named to the member who asked for it, to nobody else.
    Row(
        "/claim/<token>",
        "/claim/{member_claim}",
        _shows({"shca_person": IN_SHCA}),
        IN_SHCA,
        anonymous=302,
    ),
    Row("/healthz", "/healthz"),
    Row(
        "/invite/<token>", "/invite/{invitation}", _shows({"circle": EVERYONE})
    ),  # the link's holder was invited
    Row("/invite/<token>", "/invite/not-a-token", ok=frozenset()),
    signed_in("/introductions", "/introductions"),
    Row("/introductions/answer/<token>", "/introductions/answer/not-a-token", ok=frozenset()),
    Row("/introductions/block/<token>", "/introductions/block/not-a-token", ok=frozenset()),
    Row("/items/<item_id>", "/items/{circle_item}", _shows(IN_CIRCLE_WITH_ITS_PERSON), IN_CIRCLE),
    Row("/items/<item_id>", "/items/{shca_item}", _shows({"shca_item": IN_SHCA}), IN_SHCA),
    Row("/items/<item_id>.ics", "/items/{circle_item}.ics", ok=frozenset()),  # a job: no calendar
    Row("/items/<item_id>.ics", "/items/{shca_item}.ics", ok=frozenset()),
    Row("/metrics", "/metrics", ok=OPERATOR),  # its counts take in member-only things
    operator_page(
        "/operator", "/operator", circle=OPERATOR, circle_source=OPERATOR, shca_source=OPERATOR
    ),
    operator_page(
        "/operator/sources/<int:source_id>",
        "/operator/sources/{circle_source}",
        circle=OPERATOR,
        circle_source=OPERATOR,
    ),
    operator_page(
        "/operator/sources/<int:source_id>", "/operator/sources/{shca_source}", shca_source=OPERATOR
    ),
    signed_in("/org/<key>", "/org/aspen-clinical-trials", **IN_CIRCLE_WITH_ITS_PERSON),
    signed_in("/org/<key>", "/org/st-marys-regional-hospital", shca_person=IN_SHCA),
    Row("/password/forgot", "/password/forgot"),
    signed_in("/people", "/people", circle=IN_CIRCLE, **WARM_PATHS),
    # A roster entry has no account to write to: its members see it, and that it is closed.
    Row(
        "/people/<int:person_id>/introduce",
        "/people/{shca_person}/introduce",
        _shows({"shca_person": IN_SHCA}),
        IN_SHCA,
    ),
    signed_in("/people", "/people?q=aspen", circle=IN_CIRCLE, circle_person=IN_CIRCLE),
    signed_in("/people", "/people?community=circle", circle=IN_CIRCLE, circle_person=IN_CIRCLE),
    Row("/password/reset/<token>", "/password/reset/not-a-token", ok=frozenset(), denied=400),
    signed_in(
        "/portfolio", "/portfolio", circle=IN_CIRCLE, circle_item=IN_CIRCLE, shca_item=IN_SHCA
    ),
    Row("/readyz", "/readyz"),
    Row("/signin", "/signin"),
    Row("/signin/link", "/signin/link", ok=frozenset(), denied=503),  # the world sends no mail
    Row("/signin/link/<token>", "/signin/link/not-a-token", ok=frozenset(), denied=400),
    Row("/signup", "/signup", ok=frozenset(), denied=503),  # the world sends no mail
    Row("/signup/finish/<token>", "/signup/finish/not-a-token", ok=frozenset(), denied=400),
    Row(
        "/sources",
        "/sources",
        _shows({"circle": KNOWS_CIRCLE, "circle_source": KNOWS_CIRCLE, "shca_source": KNOWS_SHCA}),
    ),
    Row(
        "/sources",
        "/sources?community=circle",
        _shows({"circle": KNOWS_CIRCLE, "circle_source": KNOWS_CIRCLE}),
        KNOWS_CIRCLE,
    ),
    Row(
        "/sources",
        "/sources?community=shca",
        _shows({"circle": KNOWS_CIRCLE, "shca_source": KNOWS_SHCA}),
    ),
    Row("/static/<path:filename>", "/static/style.css"),
    Row("/suggest", "/suggest?q=Clin", _shows({"circle_item": IN_CIRCLE})),
    Row("/suggest", "/suggest?q=Confid", _shows({"shca_item": IN_SHCA})),
    Row("(not found)", "/no-such-page", ok=frozenset()),  # the error page
)


def test_every_route_is_in_the_table(world: World) -> None:
    """A page the table does not know is a page nobody checked for leaks."""
    app = create_app(world.settings, {"TESTING": True, "SECRET_KEY": "k"})
    routes = {r.rule for r in app.url_map.iter_rules() if "GET" in (r.methods or ())}
    assert routes - {row.rule for row in PATHS} == set()


def _status(row: Row, role: str) -> int:
    if role in row.ok:
        return 200
    if role in row.refused:
        return 403
    if role == "anonymous" and row.anonymous is not None:
        return row.anonymous
    return row.denied


def _found(world: World, url: str, body: str, secret: str) -> bool:
    """Whether `body` betrays `secret`; what the visitor typed into `url` (a slug probed for)
    may be said back to them: it tells them nothing."""
    patterns = (pattern.format(**world.values) for pattern in SECRETS[secret])
    return any(re.search(p, body) for p in patterns if not re.search(p, url))


def _visit(world: World, client: FlaskClient, row: Row, role: str) -> list[str]:
    """What is wrong with `row` as `role` sees it (nothing, when it keeps every secret)."""
    own = world.own.get(role, {"search": world.own["member"]["search"]})
    url = row.url.format(**world.values, **{"feed": "nope", "calendar": "nope"} | own)
    response = client.get(url)
    body = response.get_data(as_text=True)
    wrong = [f"status {response.status_code}, not {_status(row, role)}"]
    if response.status_code == _status(row, role):
        wrong = []
    for secret in SECRETS:
        expected = role in row.shows.get(secret, frozenset())
        if _found(world, url, body, secret) != expected:
            wrong.append(f"{secret} {'missing' if expected else 'shown'}")
    return [f"{role} {url}: {problem}" for problem in wrong]


@pytest.mark.parametrize("role", ROLES)
def test_no_path_shows_a_secret_to_anyone_not_allowed(
    world: World, browsers: dict[str, FlaskClient], role: str
) -> None:
    wrong = [problem for row in PATHS for problem in _visit(world, browsers[role], row, role)]
    assert not wrong, "\n".join(wrong)
