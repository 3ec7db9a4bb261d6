"""`mutual export` and `mutual import`: the catalog to one backup file and back (docs/backup.md)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from ground.settings import Settings
from mutual.cli_output import catalog_session

# Singular and plural of each section in the summary line, in the file's order.
LABELS = {
    "communities": ("community", "communities"),
    "sources": ("source", "sources"),
    "users": ("user", "users"),
    "memberships": ("membership", "memberships"),
    "invitations": ("invitation", "invitations"),
    "saved_searches": ("saved search", "saved searches"),
    "calendar_feeds": ("calendar feed", "calendar feeds"),
    "alert_deliveries": ("alert delivery", "alert deliveries"),
    "alert_matches": ("alert match", "alert matches"),
    "organisation_overrides": ("organisation merge or split", "organisation merges and splits"),
    "organisation_follows": ("organisation follow", "organisation follows"),
    "directories": ("directory", "directories"),
    "people": ("person", "people"),
    "directory_exclusions": ("removed directory entry", "removed directory entries"),
    "introduction_requests": ("introduction request", "introduction requests"),
    "introduction_blocks": ("introduction block", "introduction blocks"),
    "introduction_reports": ("introduction report", "introduction reports"),
}


def summary(verb: str, counts: dict[str, int]) -> str:
    """ "exported 3 communities, 17 sources, 1 user, ..."."""
    parts = [f"{n} {LABELS[name][n != 1]}" for name, n in counts.items()]
    return f"{verb} {', '.join(parts)}"


@click.command("export")
@click.argument("file", default="-", metavar="[FILE|-]")
@click.option(
    "--with-secrets",
    is_flag=True,
    help="Include member-only sources' credentials, still encrypted: importing them needs the "
    "same MUTUAL_CREDENTIALS_KEY.",
)
@click.option(
    "--with-people",
    is_flag=True,
    help="Include people: profiles, member directories (roster addresses too), introduction "
    "requests, blocks and reports. Without it the file holds nobody's profile.",
)
@click.pass_obj
def export(settings: Settings, file: str, with_secrets: bool, with_people: bool) -> None:
    """Write the whole catalog (communities, sources, accounts, memberships, saved searches,
    alert outbox, organisation merges and follows; not items, and people only --with-people)
    as one JSON backup to FILE, or to standard output with - (the default). The file holds
    password hashes: keep it private."""
    from catalog.backup import export_catalog, section_counts
    from catalog.backup_format import PEOPLE_WARNING, SECRETS_WARNING, dump_backup

    with catalog_session(settings) as session:
        data = export_catalog(session, with_secrets=with_secrets, with_people=with_people)
    text = dump_backup(data)
    to_stdout = file == "-"
    if to_stdout:
        sys.stdout.write(text)
    else:
        _write_private(Path(file), text)
    # With the backup on standard output, the summary goes to standard error.
    click.echo(summary("exported", section_counts(data)), err=to_stdout)
    if with_secrets:
        click.secho(f"warning: {SECRETS_WARNING}", fg="yellow", err=True)
    if with_people:
        click.secho(f"warning: {PEOPLE_WARNING}", fg="yellow", err=True)


def _write_private(path: Path, text: str) -> None:
    """Write through a temporary file readable by its owner only, then rename: a backup is
    never seen half-written, nor by other users of the machine."""
    partial = path.with_name(f".{path.name}.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    partial.replace(path)


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--replace",
    is_flag=True,
    help="Empty a catalog that is not empty first (everything in it, items included, is "
    "deleted, in the same transaction as the import).",
)
@click.option(
    "--without-secrets",
    is_flag=True,
    help="Ignore credentials in the file; sources that sign in wait paused for `source auth`.",
)
@click.pass_obj
def import_(settings: Settings, file: Path, replace: bool, without_secrets: bool) -> None:
    """Restore a backup FILE made by `mutual export` into a fresh catalog, in one transaction:
    on any error nothing is written. Then crawl, `mutual reindex`, and carry on."""
    from catalog.backup import import_catalog
    from catalog.backup_format import read_backup

    data = read_backup(file.read_text(encoding="utf-8", errors="replace"), str(file))
    _check_sources(settings, data["sources"])
    with catalog_session(settings) as session:
        report = import_catalog(
            session,
            data,
            credentials_key=settings.credentials_key,
            replace=replace,
            without_secrets=without_secrets,
        )
    click.echo(summary("imported", report.counts))
    for source_id, url, kind in report.need_credentials:
        click.echo(
            f"source #{source_id} ({url}) signs in ({kind}) and the backup has no credentials "
            f"for it: it is paused until `mutual source auth {source_id} --auth {kind}`"
        )
    if not data["with_people"]:
        click.echo("the backup holds no people (it was made without --with-people)")
    click.echo("next: `mutual crawl --all`, then `mutual reindex` (items are not in backups)")


def _check_sources(settings: Settings, sources: list[dict[str, Any]]) -> None:
    """Every URL and option as a manifest import checks them, before anything is written."""
    from crawlers.guard import check_url
    from crawlers.source_options import check_source_options

    for source in sources:
        check_url(source["url"], settings.crawl_allow_loopback)
        check_source_options(source["kind"], source["options"])
