"""Mailing "new fellow member at an organisation you follow", after each alerts pass.

One mail per follow with news, to the follower's account address, naming each new fellow
member and the community they share, with a link to the organisation's page. Who may be named
is decided with the follower's memberships as they are when the mail is built
(catalog.organisation_follows.new_fellows); a follower who left every community hears nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import EmailMessage

from sqlalchemy.orm import Session, sessionmaker

from alerts.mail import MailFailed, MailNotConfigured, compose, send
from catalog.db import transaction
from catalog.models.accounts import User
from catalog.organisation_follows import NewFellows, mark_announced, pending_announcements
from catalog.sequences import PEOPLE_CHANGES, current_value
from ground.settings import Settings


@dataclass
class FellowsReport:
    mails: int = 0
    people: int = 0
    failures: list[str] = field(default_factory=list)


def compose_new_fellows(settings: Settings, to: str, entry: NewFellows) -> EmailMessage:
    people = entry.people
    organisation = people[0].organisation or entry.follow.key
    lines = [f"New fellow members at {organisation}, an organisation you follow on Mutual:", ""]
    for person in people:
        what = ", ".join(part for part in (person.role, person.headline) if part)
        lines.append(
            f"- {person.display_name}{f' ({what})' if what else ''}, {person.community.name}"
        )
    url = f"{settings.public_url.rstrip('/')}/org/{entry.follow.key}"
    lines += ["", f"Who works there, and how to ask for an introduction: {url}", ""]
    lines.append(f"To stop these, unfollow {organisation} on that page.")
    count = len(people)
    subject = f"{count} new fellow member{'s' if count != 1 else ''} at {organisation}"
    return compose(settings, to, subject, "\n".join(lines))


@dataclass(frozen=True)
class _Composed:
    """One follow's mail, built in a catalog read, with what marks it sent."""

    user_id: int
    key: str
    person_ids: list[int]
    message: EmailMessage


def send_new_fellows(settings: Settings, sessions: sessionmaker[Session]) -> FellowsReport:
    """Announce every follow's new fellow members; a follow whose mail failed stays pending.

    The mails are built in one read of the catalog and sent outside any transaction (SQLite
    holds its write lock for a write transaction's length); each sent mail is then recorded
    in a short transaction of its own, so a failure later in the pass undoes nothing sent."""
    report = FellowsReport()
    upto, mails = _composed(settings, sessions)
    for mail in mails:
        try:
            send(settings, mail.message)
        except (MailFailed, MailNotConfigured) as exc:
            report.failures.append(f"follow of {mail.key}: {exc}")
            continue
        with transaction(sessions) as session:
            mark_announced(session, mail.user_id, mail.key, mail.person_ids, upto)
        report.mails += 1
        report.people += len(mail.person_ids)
    return report


def _composed(settings: Settings, sessions: sessionmaker[Session]) -> tuple[int, list[_Composed]]:
    with transaction(sessions) as session:
        upto = current_value(session, PEOPLE_CHANGES)
        mails = []
        for entry in pending_announcements(session):
            user = session.get(User, entry.follow.user_id)
            if user is None:
                continue
            message = compose_new_fellows(settings, user.email, entry)
            ids = [person.id for person in entry.people]
            mails.append(_Composed(user.id, entry.follow.key, ids, message))
    return upto, mails
