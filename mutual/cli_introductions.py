"""`mutual introductions reports`: the operator reads what members reported (docs/members.md).

A recipient's report of an introduction request goes to the operator, and blocks its sender;
this is where the operator finds them. The note of the request itself is not shown: the
report's reason says what was wrong.
"""

from __future__ import annotations

import click

from ground.settings import Settings
from mutual.cli_output import catalog_session, print_rows


@click.group()
def introductions() -> None:
    """What members reported about introduction requests."""


@introductions.command("reports")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_obj
def introductions_reports(settings: Settings, as_json: bool) -> None:
    """List the reports of introduction requests, newest first: when, who reported whom, in
    which community, and why."""
    from catalog.introductions import reports

    with catalog_session(settings) as session:
        rows = [
            {
                "id": row.id,
                "reported": row.created_at.isoformat(timespec="seconds"),
                "by": row.reporter_email,
                "about": row.reported_email,
                "community": row.community,
                "reason": row.reason,
            }
            for row in reports(session)
        ]
    print_rows(rows, as_json, ["id", "reported", "by", "about", "community", "reason"])
