"""Organisations in the catalog: an admin's corrections to their keys (merges of two keys,
splits of one name), and the organisations members follow."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from catalog.models.base import Base, utcnow


class OrganisationOverride(Base):
    """`kind` "merge": every name whose key is `source` reads as `target` ("acme-corp" is
    "acme"); "split": the one name `source` (folded) gets the key `target`, apart from the
    others its key would put it with ("Acme Roofing, Ohio" is not the Acme of the rest)."""

    __tablename__ = "organisation_overrides"

    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    source: Mapped[str] = mapped_column(String(300), primary_key=True)
    target: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OrganisationFollow(Base):
    """That a member follows an organisation: they hear of new fellow members listed there."""

    __tablename__ = "organisation_follows"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The people change number up to which this follow has been looked at, and the people
    # already announced (a listing edited later is not news).
    seen_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    announced: Mapped[list[int]] = mapped_column(JSON, default=list)
