"""`mutual init`, `mutual community ...` and `mutual source ...`."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import click

from ground.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from catalog.credentials import Credentials
    from catalog.models.accounts import User
    from catalog.models.sources import Source

# Kept here, not imported from catalog.sources, so that `--help` needs no database library.
SOURCE_KINDS = ("feed", "calendar", "jobboard", "structured", "html", "sitemap", "resource")
AUTH_KINDS = ("none", "basic", "bearer", "cookie", "form")
ACCESS_LEVELS = ("public", "members")
ITEM_KINDS = ("job", "event", "resource")
JOIN_POLICIES = ("open", "approval", "invite")
JOIN_WORDS = {"open": "anyone", "approval": "an admin's approval", "invite": "invitation"}


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
    from crawlers.guard import check_url
    from crawlers.source_options import check_source_options

    data = read_manifest(file.read_text(encoding="utf-8", errors="replace"), str(file))
    for entry in data["communities"]:
        for src in entry.get("sources", []):
            # Without resolving names (a manifest holds many); the crawl checks addresses.
            check_url(str(src["url"]), settings.crawl_allow_loopback)
            check_source_options(str(src.get("kind", "feed")), src.get("options") or {})
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
    from crawlers.guard import check_url

    feeds = feed_urls(file.read_bytes())
    for url, _title in feeds:
        check_url(url, settings.crawl_allow_loopback)
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


@click.group()
def source() -> None:
    """Add, test, list, pause and remove the sources communities publish."""


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
    type=click.Choice(("auto", *SOURCE_KINDS)),
    default="auto",
    show_default=True,
    help="What the URL serves; auto fetches it once and finds out (a feed linked from a home "
    "page, a calendar, schema.org data, a known job board).",
)
@click.option(
    "--item-kind",
    type=click.Choice(ITEM_KINDS),
    help="What its entries are (default: guessed by --kind auto, else job).",
)
@click.option(
    "--access",
    type=click.Choice(ACCESS_LEVELS),
    help="Who may see its items: everyone, or the community's members only "
    "(default: members when --auth is given, else public).",
)
@click.option("--title", default="", help="A name for the source.")
@click.option(
    "--option",
    "options",
    multiple=True,
    metavar="KEY=VALUE",
    help="A kind-specific setting (repeatable): for html the selectors item, title, link, date, "
    "organisation, location, summary, next_page, detail_body and follow_details=true; for "
    "sitemap pattern=REGEX. See docs/sources.md.",
)
@click.option(
    "--auth",
    type=click.Choice(AUTH_KINDS),
    default="none",
    show_default=True,
    help="How to sign in to a member-only source. The secret (password, token or cookie) is "
    "read from MUTUAL_SOURCE_SECRET or asked for, never taken on the command line.",
)
@click.option("--username", default="", help="User name for --auth basic or form.")
@click.option("--login-url", default="", help="The login page, for --auth form.")
@click.option("--username-field", default="username", show_default=True, help="Form field.")
@click.option("--password-field", default="password", show_default=True, help="Form field.")
@click.pass_obj
def source_add(settings: Settings, /, community_slug: str, url: str, **given: Any) -> None:
    """Add the source at URL to COMMUNITY, finding out what it is unless --kind says."""
    from catalog.sources import add_source

    check_source_url(url, settings.crawl_allow_loopback)
    credentials = _credentials(given)
    kind, url, item_kind = _kind_and_url(settings, url, given, credentials)
    options = parse_options(kind, given["options"])
    access = given["access"] or ("members" if credentials else "public")
    with catalog_session(settings) as session:
        created = add_source(
            session,
            community_slug,
            url,
            kind=kind,
            item_kind=item_kind,
            access=access,
            title=given["title"],
            options=options,
            credentials=credentials,
            credentials_key=settings.credentials_key,
        )
        click.echo(f"added source #{created.id} to {community_slug}: {kind} of {item_kind}s {url}")
        if credentials:
            click.echo(f"credentials ({credentials.kind}) stored encrypted; items: {access} only")


def _credentials(given: dict[str, Any]) -> Credentials | None:
    from catalog.credentials import Credentials

    if given["auth"] == "none":
        return None
    if given["auth"] == "form" and not given["login_url"]:
        raise click.UsageError("--auth form needs --login-url")
    secret = os.environ.get("MUTUAL_SOURCE_SECRET") or click.prompt(
        f"{given['auth']} secret (password, token or cookie)", hide_input=True
    )
    return Credentials(
        kind=given["auth"],
        username=given["username"],
        secret=secret,
        login_url=given["login_url"],
        username_field=given["username_field"],
        password_field=given["password_field"],
    )


def _kind_and_url(
    settings: Settings, url: str, given: dict[str, Any], credentials: Credentials | None
) -> tuple[str, str, str]:
    """The source's kind, the URL to fetch and its item kind: as given, or detected."""
    if given["kind"] != "auto":
        return given["kind"], url, given["item_kind"] or "job"
    if credentials is not None and credentials.kind == "form":
        raise click.UsageError("give --kind for a source behind a login form")
    from catalog.sources import SourceRef
    from crawlers.detect import detect, detect_from_url
    from crawlers.probe import fetch_once

    found = detect_from_url(url)
    if found is None:
        fetched = fetch_once(
            settings, SourceRef(0, url, "auto", "job", None, None, {}, credentials)
        )
        found = detect(fetched.url, fetched.body, fetched.content_type)
    if found.url != url:
        check_source_url(found.url, settings.crawl_allow_loopback)
        _keep_credentials_home(url, found.url, credentials)
    item_kind = given["item_kind"] or found.item_kind
    click.echo(f"found {found.found}: adding it as a {found.kind} source of {item_kind}s")
    return found.kind, found.url, item_kind


