"""`mutual serve`, `mutual demo` and `mutual settings`."""

from __future__ import annotations

import json

import click

from ground import exits
from ground.settings import Settings, describe_settings


@click.command()
@click.option("--host", help="Address to listen on (default: MUTUAL_WEB_HOST).")
@click.option("--port", type=int, help="Port to listen on (default: MUTUAL_WEB_PORT).")
@click.pass_obj
def serve(settings: Settings, host: str | None, port: int | None) -> None:
    """Serve the search page (development server; use gunicorn in production)."""
    _serve(settings, host or settings.web_host, port or settings.web_port)


def _serve(settings: Settings, host: str, port: int) -> None:
    from webapp import create_app

    app = create_app(settings)
    click.echo(f"Mutual is serving at http://{host}:{port}/  (Ctrl-C to stop)")
    app.run(host=host, port=port, threaded=True, use_reloader=False)


@click.command()
@click.option(
    "--site-port",
    default=8001,
    show_default=True,
    help="Port of the local demo site that serves the communities' feeds.",
)
@click.option("--port", type=int, help="Port of the search page (default: MUTUAL_WEB_PORT).")
@click.option("--no-serve", is_flag=True, help="Crawl and index, then exit without serving.")
@click.pass_obj
def demo(settings: Settings, site_port: int, port: int | None, no_serve: bool) -> None:
    """A first look, offline: demo communities served locally, crawled, indexed and searchable.

    Uses its own catalog (DATA_DIR/demo) and index (INDEX_PREFIX-demo), rebuilt on every run.
    """
    from mutual.demo import demo_settings, run_demo

    settings = demo_settings(settings)
    site, complete = run_demo(settings, site_port, click.echo)
    if not complete:
        raise click.exceptions.Exit(exits.PARTIAL)
    if no_serve:
        site.stop()
        return
    _serve(settings, settings.web_host, port or settings.web_port)


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
