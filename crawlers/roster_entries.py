"""What every roster format shares: its errors and limits, cleaning a value, and making one
directory entry out of the values a row or a card gave for each person field.

Values come from files an admin exported from a member database, so they are hostile by
default (docs/hostile-inputs-coverage.md, point 33): spreadsheet formulas lose their prefix,
profile links are http(s) or dropped, addresses are checked, and nothing is ever evaluated.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from catalog.people import DirectoryEntry, PersonFields
from ground.errors import MutualError

FIELDS = (
    "display_name",
    "first_name",
    "last_name",
    "organisation",
    "role",
    "headline",
    "location",
    "topics",
    "past_organisations",
    "roster_email",
    "shown_email",
    "profile_url",
    "entry_id",
)
IGNORE = "ignore"  # `--column HEADING=ignore`: a column the guess took that should stay out
LIST_FIELDS = ("topics", "past_organisations")
MAX_BYTES = 20 * 1024 * 1024  # a 20 MB roster is ~100,000 members: far more than any community
MAX_ROWS = 100_000
# A cell starting with one of these is a formula to a spreadsheet (CSV injection, OWASP).
_FORMULA_PREFIXES = "=+-@\t\r"
_LIST_SPLIT = re.compile(r"[;|,]")
_EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")
_KEY_SIZE = 200  # the people.entry_key column


class RosterError(MutualError):
    """A roster that cannot be imported as it is; the message says what to change."""


class RosterUnreadable(RosterError):
    """The file is not a CSV or vCard roster that can be read."""


class RosterTooLarge(RosterError):
    """The file is over the size or row limit."""


class RosterColumnsInvalid(RosterError):
    """The column mapping names a heading the file lacks, an unknown field, or gives no name."""


@dataclass
class RosterParse:
    """A roster as read: its entries, what was wrong with some rows, and how it was read."""

    format: str  # "csv" or "vcard"
    encoding: str
    columns: dict[str, str] = field(default_factory=dict)  # heading (or vCard property): field
    entries: list[DirectoryEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    samples: dict[str, str] = field(default_factory=dict)  # heading: first value, for checking
    delimiter: str = ""
    records: int = 0


def check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise RosterTooLarge(
            f"the roster is {size / 1e6:.1f} MB; the limit is {MAX_BYTES // (1024 * 1024)} MB "
            "(split it, or leave out columns Mutual does not use)"
        )


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read in: UTF-16 when it starts with its BOM (Excel's
    "Unicode text"), else UTF-8 (with or without BOM), else Windows-1252, which every older
    spreadsheet export on Windows is in."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def clean_value(text: str) -> str:
    """One line of plain text, without the prefix that would make a spreadsheet run it."""
    return " ".join(text.replace("\x00", "").split()).lstrip(_FORMULA_PREFIXES).strip()


def split_list(text: str) -> tuple[str, ...]:
    return tuple(part for part in (clean_value(p) for p in _LIST_SPLIT.split(text)) if part)


def profile_url(text: str) -> str | None:
    """An http(s) link, or None when the value is something else (javascript:, data:, a file):
    "linkedin.com/in/x" gets its https:// since rosters often leave it out."""
    value = clean_value(text)
    if "://" not in value and re.match(r"^[\w-]+(\.[\w-]+)+(/|$)", value):
        value = f"https://{value}"
    try:
        parts = urlsplit(value)
    except ValueError:  # "http://[::1" and the like
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    return value if len(value) <= 2000 and not re.search(r"\s", value) else None


def email_address(text: str) -> str | None:
    value = clean_value(text).removeprefix("mailto:").lower()
    return value if _EMAIL.match(value) and len(value) <= 320 else None


def _shown(value: str) -> str:
    return repr(value if len(value) <= 60 else value[:57] + "...")


def _key(kind: str, value: str) -> str:
    key = f"{kind}:{value}"
    if len(key) > _KEY_SIZE:  # still stable across imports, and fits the column
        key = f"{kind}:sha256:{hashlib.sha256(value.encode()).hexdigest()}"
    return key


@dataclass
class EntryBuilder:
    """Makes entries from one roster's rows, noting problems and members met twice."""

    problems: list[str] = field(default_factory=list)
    seen: dict[str, str] = field(default_factory=dict)  # entry key: where it was first

    def build(self, values: dict[str, list[str]], where: str) -> DirectoryEntry | None:
        """The entry for one row or card (`values`: field: raw values), or None if skipped."""
        text = {name: [v for v in map(clean_value, raw) if v] for name, raw in values.items()}
        name = _first(text, "display_name") or " ".join(
            _first(text, part) for part in ("first_name", "last_name") if _first(text, part)
        )
        if not name:
            self.problems.append(f"{where}: no name, skipped")
            return None
        roster_email = self._address(text, "roster_email", where)
        key_kind, key_value = _identity(text, roster_email, name)
        key = _key(key_kind, key_value)
        if key in self.seen:
            self.problems.append(f"{where}: same {key_kind} as {self.seen[key]}, skipped")
            return None
        self.seen[key] = where
        return DirectoryEntry(
            entry_key=key,
            fields=_person_fields(text, name),
            profile_url=self._link(text, where),
            shown_email=self._address(text, "shown_email", where),
            roster_email=roster_email,
        )

    def _address(self, text: dict[str, list[str]], name: str, where: str) -> str:
        raw = _first(text, name)
        address = email_address(raw) if raw else ""
        if address is None:
            self.problems.append(f"{where}: the e-mail is not an address, left out")
        return address or ""

    def _link(self, text: dict[str, list[str]], where: str) -> str:
        raw = _first(text, "profile_url")
        link = profile_url(raw) if raw else ""
        if link is None:
            self.problems.append(f"{where}: profile {_shown(raw)} is not an http(s) link, left out")
        return link or ""


def _first(text: dict[str, list[str]], name: str) -> str:
    values = text.get(name) or [""]
    return values[0]


def _identity(text: dict[str, list[str]], email: str, name: str) -> tuple[str, str]:
    """What makes an entry the same one at the next import: the roster's own member id, else
    the address, else the name with the organisation."""
    if member_id := _first(text, "entry_id"):
        return "member id", member_id
    if email:
        return "e-mail", email
    return "name", f"{name.casefold()}|{_first(text, 'organisation').casefold()}"


def _person_fields(text: dict[str, list[str]], name: str) -> PersonFields:
    lists = {n: tuple(p for v in text.get(n, []) for p in split_list(v)) for n in LIST_FIELDS}
    return PersonFields(
        display_name=name,
        headline=_first(text, "headline"),
        organisation=_first(text, "organisation"),
        role=_first(text, "role"),
        past_organisations=lists["past_organisations"],
        # City, region and country may be columns of their own: the location is all of them.
        location=", ".join(dict.fromkeys(text.get("location", []))),
        topics=lists["topics"],
    )
