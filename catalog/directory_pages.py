"""The directory a member-only directory page source fills: one per source, named after it.

A directory page is crawled like any member-only source (crawlers/directory_pages.py reads
it); what it lists becomes that community's imported people, seen only by its members. The
directory is found by name (`source-<id>`), so removing the source can remove its people.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from catalog.models.people import Directory
from catalog.models.sources import Source
from catalog.people import (
    DirectoryEntry,
    DirectoryReport,
    ensure_directory,
    find_directory,
    remove_directory,
    replace_directory,
)

PAGE = "page"


def directory_name(source_id: int) -> str:
    return f"source-{source_id}"


def source_directory(session: Session, source: Source) -> Directory | None:
    return find_directory(session, source.community_id, directory_name(source.id))


def refresh_directory_page(
    session: Session, source: Source, entries: Iterable[DirectoryEntry]
) -> DirectoryReport:
    """Make the source's directory exactly what its page listed now: people who left the page
    leave Mutual. The caller passes only a page that was fetched and read with at least one
    entry (an error or sign-in page would otherwise empty the directory)."""
    name = directory_name(source.id)
    directory = ensure_directory(session, source.community_id, name, kind=PAGE)
    return replace_directory(session, directory, entries)


def remove_source_directory(session: Session, source: Source) -> int:
    """Delete the source's directory and its people; how many people went."""
    directory = source_directory(session, source)
    return 0 if directory is None else remove_directory(session, directory)
