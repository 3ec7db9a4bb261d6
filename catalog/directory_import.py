"""Importing a roster's entries as a community directory: one step for the CLI and the manage page.

The columns are the mapping the admin confirmed (kept for the next import of the same
directory); the entries replace the directory's people (catalog.people.replace_directory);
when the roster admits members, waiting requests from its addresses are approved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy.orm import Session

from catalog.people import (
    DirectoryEntry,
    DirectoryReport,
    PeopleError,
    ensure_directory,
    find_directory,
    replace_directory,
)
from catalog.roster_admission import admit_pending


def check_roster_name(session: Session, community_id: int, name: str) -> None:
    """PeopleError when `name` is a directory page's directory, which only its crawl fills."""
    found = find_directory(session, community_id, name)
    if found is not None and found.kind != "roster":
        raise PeopleError(
            f"{name!r} is a directory page's: its entries come from its crawl; import the "
            "roster under another name"
        )


def confirmed_columns(session: Session, community_id: int, name: str) -> dict[str, str]:
    """The column mapping confirmed at the directory's last import ({} for a new one)."""
    found = find_directory(session, community_id, name)
    return dict(found.columns) if found is not None else {}


def import_entries(
    session: Session,
    community_id: int,
    name: str,
    columns: Mapping[str, str],
    entries: Iterable[DirectoryEntry],
    *,
    admits_members: bool | None = None,
) -> tuple[DirectoryReport, int]:
    """Write the entries into directory `name` (made when new) in the session's transaction;
    the report and how many waiting requests to join the roster approved. `admits_members`
    None leaves the directory's setting as it is."""
    check_roster_name(session, community_id, name)
    found = ensure_directory(session, community_id, name)
    found.columns = dict(columns)
    if admits_members is not None:
        found.admits_members = admits_members
    # New people take their change number before their first flush.
    with session.no_autoflush:
        report = replace_directory(session, found, entries)
    return report, admit_pending(session, found)
