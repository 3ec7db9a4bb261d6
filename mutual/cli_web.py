"""`mutual serve`, `mutual demo` and `mutual settings`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING

import click

from ground import exits
from ground.settings import Settings, describe_settings

if TYPE_CHECKING:
    from mutual.demo import CrawlProgress

DEV_HELP = "Use Flask's development server instead (for working on Mutual itself)."


@click.command()
@click.option("--host", help="Address to listen on (default: MUTUAL_WEB_HOST).")
@click.option("--port", type=int, help="Port to listen on (default: MUTUAL_WEB_PORT).")
@click.option("--dev", is_flag=True, help=DEV_HELP)
@click.pass_obj
def serve(settings: Settings, host: str | None, port: int | None, dev: bool) -> None:
    """Serve the search page with a production WSGI server (waitress; MUTUAL_WEB_THREADS)."""
    _serve(settings, host or settings.web_host, port or settings.web_port, dev)


def _serve(settings: Settings, host: str, port: int, dev: bool) -> None:
    from mutual.web_server import serve_app
    from webapp import create_app

    serve_app(create_app(settings), settings, host, port, dev=dev)


@click.command()
@click.option(
    "--site-port",
    default=8001,
    show_default=True,
    help="Port of the local demo site that serves the communities' feeds.",
)
@click.option("--port", type=int, help="Port of the search page (default: MUTUAL_WEB_PORT).")
@click.option("--no-serve", is_flag=True, help="Crawl and index, then exit without serving.")
@click.option("--dev", is_flag=True, help=DEV_HELP)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    hidden=True,
    help="The day the demo site's dates are counted from (tests; default: the real date).",
)
@click.pass_obj
def demo(
    settings: Settings,
    site_port: int,
    port: int | None,
    no_serve: bool,
    dev: bool,
    today: datetime | None,
) -> None:
    """A first look, offline: demo communities served locally, crawled, indexed and searchable.

    Uses its own catalog (DATA_DIR/demo) and index (INDEX_PREFIX-demo), rebuilt on every run.
    Its jobs are posted in the days before the run and its events are in the weeks after it.
    """
    from mutual.demo import demo_settings, run_demo

    settings = demo_settings(settings)
    day = today.date() if today else None
    with _crawl_bar() as progress:
        site, complete = run_demo(settings, site_port, click.echo, progress, day)
    if not complete:
        raise click.exceptions.Exit(exits.PARTIAL)
    if no_serve:
        site.stop()
        return
    _serve(settings, settings.web_host, port or settings.web_port, dev)


@contextmanager
def _crawl_bar() -> Iterator[CrawlProgress]:
    """A progress bar (on stderr) for the demo's crawl: a failed source is printed, the others
    only advance the bar, so a first look is a few lines."""
    from rich.console import Console

    from mutual.cli_pipeline import progress_bar

    with progress_bar(Console(stderr=True)) as bar:

        def start(total: int) -> Callable[[str], None]:
            task = bar.add_task("crawling the demo communities", total=total)

            def done(line: str) -> None:
                if ": FAILED:" in line:
                    bar.console.print(line, markup=False, highlight=False)
                bar.advance(task)

            return done

        yield start


@click.command("settings")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_obj
def show_settings(settings: Settings, as_json: bool) -> None:
    """Show every setting, its environment variable and its current value (secrets masked)."""
    rows = []
    for info in describe_settings():
        value = getattr(settings, info.name)
        if info.secret and value:
            value = "********"
        elif isinstance(value, tuple):
            value = ",".join(value)
        rows.append({"name": info.name, "env": info.env, "value": value, "help": info.help})
    if as_json:
        click.echo(json.dumps(rows, indent=2, default=list))
        return
    for row in rows:
        click.echo(f"{row['env']:32} = {row['value']!s:30}  {row['help']}")