def _keep_credentials_home(typed: str, found: str, credentials: Credentials | None) -> None:
    """Credentials typed for one site are never sent to another that a page pointed at."""
    from crawlers.auth import origin

    if credentials is not None and origin(found) != origin(typed):
        raise click.UsageError(
            f"the page points at {found}, on another site than {typed}; credentials are only "
            "sent to the site they were given for: add that URL itself if it needs them"
        )


def parse_options(kind: str, pairs: tuple[str, ...]) -> dict[str, Any]:
    """KEY=VALUE pairs as a dict (true/false and numbers read as such), checked for the kind."""
    options: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--option")
        options[key.strip()] = _option_value(value.strip())
    check_options(kind, options)
    return options


def check_options(kind: str, options: dict[str, Any]) -> None:
    """Refuse options the crawler could not use, now rather than at every crawl."""
    from crawlers.source_options import InvalidOptions, check_source_options

    try:
        check_source_options(kind, options)
    except InvalidOptions as exc:
        raise click.BadParameter(str(exc), param_hint="--option") from exc


def _option_value(value: str) -> Any:
    lowered = value.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    return int(value) if value.isdigit() else value


def source_health(source: Source) -> dict[str, Any]:
    """What `source list` and `source show` print of a source: never its credentials."""
    from catalog.sources import fetch_health

    state = fetch_health(source)
    words = {"failing": f"failing x{source.error_count}", "never": "never fetched"}
    health = words.get(state, "ok" if state == "warning" else state)
    return {
        "id": source.id,
        "community": source.community.slug,
        "title": source.title,
        "kind": source.kind,
        "item_kind": source.item_kind,
        "url": source.url,
        "access": source.access,
        "auth": source.auth_kind,
        "options": source.options or {},
        "health": health,
        "status": source.last_status or "-",
        "failures": source.error_count,
        "items": source.items_seen,
        "last_attempt": source.last_fetched_at,
        "last_success": source.last_success_at,
        "next_fetch": source.next_fetch_at,
        "last_error": source.last_error or "",
    }


