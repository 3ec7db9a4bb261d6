"""`mutual init`, and `mutual community ...`: communities, their manifests, invitations, members."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ground.settings import Settings
from mutual.cli_output import catalog_session, print_rows
from mutual.cli_sources import ITEM_KINDS

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from catalog.models.accounts import User

JOIN_POLICIES = ("open", "approval", "invite")
JOIN_WORDS = {"open": "anyone", "approval": "an admin's approval", "invite": "invitation"}


@click.command()
@click.pass_obj
def init(settings: Settings) -> None:
    """Create the catalog (or migrate it to the newest schema)."""
    from catalog.db import make_engine, upgrade_schema

    upgrade_schema(settings.resolved_database_url)
    url = make_engine(settings.resolved_database_url).url.render_as_string(hide_password=True)
    click.echo(f"catalog ready: {url}")


@click.group()
def community() -> None:
    """Add, list, import and export communities; manage their members and invitations."""


@community.command("add")
@click.argument("name")
@click.option("--slug", help="Short id used in URLs and commands (default: from the name).")
@click.option("--description", default="", help="One or two sentences about the community.")
@click.option("--homepage", default="", help="The community's public home page.")
@click.option(
    "--private",
    is_flag=True,
    help="Only its members (and the operator) see that it exists; joined by invitation.",
)
@click.option(
    "--join",
    "join_policy",
    type=click.Choice(JOIN_POLICIES),
    help="How people join: open (one click), approval (an admin approves) or invite (a link). "
    "Default: invite when --private, else approval.",
)
@click.pass_obj
def community_add(
    settings: Settings,
    name: str,
    slug: str | None,
    description: str,
    homepage: str,
    private: bool,
    join_policy: str | None,
) -> None:
    """Add a community called NAME."""
    from catalog.communities import add_community

    with catalog_session(settings) as session:
        created = add_community(session, name, slug, description, homepage)
        created.visibility = "private" if private else "public"
        created.join_policy = join_policy or ("invite" if private else "approval")
        click.echo(
            f"added community {created.slug!r} ({created.name}): {created.visibility}, "
            f"joined by {JOIN_WORDS[created.join_policy]}"
        )


@community.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_obj
def community_list(settings: Settings, as_json: bool) -> None:
    """List communities with their number of sources."""
    from catalog.communities import list_communities

    with catalog_session(settings) as session:
        rows = [
            {"slug": c.slug, "name": c.name, "sources": len(c.sources), "homepage": c.homepage}
            for c in list_communities(session)
        ]
    print_rows(rows, as_json, ["slug", "name", "sources"])


@community.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--opml",
    "opml_community",
    metavar="SLUG",
    help="FILE is an OPML subscription list: add its feeds to this existing community.",
)
@click.option(
    "--item-kind",
    type=click.Choice(ITEM_KINDS),
    default="job",
    show_default=True,
    help="With --opml: what the feeds' entries are.",
)
@click.pass_obj
def community_import(
    settings: Settings, file: Path, opml_community: str | None, item_kind: str
) -> None:
    """Add the communities and sources of a manifest FILE (see docs/manifest.md), or the feeds
    of an OPML FILE with --opml. What is already there is kept as it is."""
    if opml_community:
        _import_opml(settings, file, opml_community, item_kind)
        return
    from catalog.manifest import import_manifest, read_manifest
    from crawlers.source_options import check_manifest_sources

    data = read_manifest(file.read_text(encoding="utf-8", errors="replace"), str(file))
    check_manifest_sources(data, settings.crawl_allow_loopback)
    with catalog_session(settings) as session:
        report = import_manifest(session, data, credentials_key=settings.credentials_key)
    click.echo(
        f"communities: {len(report.communities_added)} added, {len(report.communities_kept)} "
        f"already there; sources: {report.sources_added} added, {report.sources_kept} already there"
    )
    for source_id, url, auth in report.need_credentials:
        hints = " ".join(f"--{k.replace('_', '-')} {v}" for k, v in auth.items() if k != "kind")
        click.echo(
            f"source #{source_id} ({url}) signs in ({auth.get('kind', '?')}) and manifests carry "
            f"no secrets: it is paused until `mutual source auth {source_id} --auth "
            f"{auth.get('kind', 'basic')} {hints}`".rstrip()
        )


def _import_opml(settings: Settings, file: Path, slug: str, item_kind: str) -> None:
    from catalog.opml import feed_urls, import_opml
    from crawlers.guard import check_feed_urls

    feeds = feed_urls(file.read_bytes())
    check_feed_urls(feeds, settings.crawl_allow_loopback)
    with catalog_session(settings) as session:
        report = import_opml(session, slug, feeds, item_kind)
    click.echo(f"{slug}: {len(report.added)} feeds added, {len(report.kept)} already there")


@community.command("export")
@click.argument("slug")
@click.option("--opml", is_flag=True, help="Write the public feeds and calendars as OPML.")
@click.option(
    "--include-member-sources",
    is_flag=True,
    help="Also write member-only sources (their URLs, never their secrets).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (default: standard output).",
)
@click.pass_obj
def community_export(
    settings: Settings,
    slug: str,
    opml: bool,
    include_member_sources: bool,
    output: Path | None,
) -> None:
    """Write community SLUG and its public sources as a manifest (no secrets), or as OPML."""
    from catalog.manifest import dump_manifest, export_community
    from catalog.opml import export_opml

    with catalog_session(settings) as session:
        if opml:
            text = export_opml(session, slug)
        else:
            data = export_community(
                session, slug, settings.credentials_key, member_sources=include_member_sources
            )
            text = dump_manifest(data)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


@community.command("invite")
@click.argument("slug")
@click.option("--days", type=click.IntRange(1, 365), default=14, show_default=True)
@click.option("--uses", type=click.IntRange(1, 10000), default=1, show_default=True)
@click.pass_obj
def community_invite(settings: Settings, slug: str, days: int, uses: int) -> None:
    """Print a new invitation link to community SLUG (shown once: only its hash is kept)."""
    from catalog.communities import get_community
    from catalog.memberships import create_invitation, invitation_link

    with catalog_session(settings) as session:
        token = create_invitation(
            session, get_community(session, slug), None, days=days, max_uses=uses
        )
    click.echo(invitation_link(settings, token))
    click.echo(f"valid {days} days, for {uses} {'person' if uses == 1 else 'people'}", err=True)


@community.group("member")
def member() -> None:
    """Add, list and remove a community's members."""


