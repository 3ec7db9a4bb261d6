"""Claiming one's entry in a community's member directory, proved by a link mailed to the roster.

The rules (docs/members.md, "Claiming your entry"): only an active member of the entry's
community may claim it, only an entry the roster has an address for, and only one entry per
community per account (the catalog's own constraint). The link goes to the roster's address,
which the claimer never sees; it carries a random token of which only the SHA-256 is kept, lasts
48 hours, works once, and only for the account that asked. One pending claim per entry per
account, a few claims a day per account, and a few mails a day to one roster address whoever
asks, so the roster's people are not mailed at will.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog.active_members import grants_access
from catalog.models.base import utcnow
from catalog.models.entry_claims import EntryClaim
from catalog.models.memberships import Membership
from catalog.models.people import Person
from catalog.people import DIRECTORY
from catalog.sequences import PEOPLE_CHANGES, next_value
from ground.errors import MutualError

CLAIM_LIFETIME = timedelta(hours=48)
PER_DAY = 3  # claims one account may start in 24 hours
PER_ENTRY_PER_DAY = 3  # mails one roster address may get in 24 hours, whoever asks
MAX_LISTED = 50
_DAY = timedelta(hours=24)
NO_ADDRESS = (
    "This entry cannot be claimed: the directory has no address for it to send a link to. "
    "Ask the community's admins to add one to the roster."
)
# One answer for an unknown link and another account's: the other account learns nothing.
INVALID_LINK = "This link is not valid (any more)."


class ClaimError(MutualError):
    """A claim that cannot be started or confirmed; the message says why."""


def _hash(text: str) -> str:
    return hashlib.sha256(text[:400].encode("utf-8")).hexdigest()


def _address_hash(address: str) -> str:
    return _hash(address.strip().lower())


def _is_member(session: Session, user_id: int, community_id: int) -> bool:
    row = session.scalar(
        select(Membership.user_id).where(
            grants_access(user_id), Membership.community_id == community_id
        )
    )
    return row is not None


def claimable_entries(
    session: Session, user_id: int, community_id: int, name: str = ""
) -> list[Person]:
    """The community's directory entries nobody has claimed, by name (those whose name holds
    `name`, when given); empty for anyone but an active member."""
    if not _is_member(session, user_id, community_id):
        return []
    query = select(Person).where(
        Person.community_id == community_id,
        Person.origin == DIRECTORY,
        Person.user_id.is_(None),
    )
    if name.strip():
        query = query.where(Person.display_name.ilike(f"%{name.strip()[:100]}%"))
    return list(session.scalars(query.order_by(Person.display_name, Person.id).limit(MAX_LISTED)))


def claimed_entry(session: Session, user_id: int, community_id: int) -> Person | None:
    """The directory entry the user has claimed in the community, if any."""
    return session.scalar(
        select(Person).where(
            Person.user_id == user_id,
            Person.community_id == community_id,
            Person.origin == DIRECTORY,
        )
    )


def check_claimable(session: Session, user_id: int, person: Person) -> None:
    """Raise ClaimError unless the user (an active member: the caller checks) may claim it."""
    if person.origin != DIRECTORY:
        raise ClaimError("only an entry of a member directory can be claimed")
    if person.user_id == user_id:
        raise ClaimError(f"{person.display_name} is already linked to your account")
    if person.user_id is not None:
        raise ClaimError(f"{person.display_name} has already been claimed by another account")
    mine = claimed_entry(session, user_id, person.community_id)
    if mine is not None:
        raise ClaimError(
            f"you have already claimed the entry {mine.display_name} in this community: "
            "one entry per account"
        )
    if not person.roster_email.strip():
        raise ClaimError(NO_ADDRESS)


def _check_limits(session: Session, user_id: int, person: Person, now: datetime) -> None:
    pending = select(EntryClaim.id).where(
        EntryClaim.user_id == user_id,
        EntryClaim.person_id == person.id,
        EntryClaim.used_at.is_(None),
        EntryClaim.expires_at > now,
    )
    if session.scalar(pending) is not None:
        raise ClaimError(
            "a link for this entry was already sent: follow it, or ask again once it expires"
        )
    recent = EntryClaim.created_at > now - _DAY
    mine = session.scalar(select(func.count()).where(EntryClaim.user_id == user_id, recent))
    if int(mine or 0) >= PER_DAY:
        raise ClaimError(f"you can claim {PER_DAY} entries in 24 hours; please try again tomorrow")
    theirs = session.scalar(select(func.count()).where(EntryClaim.person_id == person.id, recent))
    if int(theirs or 0) >= PER_ENTRY_PER_DAY:
        raise ClaimError("this entry has been sent enough links today; please try again tomorrow")


def start_claim(
    session: Session, user_id: int, person_id: int, now: datetime | None = None
) -> tuple[Person, str]:
    """Record the user's claim of the entry; returns the entry and the token for the link to
    mail to its roster address (the caller mails it; the token is not kept)."""
    now = now or utcnow()
    person = session.get(Person, person_id)
    if person is None or not _is_member(session, user_id, person.community_id):
        raise ClaimError("that entry is not listed (any more)")
    check_claimable(session, user_id, person)
    _check_limits(session, user_id, person, now)
    token = secrets.token_urlsafe(32)
    session.add(
        EntryClaim(
            person_id=person.id,
            user_id=user_id,
            token_hash=_hash(token),
            address_hash=_address_hash(person.roster_email),
            created_at=now,
            expires_at=now + CLAIM_LIFETIME,
        )
    )
    session.flush()
    return person, token


def pending_claim(
    session: Session, token: str, user_id: int, now: datetime | None = None
) -> EntryClaim:
    """The usable claim the link's token names, for the account that asked; else ClaimError."""
    claim = session.scalar(select(EntryClaim).where(EntryClaim.token_hash == _hash(token)))
    if claim is None or claim.user_id != user_id:
        raise ClaimError(INVALID_LINK)
    if claim.used_at is not None:
        raise ClaimError("this link has already been used")
    if claim.expires_at <= (now or utcnow()):
        raise ClaimError("this link has expired; claim the entry again for a new one")
    if claim.address_hash != _address_hash(claim.person.roster_email):
        raise ClaimError("the directory's address for this entry has changed; claim it again")
    if not _is_member(session, user_id, claim.person.community_id):
        raise ClaimError(INVALID_LINK)
    return claim


def confirm_claim(
    session: Session, token: str, user_id: int, now: datetime | None = None
) -> Person:
    """Link the entry to the account, through the mailed link; the link is then used up."""
    claim = pending_claim(session, token, user_id, now)
    person = claim.person
    check_claimable(session, user_id, person)
    person.user_id = user_id
    # As catalog.people does for every change: a new number, so the people index catches up.
    person.change_seq = next_value(session, PEOPLE_CHANGES)
    person.updated_at = utcnow()
    claim.used_at = now or utcnow()
    session.flush()
    return person
