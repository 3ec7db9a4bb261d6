"""Saved searches and their alerts' outbox (matches and deliveries), and private calendar feeds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog.models.accounts import User
from catalog.models.base import Base, utcnow


class SavedSearch(Base):
    """A search someone wants to hear about: the search page's query string, replayed on every
    newly indexed item with the owner's access as it is at that moment."""

    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # The search page's URL parameters (`q=...&kind=job`), read back through indexer.search_args.
    query: Mapped[str] = mapped_column(String(2000), default="")
    email: Mapped[bool] = mapped_column(default=True)
    webhook_url: Mapped[str] = mapped_column(String(2000), default="")
    # Shared with the receiver, which needs it to check signatures, so kept as given.
    webhook_secret: Mapped[str] = mapped_column(String(100), default="")
    frequency: Mapped[str] = mapped_column(String(10), default="instant")  # instant, daily, weekly
    paused: Mapped[bool] = mapped_column(default=False)
    # Items indexed up to this time have been matched (the next run looks a little before it).
    last_checked: Mapped[datetime] = mapped_column(default=utcnow)
    next_digest_at: Mapped[datetime | None] = mapped_column(default=None)
    feed_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class AlertDelivery(Base):
    """One e-mail or webhook call carrying one or more matches, and how sending it went.

    "sending" is written before the mail server or receiver is contacted and "sent" after, so a
    crash in between leaves "sending": the next run sends it again (at most one duplicate)."""

    __tablename__ = "alert_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    saved_search_id: Mapped[int] = mapped_column(
        ForeignKey("saved_searches.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(10))  # email, webhook
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)


class AlertMatch(Base):
    """The outbox: that an item matched a saved search. Unique per (search, item), so an item is
    announced once however often it is re-crawled, edited or carried by another community."""

    __tablename__ = "alert_matches"
    __table_args__ = (UniqueConstraint("saved_search_id", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    saved_search_id: Mapped[int] = mapped_column(
        ForeignKey("saved_searches.id", ondelete="CASCADE")
    )
    item_id: Mapped[str] = mapped_column(String(64))
    matched_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the owner could no longer see the item at delivery time.
    dropped: Mapped[bool] = mapped_column(default=False)
    email_delivery_id: Mapped[int | None] = mapped_column(
        ForeignKey("alert_deliveries.id", ondelete="SET NULL"), default=None, index=True
    )
    webhook_delivery_id: Mapped[int | None] = mapped_column(
        ForeignKey("alert_deliveries.id", ondelete="SET NULL"), default=None, index=True
    )


class CalendarFeed(Base):
    """A person's private calendar of upcoming events across their communities: only the hash
    of the token in its address is kept."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
