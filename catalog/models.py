"""The catalog's tables: the system of record from which the index can always be rebuilt."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every database (SQLite drops the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the catalog; use an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime}


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


class Item(Base):
    """One job, event or resource, however many communities carried it."""

    __tablename__ = "items"
    # The sync reads in (change_seq, id) order: one index range scan, no sort.
    __table_args__ = (Index("ix_items_change_seq_id", "change_seq", "id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(1000))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(2000))
    organisation: Mapped[str] = mapped_column(String(500), default="")
    location: Mapped[str] = mapped_column(String(500), default="")
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(20), default="active")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    content_hash: Mapped[str] = mapped_column(String(64))
    # The source whose version of the item is stored; other sources only add sightings, so two
    # communities describing one posting differently do not overwrite each other on every crawl.
    content_source_id: Mapped[int | None] = mapped_column(
        ForeignKey("sources.id", ondelete="SET NULL"), default=None
    )
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Position in the catalog's change log; the index sync reads everything above its watermark.
    change_seq: Mapped[int] = mapped_column(BigInteger)
    index_error: Mapped[str | None] = mapped_column(Text, default=None)
    # Kind-specific fields as the parsers found them (location parts, remote, employment type,
    # salary, event times and venue, author...); the index document picks the known keys.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # When the posting closes or the event ends; a sweep marks the item expired after it.
    expires_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    # Near-duplicate detection: items are compared only within one kind and organisation
    # (`dedupe_block`), on the word sets kept in `fingerprint`.
    dedupe_block: Mapped[str] = mapped_column(String(300), default="", index=True)
    fingerprint: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    sightings: Mapped[list[Sighting]] = relationship(
        back_populates="item", cascade="all, delete-orphan"
    )


class Sighting(Base):
    """That a source (and so its community) carried an item, and since when."""

    __tablename__ = "sightings"

    item_id: Mapped[str] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    source_id: Mapped[int] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    # Complete listings of the source in a row that lacked the item; two mean it was taken down.
    missed: Mapped[int] = mapped_column(Integer, default=0)

    item: Mapped[Item] = relationship(back_populates="sightings")
    source: Mapped[Source] = relationship()


class ItemAlias(Base):
    """Another identity of an item: a duplicate copy's URL id, or the publisher's own id.

    Once a copy has been matched to an item (by its ATS id or as a near duplicate), the next
    crawl finds it here by exact key instead of comparing text again.
    """

    __tablename__ = "item_aliases"

    alias: Mapped[str] = mapped_column(String(64), primary_key=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)


class Sequence(Base):
    """Counters handed out inside write transactions; the row lock orders concurrent writers."""

    __tablename__ = "sequences"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class SyncState(Base):
    """How far a consumer of the change log (the index sync) has got."""

    __tablename__ = "sync_state"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    watermark: Mapped[int] = mapped_column(BigInteger, default=0)
    last_run_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    # A lease so that one sync or rebuild runs at a time: who holds it and until when.
    locked_by: Mapped[str | None] = mapped_column(String(200), default=None)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)


class ItemDeletion(Base):
    """A tombstone in the change log: the item was deleted from the catalog."""

    __tablename__ = "item_deletions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[str] = mapped_column(String(64))
    change_seq: Mapped[int] = mapped_column(BigInteger, index=True)
    deleted_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(Base):
    """A person who signs in: a job seeker, a community admin, or the operator (`is_admin`)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Stored lower-cased, so one address is one account however it is typed.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(300))
    is_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # An IANA zone name for showing event times; empty: the browser's, else UTC.
    timezone: Mapped[str] = mapped_column(String(64), default="")


class WebSession(Base):
    """A signed-in browser. The cookie holds the token; only its hash is stored. Deleting the row
    signs that browser out, wherever the cookie has gone."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class Membership(Base):
    """That a user belongs to a community ("active") or asked to ("pending"), and their role."""

    __tablename__ = "memberships"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(20), default="member")
    status: Mapped[str] = mapped_column(String(20), default="active")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
    community: Mapped[Community] = relationship()


class Invitation(Base):
    """A link that lets whoever holds it join a community (and sign up when sign-up is by
    invitation). Only a hash of the token is stored."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    max_uses: Mapped[int] = mapped_column(Integer, default=1)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    revoked: Mapped[bool] = mapped_column(default=False)

    community: Mapped[Community] = relationship()


class SignInFailure(Base):
    """Failed sign-ins per key (an address, a client IP), kept in the catalog so that every web
    worker process shares one count and one lock."""

    __tablename__ = "sign_in_failures"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failure_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)


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
