"""`mutual serve`, `mutual demo` and `mutual settings`."""

from __future__ import annotations

import json
from pathlib import Path

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
    from catalog.db import make_engine, session_factory, transaction, upgrade_schema
    from crawlers.run import run_crawl
    from crawlers.source_selection import select_sources
    from indexer.client import make_client
    from indexer.names import IndexNames
    from indexer.sync import sync_index
    from mutual.demo import (
        add_demo_member,
        configure_demo_site,
        demo_settings,
        load_demo_communities,
        reset_demo_index,
    )
    from mutual.local_site import LocalSite

    settings = demo_settings(settings)
    db_file = Path(settings.data_dir) / "mutual.db"
    for path in (db_file, db_file.with_name("mutual.db-wal"), db_file.with_name("mutual.db-shm")):
        path.unlink(missing_ok=True)
    upgrade_schema(settings.resolved_database_url)
    site = LocalSite(Path(__file__).resolve().parents[1] / "demo" / "site", port=site_port)
    configure_demo_site(site)  # the member-only areas and login form of the demo's sources
    base_url = site.start()
    click.echo(f"demo site serving the communities' feeds at {base_url}")
    engine = make_engine(settings.resolved_database_url)
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        count = load_demo_communities(session, base_url, credentials_key=settings.credentials_key)
        member, password = add_demo_member(session)
    click.echo(f"loaded {count} demo sources")
    report = run_crawl(settings, select_sources(settings, include_not_due=True), click.echo)
    click.echo(
        f"crawled: {report.items_new} items from {report.ok} sources ({report.failed} failed); "
        f"{report.items_merged} copies merged into an item another source posted"
    )
    client = make_client(settings)
    reset_demo_index(client, IndexNames(settings.index_prefix))
    sync = sync_index(client, sessions, settings)
    click.echo(f"indexed {sync.indexed} items into {IndexNames(settings.index_prefix).alias}")
    click.echo(
        f"sign in as {member} with the password {password} to see the member-only listings "
        "and My communities as a member of every demo community"
    )
    if report.failed or sync.errors:
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
