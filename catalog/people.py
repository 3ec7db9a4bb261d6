"""Members' profiles and imported directory entries: writing them, and who may read them.

The rules (docs/members.md): a person is seen only by active members of the community they
are listed in; a profile is listed only when its owner chose so (`CONSENTS`); leaving a
community removes one's profile from it at once. Every change takes a number from the people
change log, so the people index catches up with it; every removal leaves a tombstone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog.active_members import grants_access
from catalog.models.base import utcnow
from catalog.models.memberships import Membership
from catalog.models.people import Directory, DirectoryExclusion, Person, PersonDeletion
from catalog.organisation_overrides import OrganisationResolver, load_resolver
from catalog.sequences import PEOPLE_CHANGES, next_value
from ground.errors import MutualError

UNLISTED = "unlisted"
LISTED = "members"
INTRODUCTIONS = "introductions"
CONSENTS = (UNLISTED, LISTED, INTRODUCTIONS)
PROFILE = "profile"
DIRECTORY = "directory"
# Longest values kept: the columns' sizes, so bad input is cut short rather than refused.
_LIMITS = {"display_name": 200, "headline": 300, "organisation": 300, "role": 200, "location": 200}
_MAX_LIST = 20


class PeopleError(MutualError):
    """A change to a profile or a directory that is not allowed; the message says why."""


@dataclass(frozen=True)
class PersonFields:
    """What a profile or a directory entry says about a person."""

    display_name: str
    headline: str = ""
    organisation: str = ""
    role: str = ""
    past_organisations: tuple[str, ...] = ()
    location: str = ""
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class DirectoryEntry:
    """One entry of a roster or directory page, as its parser read it."""

    entry_key: str
    fields: PersonFields
    profile_url: str = ""
    shown_email: str = ""
    roster_email: str = ""


@dataclass
class DirectoryReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    # Entries an admin removed before (`remove_entry`): left out again.
    excluded: int = 0
    problems: list[str] = field(default_factory=list)


def _clean(text: str, limit: int) -> str:
    return " ".join(text.split())[:limit]


def _clean_list(values: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        cleaned = _clean(value, 200)
        if cleaned and cleaned.casefold() not in {v.casefold() for v in seen}:
            seen.append(cleaned)
    return seen[:_MAX_LIST]


def _apply(person: Person, fields: PersonFields, resolver: OrganisationResolver) -> bool:
    """Write the fields onto the row; True when something changed."""
    values = {name: _clean(getattr(fields, name), size) for name, size in _LIMITS.items()}
    values["organisation_key"] = resolver.key(values["organisation"]) or ""
    lists = {
        "past_organisations": _clean_list(fields.past_organisations),
        "topics": _clean_list(fields.topics),
    }
    changed = False
    for name, value in {**values, **lists}.items():
        if getattr(person, name, None) != value:
            setattr(person, name, value)
            changed = True
    return changed


def _touch(session: Session, person: Person) -> None:
    person.change_seq = next_value(session, PEOPLE_CHANGES)
    person.updated_at = utcnow()


def _new_person(session: Session, **values: object) -> Person:
    """A person with their change number taken before they join the session (taking it may
    flush, and a pending row without one would be refused)."""
    person = Person(change_seq=next_value(session, PEOPLE_CHANGES), **values)
    session.add(person)
    return person


def _forget(session: Session, person: Person) -> None:
    session.add(PersonDeletion(person_id=person.id, change_seq=next_value(session, PEOPLE_CHANGES)))
    session.delete(person)


def _is_member(session: Session, user_id: int, community_id: int) -> bool:
    row = session.scalar(
        select(Membership.user_id).where(
            grants_access(user_id), Membership.community_id == community_id
        )
    )
    return row is not None


def profile(session: Session, user_id: int, community_id: int) -> Person | None:
    """The user's own profile in the community, listed or not."""
    return session.scalar(
        select(Person).where(
            Person.user_id == user_id,
            Person.community_id == community_id,
            Person.origin == PROFILE,
        )
    )


