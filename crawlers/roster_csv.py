"""Rosters as CSV, the way member databases and spreadsheets export them: any of the usual
delimiters, UTF-8 or Windows-1252, headings in the first row that say what each column is.

`guess_columns` reads the headings; the admin checks the guess (and corrects it with
`--column HEADING=FIELD`) before `parse_csv` turns the rows into directory entries.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator, Mapping

from crawlers.roster_entries import (
    FIELDS,
    IGNORE,
    MAX_ROWS,
    EntryBuilder,
    RosterColumnsInvalid,
    RosterParse,
    RosterTooLarge,
    RosterUnreadable,
    check_size,
    clean_value,
    decode,
)

_DELIMITERS = ",;\t|"
# csv.Sniffer takes seconds on some hostile lines of 64 KB (its regular expressions backtrack):
# a few kilobytes, a page of rows, are enough to see the delimiter.
_SNIFF_SAMPLE = 8 * 1024
_NAME_FIELDS = ("display_name", "first_name", "last_name")
MAX_COLUMNS = 500
# Headings as `normalise_heading` leaves them, in English and the languages of the
# associations most likely to export in Windows-1252 (French, German, Spanish, Dutch).
_HEADINGS = {
    "display_name": ("name", "full name", "display name", "member name", "contact name",
                     "nom complet"),
    "first_name": ("first name", "firstname", "given name", "forename", "prenom", "vorname",
                   "nombre", "voornaam"),
    "last_name": ("last name", "lastname", "surname", "family name", "nom", "nachname",
                  "apellido", "achternaam"),
    "organisation": ("company", "employer", "organisation", "organization", "company name",
                     "current employer", "firm", "societe", "entreprise", "firma",
                     "unternehmen", "empresa", "bedrijf"),
    "role": ("job title", "title", "role", "position", "function", "fonction", "poste",
             "funktion", "cargo"),
    "headline": ("headline", "tagline", "bio", "summary", "about"),
    "location": ("city", "location", "town", "region", "state", "country", "ville", "ort",
                 "stadt", "ciudad", "stad"),
    "topics": ("topics", "can help with", "expertise", "interests", "skills",
               "areas of expertise", "themes", "competences", "kompetenzen"),
    "past_organisations": ("previous employers", "past employers", "former employers",
                           "past organisations", "past organizations", "previous companies"),
    "roster_email": ("email", "e mail", "email address", "e mail address", "mail", "courriel"),
    "shown_email": ("public email", "shown email", "directory email"),
    "profile_url": ("profile", "profile url", "profile link", "linkedin", "linkedin url",
                    "linkedin profile", "website", "web page", "homepage"),
    "entry_id": ("member id", "id", "member number", "membership number", "member no",
                 "membership id", "contact id", "record id"),
}  # fmt: skip


def normalise_heading(heading: str) -> str:
    """ "E-Mail Address ", "e_mail_address" and "Prénom" as "e mail address" and "prenom"."""
    folded = unicodedata.normalize("NFKD", heading.casefold())
    ascii_only = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_only).split())


def guess_columns(headings: list[str]) -> dict[str, str]:
    """{heading: person field} for the headings recognised; the others are left out."""
    table = {heading: name for name, forms in _HEADINGS.items() for heading in forms}
    guessed: dict[str, str] = {}
    for heading in headings:
        key = normalise_heading(heading)
        name = table.get(key)
        if name is None and ("email" in key or "e mail" in key):
            name = "roster_email"
        elif name is None and "linkedin" in key:
            name = "profile_url"
        if name is not None:
            guessed[heading] = name
    return guessed


def read_table(data: bytes) -> tuple[list[str], Iterator[list[str]], str, str]:
    """Headings, the rows after them, the encoding and the delimiter."""
    check_size(len(data))
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise RosterUnreadable("this is a spreadsheet workbook, not CSV: save it as CSV first")
    text, encoding = decode(data)
    text = text.replace("\x00", "")
    if not text.strip():
        raise RosterUnreadable("the roster is empty")
    delimiter = sniff_delimiter(text)
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        first = next(rows)
    except csv.Error as exc:
        raise RosterUnreadable(f"row 1: {exc}") from exc
    return unique_headings(first), rows, encoding, delimiter


def sniff_delimiter(text: str) -> str:
    """The delimiter csv.Sniffer finds, if the heading row has it; else the one the heading
    row has most of (headings rarely contain one); else a comma."""
    header = text.lstrip().split("\n", 1)[0]
    try:
        sniffed = csv.Sniffer().sniff(text[:_SNIFF_SAMPLE], delimiters=_DELIMITERS).delimiter
    except csv.Error:
        sniffed = ""
    if sniffed and sniffed in header:
        return sniffed
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def unique_headings(row: list[str]) -> list[str]:
    """Headings as shown to the admin: cleaned, "column N" when blank, "X (2)" when repeated."""
    if len(row) > MAX_COLUMNS:
        raise RosterUnreadable(
            f"the heading row has {len(row):,} columns; a roster has at most {MAX_COLUMNS}"
        )
    headings: list[str] = []
    taken: set[str] = set()
    for number, cell in enumerate(row, start=1):
        heading = clean_value(cell)[:100] or f"column {number}"
        base, copy = heading, 2
        while heading in taken:
            heading, copy = f"{base} ({copy})", copy + 1
        taken.add(heading)
        headings.append(heading)
    return headings


def check_columns(headings: list[str], columns: Mapping[str, str]) -> dict[str, str]:
    """The mapping without ignored columns, refused when it names a heading the file lacks,
    an unknown field, or no column that gives a name."""
    missing = [h for h in columns if h not in headings]
    if missing:
        raise RosterColumnsInvalid(
            f"no column {missing[0]!r} in the roster; its headings: {', '.join(headings)}"
        )
    wrong = [f for f in columns.values() if f not in (*FIELDS, IGNORE)]
    if wrong:
        raise RosterColumnsInvalid(f"unknown field {wrong[0]!r}; fields: {', '.join(FIELDS)}")
    used = {h: f for h, f in columns.items() if f != IGNORE}
    if not any(f in _NAME_FIELDS for f in used.values()):
        raise RosterColumnsInvalid(
            f"no column gives a name (headings: {', '.join(headings)}); "
            "map one with --column 'HEADING=display_name'"
        )
    return used


def parse_csv(data: bytes, columns: Mapping[str, str]) -> RosterParse:
    """The roster's entries, using `columns` ({heading: field}, as guessed or confirmed).
    Rows are numbered as a spreadsheet shows them, the headings being row 1."""
    headings, rows, encoding, delimiter = read_table(data)
    used = check_columns(headings, columns)
    parse = RosterParse("csv", encoding, columns=used, delimiter=delimiter)
    builder = EntryBuilder(problems=parse.problems)
    positions = {h: i for i, h in enumerate(headings)}
    for number, row in _numbered(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        parse.records += 1
        values: dict[str, list[str]] = {}
        for heading, name in used.items():
            cell = row[positions[heading]] if positions[heading] < len(row) else ""
            values.setdefault(name, []).append(cell)
            if cell.strip() and heading not in parse.samples:
                parse.samples[heading] = clean_value(cell)[:40]
        entry = builder.build(values, f"row {number}")
        if entry is not None:
            parse.entries.append(entry)
    return parse


def _numbered(rows: Iterator[list[str]], start: int) -> Iterator[tuple[int, list[str]]]:
    number = start
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            raise RosterUnreadable(f"row {number}: {exc}") from exc
        if number - 1 > MAX_ROWS:
            raise RosterTooLarge(f"the roster has more than {MAX_ROWS:,} rows; split it")
        yield number, row
        number += 1
