"""`mutual directory ...` run as an admin would, against a real catalog (no Elasticsearch)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select

from catalog.communities import add_community
from catalog.db import upgrade_schema
from catalog.models.people import Directory, Person, PersonDeletion
from ground import exits
from ground.settings import Settings, settings_environ
from mutual import cli_directories
from mutual.cli import cli
from tests.helpers import catalog_session, isolated_settings

if TYPE_CHECKING:
    from click.testing import Result

ROSTER = (
    "First Name,Last Name,Company,Job Title,City,Email,Member Since,Profile\n"
    "Priya,Raman,Acme Robotics,VP Finance,San Francisco,priya@acme.example,2019,"
    "https://bafl.example/members/priya\n"
    "Marcus,Whitfield,Northwind Health,Director of FP&A,Oakland,marcus@northwind.example,2021,"
    "javascript:alert(1)\n"
    "Elena,Sokolova,Baylight Energy,=Controller,Berkeley,elena@baylight.example,2016,\n"
)
DEPARTED = "\n".join(line for line in ROSTER.splitlines() if "Marcus" not in line) + "\n"


@pytest.fixture
def roster_catalog(tmp_path: Path, database_url: str) -> Iterator[Settings]:
    """A migrated catalog with the community `bay-finance`; Elasticsearch is not needed."""
    settings = isolated_settings(tmp_path, "http://127.0.0.1:9", database_url)
    upgrade_schema(settings.resolved_database_url)
    with catalog_session(settings) as session:
        add_community(session, "Bay Area Finance Leaders", "bay-finance", "", "")
    yield settings


def mutual(settings: Settings, *args: str, check: bool = True, stdin: str = "") -> Result:
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, list(args), env=settings_environ(settings), input=stdin)
    if check:
        assert result.exit_code == 0, f"mutual {' '.join(args)}: {result.output}"
    return result


def roster_file(tmp_path: Path, text: str, name: str = "members.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def people(settings: Settings) -> dict[str, Person]:
    with catalog_session(settings) as session:
        rows = session.scalars(select(Person)).all()
        session.expunge_all()
    return {p.display_name: p for p in rows}


def test_import_shows_the_mapping_and_stores_the_people(
    roster_catalog: Settings, tmp_path: Path
) -> None:
    file = roster_file(tmp_path, ROSTER)
    result = mutual(roster_catalog, "directory", "import", "bay-finance", file, "--yes")
    out = result.output
    assert "Columns used (csv, utf-8" in out and "Job Title" in out and "role" in out
    assert "(never shown)" in out and "priya@acme.example" not in out
    assert "bay-finance/roster: 3 added, 0 updated, 0 unchanged, 0 removed" in out
    assert "row 3: profile 'javascript:alert(1)' is not an http(s) link, left out" in out
    found = people(roster_catalog)
    assert set(found) == {"Priya Raman", "Marcus Whitfield", "Elena Sokolova"}
    assert found["Elena Sokolova"].role == "Controller"
    assert found["Marcus Whitfield"].profile_url == ""
    assert found["Priya Raman"].consent == "members"
    assert found["Priya Raman"].roster_email == "priya@acme.example"
    with catalog_session(roster_catalog) as session:
        directory = session.scalar(select(Directory))
        assert directory is not None and directory.name == "roster" and directory.entries == 3
        assert directory.columns["Job Title"] == "role"


def test_reimport_removes_a_departed_member_and_keeps_the_others(
    roster_catalog: Settings, tmp_path: Path
) -> None:
    mutual(
        roster_catalog, "directory", "import", "bay-finance", roster_file(tmp_path, ROSTER), "--yes"
    )
    before = people(roster_catalog)
    again = roster_file(tmp_path, DEPARTED, "members-december.csv")
    result = mutual(roster_catalog, "directory", "import", "bay-finance", again, "--yes", "--json")
    report = json.loads(result.output)
    assert (report["added"], report["updated"], report["unchanged"], report["removed"]) == (
        0,
        0,
        2,
        1,
    )
    after = people(roster_catalog)
    assert set(after) == {"Priya Raman", "Elena Sokolova"}
    assert after["Priya Raman"].id == before["Priya Raman"].id  # updated in place, not re-added
    with catalog_session(roster_catalog) as session:
        tombstones = session.scalars(select(PersonDeletion.person_id)).all()
    assert tombstones == [before["Marcus Whitfield"].id]  # the people index drops him too


def test_dry_run_changes_nothing(roster_catalog: Settings, tmp_path: Path) -> None:
    file = roster_file(tmp_path, ROSTER)
    result = mutual(roster_catalog, "directory", "import", "bay-finance", file, "--dry-run")
    assert "3 added" in result.output and "dry run: nothing changed" in result.output
    with catalog_session(roster_catalog) as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 0
        assert session.scalar(select(func.count()).select_from(Directory)) == 0
    mutual(roster_catalog, "directory", "import", "bay-finance", file, "--yes")
    gone = roster_file(tmp_path, DEPARTED, "later.csv")
    dry = mutual(roster_catalog, "directory", "import", "bay-finance", gone, "--dry-run", "--json")
    assert json.loads(dry.output)["removed"] == 1 and json.loads(dry.output)["dry_run"] is True
    assert "Marcus Whitfield" in people(roster_catalog)


def test_without_yes_nobody_to_ask_means_nothing_imported(
    roster_catalog: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = roster_file(tmp_path, ROSTER)
    refused = mutual(roster_catalog, "directory", "import", "bay-finance", file, check=False)
    assert refused.exit_code == exits.USAGE
    assert "Columns used" in refused.output  # the mapping is shown, to be checked
    assert "run again with --yes" in refused.output and "Traceback" not in refused.output
    monkeypatch.setattr(cli_directories, "_interactive", lambda: True)
    declined = mutual(
        roster_catalog, "directory", "import", "bay-finance", file, check=False, stdin="n\n"
    )
    assert declined.exit_code == exits.FAILURE and "nothing changed" in declined.output
    assert people(roster_catalog) == {}
    accepted = mutual(roster_catalog, "directory", "import", "bay-finance", file, stdin="y\n")
    assert "3 added" in accepted.output and len(people(roster_catalog)) == 3


def test_people_never_prints_roster_addresses(roster_catalog: Settings, tmp_path: Path) -> None:
    mutual(
        roster_catalog, "directory", "import", "bay-finance", roster_file(tmp_path, ROSTER), "--yes"
    )
    table = mutual(roster_catalog, "directory", "people", "bay-finance").output
    as_json = mutual(roster_catalog, "directory", "people", "bay-finance", "--json").output
    for out in (table, as_json):
        assert "Priya Raman" in out and "Acme Robotics" in out
        assert "@" not in out  # the roster shows no address of its own, so none at all
        for address in ("priya@acme.example", "marcus@northwind.example", "elena@baylight"):
            assert address not in out
        assert "e-mail:" not in out  # nor the entry key made of the address
    rows = {r["name"]: r for r in json.loads(as_json)}
    assert rows["Priya Raman"]["profile_url"] == "https://bafl.example/members/priya"
    assert all("roster_email" not in r and "entry_key" not in r for r in rows.values())


def test_list_and_remove(roster_catalog: Settings, tmp_path: Path) -> None:
    file = roster_file(tmp_path, ROSTER)
    mutual(roster_catalog, "directory", "import", "bay-finance", file, "--yes", "--name", "2026")
    listed = json.loads(mutual(roster_catalog, "directory", "list", "bay-finance", "--json").output)
    assert [(d["name"], d["kind"], d["entries"]) for d in listed] == [("2026", "roster", 3)]
    refused = mutual(roster_catalog, "directory", "remove", "bay-finance", "2026", check=False)
    assert refused.exit_code == exits.USAGE and len(people(roster_catalog)) == 3
    removed = mutual(roster_catalog, "directory", "remove", "bay-finance", "2026", "--yes")
    assert "bay-finance/2026 removed with its 3 people" in removed.output
    assert people(roster_catalog) == {}
    assert mutual(roster_catalog, "directory", "list", "bay-finance").output.strip() == "(none)"


ERRORS = [
    (("import", "nowhere", "{file}", "--yes"), "no community with slug 'nowhere'"),
    (("list", "nowhere"), "no community with slug 'nowhere'"),
    (("people", "nowhere"), "no community with slug 'nowhere'"),
    (("remove", "nowhere", "roster", "--yes"), "no community with slug 'nowhere'"),
    (("remove", "bay-finance", "roster", "--yes"), "no directory 'roster' in bay-finance"),
    (("import", "bay-finance", "{file}", "--column", "Nickname=display_name"), "no column"),
]


def test_errors_are_one_clear_line_and_exit_1(roster_catalog: Settings, tmp_path: Path) -> None:
    file = roster_file(tmp_path, ROSTER)
    for args, message in ERRORS:
        argv = [a.replace("{file}", file) for a in args]
        failed = mutual(roster_catalog, "directory", *argv, check=False)
        assert failed.exit_code == exits.FAILURE, (args, failed.output)
        assert message in failed.output and "Traceback" not in failed.output, failed.output


def test_a_blank_directory_name_is_a_usage_error(roster_catalog: Settings, tmp_path: Path) -> None:
    file = roster_file(tmp_path, ROSTER)
    failed = mutual(
        roster_catalog, "directory", "import", "bay-finance", file, "--name", " ", check=False
    )
    assert failed.exit_code == exits.USAGE and "1 to 200 characters" in failed.output
