"""The alert outbox keeps one row per (saved search, item), on SQLite and on PostgreSQL: however
often and from however many sessions a match is recorded, it is announced once."""

from __future__ import annotations

from sqlalchemy import func, select

from alerts.outbox import record_matches
from catalog.accounts import add_user
from catalog.db import make_engine, session_factory, transaction
from catalog.models.saved_searches import AlertMatch
from catalog.saved_searches import add_saved_search
from ground.settings import Settings
from tests.web import PASSWORD


def test_a_match_is_recorded_once_per_saved_search_and_item(catalog: Settings) -> None:
    engine = make_engine(catalog.resolved_database_url)
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        user = add_user(session, "alice@example.org", PASSWORD)
        first = add_saved_search(session, user.id, "one", "q=analyst").id
        second = add_saved_search(session, user.id, "two", "q=budget").id
    with transaction(sessions) as session:
        assert (
            record_matches(session, [(first, "item-a"), (first, "item-b"), (first, "item-a")]) == 2
        )
    with transaction(sessions) as session:
        assert record_matches(session, [(first, "item-a"), (first, "item-c")]) == 1
        assert record_matches(session, [(second, "item-a")]) == 1
    with transaction(sessions) as session:
        assert record_matches(session, [(first, "item-b"), (first, "item-c")]) == 0
        pairs = session.execute(
            select(AlertMatch.saved_search_id, func.count()).group_by(AlertMatch.saved_search_id)
        )
        assert {sid: n for sid, n in pairs} == {first: 3, second: 1}
    engine.dispose()
