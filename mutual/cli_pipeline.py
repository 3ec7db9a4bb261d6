"""`mutual crawl`, `mutual index` and `mutual search`: the pipeline from sources to hits."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING

import click

from ground import exits
from ground.settings import Settings

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress
    from sqlalchemy import Engine

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

    Exit code 3 when some sources failed (see `mutual source list`), 7 when the catalog's
    database stayed down or its disk is full (the sources not stored stay due).
    """
    from rich.console import Console

    from crawlers.run import run_crawl
    from crawlers.source_selection import select_sources

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
        f"{report.items_changed} changed, {report.items_merged} matched to items from other "
        f"sources, {report.items_taken_down} taken down, {report.items_expired} expired"
    )
    if report.failed or report.unaccounted:
        raise click.exceptions.Exit(exits.PARTIAL)


def print_rejected(errors: dict[str, str]) -> None:
    """One line per document Elasticsearch refused, with its id and why."""
    for item_id, reason in errors.items():
        click.secho(f"rejected {item_id}: {reason}", fg="red", err=True)


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
    4 when Elasticsearch is unreachable (nothing is lost; run it again later), 5 when another
    sync or rebuild is running, 6 when the live index needs `mutual reindex` first.
    """
    from rich.console import Console

    from catalog.changes import pending_changes
    from catalog.db import make_engine, require_schema, session_factory, transaction
    from indexer.client import make_client
    from indexer.names import IndexNames
    from indexer.people_sync import sync_people
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
    print_rejected(report.errors)
    deleted = f", deleted {report.deleted}" if report.deleted else ""
    click.echo(
        f"indexed {report.indexed} of {report.sent - report.deleted} changed items{deleted} "
        f"(watermark {report.watermark_before} -> {report.watermark_after})"
    )
    people = sync_people(client, sessions, settings)
    rebuilt = " (people index built afresh)" if people.rebuilt else ""
    click.echo(f"people: indexed {people.indexed}, removed {people.removed}{rebuilt}")
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
    from indexer.client import make_client, search_errors_explained
    from indexer.status import index_status

    with search_errors_explained(settings):
        status = index_status(make_client(settings), names, watermark, newest, waiting)
    if as_json:
        click.echo(json.dumps(status, indent=2))
        return
    click.echo(f"alias          {status['alias']} -> {status['index'] or '(none yet)'}")
    others = ", ".join(status["other_indices"]) or "none"
    click.echo(f"other indices  {others}")
    click.echo(f"documents      {status['documents']}")
    for group in ("by_kind", "by_status"):
        counts = ", ".join(f"{k} {v}" for k, v in status[group].items()) or "-"
        click.echo(f"{group.replace('_', ' '):14} {counts}")
    click.echo(f"watermark      {watermark} of {newest} ({waiting} items waiting)")
    mapping = "current" if status["mapping_current"] else "OUTDATED: run `mutual reindex`"
    click.echo(f"mapping        {mapping}")


@click.command()
@click.option(
    "--check",
    is_flag=True,
    help="Only say whether the live index's mapping differs from the code's "
    "(exit code 6 when a reindex is needed).",
)
@click.option("--keep-old", is_flag=True, help="Keep the previous index instead of deleting it.")
@click.pass_obj
def reindex(settings: Settings, check: bool, keep_old: bool) -> None:
    """Build a fresh index from the catalog and swap it in behind the alias, with no downtime.

    Searches keep working throughout; changes made while it runs end up in the new index.
    If interrupted, the live index is untouched and the next run removes the half-built one.
    """
    from rich.console import Console

    from catalog.db import make_engine, require_schema, session_factory
    from indexer.client import make_client, search_errors_explained
    from indexer.rebuild import check_mapping, rebuild_index

    client = make_client(settings)
    if check:
        with search_errors_explained(settings):
            result = check_mapping(client, settings)
        if result.live_index is None:
            click.echo("no live index yet: `mutual index` will create one")
        elif result.reindex_needed:
            click.echo(
                f"{result.live_index} has mapping {result.live_hash}, the code has "
                f"{result.code_hash}: run `mutual reindex`"
            )
            raise click.exceptions.Exit(exits.REINDEX_NEEDED)
        else:
            click.echo(f"{result.live_index} has the current mapping ({result.code_hash})")
        return
    engine = make_engine(settings.resolved_database_url)
    require_schema(engine)
    _rekey(engine)
    with search_errors_explained(settings), progress_bar(Console(stderr=True)) as bar:
        task = bar.add_task("reindexing", total=None)
        report = rebuild_index(
            client,
            session_factory(engine),
            settings,
            keep_old=keep_old,
            progress=lambda n: bar.advance(task, n),
            on_total=lambda total: bar.update(task, total=total, completed=0),
        )
    for name in report.removed_leftovers:
        click.echo(f"removed {name}, left by an interrupted rebuild")
    print_rejected(report.errors)
    kept = f" (kept {report.old_index})" if report.old_kept else ""
    click.echo(
        f"alias now points at {report.new_index} with {report.documents} documents, "
        f"after {report.catch_up_rounds} rounds{kept}"
    )
    _rebuild_people(settings, engine)
    if report.errors:
        raise click.exceptions.Exit(exits.PARTIAL)


def _rekey(engine: Engine) -> None:
    """Stored organisation keys brought to today's rules (an upgrade may have changed how
    names read) before the indices copy them."""
    from catalog.db import session_factory, transaction
    from catalog.organisation_overrides import rekey_catalog

    with transaction(session_factory(engine)) as session:
        items, people = rekey_catalog(session)
    if items or people:
        click.echo(f"organisation keys updated to today's rules: {items} items, {people} people")


def _rebuild_people(settings: Settings, engine: Engine) -> None:
    """The people index is rebuilt with the items': both are derived from the catalog alone."""
    from catalog.db import session_factory
    from indexer.client import make_client
    from indexer.people_sync import rebuild_people

    report = rebuild_people(make_client(settings), session_factory(engine), settings)
    click.echo(f"people index rebuilt with {report.indexed} listed people")


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
    from indexer.query.access import Viewer
    from indexer.query.request import SearchRequest
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
