"""`mutual source ...`: add, test, list, show, sign in, pause, resume and remove sources."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any

import click

from ground.settings import Settings
from mutual.cli_output import catalog_session, print_rows

if TYPE_CHECKING:
    from catalog.credentials import Credentials

# Kept here, not imported from catalog.sources, so that `--help` needs no database library.
SOURCE_KINDS = (
    "feed",
    "calendar",
    "jobboard",
    "structured",
    "html",
    "sitemap",
    "resource",
    "directory",
)
AUTH_KINDS = ("none", "basic", "bearer", "cookie", "form")
ACCESS_LEVELS = ("public", "members")
ITEM_KINDS = ("job", "event", "resource")


@click.group()
def source() -> None:
    """Add, test, list, pause and remove the sources communities publish."""


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
    "sitemap pattern=REGEX; for directory (a member-only directory page) the selectors entry, "
    "name, organisation, role, headline, location, profile and email. See docs/sources.md.",
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
    from catalog.communities import get_community
    from catalog.sources import add_source

    with catalog_session(settings) as session:  # before any fetch: a typo'd slug says so
        get_community(session, community_slug)
    _check_url(settings, url)
    credentials = _credentials(given)
    kind, url, item_kind = _kind_and_url(settings, url, given, credentials)
    options = _parse_options(kind, given["options"])
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


def _check_url(settings: Settings, url: str) -> None:
    """Refuse a URL the crawler would refuse, now; warn when its name does not resolve now."""
    from crawlers.guard import check_source_url

    warning = check_source_url(url, settings.crawl_allow_loopback)
    if warning:
        _warn(warning)


def _warn(text: str) -> None:
    click.echo(f"warning: {text}")


def _parse_options(kind: str, pairs: tuple[str, ...]) -> dict[str, Any]:
    """The --option pairs, read and checked for the kind; a bad one is a usage error."""
    from crawlers.source_options import InvalidOptions, parse_options

    try:
        return parse_options(kind, pairs)
    except InvalidOptions as exc:
        raise click.BadParameter(str(exc), param_hint="--option") from exc


def _kind_and_url(
    settings: Settings, url: str, given: dict[str, Any], credentials: Credentials | None
) -> tuple[str, str, str]:
    """The source's kind, the URL to fetch and its item kind: as given, or detected."""
    from catalog.sources import default_item_kind

    if given["kind"] != "auto":
        return given["kind"], url, given["item_kind"] or default_item_kind(given["kind"])
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
        _check_url(settings, found.url)
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


@source.command("list")
@click.option("--community", "community_slug", help="Only this community's sources.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_obj
def source_list(settings: Settings, community_slug: str | None, as_json: bool) -> None:
    """List sources with their fetch health (see `source show ID` for one in full)."""
    from catalog.sources import list_sources, source_health

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
    from catalog.sources import get_source, source_health

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
    from crawlers.preview_command import checked_preview
    from crawlers.source_options import InvalidOptions

    try:
        preview = checked_preview(settings, url, kind, item_kind or "", options, warn=_warn)
    except InvalidOptions as exc:
        raise click.BadParameter(str(exc), param_hint="--option") from exc
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
