"""An admin's corrections to organisation keys: merges of two keys, splits of one name."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
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
