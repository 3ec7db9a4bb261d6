"""`mutual alerts ...`: saved-search alerts from the command line."""

from __future__ import annotations

import click

from ground import exits
from ground.settings import Settings


@click.group()
def alerts() -> None:
    """Saved-search alerts: match new items and deliver e-mails and webhooks."""


@alerts.command("run")
@click.pass_obj
def alerts_run(settings: Settings) -> None:
    """One pass: match saved searches on newly indexed items, then send what is due.

    The worker calls the same function after each index sync. Exit code 3 when some searches
    or deliveries failed (failed deliveries are retried with backoff on later runs), 7 when
    the catalog's database stayed down longer than MUTUAL_CATALOG_RETRY_SECONDS.
    """
    from alerts.run import run_alerts

    report = run_alerts(settings)
    for failure in report.failures:
        click.echo(f"failed: {failure}", err=True)
    click.echo(report.summary())
    if report.failures:
        raise click.exceptions.Exit(exits.PARTIAL)
