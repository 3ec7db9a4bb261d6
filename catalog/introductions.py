"""Asking a fellow member for an introduction, answering, blocking and reporting.

The rules (docs/members.md, "Introductions"): only an active member may ask, only someone
listed in a community they share and open to requests ("introductions") with an account
behind the listing; a few requests a day per asker, one open request per pair, none to someone
who blocked the asker, and none to someone who said "not now" until a pause has passed. A
block is answered exactly as a listing closed to requests, so the asker cannot tell them apart.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from catalog.active_members import grants_access
from catalog.models.accounts import User
from catalog.models.base import utcnow
from catalog.models.introductions import Block, IntroductionRequest, Report
from catalog.models.memberships import Membership
from catalog.models.people import Person
from catalog.models.sources import Community
from catalog.people import open_to_introductions
from ground.errors import MutualError

OPEN = "open"
REPLIED = "replied"
NOT_NOW = "not_now"
WITHDRAWN = "withdrawn"
ANSWERS = (REPLIED, NOT_NOW)
MAX_NOTE = 1000
MAX_REASON = 2000
# Enough of a pause that "not now" means something, short enough that circumstances change.
NOT_NOW_PAUSE = timedelta(days=30)
DEFAULT_PER_DAY = 3
_DAY = timedelta(hours=24)


class IntroductionError(MutualError):
    """A request, answer or block that is not allowed; the message says why, politely."""


class History(NamedTuple):
    """A member's requests: those they sent and those sent to them, newest first."""

    asked: list[IntroductionRequest]
    received: list[IntroductionRequest]


def new_answer_token() -> str:
    """A token for a request's one-click links; only its hash is stored."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token[:200].encode("utf-8")).hexdigest()


def clean_note(note: str) -> str:
    """The note as plain text: line breaks kept, other control characters dropped."""
    lines = ("".join(c for c in line if c.isprintable()).rstrip() for line in note.splitlines())
    return "\n".join(lines).strip()


def _is_member(session: Session, user_id: int, community_id: int) -> bool:
    row = session.scalar(
        select(Membership.user_id).where(
            grants_access(user_id), Membership.community_id == community_id
        )
    )
    return row is not None


def is_blocked(session: Session, blocker_id: int, blocked_id: int) -> bool:
    row = session.scalar(
        select(Block.id).where(
            Block.blocker_user_id == blocker_id, Block.blocked_user_id == blocked_id
        )
    )
    return row is not None


def closed_to_requests(person: Person) -> str:
    """What the asker is told when the person takes no requests (or blocked them: the same)."""
    if person.user_id is None and person.profile_url:
        return (
            f"{person.display_name} has no Mutual account, so Mutual cannot pass on a request; "
            f"their directory profile is at {person.profile_url}"
        )
    if person.user_id is None:
        return f"{person.display_name} has no Mutual account, so Mutual cannot pass on a request."
    return f"{person.display_name} is not taking introduction requests at the moment."


def check_may_ask(session: Session, asker_id: int, person: Person) -> None:
    """Raise IntroductionError unless `asker_id` may ask `person` at all (limits aside)."""
    if not _is_member(session, asker_id, person.community_id):
        raise IntroductionError("only fellow members of the person's community can ask them")
    if person.user_id == asker_id:
        raise IntroductionError("that is your own profile: you cannot ask yourself")
    if not open_to_introductions(person) or person.user_id is None:
        raise IntroductionError(closed_to_requests(person))
    if is_blocked(session, person.user_id, asker_id):
        raise IntroductionError(closed_to_requests(person))


def _check_limits(
    session: Session, asker_id: int, person: Person, now: datetime, per_day: int
) -> None:
    pair = select(IntroductionRequest).where(
        IntroductionRequest.asker_user_id == asker_id,
        IntroductionRequest.recipient_user_id == person.user_id,
    )
    if session.scalar(pair.where(IntroductionRequest.status == OPEN)) is not None:
        raise IntroductionError(
            f"you already have an open request to {person.display_name}; "
            "wait for their answer, or withdraw it first"
        )
    paused = pair.where(
        IntroductionRequest.status == NOT_NOW,
        IntroductionRequest.answered_at > now - NOT_NOW_PAUSE,
    )
    if session.scalar(paused) is not None:
        raise IntroductionError(
            f"{person.display_name} can't help right now; you can ask again in a few weeks"
        )
    _check_daily(session, asker_id, now, per_day)


def _check_daily(session: Session, asker_id: int, now: datetime, per_day: int) -> None:
    # Withdrawn requests count too: they were mailed all the same.
    sent = session.scalar(
        select(func.count()).where(
            IntroductionRequest.asker_user_id == asker_id,
            IntroductionRequest.created_at > now - _DAY,
        )
    )
    if int(sent or 0) >= per_day:
        raise IntroductionError(
            f"you can send {per_day} introduction requests in 24 hours; please try again tomorrow"
        )


def ask_for_introduction(
    session: Session,
    asker_id: int,
    person_id: int,
    note: str,
    now: datetime | None = None,
    *,
    per_day: int = DEFAULT_PER_DAY,
    token: str | None = None,
) -> IntroductionRequest:
    """Record `asker_id`'s request to the person; `token` (from `new_answer_token`) is what
    the recipient's mail links carry, so a caller that mails passes one in."""
    now = now or utcnow()
    person = session.get(Person, person_id)
    if person is None:
        raise IntroductionError("that person is not listed (any more)")
    check_may_ask(session, asker_id, person)
    _check_limits(session, asker_id, person, now, per_day)
    text = clean_note(note)
    if not text:
        raise IntroductionError("write a short note: who you are and what you would like to ask")
    if len(text) > MAX_NOTE:
        raise IntroductionError(f"keep the note under {MAX_NOTE} characters ({len(text)} now)")
    request = IntroductionRequest(
        asker_user_id=asker_id,
        person_id=person.id,
        recipient_user_id=person.user_id,
        community_id=person.community_id,
        note=text,
        status=OPEN,
        created_at=now,
        token_hash=token_hash(token or new_answer_token()),
    )
    session.add(request)
    session.flush()
    return request