@source.command("list")
@click.option("--community", "community_slug", help="Only this community's sources.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_obj
def source_list(settings: Settings, community_slug: str | None, as_json: bool) -> None:
    """List sources with their fetch health (see `source show ID` for one in full)."""
    from catalog.sources import list_sources

    with catalog_session(settings) as session:
        rows = [source_health(s) for s in list_sources(session, community_slug)]
    columns = ["id", "community", "kind", "health", "status", "items", "url"]
    print_rows(rows, as_json, columns)


@source.command("show")
@click.argument("source_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_obj
def source_show(settings: Settings, source_id: int, as_json: bool) -> None:
    """Everything known about source SOURCE_ID: health, last error, next fetch, options."""
    from catalog.sources import get_source

    with catalog_session(settings) as session:
        row = source_health(get_source(session, source_id))
    if as_json:
        click.echo(json.dumps(row, indent=2, default=str))
        return
    for key, value in row.items():
        click.echo(f"{key.replace('_', ' '):>13}: {value if value not in ('', None) else '-'}")


@source.command("auth")
@click.argument("source_id", type=int)
@click.option(
    "--auth",
    type=click.Choice(AUTH_KINDS[1:]),
    required=True,
    help="How to sign in; the secret is read from MUTUAL_SOURCE_SECRET or asked for.",
)
@click.option("--username", default="", help="User name for --auth basic or form.")
@click.option("--login-url", default="", help="The login page, for --auth form.")
@click.option("--username-field", default="username", show_default=True, help="Form field.")
@click.option("--password-field", default="password", show_default=True, help="Form field.")
@click.pass_obj
def source_auth(settings: Settings, /, source_id: int, **given: Any) -> None:
    """Give (or replace) the sign-in of source SOURCE_ID, stored encrypted; resumes it."""
    from catalog.sources import get_source, set_credentials

    credentials = _credentials(given)
    if credentials is None:  # --auth none is not offered; kept for the type checker
        raise click.UsageError("--auth is required")
    with catalog_session(settings) as session:
        source = get_source(session, source_id)
        set_credentials(source, credentials, settings.credentials_key)
        click.echo(f"source #{source.id}: {credentials.kind} sign-in stored encrypted; resumed")


@source.command("pause")
@click.argument("source_id", type=int)
@click.pass_obj
def source_pause(settings: Settings, source_id: int) -> None:
    """Stop fetching source SOURCE_ID (its items stay) until `source resume`."""
    _set_paused(settings, source_id, paused=True)


@source.command("resume")
@click.argument("source_id", type=int)
@click.pass_obj
def source_resume(settings: Settings, source_id: int) -> None:
    """Fetch source SOURCE_ID again from the next crawl."""
    _set_paused(settings, source_id, paused=False)


def _set_paused(settings: Settings, source_id: int, *, paused: bool) -> None:
    from catalog.sources import get_source

    with catalog_session(settings) as session:
        source = get_source(session, source_id)
        source.paused = paused
        if not paused:
            source.next_fetch_at = None
    click.echo(f"source #{source_id} {'paused' if paused else 'resumed'}")


@source.command("remove")
@click.argument("source_id", type=int)
@click.pass_obj
def source_remove(settings: Settings, source_id: int) -> None:
    """Delete source SOURCE_ID. Items only it carried leave the catalog, and the index at the
    next `mutual index`; items other sources carry too stay, without this source."""
    from catalog.source_removal import remove_source
    from catalog.sources import get_source

    with catalog_session(settings) as session:
        removed = remove_source(session, get_source(session, source_id))
    click.echo(
        f"removed source #{removed.source_id} from {removed.community_slug} ({removed.url}): "
        f"{removed.items_deleted} items deleted, {removed.items_updated} kept for other sources"
    )


@source.command("test")
@click.argument("url")
@click.option(
    "--kind",
    type=click.Choice(("auto", *SOURCE_KINDS)),
    default="auto",
    show_default=True,
    help="What the URL serves; auto finds out, as `source add` does.",
)
@click.option(
    "--item-kind", type=click.Choice(ITEM_KINDS), help="What its entries are (default: guessed)."
)
@click.option(
    "--option",
    "options",
    multiple=True,
    metavar="KEY=VALUE",
    help="A kind-specific setting, as for `source add` (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts (and the web app).")
@click.pass_obj
def source_test(
    settings: Settings,
    url: str,
    kind: str,
    item_kind: str | None,
    options: tuple[str, ...],
    as_json: bool,
) -> None:
    """Fetch URL once, as a crawl would, and show what it would collect. Writes nothing."""
    from crawlers.preview import preview_source

    check_source_url(url, settings.crawl_allow_loopback)
    parsed = parse_options(kind, options) if kind != "auto" else {}
    preview = preview_source(settings, url, kind, item_kind or "", parsed).as_dict()
    if as_json:
        click.echo(json.dumps(preview, indent=2))
    else:
        _print_preview(preview)
    if not preview["ok"]:
        raise click.exceptions.Exit(1)


def _print_preview(preview: dict[str, Any]) -> None:
    click.echo(f"{preview['kind']} of {preview['item_kind']}s at {preview['url']}")
    if preview["found"]:
        click.echo(f"found: {preview['found']}")
    click.echo(f"HTTP status: {preview['status'] or '-'}")
    if preview["error"]:
        click.secho(f"error: {preview['error']}", fg="red", err=True)
        return
    click.echo(f"{preview['item_count']} items would be collected; the first:")
    columns = ["kind", "title", "organisation", "published", "url"]
    print_rows(preview["items"], False, columns)
    for warning in preview["warnings"]:
        click.echo(f"warning: {warning}")


@community.command("invite")
@click.argument("slug")
@click.option("--days", type=click.IntRange(1, 365), default=14, show_default=True)
@click.option("--uses", type=click.IntRange(1, 10000), default=1, show_default=True)
@click.pass_obj
def community_invite(settings: Settings, slug: str, days: int, uses: int) -> None:
    """Print a new invitation link to community SLUG (shown once: only its hash is kept)."""
    from catalog.communities import get_community
    from catalog.memberships import create_invitation

    with catalog_session(settings) as session:
        token = create_invitation(
            session, get_community(session, slug), None, days=days, max_uses=uses
        )
    click.echo(invitation_link(settings, token))
    click.echo(f"valid {days} days, for {uses} {'person' if uses == 1 else 'people'}", err=True)


def invitation_link(settings: Settings, token: str) -> str:
    return f"{settings.public_url.rstrip('/')}/invite/{token}"


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
