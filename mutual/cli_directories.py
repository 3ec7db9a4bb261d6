"""`mutual directory ...`: a community's member directories (rosters) imported, listed, removed.

A roster's people are seen only by the community's active members (docs/members.md). Nothing
here ever prints a roster's own addresses (`roster_email`): they are kept for claims and
admission only; `directory people` shows the address a directory itself shows, if any.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ground import exits
from ground.errors import MutualError
from ground.settings import Settings
from mutual.cli_output import catalog_session, print_rows

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from catalog.people import DirectoryReport
    from crawlers.roster_entries import RosterParse

DEFAULT_NAME = "roster"


class NeedsConfirmation(MutualError):
    """A change that asks first, run where nobody can answer: --yes says the answer."""

    exit_code = exits.USAGE


class UnknownDirectory(MutualError):
    """No directory of that name in the community."""


class _DryRun(Exception):  # not an error: the way out that rolls the changes back
    def __init__(self, report: DirectoryReport) -> None:
        super().__init__("dry run")
        self.report = report


def _directory_name(ctx: click.Context, param: click.Parameter, value: str) -> str:
    name = " ".join(value.split())
    if not name or len(name) > 200:
        raise click.BadParameter("give a name of 1 to 200 characters", ctx, param)
    return name


def _interactive() -> bool:
    """Whether someone can answer a question (tests replace this to answer one)."""
    return sys.stdin.isatty()


@click.group()
def directory() -> None:
    """Import, list and remove a community's member directories (rosters of its members)."""


