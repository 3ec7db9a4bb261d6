"""The catalog backup file: its sections and fields, and reading one back with every value checked.

A backup (docs/backup.md) is one JSON object: a header (`format`, `version`, `created_at`,
`mutual_version`, `schema_revision`, `secrets`) and one list per section, each entry holding
exactly the fields named here, under the catalog's own column names. Reading refuses anything
else, so that an import either writes a whole, well-formed catalog or nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from catalog.active_members import ACTIVE
from catalog.credentials import AUTH_KINDS
from catalog.memberships import ADMIN, JOIN_POLICIES, MEMBER, PENDING, VISIBILITIES
from catalog.models.accounts import User
from catalog.models.base import Base
from catalog.models.memberships import Invitation, Membership
from catalog.models.saved_searches import AlertDelivery, AlertMatch, CalendarFeed, SavedSearch
from catalog.models.sources import Community, Source
from catalog.saved_searches import CHANNELS, FREQUENCIES
from catalog.sources import ACCESS_LEVELS, ITEM_KINDS, SOURCE_KINDS
from ground.errors import MutualError

FORMAT = "mutual-backup"
VERSION = 1
HEADER = {"format", "version", "created_at", "mutual_version", "schema_revision", "secrets"}
SECRETS_WARNING = (
    "This file holds member-only sources' credentials, encrypted with the MUTUAL_CREDENTIALS_KEY "
    "of the catalog it was made from: importing them needs that same key. Keep the file private."
)
DELIVERY_STATUSES = ("pending", "sending", "sent", "failed", "gave_up")


class InvalidBackup(MutualError):
    """The file is not a backup this Mutual reads, or a value in it is unusable; nothing was
    written."""


@dataclass(frozen=True)
class Section:
    """One list of the file: the table it restores and its fields, each with its type.

    Types: int, str, bool, time (ISO 8601 with a UTC offset), json (an object), strs (a list of
    strings); a trailing "?" allows null. `optional` fields may be absent.
    """

    name: str
    model: type[Base]
    fields: dict[str, str]
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    optional: frozenset[str] = frozenset()


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
)


def dump_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def dump_backup(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def read_backup(text: str, origin: str = "backup") -> dict[str, Any]:
    """The backup in `text` with every entry checked and its times parsed; InvalidBackup names
    the first thing wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidBackup(f"{origin} is not JSON ({exc}); nothing was imported") from None
    if not isinstance(data, dict):
        raise InvalidBackup(f"{origin} is not a Mutual backup (not a JSON object)")
    _check_header(data, origin)
    known = HEADER | {"warning"} | {section.name for section in SECTIONS}
    unknown = sorted(set(data) - known)
    if unknown:
        raise InvalidBackup(f"{origin}: unknown key {unknown[0]!r} at the top level")
    checked: dict[str, Any] = {key: data[key] for key in HEADER}
    for section in SECTIONS:
        entries = data.get(section.name)
        if not isinstance(entries, list):
            raise InvalidBackup(f"{origin}: {section.name!r} must be a list")
        checked[section.name] = [
            _checked_entry(section, entry, f"{origin}, {section.name} entry {number}")
            for number, entry in enumerate(entries, 1)
        ]
    return checked


def _check_header(data: dict[str, Any], origin: str) -> None:
    if data.get("format") != FORMAT:
        raise InvalidBackup(
            f"{origin} is not a Mutual backup (format {data.get('format')!r}, expected {FORMAT!r})"
        )
    if data.get("version") != VERSION:
        raise InvalidBackup(
            f"{origin} is a version {data.get('version')!r} backup "
            f"(made by Mutual {data.get('mutual_version', '?')}); this Mutual reads version "
            f"{VERSION}"
        )
    missing = sorted(HEADER - set(data))
    if missing:
        raise InvalidBackup(f"{origin} lacks {missing[0]!r}")
    if not isinstance(data["secrets"], bool):
        raise InvalidBackup(f"{origin}: 'secrets' must be true or false")


def _checked_entry(section: Section, entry: Any, where: str) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise InvalidBackup(f"{where} must be an object")
    unknown = sorted(set(entry) - set(section.fields))
    if unknown:
        known = ", ".join(section.fields)
        raise InvalidBackup(f"{where}: unknown field {unknown[0]!r}; known: {known}")
    missing = sorted(set(section.fields) - set(entry) - section.optional)
    if missing:
        raise InvalidBackup(f"{where} lacks {missing[0]!r}")
    values = {
        name: _value(entry[name], kind, f"{where}, {name}")
        for name, kind in section.fields.items()
        if name in entry
    }
    for name, allowed in section.choices.items():
        if values[name] not in allowed:
            raise InvalidBackup(f"{where}: {name} {values[name]!r} is not one of {allowed}")
    return values


def _value(value: Any, kind: str, where: str) -> Any:
    if value is None and kind.endswith("?"):
        return None
    kind = kind.rstrip("?")
    if kind == "time":
        return _time(value, where)
    expected: type = {"int": int, "str": str, "bool": bool, "json": dict, "strs": list}[kind]
    # bool is an int to Python; a file saying `"id": true` is wrong all the same.
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise InvalidBackup(f"{where}: expected {kind}, found {json.dumps(value)[:60]}")
    if isinstance(value, list) and not all(isinstance(item, str) for item in value):
        raise InvalidBackup(f"{where}: expected a list of strings")
    return value


def _time(value: Any, where: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise InvalidBackup(f"{where}: expected a time with its UTC offset, found {value!r}")
    return parsed
