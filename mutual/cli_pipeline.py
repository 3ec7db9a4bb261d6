"""`mutual crawl`, `mutual index` and `mutual search`: the pipeline from sources to hits."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING

import click

from mutual import exits
from mutual.settings import Settings

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

    from indexer.names import IndexNames


def progress_bar(console: Console) -> Progress:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(show_speed=True),
        TimeRemainingColumn(),
        console=console,
    )


@click.command()
@click.option(
    "--all",
    "include_not_due",
    is_flag=True,
    help="Fetch every unpaused source, not only those that are due.",
)
@click.option(
    "--source",
    "source_ids",
    type=int,
    multiple=True,
    help="Fetch only this source id (repeatable); implies --all for it.",
)
@click.pass_obj
def crawl(settings: Settings, include_not_due: bool, source_ids: tuple[int, ...]) -> None:
    """Fetch due sources and write their items to the catalog.

    Exit code 3 when some sources failed (see `mutual source list`).
    """
    from rich.console import Console

    from crawlers.run import run_crawl, select_sources

    sources = select_sources(settings, include_not_due, source_ids)
    if not sources:
        click.echo("no sources are due (use --all to fetch them anyway)")
        return
    console = Console(stderr=True)
    with progress_bar(console) as bar:
        task = bar.add_task("crawling", total=len(sources))

        def on_source(line: str) -> None:
            bar.console.print(line, markup=False, highlight=False)
            bar.advance(task)

        report = run_crawl(settings, sources, on_source)
    click.echo(
        f"crawled {report.sources} sources: {report.ok} fetched, {report.not_modified} not "
        f"modified, {report.failed} failed; {report.items_new} new items, "
        f"{report.items_changed} changed"
    )
    if report.failed or report.unaccounted:
        raise click.exceptions.Exit(exits.PARTIAL)


@click.command()
@click.option(
    "--status",
    "show_status",
    is_flag=True,
    help="Show alias, index, document count and lag instead of syncing.",
)
@click.option("--json", "as_json", is_flag=True, help="With --status: print JSON.")
@click.pass_obj
def index(settings: Settings, show_status: bool, as_json: bool) -> None:
    """Send catalog changes since the last sync to Elasticsearch.

    Exit code 3 when some documents were rejected (their ids and reasons are printed),
    4 when Elasticsearch is unreachable (nothing is lost; run it again later).
    """
    from rich.console import Console

    from catalog.changes import pending_changes
    from catalog.db import make_engine, require_schema, session_factory, transaction
    from indexer.client import make_client
    from indexer.names import IndexNames
    from indexer.sync import sync_index

    engine = make_engine(settings.resolved_database_url)
    require_schema(engine)
    sessions = session_factory(engine)
    names = IndexNames(settings.index_prefix)
    with transaction(sessions) as session:
        watermark, newest, waiting = pending_changes(session, names.sync_state)
    if show_status:
        _print_status(settings, names, watermark, newest, waiting, as_json)
        return
    client = make_client(settings)
    console = Console(stderr=True)
    with progress_bar(console) as bar:
        task = bar.add_task("indexing", total=waiting)
        report = sync_index(client, sessions, settings, lambda n: bar.advance(task, n))
    for item_id, reason in report.errors.items():
        click.secho(f"rejected {item_id}: {reason}", fg="red", err=True)
    click.echo(
        f"indexed {report.indexed} of {report.sent} changed items "
        f"(watermark {report.watermark_before} -> {report.watermark_after})"
    )
    if report.errors:
        raise click.exceptions.Exit(exits.PARTIAL)


def _print_status(
    settings: Settings,
    names: IndexNames,
    watermark: int,
    newest: int,
    waiting: int,
    as_json: bool,
) -> None:
    from indexer.client import make_client
    from indexer.mapping import current_index

    client = make_client(settings)
    live = current_index(client, names)
    count = client.count(index=names.alias)["count"] if live else 0
    status = {
        "alias": names.alias,
        "index": live,
        "documents": count,
        "watermark": watermark,
        "newest_change": newest,
        "items_waiting": waiting,
    }
    if as_json:
        click.echo(json.dumps(status, indent=2))
        return
    for key, value in status.items():
        click.echo(f"{key:14} {value}")


@click.command()
@click.argument("query", required=False, default="")
@click.option("--kind", "kinds", multiple=True, help="Only this kind: job, event or resource.")
@click.option("--community", "communities", multiple=True, help="Only this community's items.")
@click.option("--size", default=10, show_default=True, help="How many hits to print.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_obj
def search(
    settings: Settings,
    query: str,
    kinds: tuple[str, ...],
    communities: tuple[str, ...],
    size: int,
    as_json: bool,
) -> None:
    """Search the index as an anonymous visitor and print the hits."""
    from indexer.client import make_client
    from indexer.names import IndexNames
    from indexer.query import SearchRequest, Viewer
    from indexer.search import search as run_search

    request = SearchRequest(text=query, kinds=kinds, communities=communities, size=size)
    results = run_search(
        make_client(settings), IndexNames(settings.index_prefix), request, Viewer()
    )
    if as_json:
        hits = [
            {k: str(v) if k.endswith("_html") else v for k, v in asdict(h).items()}
            for h in results.hits
        ]
        click.echo(json.dumps({"total": results.total, "hits": hits}, indent=2))
        return
    click.echo(f"{results.total} results ({results.took_ms} ms)")
    for hit in results.hits:
        where = ", ".join(hit.seen_in)
        org = f" — {hit.organisation}" if hit.organisation else ""
        click.echo(f"\n[{hit.kind}] {hit.title}{org}\n  {hit.url}\n  seen in: {where}")
