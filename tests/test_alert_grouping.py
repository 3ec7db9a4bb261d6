"""Alert matching as a pass does it (saved searches with the same words grouped into one request,
each member's own filters a named clause) finds exactly what each search finds alone.

Each pass below runs inside a transaction that is rolled back, so every run sees the same saved
searches with the same watermarks.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from alerts.matching import (
    MatchReport,
    alert_body,
    match_saved_searches,
    saved_matching,
    saved_window,
)
from catalog.db import transaction
from catalog.models.base import utcnow
from catalog.models.saved_searches import AlertMatch, SavedSearch
from catalog.saved_searches import active_saved_searches
from ground.settings import Settings
from indexer.client import make_client
from indexer.names import IndexNames
from indexer.viewers import viewer_for
from tests.alert_world import OUTSIDER, World, build_alert_world, job

pytestmark = pytest.mark.sqlite_only

OVERLAP = timedelta(seconds=120)


def _pass(world: World, overlap: timedelta = OVERLAP) -> tuple[MatchReport, set[tuple[int, str]]]:
    """One matching pass, rolled back: its report and the (saved search, item) pairs it found."""
    client = make_client(world.settings)
    names = IndexNames(world.settings.index_prefix)
    session = world.sessions()
    try:
        report = match_saved_searches(client, names, session, utcnow(), overlap)
        session.flush()
        found = {(m.saved_search_id, m.item_id) for m in session.query(AlertMatch)}
        return report, found
    finally:
        session.rollback()
        session.close()
        client.close()


def _alone(world: World, now: datetime) -> set[tuple[int, str]]:
    """What each saved search finds when its own request runs by itself."""
    client = make_client(world.settings)
    names = IndexNames(world.settings.index_prefix)
    found: set[tuple[int, str]] = set()
    try:
        with world.sessions() as session:
            for saved in active_saved_searches(session):
                matching = saved_matching(saved, viewer_for(session, saved.user_id))
                window = saved_window(saved, now, OVERLAP)
                hits = client.search(index=names.alias, **alert_body(matching, window))
                found |= {(saved.id, str(hit["_id"])) for hit in hits["hits"]["hits"]}
    finally:
        client.close()
    return found


def _world_with_news(catalog: Settings) -> World:
    world = build_alert_world(catalog)
    for query in ("controller", "controler", "cfo", '"revenue cycle"', "analyst -nurse"):
        world.save(query)
    world.save("controller", email=OUTSIDER)  # sees no member-only posting
    world.store(
        "shca",
        job("Controller", "c1"),
        job("Chief Financial Officer", "c2"),
        job("Revenue Cycle Analyst", "c3", summary="Revenue cycle and billing."),
        job("Nurse Analyst", "c4"),
    )
    world.store("circle", job("Assistant Controller", "c5"), job("Data Analyst", "c6"))
    return world


def test_grouped_searches_find_what_each_finds_alone(catalog: Settings) -> None:
    world = _world_with_news(catalog)
    world.save("controller")  # the same words as another search, and the same owner
    world.save("analyst -nurse", email=OUTSIDER)
    world.save("Controller")  # spelt otherwise: the same words once read
    alone = _alone(world, utcnow())

    report, grouped = _pass(world)

    assert report.searched
    assert grouped == alone
    # The typo, the synonym, the phrase and the exclusion all matched: the member's two
    # controllers (one member-only), one CFO, one phrase, two analysts but not the nurse; the
    # outsider's "controller" and "analyst -nurse" found only the public postings.
    per_search: dict[int, int] = {}
    for search, _ in grouped:
        per_search[search] = per_search.get(search, 0) + 1
    assert sorted(per_search.values()) == [1, 1, 1, 1, 2, 2, 2, 2, 2]


def test_a_group_larger_than_one_request_is_split_and_misses_nothing(
    catalog: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import alerts.matching

    monkeypatch.setattr(alerts.matching, "GROUP_MEMBERS", 2)
    world = _world_with_news(catalog)
    for _ in range(3):
        world.save("controller")
    alone = _alone(world, utcnow())
    assert _pass(world)[1] == alone


def test_nothing_new_means_no_search_at_all(catalog: Settings) -> None:
    world = build_alert_world(catalog)
    world.store("shca", job("Controller", "old"))
    world.save("controller")
    with transaction(world.sessions) as session:  # checked after the posting was indexed
        session.execute(update(SavedSearch).values(last_checked=utcnow()))
    report, found = _pass(world, overlap=timedelta(0))
    assert (report.searched, found) == (False, set())
