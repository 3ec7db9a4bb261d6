"""People in backups (issue 21): `mutual export` leaves every person out unless asked
`--with-people`; then profiles, directories (with the roster addresses claims and admission
need), removed entries, introduction requests, blocks and reports come back, the people change
log goes on after them, and `mutual reindex` makes them findable again; organisation merges and
follows are in every backup."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from catalog.accounts import find_user
from catalog.communities import get_community
from catalog.db import make_engine, session_factory, transaction
from catalog.introductions import ask_for_introduction, block
from catalog.models.introductions import Block, IntroductionRequest
from catalog.models.organisations import OrganisationFollow
from catalog.models.people import Directory, Person
from catalog.organisation_follows import follow
from catalog.organisation_overrides import merge_keys
from catalog.people import (
    INTRODUCTIONS,
    DirectoryEntry,
    PersonFields,
    ensure_directory,
    publish_profile,
    remove_entry,
    replace_directory,
)
from catalog.roster_admission import admits
from catalog.sequences import PEOPLE_CHANGES, current_value
from ground.settings import Settings
from tests.helpers import run_mutual
from tests.test_backup import fresh_sqlite, populate, with_key
from tests.web import sign_in

PROFILE_NAME = "Bob Okafor"
ENTRY_NAME = "Tess Lindqvist"
REMOVED_NAME = "Hugo Removed"
ROSTER_ADDRESS = "tess.home@private.example"
NOTE = "Could you tell me about the treasury team?"


def populate_people(settings: Settings) -> None:
    """Over test_backup's world: Bob's profile in Bay Finance, open to introductions; a roster
    with Tess (and Hugo, whom the admin removed); Alice asked Bob for an introduction and Bob
    blocked nobody but the operator; an organisation merge and Alice's follow of Acme."""
    with transaction(session_factory(make_engine(settings.resolved_database_url))) as session:
        bay = get_community(session, "bay")
        alice, bob, operator = (
            find_user(session, f"{n}@example.org") for n in ("alice", "bob", "op")
        )
        assert alice is not None and bob is not None and operator is not None
        bob_profile = publish_profile(
            session, bob.id, bay.id, PersonFields(PROFILE_NAME, organisation="Acme"), INTRODUCTIONS
        )
        roster = ensure_directory(session, bay.id, "roster")
        roster.admits_members = True
        with session.no_autoflush:
            replace_directory(
                session,
                roster,
                [
                    DirectoryEntry(
                        "t1",
                        PersonFields(ENTRY_NAME, organisation="Globex"),
                        roster_email=ROSTER_ADDRESS,
                    ),
                    DirectoryEntry("h2", PersonFields(REMOVED_NAME)),
                ],
            )
        hugo = session.scalars(select(Person).where(Person.display_name == REMOVED_NAME)).one()
        remove_entry(session, roster, hugo.id)
        ask_for_introduction(session, alice.id, bob_profile.id, NOTE)
        block(session, bob.id, operator.id)
        merge_keys(session, "acme-holdings", "acme")
        follow(session, alice.id, "acme")


def _count(settings: Settings, model: type) -> int:
    with transaction(session_factory(make_engine(settings.resolved_database_url))) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _export(settings: Settings, path: Path, *flags: str) -> tuple[dict[str, Any], str]:
    result = run_mutual(settings, "export", str(path), *flags)
    return json.loads(path.read_text()), result.stdout + result.stderr


def test_a_backup_holds_nobody_unless_asked(catalog: Settings, tmp_path: Path) -> None:
    old = with_key(catalog)
    populate(old)
    populate_people(old)
    data, output = _export(old, tmp_path / "backup.json")
    text = (tmp_path / "backup.json").read_text()
    assert data["with_people"] is False and "people" not in data and "directories" not in data
    for secret in (PROFILE_NAME, ENTRY_NAME, ROSTER_ADDRESS, NOTE):
        assert secret not in text
    assert "1 organisation merge or split, 1 organisation follow" in output
    new = with_key(fresh_sqlite(catalog, tmp_path / "restored"))
    result = run_mutual(new, "import", str(tmp_path / "backup.json"))
    assert "the backup holds no people" in result.stdout
    assert _count(new, Person) == 0 and _count(new, IntroductionRequest) == 0
    with transaction(session_factory(make_engine(new.resolved_database_url))) as session:
        kept = session.scalars(select(OrganisationFollow)).one()
        # The people are not there: new fellow members at Acme are counted from the start.
        assert (kept.key, kept.seen_seq, kept.announced) == ("acme", 0, [])