def by_token(session: Session, token: str) -> IntroductionRequest | None:
    """The request a mail's link names; None for an unknown token."""
    return session.scalar(
        select(IntroductionRequest).where(IntroductionRequest.token_hash == token_hash(token))
    )


def _set_answer(request: IntroductionRequest, outcome: str, now: datetime | None) -> None:
    if outcome not in ANSWERS:
        raise IntroductionError(f"unknown answer {outcome!r}; use one of {', '.join(ANSWERS)}")
    if request.status == WITHDRAWN:
        raise IntroductionError("the request was withdrawn: there is nothing to answer")
    request.status = outcome
    request.answered_at = now or utcnow()


def answer(
    session: Session, token: str, outcome: str, now: datetime | None = None
) -> IntroductionRequest:
    """The recipient's answer through the mail's link ("not_now" or "replied")."""
    request = by_token(session, token)
    if request is None:
        raise IntroductionError("this link is not valid (any more)")
    _set_answer(request, outcome, now)
    session.flush()
    return request


def received_request(session: Session, user_id: int, request_id: int) -> IntroductionRequest:
    """A request sent to `user_id`; the same error for another's request as for none."""
    request = session.get(IntroductionRequest, request_id)
    if request is None or request.recipient_user_id != user_id:
        raise IntroductionError("there is no such request")
    return request


def answer_received(
    session: Session, user_id: int, request_id: int, outcome: str, now: datetime | None = None
) -> IntroductionRequest:
    """The recipient's answer from their history page."""
    request = received_request(session, user_id, request_id)
    _set_answer(request, outcome, now)
    session.flush()
    return request


def withdraw(session: Session, asker_id: int, request_id: int) -> IntroductionRequest:
    """The asker takes back an open request (it stays in both histories as withdrawn)."""
    request = session.get(IntroductionRequest, request_id)
    if request is None or request.asker_user_id != asker_id:
        raise IntroductionError("there is no such request")
    if request.status != OPEN:
        raise IntroductionError("only an open request can be withdrawn")
    request.status = WITHDRAWN
    request.answered_at = utcnow()
    session.flush()
    return request


def block(session: Session, user_id: int, other_id: int) -> None:
    """`user_id` takes no more requests from `other_id`; their open requests are answered
    "not now", which is all the other sees."""
    if user_id == other_id:
        raise IntroductionError("you cannot block yourself")
    if not is_blocked(session, user_id, other_id):
        session.add(Block(blocker_user_id=user_id, blocked_user_id=other_id))
    still_open = session.scalars(
        select(IntroductionRequest).where(
            IntroductionRequest.asker_user_id == other_id,
            IntroductionRequest.recipient_user_id == user_id,
            IntroductionRequest.status == OPEN,
        )
    )
    for request in still_open:
        _set_answer(request, NOT_NOW, None)
    session.flush()


def unblock(session: Session, user_id: int, other_id: int) -> None:
    for row in session.scalars(
        select(Block).where(Block.blocker_user_id == user_id, Block.blocked_user_id == other_id)
    ):
        session.delete(row)
    session.flush()


def report(session: Session, user_id: int, request_id: int, reason: str) -> Report:
    """The recipient reports a request to the operator; reporting also blocks its sender."""
    request = received_request(session, user_id, request_id)
    row = Report(
        reporter_user_id=user_id,
        reported_user_id=request.asker_user_id,
        request_id=request.id,
        reason=clean_note(reason)[:MAX_REASON],
    )
    session.add(row)
    block(session, user_id, request.asker_user_id)
    return row


def history(session: Session, user_id: int) -> History:
    """Both sides of the user's requests, newest first."""
    newest = (IntroductionRequest.created_at.desc(), IntroductionRequest.id.desc())
    asked = session.scalars(
        select(IntroductionRequest)
        .where(IntroductionRequest.asker_user_id == user_id)
        .order_by(*newest)
    )
    received = session.scalars(
        select(IntroductionRequest)
        .where(IntroductionRequest.recipient_user_id == user_id)
        .order_by(*newest)
    )
    return History(asked=list(asked), received=list(received))


@dataclass(frozen=True)
class ReportRow:
    """A report as the operator reads it: who reported whom, why, and where they met."""

    id: int
    created_at: datetime
    reporter_email: str
    reported_email: str
    community: str  # "" when the request went (its person left)
    reason: str


def reports(session: Session) -> list[ReportRow]:
    """Every report, newest first (for the operator: `mutual introductions reports`)."""
    reporter, reported = aliased(User), aliased(User)
    rows = session.execute(
        select(Report, reporter.email, reported.email, Community.name)
        .join(reporter, reporter.id == Report.reporter_user_id)
        .join(reported, reported.id == Report.reported_user_id)
        .outerjoin(IntroductionRequest, IntroductionRequest.id == Report.request_id)
        .outerjoin(Community, Community.id == IntroductionRequest.community_id)
        .order_by(Report.created_at.desc(), Report.id.desc())
    )
    return [
        ReportRow(row.id, row.created_at, by, whom, community or "", row.reason)
        for row, by, whom, community in rows
    ]
