"""Rosters as vCard files (a contacts export: many cards in one .vcf), read with vobject.

Each card is read on its own, so one broken card is reported and the others are kept: vobject
would stop at the first bad line of the whole file.
"""

from __future__ import annotations

import re
from typing import Any

import vobject

from crawlers.roster_entries import (
    MAX_ROWS,
    EntryBuilder,
    RosterParse,
    RosterTooLarge,
    RosterUnreadable,
    check_size,
    decode,
)

# What each vCard property gives; NOTE and the rest are left out (they are free text).
COLUMNS = {
    "FN": "display_name",
    "N": "first_name, last_name",
    "ORG": "organisation",
    "TITLE": "role",
    "ROLE": "role",
    "ADR": "location",
    "EMAIL": "roster_email",
    "URL": "profile_url",
    "UID": "entry_id",
    "CATEGORIES": "topics",
}
_BEGIN = re.compile(r"^BEGIN:VCARD\s*$", re.IGNORECASE)
_END = re.compile(r"^END:VCARD\s*$", re.IGNORECASE)


def looks_like_vcard(text: str) -> bool:
    return bool(_BEGIN.match(text.lstrip().split("\n", 1)[0].strip()))


def split_cards(text: str) -> list[tuple[int, str]]:
    """Each card's text with the line it starts on; a card never closed runs to the end."""
    cards: list[tuple[int, str]] = []
    current: list[str] | None = None
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if _BEGIN.match(line.strip()):
            if current is not None:
                cards.append((start, "\r\n".join(current)))
            current, start = [line], number
        elif current is not None:
            current.append(line)
            if _END.match(line.strip()):
                cards.append((start, "\r\n".join(current) + "\r\n"))
                current = None
    if current is not None:
        cards.append((start, "\r\n".join(current)))
    return cards


def parse_vcards(data: bytes) -> RosterParse:
    check_size(len(data))
    text, encoding = decode(data)
    cards = split_cards(text.replace("\x00", ""))
    if not cards:
        raise RosterUnreadable("no vCard in the file (no BEGIN:VCARD line)")
    if len(cards) > MAX_ROWS:
        raise RosterTooLarge(f"the file has more than {MAX_ROWS:,} cards; split it")
    parse = RosterParse("vcard", encoding, columns=dict(COLUMNS))
    builder = EntryBuilder(problems=parse.problems)
    for index, (line, card_text) in enumerate(cards, start=1):
        where = f"card {index} (line {line})"
        parse.records += 1
        try:
            card = vobject.readOne(card_text)
        except Exception as exc:  # vobject raises many kinds on bad input
            parse.problems.append(f"{where}: unreadable ({_reason(exc)}), skipped")
            continue
        entry = builder.build(card_values(card), where)
        if entry is not None:
            parse.entries.append(entry)
    return parse


def _reason(exc: Exception) -> str:
    return " ".join(str(exc).split())[:120] or type(exc).__name__


def card_values(card: Any) -> dict[str, list[str]]:
    """{person field: values} of one card."""
    values: dict[str, list[str]] = {}

    def add(name: str, value: object) -> None:
        if isinstance(value, str) and value.strip():
            values.setdefault(name, []).append(value)

    for prop in card.getChildren():
        name, value = prop.name.upper(), prop.value
        if name == "N":
            add("first_name", " ".join(_texts(value.given)))
            add("last_name", " ".join(_texts(value.family)))
        elif name == "ADR":
            add("location", value.city or value.region or value.country)
        elif name in {"ORG", "CATEGORIES"}:
            for part in _texts(value)[: 1 if name == "ORG" else None]:
                add("organisation" if name == "ORG" else "topics", part)
        elif name in COLUMNS and name != "NOTE":
            add(COLUMNS[name], value)
    return values


def _texts(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []
