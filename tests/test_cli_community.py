"""`mutual community add --private --join`, `community member ...`, `community invite`,
`source test` and `source remove`, run as a user would."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from catalog.accounts import add_user
from catalog.communities import get_community
from catalog.memberships import find_invitation
from catalog.models.items import Item
from catalog.models.sources import Source
from ground.settings import Settings, settings_environ
from mutual.cli import cli
from mutual.local_site import LocalSite
from tests.helpers import catalog_session, run_mutual

if TYPE_CHECKING:
    from click.testing import Result

pytestmark = pytest.mark.sqlite_only


def mutual(settings: Settings, *args: str, check: bool = True) -> Result:
    """`mutual ARGS` in this process (quicker than a fresh one, for commands that start no
    crawl); its settings from the environment, as in a shell."""
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, list(args), env=settings_environ(settings))
    if check:
        assert result.exit_code == 0, f"mutual {' '.join(args)}: {result.output}"
    return result


def test_private_community_members_and_invitations(catalog: Settings) -> None:
    with catalog_session(catalog) as session:
        add_user(session, "alice@example.org", "correct horse battery")
        add_user(session, "bob@example.org", "correct horse battery")
    added = mutual(catalog, "community", "add", "Inner Circle", "--private").output
    assert "'inner-circle' (Inner Circle): private, joined by invitation" in added
    mutual(catalog, "community", "add", "Open Club", "--join", "open")
    with catalog_session(catalog) as session:
        inner, club = get_community(session, "inner-circle"), get_community(session, "open-club")
        assert (inner.visibility, inner.join_policy) == ("private", "invite")
        assert (club.visibility, club.join_policy) == ("public", "open")

    mutual(catalog, "community", "member", "add", "inner-circle", "Alice@Example.org", "--admin")
    mutual(catalog, "community", "member", "add", "inner-circle", "bob@example.org")
    listed = mutual(catalog, "community", "member", "list", "inner-circle", "--json").output
    rows = [(r["email"], r["role"], r["status"]) for r in json.loads(listed)]
    assert rows == [
        ("alice@example.org", "admin", "active"),
        ("bob@example.org", "member", "active"),
    ]
    removed = mutual(catalog, "community", "member", "remove", "inner-circle", "bob@example.org")
    assert "bob@example.org removed from inner-circle" in removed.output
    table = mutual(catalog, "community", "member", "list", "inner-circle").output
    assert "alice@example.org" in table and "bob@example.org" not in table

    link = mutual(catalog, "community", "invite", "inner-circle", "--uses", "3").stdout.strip()
    assert link.startswith(f"{catalog.public_url}/invite/")
    with catalog_session(catalog) as session:
        invitation = find_invitation(session, link.rsplit("/", 1)[1])
        assert invitation.max_uses == 3 and invitation.community.slug == "inner-circle"


ERRORS = [
    (("member", "add", "inner-circle", "nobody@example.org"), "no account for"),
    (("member", "add", "nowhere", "alice@example.org"), "no community with slug 'nowhere'"),
    (("member", "remove", "inner-circle", "alice@example.org"), "is not a member"),
    (("invite", "nowhere"), "no community with slug 'nowhere'"),
]


def test_unknown_people_and_communities_are_clear_errors(catalog: Settings) -> None:
    with catalog_session(catalog) as session:
        add_user(session, "alice@example.org", "correct horse battery")
    mutual(catalog, "community", "add", "Inner Circle", "--private")
    for args, message in ERRORS:
        failed = mutual(catalog, "community", *args, check=False)
        assert failed.exit_code == 1, args
        assert message in failed.output and "Traceback" not in failed.output, failed.output


def test_a_source_for_no_such_community_is_refused_before_any_fetch(
    catalog: Settings, site: LocalSite
) -> None:
    """Issue 24, point 5: a typo'd slug is named, not answered with talk of DNS or fetching."""
    feed = f"{site.base_url}/association/careers.rss"
    for url in (feed, "https://nonexistent.invalid/feed.rss"):
        failed = run_mutual(catalog, "source", "add", "nowhere", url, check=False)
        assert failed.returncode == 1
        assert failed.stderr.strip() == (
            "error: no community with slug 'nowhere' (see `mutual community list`)"
        )
    assert site.requests_for("/association/careers.rss") == []


def test_source_test_shows_what_would_be_collected_and_writes_nothing(
    catalog: Settings, site: LocalSite
) -> None:
    result = run_mutual(catalog, "source", "test", f"{site.base_url}/crawl/home.html", "--json")
    preview = json.loads(result.stdout)
    assert preview["ok"] and preview["kind"] == "feed" and preview["status"] == 200
    assert preview["url"] == f"{site.base_url}/association/careers.rss"
    assert preview["items"][0]["title"] == "Revenue Cycle Director"
    assert preview["items"][0]["organisation"] == "St. Mary's Regional Hospital"
    assert preview["item_count"] == 3
    with catalog_session(catalog) as session:
        assert session.scalar(select(Source)) is None and session.scalar(select(Item)) is None

    failed = run_mutual(
        catalog, "source", "test", f"{site.base_url}/missing.rss", "--kind", "feed", check=False
    )
    assert failed.returncode == 1 and "HTTP 404" in failed.stderr
    refused = run_mutual(catalog, "source", "test", "http://10.0.0.1/feed.rss", check=False)
    assert refused.returncode == 1 and "non-public address 10.0.0.1" in refused.stderr


def test_source_remove_deletes_the_source_and_its_items(catalog: Settings, site: LocalSite) -> None:
    mutual(catalog, "community", "add", "SHCA", "--slug", "shca")
    url = f"{site.base_url}/association/careers.rss"
    mutual(catalog, "source", "add", "shca", url, "--kind", "feed")
    run_mutual(catalog, "crawl")
    with catalog_session(catalog) as session:
        source_id = session.scalar(select(Source.id))
        assert len(list(session.scalars(select(Item)))) == 3
    removed = mutual(catalog, "source", "remove", str(source_id)).output
    assert f"removed source #{source_id} from shca" in removed and "3 items deleted" in removed
    with catalog_session(catalog) as session:
        assert session.scalar(select(Source)) is None and session.scalar(select(Item)) is None
    again = mutual(catalog, "source", "remove", str(source_id), check=False)
    assert again.exit_code == 1 and f"no source #{source_id}" in again.output
