"""`mutual init`, `mutual community ...` and `mutual source ...`."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import click

from mutual.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# Kept here, not imported from catalog.sources, so that `--help` needs no database library.
SOURCE_KINDS = ("feed",)
ACCESS_LEVELS = ("public", "members")
ITEM_KINDS = ("job", "event", "resource")


@contextmanager
def catalog_session(settings: Settings) -> Iterator[Session]:
    """A committed-on-success session on an initialised catalog."""
    from catalog.db import make_engine, require_schema, session_factory, transaction

    engine = make_engine(settings.resolved_database_url)
    try:
        require_schema(engine)
        with transaction(session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def print_rows(rows: list[dict[str, Any]], as_json: bool, columns: list[str]) -> None:
    if as_json:
        click.echo(json.dumps(rows, indent=2, default=str))
        return
    if not rows:
        click.echo("(none)")
        return
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in columns}
    click.echo("  ".join(c.upper().ljust(widths[c]) for c in columns))
    for row in rows:
        click.echo("  ".join(str(row[c]).ljust(widths[c]) for c in columns))


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
    """Add and list communities."""


@community.command("add")
@click.argument("name")
@click.option("--slug", help="Short id used in URLs and commands (default: from the name).")
@click.option("--description", default="", help="One or two sentences about the community.")
@click.option("--homepage", default="", help="The community's public home page.")
@click.pass_obj
def community_add(
    settings: Settings, name: str, slug: str | None, description: str, homepage: str
) -> None:
    """Add a community called NAME."""
    from catalog.communities import add_community

    with catalog_session(settings) as session:
        created = add_community(session, name, slug, description, homepage)
        click.echo(f"added community {created.slug!r} ({created.name})")


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


@click.group()
def source() -> None:
    """Add and list the sources communities publish."""


def check_source_url(url: str, allow_loopback: bool) -> None:
    """Refuse URLs the crawler would refuse, and say so now rather than at crawl time."""
    from crawlers.guard import UnsafeURL, check_address, check_url

    check_url(url, allow_loopback)
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        click.echo(f"warning: {host} does not resolve now; it will be retried at crawl time")
        return
    for address in addresses:
        try:
            check_address(str(address), allow_loopback)
        except UnsafeURL as exc:
            raise UnsafeURL(f"{host} resolves to {address}: {exc}") from exc


@source.command("add")
@click.argument("community_slug", metavar="COMMUNITY")
@click.argument("url")
@click.option(
    "--kind",
    type=click.Choice(SOURCE_KINDS),
    default="feed",
    show_default=True,
    help="What the URL serves.",
)
@click.option(
    "--item-kind",
    type=click.Choice(ITEM_KINDS),
    default="job",
    show_default=True,
    help="What its entries are.",
)
@click.option(
    "--access",
    type=click.Choice(ACCESS_LEVELS),
    default="public",
    show_default=True,
    help="Who may see its items: everyone, or the community's members only.",
)
@click.option("--title", default="", help="A name for the source.")
@click.pass_obj
def source_add(
    settings: Settings,
    community_slug: str,
    url: str,
    kind: str,
    item_kind: str,
    access: str,
    title: str,
) -> None:
    """Add the feed at URL to COMMUNITY."""
    from catalog.sources import add_source

    check_source_url(url, settings.crawl_allow_loopback)
    with catalog_session(settings) as session:
        created = add_source(
            session,
            community_slug,
            url,
            kind=kind,
            item_kind=item_kind,
            access=access,
            title=title,
        )
        click.echo(f"added source #{created.id} to {community_slug}: {kind} {url}")


@source.command("list")
@click.option("--community", "community_slug", help="Only this community's sources.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_obj
def source_list(settings: Settings, community_slug: str | None, as_json: bool) -> None:
    """List sources with their fetch health."""
    from catalog.sources import list_sources

    with catalog_session(settings) as session:
        rows = [
            {
                "id": s.id,
                "community": s.community.slug,
                "kind": s.kind,
                "url": s.url,
                "access": s.access,
                "status": s.last_status or "-",
                "errors": s.error_count,
                "items": s.items_seen,
                "last_success": s.last_success_at,
                "next_fetch": s.next_fetch_at,
                "last_error": s.last_error or "",
            }
            for s in list_sources(session, community_slug)
        ]
    print_rows(rows, as_json, ["id", "community", "kind", "status", "errors", "items", "url"])
