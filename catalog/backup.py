"""Backing up the catalog to one file and restoring it into a fresh catalog (docs/backup.md).

What a person or an organiser set up is kept: communities, sources and their settings,
accounts with their password hashes, memberships, invitations, saved searches with their feed
and webhook settings, calendar feeds, and the alert outbox. Rows keep their ids, because links
already sent out carry them (unsubscribe links sign a saved search's and its owner's ids).

Items are not: the next crawl rebuilds them, so sources come back due, without the ETag and
Last-Modified that would answer that crawl "not modified". Alert matches name items by their
stable ids (and every alias), so a rebuilt item is not announced a second time.

People (profiles, directories and their entries, introduction requests, blocks and reports)
are in only `with_people`. Without them, follows of organisations restart their count of
new fellow members; with them, the people change log goes on from where the backup left it.
Pending entry claims and roster uploads are never kept: they last an hour or two anyway.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import delete, exists, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from catalog.backup_format import (
    FORMAT,
    PEOPLE_WARNING,
    SECRETS_WARNING,
    VERSION,
    InvalidBackup,
    dump_value,
)
from catalog.backup_sections import Section, backup_sections
from catalog.credentials import CredentialsKeyMissing, CredentialsUnreadable, unseal
from catalog.models.accounts import User
from catalog.models.base import utcnow
from catalog.models.change_log import Sequence
from catalog.models.items import Item, ItemAlias
from catalog.models.organisations import OrganisationFollow
from catalog.models.people import Person
from catalog.models.saved_searches import AlertMatch
from catalog.models.schema import catalog_metadata
from catalog.models.sources import Community
from catalog.sequences import PEOPLE_CHANGES
from ground.errors import MutualError
from ground.version import __version__

# Tables whose ids come from a sequence on PostgreSQL, moved past the imported ids.
ID_TABLES = ("communities", "sources", "users", "invitations", "saved_searches", "alert_deliveries")
PEOPLE_ID_TABLES = (
    "directories",
    "people",
    "introduction_requests",
    "introduction_blocks",
    "introduction_reports",
)


class CatalogNotEmpty(MutualError):
    """An import would mix a backup into a catalog that already holds one."""


@dataclass
class ImportReport:
    counts: dict[str, int] = field(default_factory=dict)
    # Sources that sign in but came without credentials: (id, url, auth kind), added paused.
    need_credentials: list[tuple[int, str, str]] = field(default_factory=list)


def export_catalog(
    session: Session, *, with_secrets: bool = False, with_people: bool = False
) -> dict[str, Any]:
    """The catalog as a backup; sources' encrypted credentials only `with_secrets`, people
    only `with_people`."""
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": utcnow().isoformat(),
        "mutual_version": __version__,
        "schema_revision": MigrationContext.configure(session.connection()).get_current_revision(),
        "secrets": with_secrets,
        "with_people": with_people,
    }
    warnings = [SECRETS_WARNING] * with_secrets + [PEOPLE_WARNING] * with_people
    if warnings:
        data["warning"] = " ".join(warnings)
    for section in backup_sections(with_people):
        data[section.name] = _export_rows(session, section)
    aliases = _aliases_of_matched_items(session)
    for match in data["alert_matches"]:
        match["item_aliases"] = aliases.get(match["item_id"], [])
    if not with_secrets:
        for source in data["sources"]:
            del source["credentials"]
    return data


def _export_rows(session: Session, section: Section) -> list[dict[str, Any]]:
    table = section.model.__table__
    columns = [name for name in section.fields if name in table.c]
    order = list(table.primary_key)
    rows = session.execute(select(*(table.c[name] for name in columns)).order_by(*order))
    return [
        {name: dump_value(value) for name, value in zip(columns, row, strict=True)} for row in rows
    ]


def _aliases_of_matched_items(session: Session) -> dict[str, list[str]]:
    matched = select(AlertMatch.item_id)
    rows = session.execute(
        select(ItemAlias.item_id, ItemAlias.alias)
        .where(ItemAlias.item_id.in_(matched))
        .order_by(ItemAlias.alias)
    )
    aliases: dict[str, list[str]] = defaultdict(list)
    for item_id, alias in rows:
        aliases[item_id].append(alias)
    return aliases


def section_counts(data: dict[str, Any]) -> dict[str, int]:
    sections = backup_sections(data["with_people"])
    return {section.name: len(data[section.name]) for section in sections}


def catalog_is_empty(session: Session) -> bool:
    """No community, account or item yet: what `mutual init` leaves."""
    return not any(
        session.scalar(select(exists().select_from(model))) for model in (Community, User, Item)
    )


def empty_catalog(session: Session) -> None:
    """Delete every row of every table (the schema and its revision stay)."""
    for table in reversed(catalog_metadata().sorted_tables):
        session.execute(delete(table))


def import_catalog(
    session: Session,
    data: dict[str, Any],
    *,
    credentials_key: str = "",
    replace: bool = False,
    without_secrets: bool = False,
) -> ImportReport:
    """Write a backup read by `read_backup` into the catalog, in the session's transaction.

    Refuses a catalog that is not empty unless `replace`, which empties it first. Credentials
    in the file must decrypt with `credentials_key`; `without_secrets` leaves them out instead
    (those sources wait paused for `mutual source auth`)."""
    if not catalog_is_empty(session):
        if not replace:
            raise CatalogNotEmpty(
                "the catalog already holds communities, accounts or items; import into a fresh "
                "one (`mutual init` on an empty database), or pass --replace to empty it first"
            )
        empty_catalog(session)
    report = ImportReport(counts=section_counts(data))
    prepared = {
        "sources": _prepared_sources(data["sources"], credentials_key, without_secrets, report),
        "organisation_follows": _prepared_follows(
            data["organisation_follows"], data["with_people"]
        ),
    }
    try:
        for section in backup_sections(data["with_people"]):
            _insert(session, section, prepared.get(section.name, data[section.name]))
        session.flush()
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).splitlines()[0]
        raise InvalidBackup(
            f"the backup's rows do not fit together ({reason}); nothing was imported"
        ) from None
    _move_id_sequences(session, PEOPLE_ID_TABLES if data["with_people"] else ())
    if data["with_people"]:
        _continue_people_changes(session)
    return report


def _prepared_follows(rows: list[dict[str, Any]], with_people: bool) -> list[dict[str, Any]]:
    """Follows as they go in: without the people, counting new fellow members from zero."""
    if with_people:
        return rows
    return [dict(row, seen_seq=0, announced=[]) for row in rows]


def _continue_people_changes(session: Session) -> None:
    """The people change log goes on past every number the backup's people and follows hold,
    so the next change is seen by the index sync and by follows as new."""
    highest = max(
        session.scalar(select(func.max(Person.change_seq))) or 0,
        session.scalar(select(func.max(OrganisationFollow.seen_seq))) or 0,
    )
    session.execute(delete(Sequence).where(Sequence.name == PEOPLE_CHANGES))
    session.add(Sequence(name=PEOPLE_CHANGES, value=highest))
    session.flush()


def _insert(session: Session, section: Section, rows: list[dict[str, Any]]) -> None:
    if section.model is AlertMatch:
        rows = _matches_with_aliases(rows)
    session.add_all(section.model(**row) for row in rows)
    session.flush()


def _matches_with_aliases(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One outbox row per identity of each matched item, each as announced as the item was."""
    seen: set[tuple[int, str]] = set()
    expanded = []
    for row in rows:
        for item_id in (row["item_id"], *row["item_aliases"]):
            if (row["saved_search_id"], item_id) in seen:
                continue
            seen.add((row["saved_search_id"], item_id))
            fields = {k: v for k, v in row.items() if k != "item_aliases"}
            expanded.append(fields | {"item_id": item_id})
    return expanded


