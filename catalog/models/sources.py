"""Communities, the sources they publish, and the history of fetching those sources."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog.models.base import Base, utcnow


class Community(Base):
    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    homepage: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # "public": listed in the directory to everyone; "private": seen by its members only.
    visibility: Mapped[str] = mapped_column(String(20), default="public")
    # How people join: "open" (one click), "approval" (an admin approves), "invite" (a link).
    join_policy: Mapped[str] = mapped_column(String(20), default="approval")

    sources: Mapped[list[Source]] = relationship(back_populates="community")


class Source(Base):
    """A feed, calendar or page a community publishes, with the state of fetching it."""

    __tablename__ = "sources"
    __table_args__ = (UniqueConstraint("community_id", "url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40), default="feed")
    url: Mapped[str] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(String(500), default="")
    access: Mapped[str] = mapped_column(String(20), default="public")
    item_kind: Mapped[str] = mapped_column(String(20), default="job")
    paused: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    etag: Mapped[str | None] = mapped_column(String(500), default=None)
    last_modified: Mapped[str | None] = mapped_column(String(100), default=None)
    last_fetched_at: Mapped[datetime | None] = mapped_column(default=None)
    last_success_at: Mapped[datetime | None] = mapped_column(default=None)
    last_status: Mapped[int | None] = mapped_column(Integer, default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    next_fetch_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    items_seen: Mapped[int] = mapped_column(Integer, default=0)
    # Kind-specific settings (list selectors, sitemap pattern, job-board vendor), as given.
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Member-only access: how to sign in, and the secrets for it encrypted (never stored plain).
    auth_kind: Mapped[str] = mapped_column(String(20), default="none")
    credentials: Mapped[str | None] = mapped_column(Text, default=None)
    # A worker's lease on the source while it fetches it (catalog.claims): no other worker
    # claims it until the fetch is recorded or the lease runs out (its worker died).
    claimed_by: Mapped[str | None] = mapped_column(String(200), default=None, index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(default=None)

    community: Mapped[Community] = relationship(back_populates="sources")


class FetchAttempt(Base):
    """One fetch of a source and how it went: the crawl history operators read. Only the last
    few per source are kept (catalog.fetch_history prunes on write)."""

    __tablename__ = "fetch_attempts"
    __table_args__ = (Index("ix_fetch_attempts_source_id_id", "source_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime]
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str] = mapped_column(String(20))  # ok, not_modified, failed
    http_status: Mapped[int | None] = mapped_column(Integer, default=None)
    # Counted by the catalog when it stored the items; None when nothing was stored.
    items_new: Mapped[int | None] = mapped_column(Integer, default=None)
    items_updated: Mapped[int | None] = mapped_column(Integer, default=None)
    items_unchanged: Mapped[int | None] = mapped_column(Integer, default=None)
    # Why it failed, or a successful fetch's warnings; truncated.
    error: Mapped[str | None] = mapped_column(Text, default=None)
