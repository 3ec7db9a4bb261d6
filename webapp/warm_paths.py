""" "3 people from your communities work at Acme": the warm paths shown on cards and item pages.

For a signed-in member only. One people-index request for a whole page of cards (however many
organisations it names) and one catalog read to check again that each person shown may be seen
now (catalog.people.visible_people), so a change the index has not caught up with never shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from catalog.models.people import Person
from catalog.people import visible_people
from indexer.client import SearchUnavailable
from indexer.hits import Hit
from indexer.people_search import WarmPath, members_at
from webapp.db import db
from webapp.login import current_viewer, signed_in_user
from webapp.services import services


@dataclass(frozen=True)
class WarmPathView:
    organisation_key: str
    current: int
    past: int
    current_people: tuple[tuple[Person, str], ...]  # (person, community name)
    past_people: tuple[tuple[Person, str], ...]

    @property
    def more_current(self) -> int:
        return max(self.current - len(self.current_people), 0)


def warm_paths(hits: Iterable[Hit]) -> dict[str, WarmPathView]:
    """The viewer's fellow members at each hit's organisation, by organisation key; empty for
    anyone who is not signed in and a member of something, and when the index cannot answer
    (the cards are worth showing without their warm paths)."""
    return warm_paths_for({hit.organisation_key for hit in hits if hit.organisation_key})


def warm_paths_for(keys: set[str]) -> dict[str, WarmPathView]:
    """`warm_paths` for organisation keys."""
    user = signed_in_user()
    viewer = current_viewer()
    if user is None or not viewer.member_of or not keys:
        return {}
    app_services = services()
    try:
        found = members_at(app_services.search_client, app_services.settings, viewer, keys)
    except SearchUnavailable:
        return {}
    return _checked(user.id, found)


def _checked(user_id: int, found: dict[str, WarmPath]) -> dict[str, WarmPathView]:
    ids = [p.person_id for w in found.values() for p in (*w.current_people, *w.past_people)]
    allowed = {p.id: p for p in visible_people(db(), user_id, ids)}
    views = {}
    for key, path in found.items():
        current = tuple(
            (allowed[p.person_id], p.community_name)
            for p in path.current_people
            if p.person_id in allowed
        )
        past = tuple(
            (allowed[p.person_id], p.community_name)
            for p in path.past_people
            if p.person_id in allowed
        )
        if current or past:
            # People the catalog no longer allows are not counted either.
            now = path.current - (len(path.current_people) - len(current))
            before = path.past - (len(path.past_people) - len(past))
            views[key] = WarmPathView(key, now, before, current, past)
    return views
