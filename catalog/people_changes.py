"""The people change log as the people index reads it: changed rows and tombstones by number."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select, tuple_
from sqlalchemy.orm import Session

from catalog.models.people import Person, PersonDeletion
from catalog.models.sources import Community
from catalog.sequences import PEOPLE_CHANGES, current_value


@dataclass(frozen=True)
class PersonRow:
    """A person with their community's slug and name, as the index needs them."""

    person: Person
    community_slug: str
    community_name: str


def newest_people_change(session: Session) -> int:
    return current_value(session, PEOPLE_CHANGES)


def changed_people(
    session: Session, after: int, upto: int, limit: int = 1000, after_id: int = 0
) -> list[PersonRow]:
    """People changed in (after, upto], in (change, id) order, at most `limit`, starting past
    the person `after_id` of change `after`: rows may share a change number (a bulk write),
    so a page boundary can fall inside one."""
    position = tuple_(Person.change_seq, Person.id) > tuple_(after, after_id)
    rows = session.execute(
        select(Person, Community.slug, Community.name)
        .join(Community, Community.id == Person.community_id)
        .where(position, Person.change_seq <= upto)
        .order_by(Person.change_seq, Person.id)
        .limit(limit)
    )
    return [PersonRow(person, slug, name) for person, slug, name in rows]


def removed_people(session: Session, after: int, upto: int) -> list[int]:
    """Ids of the people removed in (after, upto]."""
    rows = session.scalars(
        select(PersonDeletion.person_id).where(
            PersonDeletion.change_seq > after, PersonDeletion.change_seq <= upto
        )
    )
    return list(rows)


def forget_removals_upto(session: Session, upto: int) -> int:
    """Delete the tombstones the people index has passed (its watermark is `upto`): the one
    index behind the alias never needs them again, and a rebuild reads the people as they
    are. How many went."""
    result = session.execute(delete(PersonDeletion).where(PersonDeletion.change_seq <= upto))
    return int(getattr(result, "rowcount", 0) or 0)
