"""Roster files (a community's member database, exported) read into directory entries.

Pure: bytes in, `RosterParse` out, never a file or the network. CSV columns are guessed from
the headings, then the mapping the admin confirmed last time, then their `--column` choices
win; vCard properties are fixed (roster_vcard.COLUMNS). The CLI shows the mapping before the
catalog is changed (`mutual directory import`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from crawlers.roster_csv import guess_columns, parse_csv, read_table
from crawlers.roster_entries import RosterColumnsInvalid, RosterParse, RosterUnreadable, decode
from crawlers.roster_vcard import looks_like_vcard, parse_vcards

VCARD_SUFFIXES = (".vcf", ".vcard")


def roster_format(data: bytes, filename: str = "") -> str:
    """ "vcard" or "csv", by the content first (a BEGIN:VCARD line), the name second."""
    text, _ = decode(data[:4096])
    if looks_like_vcard(text):
        return "vcard"
    if filename.lower().endswith(VCARD_SUFFIXES):
        raise RosterUnreadable(f"{filename} is not a vCard file: it has no BEGIN:VCARD line")
    return "csv"


def parse_column_options(options: Iterable[str]) -> dict[str, str]:
    """`--column HEADING=FIELD` options as {heading: field}; the last one for a heading wins."""
    columns: dict[str, str] = {}
    for option in options:
        heading, sep, name = option.rpartition("=")
        if not sep or not heading.strip() or not name.strip():
            raise RosterColumnsInvalid(f"--column {option!r}: write it as HEADING=FIELD")
        columns[heading.strip()] = name.strip()
    return columns


def read_roster(
    data: bytes,
    filename: str = "",
    chosen: Mapping[str, str] | None = None,
    remembered: Mapping[str, str] | None = None,
) -> RosterParse:
    """The roster's entries. For CSV, the columns are the guess from its headings, overridden
    by `remembered` (the mapping confirmed at the last import, for the headings still there)
    and then by `chosen` (this import's `--column` options)."""
    if roster_format(data, filename) == "vcard":
        if chosen:
            raise RosterColumnsInvalid("--column applies to CSV rosters; vCard fields are fixed")
        return parse_vcards(data)
    headings, _, _, _ = read_table(data)
    columns = guess_columns(headings)
    columns.update({h: f for h, f in (remembered or {}).items() if h in headings})
    columns.update(chosen or {})
    return parse_csv(data, columns)