@member.command("add")
@click.argument("slug")
@click.argument("email")
@click.option("--admin", is_flag=True, help="Make them an admin of the community.")
@click.pass_obj
def member_add(settings: Settings, slug: str, email: str, admin: bool) -> None:
    """Make the account EMAIL an active member of community SLUG (whatever its join policy)."""
    from catalog.communities import get_community
    from catalog.memberships import ADMIN, MEMBER, add_member

    with catalog_session(settings) as session:
        community_row = get_community(session, slug)
        user = user_by_email(session, email)
        row = add_member(session, user, community_row, role=ADMIN if admin else MEMBER)
        click.echo(
            f"{user.email} is now {'an admin' if row.role == ADMIN else 'a member'} of {slug}"
        )


@member.command("list")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_obj
def member_list(settings: Settings, slug: str, as_json: bool) -> None:
    """List community SLUG's members and requests to join."""
    from catalog.communities import get_community
    from catalog.memberships import members

    with catalog_session(settings) as session:
        rows = [
            {
                "email": row.user.email,
                "name": row.user.display_name,
                "role": row.role,
                "status": row.status,
                "since": row.created_at,
            }
            for row in members(session, get_community(session, slug))
        ]
    print_rows(rows, as_json, ["email", "role", "status", "since"])


@member.command("remove")
@click.argument("slug")
@click.argument("email")
@click.pass_obj
def member_remove(settings: Settings, slug: str, email: str) -> None:
    """Remove EMAIL from community SLUG (or refuse their request); effective at once."""
    from catalog.communities import get_community
    from catalog.memberships import MembershipError, leave, membership

    with catalog_session(settings) as session:
        community_row = get_community(session, slug)
        user = user_by_email(session, email)
        if membership(session, user.id, community_row.id) is None:
            raise MembershipError(f"{user.email} is not a member of {slug}")
        leave(session, user.id, community_row)
    click.echo(f"{user.email} removed from {slug}")


def user_by_email(session: Session, email: str) -> User:
    from catalog.accounts import UnknownUser, find_user

    user = find_user(session, email)
    if user is None:
        raise UnknownUser(f"no account for {email.strip()!r} (create it with `mutual user add`)")
    return user
