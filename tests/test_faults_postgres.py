"""PostgreSQL restarted under a crawl and under an alert pass, on a server of the tests' own.

A restart that is over within `catalog_retry_seconds` is waited out: the command completes as if
nothing happened. A database that stays down longer ends the command with exit code 7 and one
line; what it had reported as stored is there, and its rerun does the rest, nothing twice.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from catalog.db import transaction
from catalog.models.saved_searches import AlertDelivery
from ground import exits
from ground.settings import Settings
from mutual.local_site import LocalSite
from tests.alert_world import World, build_alert_world, job, mail_settings
from tests.fault_world import (
    HoldingMailbox,
    Postgres,
    Running,
    add_feed_sources,
    holding_smtp_server,
    on_postgres,
    start_mutual,
    stored,
    throwaway_postgres,
)
from tests.helpers import run_mutual

pytestmark = pytest.mark.postgres_only
SOURCES, ITEMS = 10, 6


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    with throwaway_postgres() as server:
        yield server


@pytest.fixture
def crawl_world(settings: Settings, postgres: Postgres, site: LocalSite) -> Settings:
    """Ten job feeds on the local site, fetched one at a time, half a second apart."""
    slow = replace(on_postgres(settings, postgres), crawl_delay=0.5, crawl_concurrency_per_host=1)
    add_feed_sources(slow, site, SOURCES, ITEMS)
    return slow


def _some_stored(running: Running) -> bool:
    return len(running.acknowledged()) >= 3


def test_a_crawl_waits_out_a_postgres_restart(crawl_world: Settings, postgres: Postgres) -> None:
    crawl = start_mutual(crawl_world, "crawl")
    crawl.wait_for(_some_stored)
    postgres.stop()
    time.sleep(1.5)
    postgres.start()
    code, err = crawl.finish()

    assert code == exits.OK, err
    assert len(crawl.acknowledged()) == SOURCES
    held = stored(crawl_world)
    assert (held.items, held.distinct_urls) == (SOURCES * ITEMS, SOURCES * ITEMS)
    assert set(held.fetches_ok.values()) == {1}, "a source was fetched and stored twice"


def test_a_crawl_stops_cleanly_when_postgres_stays_down(
    crawl_world: Settings, postgres: Postgres
) -> None:
    crawl = start_mutual(crawl_world, "crawl", env={"MUTUAL_CATALOG_RETRY_SECONDS": "1"})
    crawl.wait_for(_some_stored)
    postgres.stop()
    try:
        code, err = crawl.finish()
    finally:
        postgres.start()

    assert code == exits.CATALOG_UNAVAILABLE, err
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "the catalog database could not be reached" in errors[0], err
    first = crawl.acknowledged()
    assert 3 <= len(first) < SOURCES
    held = stored(crawl_world)
    assert all(held.per_source.get(s) == n for s, n in first.items()), "acknowledged items lost"

    again = run_mutual(crawl_world, "crawl")
    assert f"crawled {SOURCES - len(first)} sources" in again.stdout
    held = stored(crawl_world)
    assert (held.items, held.distinct_urls) == (SOURCES * ITEMS, SOURCES * ITEMS)
    assert held.fetches_ok == dict.fromkeys(held.fetches_ok, 1)
    assert len(held.fetches_ok) == SOURCES


SEARCHES = ("controller", "auditor", "treasurer", "bookkeeper", "actuary")
HELD = 2  # the third e-mail is on the wire when PostgreSQL goes down


@pytest.fixture
def alert_world(catalog: Settings, postgres: Postgres) -> World:
    """Five saved searches of one person, each owed one e-mail by the next pass."""
    world = build_alert_world(on_postgres(catalog, postgres))
    for name in SEARCHES:
        world.save(name)
    world.store("shca", *(job(f"Senior {name.title()}", name) for name in SEARCHES))
    return world


def _deliveries(world: World) -> dict[str, int]:
    with transaction(world.sessions) as session:
        rows = session.execute(
            select(AlertDelivery.status, func.count()).group_by(AlertDelivery.status)
        )
        return {status: count for status, count in rows}


def _once_each(mailbox: HoldingMailbox) -> None:
    assert len(mailbox.messages) == len(SEARCHES)
    assert len({m["Message-ID"] for m in mailbox.messages}) == len(SEARCHES)


def test_an_alert_pass_waits_out_a_postgres_restart(alert_world: World, postgres: Postgres) -> None:
    with holding_smtp_server(HELD) as mailbox:
        settings = mail_settings(alert_world.settings, mailbox)
        alerts = start_mutual(settings, "alerts", "run")
        assert mailbox.holding.wait(60), "".join(alerts.lines)
        postgres.stop()
        mailbox.let_go()  # the server takes it while the catalog is down
        time.sleep(1.5)
        postgres.start()
        code, err = alerts.finish()
        assert code == exits.OK, err
        assert f"{len(SEARCHES)} e-mails sent" in alerts.stdout
        _once_each(mailbox)
        assert "0 e-mails sent" in run_mutual(settings, "alerts", "run").stdout
        _once_each(mailbox)
    assert _deliveries(alert_world) == {"sent": len(SEARCHES)}


def test_an_alert_pass_stops_cleanly_when_postgres_stays_down(
    alert_world: World, postgres: Postgres
) -> None:
    with holding_smtp_server(HELD) as mailbox:
        settings = mail_settings(alert_world.settings, mailbox)
        patience = {"MUTUAL_CATALOG_RETRY_SECONDS": "1", "MUTUAL_ALERTS_RETRY_SECONDS": "0"}
        alerts = start_mutual(settings, "alerts", "run", env=patience)
        assert mailbox.holding.wait(60), "".join(alerts.lines)
        postgres.stop()
        try:
            mailbox.let_go("451 4.3.0 Try again later")  # nothing sent: nothing to record
            code, err = alerts.finish()
        finally:
            postgres.start()
        assert code == exits.CATALOG_UNAVAILABLE, err
        assert "Traceback" not in err
        errors = [line for line in err.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and "the catalog database could not be reached" in errors[0], err
        assert len(mailbox.messages) == HELD
        assert _deliveries(alert_world).get("sent") == HELD  # what was sent is known as sent

        again = run_mutual(settings, "alerts", "run", env=patience)
        assert f"{len(SEARCHES) - HELD} e-mails sent" in again.stdout
        _once_each(mailbox)
    assert _deliveries(alert_world) == {"sent": len(SEARCHES)}
