"""The catalog backup file: its sections and fields, and reading one back with every value checked.

A backup (docs/backup.md) is one JSON object: a header (`format`, `version`, `created_at`,
`mutual_version`, `schema_revision`, `secrets`, `with_people`) and one list per section, each
entry holding exactly the fields catalog/backup_sections.py names, under the catalog's own
column names. Reading refuses anything else, so that an import either writes a whole,
well-formed catalog or nothing.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from catalog.backup_sections import PEOPLE_SECTIONS, Section, backup_sections
from ground.errors import MutualError

FORMAT = "mutual-backup"
VERSION = 1
HEADER = {"format", "version", "created_at", "mutual_version", "schema_revision", "secrets"}
# "with_people": whether the people sections are in (`mutual export --with-people`); a backup
# without the key (made before it existed) holds none.
OPTIONAL_HEADER = {"with_people", "warning"}
SECRETS_WARNING = (
    "This file holds member-only sources' credentials, encrypted with the MUTUAL_CREDENTIALS_KEY "
    "of the catalog it was made from: importing them needs that same key. Keep the file private."
)
PEOPLE_WARNING = (
    "This file holds people: members' profiles, the communities' member directories with their "
    "roster addresses, and introduction requests. Keep it as private as those directories."
)
TYPES: dict[str, type] = {
    "int": int,
    "str": str,
    "bool": bool,
    "json": dict,
    "strs": list,
    "ints": list,
}


class InvalidBackup(MutualError):
    """The file is not a backup this Mutual reads, or a value in it is unusable; nothing was
    written."""


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
    sections = backup_sections(data["with_people"])
    known = HEADER | OPTIONAL_HEADER | {section.name for section in sections}
    unknown = sorted(set(data) - known)
    if unknown:
        people = unknown[0] in {section.name for section in PEOPLE_SECTIONS}
        hint = ' (people sections come only with "with_people": true)' if people else ""
        raise InvalidBackup(f"{origin}: unknown key {unknown[0]!r} at the top level{hint}")
    checked: dict[str, Any] = {key: data[key] for key in HEADER | {"with_people"}}
    for section in sections:
        entries = data.get(section.name, [] if section.since else None)
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
    data.setdefault("with_people", False)
    if not isinstance(data["with_people"], bool):
        raise InvalidBackup(f"{origin}: 'with_people' must be true or false")


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
    expected: type = TYPES[kind]
    # bool is an int to Python; a file saying `"id": true` is wrong all the same.
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise InvalidBackup(f"{where}: expected {kind}, found {json.dumps(value)[:60]}")
    items: list[Any] = value if isinstance(value, list) else []
    if kind == "strs" and not all(isinstance(item, str) for item in items):
        raise InvalidBackup(f"{where}: expected a list of strings")
    if kind == "ints" and not all(type(item) is int for item in items):
        raise InvalidBackup(f"{where}: expected a list of integers")
    return value


def _time(value: Any, where: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise InvalidBackup(f"{where}: expected a time with its UTC offset, found {value!r}")
    return parsed
