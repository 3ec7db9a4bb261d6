"""Following an organisation: "new fellow member at an organisation you follow".

A new fellow member is a person newly listed at the organisation (a profile listed, a roster
entry added, someone whose organisation changed to it) in a community the follower is an
active member of now, other than the follower. Each is announced once per follow.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.active_members import grants_access
from catalog.models.memberships import Membership
from catalog.models.organisations import OrganisationFollow
from catalog.models.people import Person
from catalog.sequences import PEOPLE_CHANGES, current_value

MAX_ANNOUNCED = 5000  # per follow; older ids are let go (they are long past the watermark)


@dataclass(frozen=True)
class NewFellows:
    follow: OrganisationFollow
    people: list[Person]


def follow(session: Session, user_id: int, key: str) -> OrganisationFollow:
    """Follow from now on: people already listed there are not news."""
    row = session.get(OrganisationFollow, (user_id, key))
    if row is None:
        row = OrganisationFollow(user_id=user_id, key=key, announced=[])
        row.seen_seq = current_value(session, PEOPLE_CHANGES)
        session.add(row)
        session.flush()
    return row


def unfollow(session: Session, user_id: int, key: str) -> bool:
    row = session.get(OrganisationFollow, (user_id, key))
    if row is not None:
        session.delete(row)
        session.flush()
    return row is not None


def is_following(session: Session, user_id: int, key: str) -> bool:
    return session.get(OrganisationFollow, (user_id, key)) is not None


def new_fellows(session: Session, row: OrganisationFollow) -> list[Person]:
    """People listed at the followed organisation since the follow was last looked at, whom
    its owner may see now and has not been told of."""
    found = session.scalars(
        select(Person)
        .join(Membership, Membership.community_id == Person.community_id)
        .where(
            grants_access(row.user_id),
            Person.organisation_key == row.key,
            Person.consent != "unlisted",
            Person.change_seq > row.seen_seq,
            (Person.user_id != row.user_id) | Person.user_id.is_(None),
        )
        .order_by(Person.display_name, Person.id)
    )
    told = set(row.announced)
    return [person for person in found if person.id not in told]


def pending_announcements(session: Session) -> list[NewFellows]:
    """Every follow with new fellow members to announce."""
    rows = session.scalars(select(OrganisationFollow).order_by(OrganisationFollow.user_id))
    found = [NewFellows(row, new_fellows(session, row)) for row in rows]
    return [entry for entry in found if entry.people]


def mark_announced(
    session: Session, user_id: int, key: str, person_ids: list[int], upto: int
) -> None:
    """Record that the follow's mail naming `person_ids` was sent: they are not news again,
    the watermark moves (nothing, when the follow went meanwhile)."""
    row = session.get(OrganisationFollow, (user_id, key))
    if row is None:
        return
    row.announced = [*row.announced, *person_ids][-MAX_ANNOUNCED:]
    row.seen_seq = max(row.seen_seq, upto)
    session.flush()
