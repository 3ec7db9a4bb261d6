"""`mutual worker`: the scheduler that crawls due sources, syncs the index and runs alerts."""

from __future__ import annotations

import click

from ground import exits
from ground.settings import Settings


@click.command()
@click.option("--once", is_flag=True, help="Run one cycle and exit (for cron).")
@click.option(
    "--max-sources",
    type=click.IntRange(min=1),
    default=None,
    help="Most sources to claim per cycle (default MUTUAL_WORKER_BATCH_SIZE).",
)
@click.pass_obj
def worker(settings: Settings, once: bool, max_sources: int | None) -> None:
    """Crawl due sources, sync the index and run alerts, every MUTUAL_WORKER_PERIOD seconds.

    Several workers may share one catalog: each claims its own batch of due sources (oldest due
    first) under a lease, so none is fetched twice; a dead worker's sources are picked up when
    its lease ends. Logs are JSON lines on stderr. SIGTERM or SIGINT: stop claiming, let the
    current crawl finish (up to MUTUAL_WORKER_STOP_GRACE_SECONDS), exit 0. With --once, exit
    code 3 when a source, the index sync or the alerts failed.
    """
    import logging

    from ground.json_logs import log_json_to_stderr
    from mutual.worker import run_worker

    log_json_to_stderr(logging.getLogger())
    # Alembic's note on each schema check and the Elasticsearch client's line per request are
    # not news in a log read for sources and cycles.
    for chatty in ("alembic", "elastic_transport"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    if not run_worker(settings, once=once, max_sources=max_sources) and once:
        raise click.exceptions.Exit(exits.PARTIAL)
