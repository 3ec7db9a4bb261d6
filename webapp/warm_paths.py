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
from indexer.people_search import SHOWN_PER_ORGANISATION, PersonHit, WarmPath, members_at
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
        current, gone_now = _grouped(path.current_people, allowed)
        past, gone_before = _grouped(path.past_people, allowed)
        if current or past:
            # People the catalog no longer allows are not counted either.
            now, before = path.current - gone_now, path.past - gone_before
            shown = SHOWN_PER_ORGANISATION
            views[key] = WarmPathView(key, now, before, current[:shown], past[:shown])
    return views


def _grouped(
    hits: Iterable[PersonHit], allowed: dict[int, Person]
) -> tuple[tuple[tuple[Person, str], ...], int]:
    """Each person once, with the communities listing them that the catalog allows ("Finance
    Leaders and Alumni Circle"), in the index's order; and how many of the people the hits
    name the catalog no longer allows at all."""
    groups: dict[str, tuple[Person, list[str]]] = {}
    named: set[str] = set()
    for hit in hits:
        identity = hit.identity or f"person-{hit.person_id}"
        named.add(identity)
        if hit.person_id not in allowed:
            continue
        if identity in groups:
            groups[identity][1].append(hit.community_name)
        else:
            groups[identity] = (allowed[hit.person_id], [hit.community_name])
    shown = tuple((person, " and ".join(names)) for person, names in groups.values())
    return shown, len(named) - len(groups)