def publish_profile(
    session: Session, user_id: int, community_id: int, fields: PersonFields, consent: str
) -> Person:
    """Create or change the user's profile in a community they are an active member of."""
    if consent not in CONSENTS:
        raise PeopleError(f"unknown consent {consent!r}; use one of {', '.join(CONSENTS)}")
    if not _clean(fields.display_name, 200):
        raise PeopleError("a profile needs a display name")
    if not _is_member(session, user_id, community_id):
        raise PeopleError("only active members of a community can have a profile in it")
    resolver = load_resolver(session, with_known=True)  # before a new row joins (a query flushes)
    person = profile(session, user_id, community_id)
    new = person is None
    if person is None:
        person = _new_person(session, community_id=community_id, origin=PROFILE, user_id=user_id)
    changed = _apply(person, fields, resolver)
    if new or changed or person.consent != consent:
        person.consent = consent
        _touch(session, person)
    session.flush()
    return person


def remove_profile(session: Session, user_id: int, community_id: int) -> bool:
    """Delete the user's profile in the community; False when there was none."""
    person = profile(session, user_id, community_id)
    if person is None:
        return False
    _forget(session, person)
    session.flush()
    return True


def forget_member(session: Session, user_id: int, community_id: int) -> None:
    """What leaving a community does to people data: the profile goes, a claimed directory
    entry is no longer linked to the account (it stays: it is the community's own record)."""
    remove_profile(session, user_id, community_id)
    claimed = session.scalars(
        select(Person).where(
            Person.user_id == user_id,
            Person.community_id == community_id,
            Person.origin == DIRECTORY,
        )
    )
    for person in claimed:
        person.user_id = None
        _touch(session, person)
    session.flush()


def find_directory(session: Session, community_id: int, name: str) -> Directory | None:
    return session.scalar(
        select(Directory).where(Directory.community_id == community_id, Directory.name == name)
    )


def ensure_directory(
    session: Session, community_id: int, name: str, kind: str = "roster"
) -> Directory:
    """The community's directory of that name, made (empty) when it does not exist yet."""
    found = find_directory(session, community_id, name)
    if found is None:
        found = Directory(community_id=community_id, name=name, kind=kind, columns={})
        session.add(found)
        session.flush()
    return found


def directories(session: Session, community_id: int) -> list[Directory]:
    return list(
        session.scalars(
            select(Directory).where(Directory.community_id == community_id).order_by(Directory.name)
        )
    )


def replace_directory(
    session: Session, directory: Directory, entries: Iterable[DirectoryEntry]
) -> DirectoryReport:
    """Make the directory's people exactly `entries`: new ones added, changed ones updated,
    the ones no longer in it removed (an entry that leaves the roster leaves Mutual)."""
    report = DirectoryReport()
    existing = {
        p.entry_key: p
        for p in session.scalars(select(Person).where(Person.directory_id == directory.id))
    }
    kept: set[str] = set()
    resolver = load_resolver(session, with_known=True)
    excluded = _excluded_hashes(session, directory)
    for entry in entries:
        if _key_hash(entry.entry_key) in excluded:
            report.excluded += 1
            continue
        if entry.entry_key in kept:
            report.problems.append(f"entry {entry.entry_key!r} appears twice; the first is kept")
            continue
        kept.add(entry.entry_key)
        _store_entry(
            session, directory, existing.get(entry.entry_key), entry, report, resolver=resolver
        )
    for key, person in existing.items():
        if key not in kept:
            _forget(session, person)
            report.removed += 1
    directory.entries = len(kept)
    directory.imported_at = utcnow()
    session.flush()
    return report


def _store_entry(
    session: Session,
    directory: Directory,
    person: Person | None,
    entry: DirectoryEntry,
    report: DirectoryReport,
    *,
    resolver: OrganisationResolver,
) -> None:
    new = person is None
    if person is None:
        person = _new_person(
            session,
            community_id=directory.community_id,
            origin=DIRECTORY,
            directory_id=directory.id,
            entry_key=entry.entry_key,
            consent=LISTED,
        )
        report.added += 1
    extras = {
        "profile_url": entry.profile_url[:2000],
        "shown_email": entry.shown_email[:320],
        "roster_email": entry.roster_email[:320],
    }
    changed = _apply(person, entry.fields, resolver)
    for name, value in extras.items():
        if getattr(person, name, None) != value:
            setattr(person, name, value)
            changed = True
    if changed and not new:
        _touch(session, person)
        report.updated += 1
    elif not new:
        report.unchanged += 1


