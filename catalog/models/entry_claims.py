"""Claims of directory entries: a member saying "this entry is me", proved by a mailed link.

The link goes to the address the roster has for the entry (never shown to the claimer); the
catalog keeps only the SHA-256 of its token (docs/members.md, "Claiming your entry").
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog.models.base import Base, utcnow
from catalog.models.people import Person


class EntryClaim(Base):
    """One member's pending (or used, or expired) claim of one directory entry."""

    __tablename__ = "entry_claims"
    __table_args__ = (Index("ix_entry_claims_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # SHA-256 of the link's token; the token itself is only in the mail.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # SHA-256 of the roster address the link was sent to: if a re-import changes the entry's
    # address, a link mailed to the old one no longer proves anything about the entry.
    address_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column(default=None)

    person: Mapped[Person] = relationship()
