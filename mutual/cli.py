"""The `mutual` command: everything an operator does, one subcommand each."""

from __future__ import annotations

import os

import click

from catalog.communities import CommunityExists, UnknownCommunity
from catalog.db import CatalogNotInitialised
from catalog.sources import SourceExists, UnknownSource
from crawlers.guard import UnsafeURL
from indexer.client import SearchUnavailable
from mutual import __version__, exits
from mutual.cli_catalog import community, init, source
from mutual.cli_pipeline import crawl, index, search
from mutual.cli_web import demo, serve, show_settings
from mutual.settings import CONFIG_ENV, SettingsError, load_settings

# Errors a user can fix; they are printed as one line instead of a traceback.
USER_ERRORS = (
    SettingsError,
    CatalogNotInitialised,
    CommunityExists,
    UnknownCommunity,
    SourceExists,
    UnknownSource,
    UnsafeURL,
    ValueError,
)


class MutualGroup(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except SearchUnavailable as exc:
            click.secho(f"error: {exc}", fg="red", err=True)
            click.echo("Is Elasticsearch running? (scripts/elasticsearch.sh status)", err=True)
            ctx.exit(exits.SEARCH_UNAVAILABLE)
        except USER_ERRORS as exc:
            click.secho(f"error: {exc}", fg="red", err=True)
            ctx.exit(exits.FAILURE)


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
    try:
        ctx.obj = load_settings()
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from exc


for command in (init, community, source, crawl, index, search, serve, demo, show_settings):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="mutual")
