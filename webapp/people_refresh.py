"""Bringing the people index up to date right after a person changed what it should show."""

from __future__ import annotations

from catalog.db import session_factory
from catalog.locks import LockHeld
from indexer.client import SearchUnavailable
from indexer.people_sync import sync_people
from webapp.services import services


def refresh_people_index() -> bool:
    """Sync the people index after a profile was saved or removed, or its owner left a
    community, so the change shows at once. False when the index could not be reached or
    another sync holds it: the worker's next sync catches up, and until then the catalog
    check (catalog.people.visible_people) already hides whoever must not show."""
    app_services = services()
    try:
        sync_people(
            app_services.search_client,
            session_factory(app_services.catalog),
            app_services.settings,
        )
    except (SearchUnavailable, LockHeld):
        return False
    return True
