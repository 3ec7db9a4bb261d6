"""A member-only directory page crawled for real from a local site behind a sign-in: its people
land in the catalog and the people index for the community's members only, follow the page
when someone leaves it, survive an error page, and go with the source."""

from __future__ import annotations

import json
from dataclasses import replace

from sqlalchemy import select

from catalog.accounts import add_user
from catalog.communities import get_community
from catalog.db import make_engine, session_factory, transaction
from catalog.memberships import add_member
from catalog.models.people import Directory, Person
from catalog.people import visible_people
from ground.settings import Settings
from mutual.local_site import LocalSite
from tests.crawl_world import source_row
from tests.helpers import run_mutual
from tests.web import PASSWORD, sign_in
from webapp import create_app

COOKIE = "member_session=5e8d1c"
PAGE = "/directory/members.html"
OPTIONS = (
    "entry=li.member-card",
    "name=.member-name",
    "role=.member-title",
    "organisation=.member-company",
    "location=.member-city",
    "profile=.member-name a",
    "email=a.member-email",
)


def _people(settings: Settings) -> dict[str, Person]:
    sessions = session_factory(make_engine(settings.resolved_database_url))
    with transaction(sessions) as session:
        rows = session.scalars(
            select(Person).join(Directory, Directory.id == Person.directory_id)
        ).all()
        session.expunge_all()
        return {p.display_name: p for p in rows}


def _members(settings: Settings) -> dict[str, int]:
    """Ann, a member of the association, and Eve, who belongs to nothing: their user ids."""
    sessions = session_factory(make_engine(settings.resolved_database_url))
    with transaction(sessions) as session:
        users = {n: add_user(session, f"{n}@example.org", PASSWORD) for n in ("ann", "eve")}
        add_member(session, users["ann"], get_community(session, "shca"))
        return {name: user.id for name, user in users.items()}


def _add_directory(settings: Settings, site: LocalSite, *args: str, check: bool = True):  # type: ignore[no-untyped-def]
    options = [part for option in OPTIONS for part in ("--option", option)]
    return run_mutual(
        settings,
        *("source", "add", "shca", f"{site.base_url}{PAGE}", "--kind", "directory"),
        *options,
        *args,
        env={"MUTUAL_SOURCE_SECRET": COOKIE},
        check=check,
    )


def test_a_public_directory_page_is_refused(catalog: Settings, site: LocalSite) -> None:
    run_mutual(catalog, "community", "add", "Healthcare Accountants", "--slug", "shca")
    result = _add_directory(catalog, site, "--access", "public", check=False)
    assert result.returncode == 1
    assert "access members" in result.stderr
    listed = run_mutual(catalog, "source", "list", "--json").stdout
    assert listed.strip() == "[]"


def test_a_directory_page_brings_its_people_to_members_and_follows_the_page(
    catalog: Settings, site: LocalSite
) -> None:
    settings = replace(catalog, credentials_key="test-key-" + "x" * 30)
    site.gates["/directory/"] = COOKIE
    run_mutual(settings, "community", "add", "Healthcare Accountants", "--slug", "shca")
    users = _members(settings)
    _add_directory(settings, site, "--auth", "cookie")

    crawl = run_mutual(settings, "crawl")
    assert "1 fetched" in crawl.stdout, crawl.stdout + crawl.stderr
    assert site.requests_for(PAGE)[-1].headers.get("Cookie") == COOKIE
    people = _people(settings)
    assert set(people) == {
        "Ruth Adebayo",
        "Kenji Watanabe",
        "Sofia Lindqvist",
        "Omar Haddad",
        "Beatriz Costa",
    }
    assert people["Kenji Watanabe"].shown_email == "kenji@lakeshore-health.example"
    assert people["Ruth Adebayo"].shown_email == ""  # the page shows members no address of hers
    row = source_row(settings, 1)
    assert row["items"] == 5 and row["health"] == "ok"
    assert "entry 4: no name, skipped" in row["last_error"]  # a warning, not a failure

    # Seen by the association's members only, in the catalog and through the index.
    run_mutual(settings, "index")
    ids = [p.id for p in people.values()]
    sessions = session_factory(make_engine(settings.resolved_database_url))
    with transaction(sessions) as session:
        assert len(visible_people(session, users["ann"], ids)) == 5
        assert visible_people(session, users["eve"], ids) == []
        assert visible_people(session, None, ids) == []
    for who, shown in (("ann", True), ("eve", False)):
        client = create_app(settings, {"TESTING": True, "SECRET_KEY": "k"}).test_client()
        assert sign_in(client, f"{who}@example.org").status_code == 302
        page = client.get("/people", query_string={"q": "Northwind"}).get_data(as_text=True)
        assert ("Ruth Adebayo" in page) is shown, who

    # Ruth leaves the directory: the next crawl takes her out.
    page_file = site.root / PAGE.lstrip("/")
    html = page_file.read_text(encoding="utf-8")
    start = html.index('<li class="member-card">')
    page_file.write_text(html[:start] + html[html.index("</li>", start) + 5 :], encoding="utf-8")
    run_mutual(settings, "crawl", "--all")
    assert "Ruth Adebayo" not in _people(settings)
    assert len(_people(settings)) == 4

    # An error, or a page without entries (a sign-in page answered 200), keeps them all.
    site.failures[PAGE] = (500, {})
    assert run_mutual(settings, "crawl", "--all", check=False).returncode == 3
    assert len(_people(settings)) == 4
    del site.failures[PAGE]
    page_file.write_text("<html><body><form><input name=password></form></body></html>")
    assert run_mutual(settings, "crawl", "--all", check=False).returncode == 3
    assert "matched nothing" in source_row(settings, 1)["last_error"]
    assert len(_people(settings)) == 4

    # Removing the source removes its directory and its people.
    run_mutual(settings, "source", "remove", "1")
    assert _people(settings) == {}


def test_a_test_fetch_says_how_many_people_the_selectors_read_without_showing_them(
    catalog: Settings, site: LocalSite
) -> None:
    options = [part for option in OPTIONS for part in ("--option", option)]
    url = f"{site.base_url}{PAGE}"
    result = run_mutual(catalog, "source", "test", url, "--kind", "directory", *options, "--json")
    preview = json.loads(result.stdout)
    assert preview["items"] == []
    assert preview["warnings"][0] == "5 people read from the directory page (not shown)"
    assert "Ruth Adebayo" not in result.stdout and "kenji@" not in result.stdout