def test_with_people_everything_about_them_comes_back(catalog: Settings, tmp_path: Path) -> None:
    old = with_key(catalog)
    populate(old)
    populate_people(old)
    backup = tmp_path / "backup.json"
    data, output = _export(old, backup, "--with-people")
    assert data["with_people"] is True and "roster addresses" in data["warning"]
    assert "warning: This file holds people" in output
    assert "1 directory, 2 people, 1 removed directory entry, 1 introduction request" in output
    assert backup.stat().st_mode & 0o077 == 0
    with transaction(session_factory(make_engine(old.resolved_database_url))) as session:
        last_change = current_value(session, PEOPLE_CHANGES)

    new = with_key(fresh_sqlite(catalog, tmp_path / "restored"))
    result = run_mutual(new, "import", str(backup))
    assert "2 people" in result.stdout and "holds no people" not in result.stdout
    assert _count(new, IntroductionRequest) == 1 and _count(new, Block) == 1
    with transaction(session_factory(make_engine(new.resolved_database_url))) as session:
        bay = get_community(session, "bay")
        tess = session.scalars(select(Person).where(Person.display_name == ENTRY_NAME)).one()
        assert tess.roster_email == ROSTER_ADDRESS  # claims and admission still work
        assert admits(session, ROSTER_ADDRESS, bay.id)
        request = session.scalars(select(IntroductionRequest)).one()
        assert request.note == NOTE and request.status == "open"
        # The change log goes on: the next change is newer than anything restored.
        assert current_value(session, PEOPLE_CHANGES) == last_change
        roster = session.scalars(select(Directory)).one()
        with session.no_autoflush:
            report = replace_directory(
                session,
                roster,
                [
                    DirectoryEntry("t1", PersonFields(ENTRY_NAME, organisation="Globex")),
                    DirectoryEntry("h2", PersonFields(REMOVED_NAME)),
                ],
            )
        assert report.excluded == 1  # the entry the admin removed stays out after a restore
        assert tess.change_seq > last_change
    # After `mutual reindex`, fellow members find the restored people again.
    run_mutual(new, "reindex")
    from webapp import create_app

    client = create_app(new, {"TESTING": True, "SECRET_KEY": "k"}).test_client()
    assert sign_in(client, "alice@example.org").status_code == 302
    found = client.get("/people?q=globex").get_data(as_text=True)
    assert ENTRY_NAME in found and ROSTER_ADDRESS not in found
    assert PROFILE_NAME in client.get("/people?q=acme").get_data(as_text=True)


def test_people_sections_need_the_people_flag_and_old_backups_still_read(
    catalog: Settings, tmp_path: Path
) -> None:
    old = with_key(catalog)
    populate(old)
    populate_people(old)
    data, _ = _export(old, tmp_path / "full.json", "--with-people")
    target = with_key(fresh_sqlite(catalog, tmp_path / "target"))
    sneaked = dict(data, with_people=False)
    (tmp_path / "sneaked.json").write_text(json.dumps(sneaked))
    refused = run_mutual(target, "import", str(tmp_path / "sneaked.json"), check=False)
    assert refused.returncode == 1 and "people sections come only with" in refused.stderr
    assert _count(target, Person) == 0
    # A backup made before organisation merges, follows and the people flag existed.
    older = {k: v for k, v in data.items() if k not in ("with_people", "warning")}
    for section in (
        "organisation_overrides",
        "organisation_follows",
        "directories",
        "people",
        "directory_exclusions",
        "introduction_requests",
        "introduction_blocks",
        "introduction_reports",
    ):
        older.pop(section)
    (tmp_path / "older.json").write_text(json.dumps(older))
    run_mutual(target, "import", str(tmp_path / "older.json"))
    assert _count(target, Person) == 0 and _count(target, OrganisationFollow) == 0
