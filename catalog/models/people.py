"""People: members' own profiles, and the entries of communities' member directories.

Every row belongs to one community and is seen only by that community's active members
(docs/members.md). A member's profile is theirs to publish per community; an imported entry
comes from a directory (a roster file or a member-only directory page) and goes with it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog.models.accounts import User
from catalog.models.base import Base, utcnow
from catalog.models.sources import Community


class Directory(Base):
    """A community's member database brought into Mutual: a roster file or a directory page."""

    __tablename__ = "directories"
    __table_args__ = (UniqueConstraint("community_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="roster")  # "roster" or "page"
    # The roster's columns as the admin confirmed them: {column heading: person field}.
    columns: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Whether an account whose verified address is on the roster joins without approval.
    admits_members: Mapped[bool] = mapped_column(default=False)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    entries: Mapped[int] = mapped_column(Integer, default=0)

    community: Mapped[Community] = relationship()


class Person(Base):
    """One person as one community's members may see them."""

    __tablename__ = "people"
    __table_args__ = (
        Index("ix_people_change_seq_id", "change_seq", "id"),
        UniqueConstraint("directory_id", "entry_key"),
        UniqueConstraint("community_id", "user_id", "origin"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    origin: Mapped[str] = mapped_column(String(20))  # "profile" or "directory"
    # The account behind a profile, or the member who claimed a directory entry.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), default=None, index=True
    )
    directory_id: Mapped[int | None] = mapped_column(
        ForeignKey("directories.id", ondelete="CASCADE"), default=None
    )
    # The entry's identity within its directory (its own id, else its address or name), so a
    # re-import updates the entry instead of adding a second one.
    entry_key: Mapped[str | None] = mapped_column(String(200), default=None)
    display_name: Mapped[str] = mapped_column(String(200))
    headline: Mapped[str] = mapped_column(String(300), default="")
    organisation: Mapped[str] = mapped_column(String(300), default="")
    organisation_key: Mapped[str] = mapped_column(String(200), default="", index=True)
    role: Mapped[str] = mapped_column(String(200), default="")
    past_organisations: Mapped[list[str]] = mapped_column(JSON, default=list)
    location: Mapped[str] = mapped_column(String(200), default="")
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    # "unlisted" (the default), "members" (listed for fellow members) or "introductions"
    # (listed and open to introduction requests). Directory entries are "members".
    consent: Mapped[str] = mapped_column(String(20), default="unlisted")
    # The directory's own page for the person, shown to members instead of any contact.
    profile_url: Mapped[str] = mapped_column(String(2000), default="")
    # An address the directory itself shows its members; empty otherwise.
    shown_email: Mapped[str] = mapped_column(String(320), default="")
    # The roster's address, for claims and admission only: never shown, indexed or exported.
    roster_email: Mapped[str] = mapped_column(String(320), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Position in the people change log; the people index sync reads everything above its mark.
    change_seq: Mapped[int] = mapped_column(BigInteger)

    community: Mapped[Community] = relationship()
    # The account behind a profile or a claimed entry (its import also registers the users
    # table, which a command touching only people needs for the foreign key).
    user: Mapped[User | None] = relationship()


class PersonDeletion(Base):
    """A tombstone: the person was removed, so the people index drops them on its next sync."""

    __tablename__ = "person_deletions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(Integer)
    change_seq: Mapped[int] = mapped_column(BigInteger, index=True)
    deleted_at: Mapped[datetime] = mapped_column(default=utcnow)


class DirectoryExclusion(Base):
    """An entry an admin removed from a directory: later imports and crawls leave it out.

    Only a hash of the entry's key is kept (the key may be made of the person's address), so
    the exclusion says nothing about whom it was for."""

    __tablename__ = "directory_exclusions"

    directory_id: Mapped[int] = mapped_column(
        ForeignKey("directories.id", ondelete="CASCADE"), primary_key=True
    )
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    removed_at: Mapped[datetime] = mapped_column(default=utcnow)


class RosterUpload(Base):
    """A roster file uploaded on a manage page, held until the admin confirms its columns.

    Deleted on import, on cancel, and an hour after upload (catalog/roster_uploads.py)."""

    __tablename__ = "roster_uploads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    directory_name: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(300))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
