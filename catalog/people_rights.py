"""A person's rights over what Mutual holds about them as a member: see it, export it, delete it.

What counts (docs/members.md, "What is stored and who sees it"): their profiles, the directory
entries they claimed, the introductions they asked for and were asked, whom they blocked and
what they reported. The export is what the person may know: an introduction they received says
who asked (they were told by mail) but a request they sent never names the recipient's address.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from catalog.models.introductions import Block, IntroductionRequest, Report
from catalog.models.people import Person
from catalog.people import DIRECTORY, forget_member_data, own_records

EXPORT_FORMAT = "mutual-member-data"


def _person(person: Person) -> dict[str, Any]:
    return {
        "community": person.community.slug,
        "kind": "directory entry you claimed" if person.origin == DIRECTORY else "profile",
        "display_name": person.display_name,
        "headline": person.headline,
        "organisation": person.organisation,
        "role": person.role,
        "past_organisations": list(person.past_organisations),
        "location": person.location,
        "topics": list(person.topics),
        "consent": person.consent,
        "directory_profile_url": person.profile_url,
        "shown_email": person.shown_email,
        "updated_at": person.updated_at.isoformat(),
    }


def _request(request: IntroductionRequest) -> dict[str, Any]:
    return {
        "community": request.community.slug,
        # Whom it was asked of: the recipient's listing, which the asker saw when asking.
        "listing": request.person.display_name,
        "note": request.note,
        "status": request.status,
        "created_at": request.created_at.isoformat(),
        "answered_at": request.answered_at.isoformat() if request.answered_at else None,
    }


def member_data(session: Session, user_id: int) -> dict[str, Any]:
    """Everything about the user as a member, as one JSON-ready document."""
    sent = session.scalars(
        select(IntroductionRequest).where(IntroductionRequest.asker_user_id == user_id)
    )
    received = session.scalars(
        select(IntroductionRequest).where(IntroductionRequest.recipient_user_id == user_id)
    )
    blocks = session.scalars(select(Block).where(Block.blocker_user_id == user_id))
    reports = session.scalars(select(Report).where(Report.reporter_user_id == user_id))
    return {
        "format": EXPORT_FORMAT,
        "version": 1,
        "profiles_and_entries": [_person(p) for p in own_records(session, user_id)],
        "introductions_asked": [_request(r) for r in sent],
        "introductions_received": [_request(r) for r in received],
        "blocked_accounts": sum(1 for _ in blocks),
        "reports_made": [
            {"reason": r.reason, "created_at": r.created_at.isoformat()} for r in reports
        ],
    }


def delete_member_data(session: Session, user_id: int) -> int:
    """Delete the user's profiles, claimed entries and introductions; how many records went.
    Reports stay (an operator may need them) and blocks stay (they protect the user)."""
    removed = forget_member_data(session, user_id)
    requests = list(
        session.scalars(
            select(IntroductionRequest).where(
                or_(
                    IntroductionRequest.asker_user_id == user_id,
                    IntroductionRequest.recipient_user_id == user_id,
                )
            )
        )
    )
    for request in requests:
        session.delete(request)
    session.flush()
    return removed + len(requests)