def _prepared_sources(
    rows: list[dict[str, Any]], key: str, without_secrets: bool, report: ImportReport
) -> list[dict[str, Any]]:
    """Sources as they go into the catalog: due at once, with no validators (their items are
    not in the backup), and paused when they sign in without usable credentials."""
    prepared = []
    for row in rows:
        source = dict(row, next_fetch_at=None, etag=None, last_modified=None)
        if without_secrets:
            source["credentials"] = None
        if source.get("credentials"):
            _check_credentials(source, key)
        elif source["auth_kind"] != "none":
            source["credentials"], source["paused"] = None, True
            report.need_credentials.append((source["id"], source["url"], source["auth_kind"]))
        prepared.append(source)
    return prepared


def _check_credentials(source: dict[str, Any], key: str) -> None:
    try:
        unseal(source["credentials"], key)
    except (CredentialsKeyMissing, CredentialsUnreadable, ValueError, TypeError):
        raise InvalidBackup(
            f"source #{source['id']} ({source['url']}): its credentials do not decrypt with this "
            "MUTUAL_CREDENTIALS_KEY; set the key of the catalog the backup was made from, or "
            "pass --without-secrets (such sources then wait paused for `mutual source auth`); "
            "nothing was imported"
        ) from None


def _move_id_sequences(session: Session, more_tables: tuple[str, ...]) -> None:
    """On PostgreSQL, rows inserted with their ids leave the id sequences behind: move each
    past the largest id, so the next community or account does not collide. (SQLite takes
    the next id from the table itself.)"""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in ID_TABLES + more_tables:
        # Table names are the constants above, never input.
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )
        )
