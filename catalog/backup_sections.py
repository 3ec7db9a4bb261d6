"""The sections of a catalog backup: for each, the table it restores and its fields with their
types (docs/backup.md). catalog/backup_format.py reads a file against them; catalog/backup.py
writes and restores them, in this order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from catalog.active_members import ACTIVE
from catalog.credentials import AUTH_KINDS
from catalog.introductions import NOT_NOW, OPEN, REPLIED, WITHDRAWN
from catalog.memberships import ADMIN, JOIN_POLICIES, MEMBER, PENDING, VISIBILITIES
from catalog.models.accounts import User
from catalog.models.base import Base
from catalog.models.introductions import Block, IntroductionRequest, Report
from catalog.models.memberships import Invitation, Membership
from catalog.models.organisations import OrganisationFollow, OrganisationOverride
from catalog.models.people import Directory, DirectoryExclusion, Person
from catalog.models.saved_searches import AlertDelivery, AlertMatch, CalendarFeed, SavedSearch
from catalog.models.sources import Community, Source
from catalog.people import CONSENTS, DIRECTORY, PROFILE
from catalog.saved_searches import CHANNELS, FREQUENCIES
from catalog.sources import ACCESS_LEVELS, ITEM_KINDS, SOURCE_KINDS

DELIVERY_STATUSES = ("pending", "sending", "sent", "failed", "gave_up")


@dataclass(frozen=True)
class Section:
    """One list of the file: the table it restores and its fields, each with its type.

    Types: int, str, bool, time (ISO 8601 with a UTC offset), json (an object), strs (a list of
    strings), ints (a list of integers); a trailing "?" allows null. `optional` fields may be
    absent. A section `since` a later catalog revision (the migration that added its table)
    may be absent from backups made before it: it is then empty.
    """

    name: str
    model: type[Base]
    fields: dict[str, str]
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    optional: frozenset[str] = frozenset()
    since: str = ""


SECTIONS = (
    Section(
        "communities",
        Community,
        {
            "id": "int",
            "slug": "str",
            "name": "str",
            "description": "str",
            "homepage": "str",
            "visibility": "str",
            "join_policy": "str",
            "created_at": "time",
        },
        {"visibility": VISIBILITIES, "join_policy": JOIN_POLICIES},
    ),
    Section(
        "sources",
        Source,
        {
            "id": "int",
            "community_id": "int",
            "kind": "str",
            "url": "str",
            "title": "str",
            "access": "str",
            "item_kind": "str",
            "paused": "bool",
            "created_at": "time",
            "options": "json",
            "auth_kind": "str",
            "credentials": "str?",
            "last_fetched_at": "time?",
            "last_success_at": "time?",
            "last_status": "int?",
            "last_error": "str?",
            "error_count": "int",
            "items_seen": "int",
        },
        {
            "kind": SOURCE_KINDS,
            "access": ACCESS_LEVELS,
            "item_kind": ITEM_KINDS,
            "auth_kind": AUTH_KINDS,
        },
        frozenset({"credentials"}),
    ),
    Section(
        "users",
        User,
        {
            "id": "int",
            "email": "str",
            "display_name": "str",
            "password_hash": "str",
            "is_admin": "bool",
            "created_at": "time",
            "password_changed_at": "time",
            "timezone": "str",
        },
    ),
    Section(
        "memberships",
        Membership,
        {
            "user_id": "int",
            "community_id": "int",
            "role": "str",
            "status": "str",
            "created_at": "time",
        },
        {"role": (MEMBER, ADMIN), "status": (ACTIVE, PENDING)},
    ),
    Section(
        "invitations",
        Invitation,
        {
            "id": "int",
            "token_hash": "str",
            "community_id": "int",
            "created_by": "int?",
            "created_at": "time",
            "expires_at": "time",
            "max_uses": "int",
            "uses": "int",
            "revoked": "bool",
        },
    ),
    Section(
        "saved_searches",
        SavedSearch,
        {
            "id": "int",
            "user_id": "int",
            "name": "str",
            "query": "str",
            "email": "bool",
            "webhook_url": "str",
            "webhook_secret": "str",
            "frequency": "str",
            "paused": "bool",
            "last_checked": "time",
            "next_digest_at": "time?",
            "feed_token_hash": "str?",
            "created_at": "time",
        },
        {"frequency": tuple(FREQUENCIES)},
    ),
    Section(
        "calendar_feeds",
        CalendarFeed,
        {"user_id": "int", "token_hash": "str", "created_at": "time"},
    ),
    Section(
        "alert_deliveries",
        AlertDelivery,
        {
            "id": "int",
            "saved_search_id": "int",
            "channel": "str",
            "status": "str",
            "uuid": "str",
            "attempts": "int",
            "next_attempt_at": "time",
            "last_error": "str?",
            "created_at": "time",
            "sent_at": "time?",
        },
        {"channel": CHANNELS, "status": DELIVERY_STATUSES},
    ),
    Section(
        "alert_matches",
        AlertMatch,
        {
            "saved_search_id": "int",
            "item_id": "str",
            # Not a column: the item's other identities (duplicate copies' ids, the publisher's
            # own id), so that whichever one the next crawl keeps is known as announced.
            "item_aliases": "strs",
            "matched_at": "time",
            "dropped": "bool",
            "email_delivery_id": "int?",
            "webhook_delivery_id": "int?",
        },
    ),
    Section(
        "organisation_overrides",
        OrganisationOverride,
        {"kind": "str", "source": "str", "target": "str", "created_at": "time"},
        {"kind": ("merge", "split")},
        since="0012",
    ),
    Section(
        "organisation_follows",
        OrganisationFollow,
        # seen_seq and announced refer to the people change log and people's ids: kept only
        # when the people come too (catalog.backup.import_catalog).
        {
            "user_id": "int",
            "key": "str",
            "created_at": "time",
            "seen_seq": "int",
            "announced": "ints",
        },
        since="0013",
    ),
)

# Only in backups made `--with-people`, and then all of them. Every field is kept, the
# roster's addresses too (entries could not be claimed, nor admit members, without them):
# such a file is as private as the member database itself.
PEOPLE_SECTIONS = (
    Section(
        "directories",
        Directory,
        {
            "id": "int",
            "community_id": "int",
            "name": "str",
            "kind": "str",
            "columns": "json",
            "admits_members": "bool",
            "imported_at": "time",
            "entries": "int",
        },
        {"kind": ("roster", "page")},
    ),
    Section(
        "people",
        Person,
        {
            "id": "int",
            "community_id": "int",
            "origin": "str",
            "user_id": "int?",
            "directory_id": "int?",
            "entry_key": "str?",
            "display_name": "str",
            "headline": "str",
            "organisation": "str",
            "organisation_key": "str",
            "role": "str",
            "past_organisations": "strs",
            "location": "str",
            "topics": "strs",
            "consent": "str",
            "profile_url": "str",
            "shown_email": "str",
            "roster_email": "str",
            "created_at": "time",
            "updated_at": "time",
            "change_seq": "int",
        },
        {"origin": (PROFILE, DIRECTORY), "consent": CONSENTS},
    ),
    Section(
        "directory_exclusions",
        DirectoryExclusion,
        {"directory_id": "int", "key_hash": "str", "removed_at": "time"},
    ),
    Section(
        "introduction_requests",
        IntroductionRequest,
        {
            "id": "int",
            "asker_user_id": "int",
            "person_id": "int",
            "recipient_user_id": "int",
            "community_id": "int",
            "note": "str",
            "status": "str",
            "created_at": "time",
            "answered_at": "time?",
            "token_hash": "str",
        },
        {"status": (OPEN, REPLIED, NOT_NOW, WITHDRAWN)},
    ),
    Section(
        "introduction_blocks",
        Block,
        {"id": "int", "blocker_user_id": "int", "blocked_user_id": "int", "created_at": "time"},
    ),
    Section(
        "introduction_reports",
        Report,
        {
            "id": "int",
            "reporter_user_id": "int",
            "reported_user_id": "int",
            "request_id": "int?",
            "reason": "str",
            "created_at": "time",
        },
    ),
)


def backup_sections(with_people: bool) -> tuple[Section, ...]:
    """The sections of a backup, in the order they are written and restored."""
    return SECTIONS + PEOPLE_SECTIONS if with_people else SECTIONS
