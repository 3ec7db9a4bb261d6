"""The `mutual` command: everything an operator does, one subcommand each.

Subcommand modules import Scrapy, Elasticsearch and SQLAlchemy inside the commands that use them,
so `mutual --help` and light commands start in a fraction of a second.
"""

from __future__ import annotations

import os

import click

from ground import exits
from ground.errors import MutualError
from ground.settings import CONFIG_ENV, load_settings
from ground.version import __version__
from mutual.cli_accounts import user
from mutual.cli_alerts import alerts
from mutual.cli_backup import export, import_
from mutual.cli_communities import community, init
from mutual.cli_directories import directory
from mutual.cli_introductions import introductions
from mutual.cli_organisations import organisation
from mutual.cli_pipeline import crawl, index, reindex, search
from mutual.cli_sources import source
from mutual.cli_web import demo, serve, show_settings
from mutual.cli_worker import worker


class MutualGroup(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except MutualError as exc:
            _explain(ctx, exc)
        except Exception as exc:
            # The catalog's database went away or its disk is full: one line, exit code 7.
            from catalog.outages import catalog_failure  # noqa: PLC0415 - SQLAlchemy loads only here

            failure = catalog_failure(exc)
            if failure is None:
                raise
            _explain(ctx, failure)
        return None


def _explain(ctx: click.Context, exc: MutualError) -> None:
    click.secho(f"error: {exc}", fg="red", err=True)
    if exc.exit_code == exits.SEARCH_UNAVAILABLE:
        click.echo("Is Elasticsearch running? (scripts/elasticsearch.sh status)", err=True)
    ctx.exit(exc.exit_code)


@click.group(cls=MutualGroup)
@click.version_option(__version__, prog_name="mutual")
@click.option(
    "--config",
    type=click.Path(exists=True, dir_okay=False),
    help=f"TOML settings file (same as {CONFIG_ENV}).",
)
@click.pass_context
def cli(ctx: click.Context, config: str | None) -> None:
    """Mutual: search the job boards, events and resources of all your communities.

    Settings come from MUTUAL_* environment variables or a TOML file; see `mutual settings`.
    """
    if config:
        os.environ[CONFIG_ENV] = config
    ctx.obj = load_settings()


for command in (
    init,
    community,
    source,
    directory,
    organisation,
    introductions,
    user,
    crawl,
    index,
    reindex,
    search,
    alerts,
    serve,
    demo,
    show_settings,
    worker,
    export,
    import_,
):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="mutual")
