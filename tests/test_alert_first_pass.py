"""A saved search announces what arrives after it was saved: what was already indexed when it was
saved is shown on its page, never sent, on its first pass or any later one (the overlap that keeps
a pass from missing items indexed during the previous one reaches back no further than the save).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

import catalog.items
import indexer.bulk_load
from alerts.run import run_alerts
from catalog.accounts import find_user
from catalog.db import transaction
from catalog.models.base import utcnow
from catalog.models.saved_searches import AlertMatch, SavedSearch
from catalog.records import ParsedItem
from catalog.saved_searches import add_saved_search
from ground.settings import Settings
from tests.alert_world import OWNER, World, build_alert_world, job, mail_settings
from tests.web import smtp_server

pytestmark = pytest.mark.sqlite_only


def _store_seconds_ago(
    world: World, monkeypatch: pytest.MonkeyPatch, seconds: int, item: ParsedItem
) -> None:
    """Crawled and indexed `seconds` ago: both clocks that stamp an item are set back."""
    with monkeypatch.context() as patched:
        back = timedelta(seconds=seconds)
        for module in (catalog.items, indexer.bulk_load):
            patched.setattr(module, "utcnow", lambda: utcnow() - back)
        world.store("shca", item)


def _save_now(world: World, query: str) -> int:
    """Saved as the search page saves it: created and last checked this instant."""
    with transaction(world.sessions) as session:
        user = find_user(session, OWNER)
        assert user is not None
        return add_saved_search(session, user.id, query, f"q={query}").id


def _matched_titles(world: World, search_id: int) -> set[str]:
    from catalog.models.items import Item

    with transaction(world.sessions) as session:
        rows = session.query(Item.title).join(AlertMatch, AlertMatch.item_id == Item.id)
        return {title for (title,) in rows.filter(AlertMatch.saved_search_id == search_id)}


def test_what_was_indexed_before_the_save_is_never_announced(
    catalog: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = build_alert_world(catalog)
    with smtp_server() as mailbox:
        settings = mail_settings(catalog, mailbox)
        _store_seconds_ago(world, monkeypatch, 5, job("Financial Controller", "before"))
        search_id = _save_now(world, "controller")
        world.store("shca", job("Group Controller", "after"))

        first = run_alerts(settings)
        assert _matched_titles(world, search_id) == {"Group Controller"}
        assert first.new_matches == 1
        # A later pass looks back by the overlap from its last check, still not before the save.
        later = run_alerts(settings, now=utcnow() + timedelta(seconds=10))
        assert later.new_matches == 0
        assert _matched_titles(world, search_id) == {"Group Controller"}
        assert len(mailbox.wait(1)) == 1


def test_a_later_pass_still_looks_back_for_what_the_last_one_could_not_see_yet(
    catalog: Settings,
) -> None:
    world = build_alert_world(catalog)
    with smtp_server() as mailbox:
        search_id = world.save("controller")
        world.store("shca", job("Financial Controller"))
        with transaction(world.sessions) as session:  # a pass ran before the item was visible
            saved = session.get(SavedSearch, search_id)
            assert saved is not None
            saved.last_checked = utcnow() + timedelta(seconds=1)
        later = run_alerts(mail_settings(catalog, mailbox), now=utcnow() + timedelta(seconds=2))
        assert later.new_matches == 1
        assert _matched_titles(world, search_id) == {"Financial Controller"}
