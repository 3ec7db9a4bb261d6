"""Admission by roster: an account whose address is on a community's roster joins it without
waiting for approval, when an admin turned that on for the roster (`Directory.admits_members`).

Every account's address is verified (signing up is by a link mailed to it), so an address on the
roster is the admins' own word that its owner belongs. It admits in public communities whatever
their join policy ("approval" and "invite" alike: the roster is the admins' own list); a private
community is still joined by invitation only, since its page answers 404 to outsiders and must
not tell them it exists (docs/members.md, "Admission by roster"). `catalog.memberships` asks
here; nothing here imports it, so the two stay apart.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from catalog.accounts import AccountError, normalise_email
from catalog.active_members import ACTIVE
from catalog.models.accounts import User
from catalog.models.memberships import Membership
from catalog.models.people import Directory, Person

# catalog.memberships.PENDING; spelled out here, since memberships imports this module.
_PENDING = "pending"


def _roster_address() -> ColumnElement[str]:
    # Rosters keep addresses as the admin's file wrote them: compare them trimmed and in lower
    # case, as accounts keep theirs (catalog.accounts.normalise_email).
    return func.lower(func.trim(Person.roster_email))


def admits(session: Session, email: str, community_id: int) -> bool:
    """Whether one of the community's admitting rosters lists the address."""
    try:
        address = normalise_email(email)
    except AccountError:
        return False
    found = session.scalar(
        select(Person.id)
        .join(Directory, Directory.id == Person.directory_id)
        .where(
            Person.community_id == community_id,
            Directory.admits_members.is_(True),
            _roster_address() == address,
        )
        .limit(1)
    )
    return found is not None


def admit_pending(session: Session, directory: Directory) -> int:
    """Approve the community's pending requests from addresses on the directory's roster, when
    it admits members; how many (a number only: the addresses are the roster's)."""
    if not directory.admits_members:
        return 0
    listed = select(_roster_address()).where(
        Person.directory_id == directory.id, Person.roster_email != ""
    )
    rows = session.scalars(
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.community_id == directory.community_id,
            Membership.status == _PENDING,
            User.email.in_(listed),
        )
    )
    admitted = 0
    for membership in rows:
        membership.status = ACTIVE
        admitted += 1
    session.flush()
    return admitted