@directory.command("import")
@click.argument("slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--name",
    default=DEFAULT_NAME,
    show_default=True,
    callback=_directory_name,
    help="The directory's name in the community; importing a name again replaces its entries.",
)
@click.option(
    "--column",
    "column_options",
    multiple=True,
    metavar="HEADING=FIELD",
    help="Use a CSV column for a field (or FIELD 'ignore' to leave it out); repeatable.",
)
@click.option(
    "--admits-members/--no-admits-members",
    default=None,
    help="Whether an account whose address is on this roster joins without approval "
    "(and waiting requests from its addresses are approved); unchanged when not given.",
)
@click.option("--yes", is_flag=True, help="Import without asking (check the mapping first).")
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_obj
def directory_import(
    settings: Settings,
    slug: str,
    file: Path,
    name: str,
    column_options: tuple[str, ...],
    admits_members: bool | None,
    yes: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Import roster FILE (CSV or vCard) as directory NAME of community SLUG.

    Shows which column gives which field and asks before changing anything. Entries no longer
    in the file are removed. Problem rows are listed (numbered as in a spreadsheet, the
    headings being row 1) and skipped; the others are imported.
    """
    from crawlers.roster_entries import check_size
    from crawlers.rosters import parse_column_options, read_roster

    chosen = parse_column_options(column_options)
    check_size(file.stat().st_size)
    remembered = _remembered_columns(settings, slug, name)
    parse = read_roster(file.read_bytes(), file.name, chosen, remembered)
    if not as_json:
        _show_mapping(parse)
    if not (yes or dry_run):
        _confirm(as_json, f"Import {len(parse.entries)} people into {slug}/{name}?")
    report, admitted = _write(settings, slug, name, parse, (admits_members, dry_run))
    _print_report(slug, name, parse, report, dry_run, as_json)
    if admitted and not as_json:
        click.echo(f"{admitted} waiting requests to join approved: their addresses are on it")


def _remembered_columns(settings: Settings, slug: str, name: str) -> dict[str, str]:
    """The mapping confirmed at the last import (also checks the community exists, before
    anything is read or asked)."""
    from catalog.communities import get_community
    from catalog.directory_import import confirmed_columns

    with catalog_session(settings) as session:
        return confirmed_columns(session, get_community(session, slug).id, name)


def _show_mapping(parse: RosterParse) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    how = f"{parse.format}, {parse.encoding}"
    if parse.delimiter:
        how += f", delimited by {parse.delimiter!r}"
    table = Table(title=f"Columns used ({how}; {parse.records} records)")
    for heading in ("column" if parse.format == "csv" else "vCard property", "field", "example"):
        table.add_column(heading)
    for heading, field_name in parse.columns.items():
        example = "(never shown)" if field_name == "roster_email" else parse.samples.get(heading)
        table.add_row(Text(heading), Text(field_name), Text(example or ""))
    Console().print(table)


def _confirm(as_json: bool, question: str) -> None:
    if as_json or not _interactive():
        raise NeedsConfirmation(
            "not changed: nobody to confirm here; check the mapping shown (or --dry-run) "
            "and run again with --yes"
        )
    if not click.confirm(question, default=False):
        click.echo("nothing changed")
        raise click.exceptions.Exit(exits.FAILURE)


def _write(
    settings: Settings, slug: str, name: str, parse: RosterParse, how: tuple[bool | None, bool]
) -> tuple[DirectoryReport, int]:
    """Import the entries (`how`: admits members, None to leave it; dry run); the report and
    how many waiting requests the roster approved."""
    from catalog.communities import get_community
    from catalog.directory_import import import_entries

    admits_members, dry_run = how
    try:
        with catalog_session(settings) as session:
            community_id = get_community(session, slug).id
            report, admitted = import_entries(
                session,
                community_id,
                name,
                parse.columns,
                parse.entries,
                admits_members=admits_members,
            )
            if dry_run:
                raise _DryRun(report)  # the transaction rolls back: nothing is kept
    except _DryRun as stopped:
        return stopped.report, 0
    return report, admitted


def _print_report(
    slug: str,
    name: str,
    parse: RosterParse,
    report: DirectoryReport,
    dry_run: bool,
    as_json: bool,
) -> None:
    problems = [*parse.problems, *report.problems]
    counts = {
        k: getattr(report, k) for k in ("added", "updated", "unchanged", "removed", "excluded")
    }
    if as_json:
        answer: dict[str, Any] = {"community": slug, "directory": name, "format": parse.format}
        answer |= {"encoding": parse.encoding, "columns": parse.columns, "dry_run": dry_run}
        click.echo(json.dumps(answer | counts | {"problems": problems}, indent=2))
        return
    summary = ", ".join(f"{n} {k}" for k, n in counts.items())
    click.echo(f"{slug}/{name}: {summary}" + (" (dry run: nothing changed)" if dry_run else ""))
    if problems:
        click.echo(f"{len(problems)} problems (those rows skipped, or kept without the value):")
    for problem in problems:
        click.echo(f"  {problem}")


@directory.command("list")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_obj
def directory_list(settings: Settings, slug: str, as_json: bool) -> None:
    """List community SLUG's directories with their number of entries and last import."""
    from catalog.communities import get_community
    from catalog.people import directories

    with catalog_session(settings) as session:
        rows = [
            {
                "name": d.name,
                "kind": d.kind,
                "entries": d.entries,
                "imported": d.imported_at.isoformat(timespec="seconds"),
            }
            for d in directories(session, get_community(session, slug).id)
        ]
    print_rows(rows, as_json, ["name", "kind", "entries", "imported"])


@directory.command("remove")
@click.argument("slug")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Remove without asking.")
@click.pass_obj
def directory_remove(settings: Settings, slug: str, name: str, yes: bool) -> None:
    """Delete directory NAME of community SLUG and every person it brought in."""
    from catalog.communities import get_community
    from catalog.people import find_directory, remove_directory

    with catalog_session(settings) as session:
        found = find_directory(session, get_community(session, slug).id, name)
        if found is None:
            raise UnknownDirectory(f"no directory {name!r} in {slug} (see `mutual directory list`)")
        if not yes:
            _confirm(False, f"Delete {slug}/{name} and its {found.entries} people?")
        removed = remove_directory(session, found)
    click.echo(f"{slug}/{name} removed with its {removed} people")


@directory.command("remove-entry")
@click.argument("slug")
@click.argument("person_id", type=int, metavar="ID")
@click.option("--yes", is_flag=True, help="Remove without asking.")
@click.pass_obj
def directory_remove_entry(settings: Settings, slug: str, person_id: int, yes: bool) -> None:
    """Delete entry ID (see `mutual directory people`) from community SLUG's directory; later
    imports and crawls of that directory leave the entry out."""
    from catalog.communities import get_community
    from catalog.models.people import Directory, Person
    from catalog.people import remove_entry

    with catalog_session(settings) as session:
        person = session.get(Person, person_id)
        community = get_community(session, slug)
        directory = session.get(Directory, person.directory_id) if person is not None else None
        if person is None or directory is None or directory.community_id != community.id:
            raise UnknownDirectory(
                f"no directory entry #{person_id} in {slug} (see `mutual directory people {slug}`)"
            )
        name = person.display_name
        if not yes:
            _confirm(False, f"Delete {name} (#{person_id}) from {slug}/{directory.name}?")
        remove_entry(session, directory, person_id)
    click.echo(
        f"#{person_id} removed from {slug}/{directory.name}; later imports leave it out "
        "(removing the whole directory lifts that)"
    )


@directory.command("people")
@click.argument("slug")
@click.option("--directory", "directory_name", help="Only this directory's entries.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_obj
def directory_people(
    settings: Settings, slug: str, directory_name: str | None, as_json: bool
) -> None:
    """List the people community SLUG's directories brought in (never their roster address)."""
    from catalog.communities import get_community

    with catalog_session(settings) as session:
        rows = _people_rows(session, get_community(session, slug).id, directory_name)
    print_rows(rows, as_json, ["id", "name", "organisation", "role", "location", "directory"])


def _people_rows(
    session: Session, community_id: int, directory_name: str | None
) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from catalog.models.people import Directory, Person

    query = (
        select(Person, Directory.name)
        .join(Directory, Directory.id == Person.directory_id)
        .where(Person.community_id == community_id)
        .order_by(Directory.name, Person.display_name, Person.id)
    )
    if directory_name is not None:
        query = query.where(Directory.name == directory_name)
    return [_person_row(person, name) for person, name in session.execute(query)]


def _person_row(person: Any, directory_name: str) -> dict[str, Any]:
    # Field by field, so that roster_email (and the entry key, which may be made of it) can
    # never slip into the output.
    return {
        "id": person.id,
        "name": person.display_name,
        "organisation": person.organisation,
        "role": person.role,
        "location": person.location,
        "directory": directory_name,
        "topics": list(person.topics or []),
        "past_organisations": list(person.past_organisations or []),
        "profile_url": person.profile_url,
        "shown_email": person.shown_email,
    }