def remove_directory(session: Session, directory: Directory) -> int:
    """Delete a directory and every person it brought in; how many people went."""
    people = list(session.scalars(select(Person).where(Person.directory_id == directory.id)))
    for person in people:
        _forget(session, person)
    session.flush()
    session.delete(directory)
    session.flush()
    return len(people)


def remove_entry(session: Session, directory: Directory, person_id: int) -> Person | None:
    """An admin's removal of one imported entry: deleted now, and left out of the directory's
    later imports and crawls (until the directory itself is removed). None when the
    directory has no such entry."""
    person = session.get(Person, person_id)
    if person is None or person.directory_id != directory.id or person.entry_key is None:
        return None
    key_hash = _key_hash(person.entry_key)
    if session.get(DirectoryExclusion, (directory.id, key_hash)) is None:
        session.add(DirectoryExclusion(directory_id=directory.id, key_hash=key_hash))
    _forget(session, person)
    directory.entries = max(0, directory.entries - 1)
    session.flush()
    return person


def _key_hash(entry_key: str) -> str:
    return hashlib.sha256(entry_key.encode("utf-8")).hexdigest()


def _excluded_hashes(session: Session, directory: Directory) -> set[str]:
    rows = session.scalars(
        select(DirectoryExclusion.key_hash).where(DirectoryExclusion.directory_id == directory.id)
    )
    return set(rows)


def directory_entries(
    session: Session, directory: Directory, *, query: str = "", offset: int = 0, limit: int = 100
) -> tuple[list[Person], int]:
    """A page of the directory's entries by name (those whose name or organisation contains
    `query`, when given) and how many there are in all."""
    where = [Person.directory_id == directory.id]
    if query:
        pattern = "%" + query.replace("\\", "").replace("%", "").replace("_", "") + "%"
        where.append(Person.display_name.ilike(pattern) | Person.organisation.ilike(pattern))
    total = session.scalar(select(func.count()).select_from(Person).where(*where)) or 0
    rows = session.scalars(
        select(Person)
        .where(*where)
        .order_by(Person.display_name, Person.id)
        .offset(offset)
        .limit(limit)
    )
    return list(rows), int(total)


def open_to_introductions(person: Person) -> bool:
    """Whether Mutual may pass on a request to the person: they chose so, and there is an
    account to pass it to (a directory entry has none until claimed)."""
    return person.consent == INTRODUCTIONS and person.user_id is not None


def visible_people(session: Session, user_id: int | None, ids: Iterable[int]) -> list[Person]:
    """Of `ids`, the people the user may see now, in the order given: listed, in a community
    the user is an active member of. The index applies the same rule; this second check means
    a search hit that the index has not yet caught up with is never shown."""
    wanted = list(dict.fromkeys(ids))
    if user_id is None or not wanted:
        return []
    rows = session.scalars(
        select(Person)
        .join(Membership, Membership.community_id == Person.community_id)
        .where(grants_access(user_id), Person.id.in_(wanted), Person.consent != UNLISTED)
    )
    found = {p.id: p for p in rows}
    return [found[i] for i in wanted if i in found]


def own_records(session: Session, user_id: int) -> list[Person]:
    """Everything listed about the user: their profiles and the directory entries they claimed."""
    return list(
        session.scalars(
            select(Person).where(Person.user_id == user_id).order_by(Person.community_id)
        )
    )


def forget_member_data(session: Session, user_id: int) -> int:
    """Delete every profile of the user and every directory entry they claimed (the person's
    right to be forgotten); how many went. A roster imported again may bring an entry back:
    the community's admins hold that list, and removing someone from it is theirs to do."""
    people = own_records(session, user_id)
    for person in people:
        _forget(session, person)
    session.flush()
    return len(people)
