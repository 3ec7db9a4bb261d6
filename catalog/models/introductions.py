"""Introduction requests between fellow members, and the blocks and reports that stop them.

A request is one member asking another (through that person's listing in a community they
share) to be introduced; Mutual mails the recipient and keeps the request's state for both
sides' history (docs/members.md, "Introductions").
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog.models.base import Base, utcnow
from catalog.models.people import Person
from catalog.models.sources import Community


class IntroductionRequest(Base):
    """One member's request to be introduced to a person listed in a community they share."""

    __tablename__ = "introduction_requests"
    __table_args__ = (
        Index("ix_introduction_requests_asker_created", "asker_user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asker_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    # The account behind the person when asked: the pair's limits and blocks are between
    # accounts, whichever of the recipient's listings was used.
    recipient_user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(Text)  # plain text, at most 1000 characters
    # "open", "replied", "not_now" or "withdrawn".
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    # SHA-256 of the token in the mail's one-click links; the token itself is only in the mail.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)

    person: Mapped[Person] = relationship()
    community: Mapped[Community] = relationship()


class Block(Base):
    """That `blocker` takes no more introduction requests from `blocked`."""

    __tablename__ = "introduction_blocks"
    __table_args__ = (UniqueConstraint("blocker_user_id", "blocked_user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    blocker_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    blocked_user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Report(Base):
    """A recipient's report of a request to the operator: who sent it and why it was wrong."""

    __tablename__ = "introduction_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reporter_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reported_user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # Kept when the request goes (its person left), so the operator still sees the report.
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("introduction_requests.id", ondelete="SET NULL"), default=None
    )
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
