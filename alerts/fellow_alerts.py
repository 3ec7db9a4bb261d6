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


def send_new_fellows(settings: Settings, sessions: sessionmaker[Session]) -> FellowsReport:
    """Announce every follow's new fellow members; a follow whose mail failed stays pending."""
    report = FellowsReport()
    with transaction(sessions) as session:
        upto = current_value(session, PEOPLE_CHANGES)
        pending = pending_announcements(session)
        for entry in pending:
            _announce(settings, session, entry, upto, report)
    return report


def _announce(
    settings: Settings, session: Session, entry: NewFellows, upto: int, report: FellowsReport
) -> None:
    user = session.get(User, entry.follow.user_id)
    if user is None:
        return
    try:
        send(settings, compose_new_fellows(settings, user.email, entry))
    except (MailFailed, MailNotConfigured) as exc:
        report.failures.append(f"follow of {entry.follow.key}: {exc}")
        return
    mark_announced(session, entry, upto)
    report.mails += 1
    report.people += len(entry.people)
