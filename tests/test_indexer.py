"""The indexer against the real node: sync, deletions, rejected documents, locking, rebuilds."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from catalog.db import make_engine, session_factory, transaction
from catalog.items import delete_items, set_status, store_items
from catalog.locks import LockHeld, held
from catalog.models.change_log import SyncState
from catalog.models.items import Item
from catalog.models.sources import Source
from catalog.records import ParsedItem
from ground.settings import Settings
from indexer.client import make_client
from indexer.mapping import current_index
from indexer.names import IndexNames
from indexer.rebuild import rebuild_index
from indexer.sync import SyncReport, sync_index
from tests.helpers import make_catalog_items, run_mutual


@pytest.fixture
def sessions(catalog: Settings) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(catalog.resolved_database_url)
    yield session_factory(engine)
    engine.dispose()


def _count(client: Elasticsearch, settings: Settings, **query: object) -> int:
    alias = IndexNames(settings.index_prefix).alias
    client.indices.refresh(index=alias)
    return int(client.count(index=alias, **query)["count"])  # type: ignore[arg-type]


def _sync(settings: Settings, sessions: sessionmaker[Session]) -> SyncReport:
    return sync_index(make_client(settings), sessions, settings)


def test_full_then_incremental_sync(
    catalog: Settings, sessions: sessionmaker[Session], es_client: Elasticsearch
) -> None:
    make_catalog_items(catalog, 50)
    first = _sync(catalog, sessions)
    assert (first.indexed, first.errors) == (50, {})
    with transaction(sessions) as session:
        source = session.get_one(Source, 1)
        changed = [
            ParsedItem(url=f"https://bulk.example/jobs/{n}", title=f"Treasury Lead {n}")
            for n in range(3)
        ]
        report = store_items(session, source, changed)
    assert report.new == 3  # new canonical URLs: new items
    second = _sync(catalog, sessions)
    assert second.indexed == 3
    assert _count(es_client, catalog) == 53
    assert _count(es_client, catalog, query={"match": {"title": "treasury"}}) == 3


def test_deletions_propagate(
    catalog: Settings, sessions: sessionmaker[Session], es_client: Elasticsearch
) -> None:
    ids = make_catalog_items(catalog, 20)
    _sync(catalog, sessions)
    with transaction(sessions) as session:
        assert delete_items(session, ids[:2]) == 2
    report = _sync(catalog, sessions)
    assert report.deleted == 2
    assert _count(es_client, catalog) == 18
    assert not es_client.exists(index=IndexNames(catalog.index_prefix).alias, id=ids[0])


def test_status_changes_propagate_and_hide_items_from_search(
    catalog: Settings, sessions: sessionmaker[Session], es_client: Elasticsearch
) -> None:
    ids = make_catalog_items(catalog, 10)
    _sync(catalog, sessions)
    with transaction(sessions) as session:
        assert set_status(session, ids[:3], "expired") == 3
    assert _sync(catalog, sessions).indexed == 3
    assert _count(es_client, catalog, query={"term": {"status": "expired"}}) == 3
    hits = json.loads(run_mutual(catalog, "search", "analyst", "--json").stdout)
    assert hits["total"] == 7


def test_a_rejected_document_is_reported_and_its_neighbours_indexed(
    catalog: Settings,
    sessions: sessionmaker[Session],
    es_client: Elasticsearch,
) -> None:
    ids = make_catalog_items(catalog, 20)
    with transaction(sessions) as session:
        # A term longer than Lucene accepts: what a parser bug could let through.
        session.execute(update(Item).where(Item.id == ids[7]).values(tags=["x" * 40_000]))
    result = run_mutual(catalog, "index", check=False)
    assert result.returncode == 3
    assert f"rejected {ids[7]}" in result.stderr
    assert "indexed 19 of 20 changed items" in result.stdout
    assert _count(es_client, catalog) == 19
    with sessions() as session:
        assert "immense term" in (session.get_one(Item, ids[7]).index_error or "")


def test_a_second_sync_is_refused_while_one_runs(
    catalog: Settings, sessions: sessionmaker[Session]
) -> None:
    make_catalog_items(catalog, 5)
    name = IndexNames(catalog.index_prefix).sync_state
    with held(sessions, name, "test"):
        busy = run_mutual(catalog, "index", check=False)
        assert busy.returncode == 5
        assert "another index sync or rebuild is running" in busy.stderr
        with pytest.raises(LockHeld):
            _sync(catalog, sessions)
    assert "indexed 5 of 5" in run_mutual(catalog, "index").stdout


def test_a_lock_left_by_a_dead_process_is_taken_over(
    catalog: Settings, sessions: sessionmaker[Session]
) -> None:
    import socket
    from datetime import timedelta

    from catalog.models.base import utcnow

    make_catalog_items(catalog, 5)
    name = IndexNames(catalog.index_prefix).sync_state
    with transaction(sessions) as session:
        session.add(
            SyncState(
                name=name,
                watermark=0,
                locked_by=f"{socket.gethostname()}:999999",
                locked_until=utcnow() + timedelta(hours=1),
            )
        )
    assert "indexed 5 of 5" in run_mutual(catalog, "index").stdout


def test_reindex_swaps_the_alias_and_drops_the_old_index(
    catalog: Settings,
    sessions: sessionmaker[Session],
    es_client: Elasticsearch,
) -> None:
    make_catalog_items(catalog, 30)
    _sync(catalog, sessions)
    names = IndexNames(catalog.index_prefix)
    old = current_index(es_client, names)
    result = run_mutual(catalog, "reindex")
    new = current_index(es_client, names)
    assert old and new
    assert new != old and f"alias now points at {new} with 30 documents" in result.stdout
    assert not es_client.indices.exists(index=old)
    settings = es_client.indices.get_settings(index=new)[new]["settings"]["index"]
    assert "refresh_interval" not in settings  # restored to the default after loading
    kept = run_mutual(catalog, "reindex", "--keep-old")
    assert f"(kept {new})" in kept.stdout
    assert es_client.indices.exists(index=new)


def test_reindex_check_and_sync_refuse_an_outdated_mapping(
    catalog: Settings,
    sessions: sessionmaker[Session],
    es_client: Elasticsearch,
) -> None:
    make_catalog_items(catalog, 10)
    _sync(catalog, sessions)
    assert run_mutual(catalog, "reindex", "--check").returncode == 0
    live = current_index(es_client, IndexNames(catalog.index_prefix))
    assert live
    es_client.indices.put_mapping(index=live, meta={"mapping_hash": "from-an-older-version"})
    check = run_mutual(catalog, "reindex", "--check", check=False)
    assert check.returncode == 6 and "run `mutual reindex`" in check.stdout
    assert run_mutual(catalog, "index", check=False).returncode == 6
    run_mutual(catalog, "reindex")
    assert run_mutual(catalog, "reindex", "--check").returncode == 0


def test_reindex_while_searching_and_writing(
    catalog: Settings,
    sessions: sessionmaker[Session],
    es_client: Elasticsearch,
) -> None:
    make_catalog_items(catalog, 4000)
    _sync(catalog, sessions)
    alias = IndexNames(catalog.index_prefix).alias
    stop = threading.Event()
    problems: list[str] = []
    searches = [0]
    written: list[str] = []

    def search_continuously() -> None:
        client = make_client(catalog)
        while not stop.is_set():
            try:
                hits = client.search(index=alias, query={"match": {"title": "analyst"}}, size=1)
                if hits["hits"]["total"]["value"] == 0:
                    problems.append("empty result")
                searches[0] += 1
            except Exception as exc:  # every error is a failure of the test
                problems.append(repr(exc))

    def write_continuously() -> None:
        batch = 0
        while not stop.is_set():
            written.extend(make_catalog_items(catalog, 25, start=100_000 + batch * 25))
            batch += 1
            # While the rebuild holds the lock for its last catch-up, it picks these up itself.
            with contextlib.suppress(LockHeld):
                _sync(catalog, sessions)
            time.sleep(0.05)

    threads = [
        threading.Thread(target=search_continuously),
        threading.Thread(target=write_continuously),
    ]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.5)
        report = rebuild_index(make_client(catalog), sessions, catalog)
        time.sleep(0.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    _sync(catalog, sessions)  # what the writer added after the swap
    assert problems == []
    assert searches[0] > 20
    assert written, "the writer thread added nothing"
    found = es_client.mget(index=alias, ids=written)["docs"]
    assert all(doc["found"] for doc in found)
    assert current_index(es_client, IndexNames(catalog.index_prefix)) == report.new_index
    assert _count(es_client, catalog) == 4000 + len(written)
