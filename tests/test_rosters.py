"""Roster files read into directory entries (crawlers/rosters.py): realistic exports, and the
hostile cells of docs/hostile-inputs-coverage.md point 33. Pure: no catalog, no network."""

from __future__ import annotations

import pytest

from crawlers.roster_csv import guess_columns, parse_csv
from crawlers.roster_entries import (
    MAX_BYTES,
    MAX_ROWS,
    RosterColumnsInvalid,
    RosterTooLarge,
    RosterUnreadable,
    clean_value,
    profile_url,
)
from crawlers.rosters import parse_column_options, read_roster, roster_format

# An association's member export, as its membership software writes it.
ASSOCIATION = (
    b"First Name,Last Name,Company,Job Title,City,Email,Member Since\r\n"
    b"Priya,Raman,Acme Robotics,VP Finance,San Francisco,Priya.Raman@acmerobotics.example,2019\r\n"
    b'Marcus,Whitfield,"Northwind Health, Inc.",Director of FP&A,Oakland,'
    b"mwhitfield@northwind.example,2021\r\n"
    b"Elena,Sokolova,Baylight Energy,Corporate Controller,Berkeley,elena.s@baylight.example,"
    b"2016\r\n"
    b",,,,,,\r\n"
    b",,Golden Gate Community Bank,Treasurer,San Jose,,2020\r\n"
    b'David,Okafor,"=HYPERLINK(""http://evil.example"",""Sequoia"")",@SUM(1+1),+Palo Alto,'
    b"d.okafor@sequoia.example,2022\r\n"
    b"Priya,Raman,Acme Robotics,VP Finance,San Francisco,priya.raman@acmerobotics.example,2019\r\n"
)

# A European chapter's export: semicolons, Windows-1252, accents, French and German headings.
EUROPEAN = (
    "Prénom;Nom;Société;Fonction;Ville;E-mail;Compétences\r\n"
    "François;Dupré;Société Générale;Directeur financier;Lyon;f.dupre@example.fr;"
    "trésorerie, fusions|IFRS\r\n"
    "Zoë;Müller;Bäckerei Groß GmbH;Leiterin Controlling;München;zoe.mueller@example.de;\r\n"
    "José;Núñez;Telefónica;Analista;Málaga;jose.nunez@example.es;\r\n"
).encode("cp1252")

VCARDS = (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Aisha Bello\r\nN:Bello;Aisha;;;\r\n"
    b"ORG:Baylight Energy;Finance\r\nTITLE:Treasury Manager\r\n"
    b"ADR;TYPE=WORK:;;1 Harbor Way;Oakland;CA;94607;USA\r\n"
    b"EMAIL;TYPE=INTERNET:aisha.bello@baylight.example\r\nURL:https://baylight.example/aisha\r\n"
    b"UID:bafl-0042\r\nCATEGORIES:treasury,cash management\r\nNOTE:met at the gala\r\n"
    b"END:VCARD\r\n"
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Broken Card\r\nthis line is not a property\r\n"
    b"END:VCARD\r\n"
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lindqvist;Sven;;;\r\nORG:Acme Robotics\r\n"
    b"ROLE:Controller\r\nEMAIL:sven@acmerobotics.example\r\nURL:javascript:alert(1)\r\n"
    b"END:VCARD\r\n"
)


def test_an_association_export_is_read_with_its_columns_guessed() -> None:
    parse = read_roster(ASSOCIATION, "members.csv")
    assert parse.columns == {
        "First Name": "first_name",
        "Last Name": "last_name",
        "Company": "organisation",
        "Job Title": "role",
        "City": "location",
        "Email": "roster_email",
    }
    assert (parse.format, parse.encoding, parse.delimiter) == ("csv", "utf-8", ",")
    names = [e.fields.display_name for e in parse.entries]
    assert names == ["Priya Raman", "Marcus Whitfield", "Elena Sokolova", "David Okafor"]
    marcus = parse.entries[1]
    assert marcus.fields.organisation == "Northwind Health, Inc."
    assert marcus.fields.role == "Director of FP&A"
    assert marcus.entry_key == "e-mail:mwhitfield@northwind.example"
    assert marcus.roster_email == "mwhitfield@northwind.example" and not marcus.shown_email
    assert parse.problems == ["row 6: no name, skipped", "row 8: same e-mail as row 2, skipped"]


def test_formula_prefixes_are_stripped_from_every_value() -> None:
    david = read_roster(ASSOCIATION).entries[3]
    assert david.fields.organisation == 'HYPERLINK("http://evil.example","Sequoia")'
    assert david.fields.role == "SUM(1+1)"
    assert david.fields.location == "Palo Alto"
    for entry in read_roster(ASSOCIATION).entries:
        values = [entry.fields.display_name, entry.fields.organisation, entry.fields.role]
        assert not any(v.startswith(("=", "+", "-", "@")) for v in values)
    assert clean_value("\t=cmd|' /C calc'!A0") == "cmd|' /C calc'!A0"


def test_a_semicolon_separated_cp1252_roster_keeps_its_accents() -> None:
    parse = read_roster(EUROPEAN, "adherents.csv")
    assert (parse.encoding, parse.delimiter) == ("cp1252", ";")
    assert parse.columns["Prénom"] == "first_name" and parse.columns["Société"] == "organisation"
    assert parse.columns["Compétences"] == "topics"
    francois, zoe, jose = parse.entries
    assert francois.fields.display_name == "François Dupré"
    assert francois.fields.topics == ("trésorerie", "fusions", "IFRS")
    assert zoe.fields.organisation == "Bäckerei Groß GmbH" and zoe.fields.location == "München"
    assert jose.fields.display_name == "José Núñez" and parse.problems == []


def test_vcards_are_read_card_by_card_and_a_broken_one_is_reported() -> None:
    parse = read_roster(VCARDS, "contacts.vcf")
    assert parse.format == "vcard" and parse.records == 3
    aisha, sven = parse.entries
    assert aisha.entry_key == "member id:bafl-0042"
    assert (
        aisha.fields.organisation == "Baylight Energy" and aisha.fields.role == "Treasury Manager"
    )
    assert aisha.fields.location == "Oakland"
    assert aisha.fields.topics == ("treasury", "cash management")
    assert aisha.profile_url == "https://baylight.example/aisha"
    assert aisha.roster_email == "aisha.bello@baylight.example"
    assert "gala" not in repr(aisha)  # NOTE is the card owner's own, never imported
    assert sven.fields.display_name == "Sven Lindqvist" and sven.fields.role == "Controller"
    assert sven.profile_url == ""
    assert parse.problems[0].startswith("card 2 (line 14): unreadable (")
    assert parse.problems[1] == (
        "card 3 (line 19): profile 'javascript:alert(1)' is not an http(s) link, left out"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://www.linkedin.com/in/priya", "https://www.linkedin.com/in/priya"),
        ("linkedin.com/in/priya", "https://linkedin.com/in/priya"),
        ("javascript:alert(document.cookie)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("data:text/html,<script>x</script>", None),
        ("file:///etc/passwd", None),
        ('=HYPERLINK("javascript:x")', None),
        ("http://", None),
        ("http://[::1", None),
        ("https://example.org/a profile", None),
    ],
)
def test_profile_links_are_http_or_dropped(value: str, expected: str | None) -> None:
    assert profile_url(value) == expected


def test_the_key_is_the_member_id_then_the_address_then_the_name() -> None:
    data = (
        b"Member ID,Name,Organisation,E-mail\n"
        b"A-17,Ann Lee,Acme,ann@acme.example\n"
        b",Bo Chan,Acme,BO@Acme.example\n"
        b",Cy Diaz,Acme,not an address\n"
    )
    parse = read_roster(data)
    assert [e.entry_key for e in parse.entries] == [
        "member id:A-17",
        "e-mail:bo@acme.example",
        "name:cy diaz|acme",
    ]
    assert parse.problems == ["row 4: the e-mail is not an address, left out"]


def test_columns_chosen_override_the_guess_and_bad_choices_are_clear() -> None:
    data = b"Full name,Title,Notes\nAnn Lee,Mrs,Likes golf\n"
    assert guess_columns(["Full name", "Title", "Notes"]) == {
        "Full name": "display_name",
        "Title": "role",
    }
    chosen = parse_column_options(["Title=ignore", "Notes=headline"])
    entry = read_roster(data, chosen=chosen).entries[0]
    assert (entry.fields.role, entry.fields.headline) == ("", "Likes golf")
    with pytest.raises(RosterColumnsInvalid, match="no column 'Nickname'"):
        read_roster(data, chosen={"Nickname": "display_name"})
    with pytest.raises(RosterColumnsInvalid, match="unknown field 'salary'"):
        read_roster(data, chosen={"Notes": "salary"})
    with pytest.raises(RosterColumnsInvalid, match="no column gives a name"):
        parse_csv(data, {"Title": "role"})
    with pytest.raises(RosterColumnsInvalid, match="HEADING=FIELD"):
        parse_column_options(["Title"])


def test_files_that_are_no_roster_are_refused_clearly() -> None:
    with pytest.raises(RosterUnreadable, match="save it as CSV"):
        read_roster(b"PK\x03\x04 workbook bytes", "members.xlsx")
    with pytest.raises(RosterUnreadable, match="no BEGIN:VCARD"):
        roster_format(b"Name\nAnn\n", "contacts.vcf")
    with pytest.raises(RosterUnreadable, match="empty"):
        read_roster(b"\xef\xbb\xbf \r\n")


def test_size_and_row_limits() -> None:
    with pytest.raises(RosterTooLarge, match="limit is 20 MB"):
        read_roster(b"Name\n" + b"x" * MAX_BYTES)
    many = b"Name\n" + b"a\n" * (MAX_ROWS + 1)
    with pytest.raises(RosterTooLarge, match="more than 100,000 rows"):
        read_roster(many)


def test_the_demo_roster_reads_whole_and_meets_the_demo_employers() -> None:
    """demo/rosters/bay-finance.csv: every member read, several at the demo jobs' employers."""
    from tests.helpers import REPO

    data = (REPO / "demo" / "rosters" / "bay-finance.csv").read_bytes()
    parse = read_roster(data, "bay-finance.csv")
    assert len(parse.entries) == 12 and parse.problems == []
    careers = (REPO / "demo" / "site" / "bay-finance" / "careers.rss").read_text(encoding="utf-8")
    at_employers = [e for e in parse.entries if f">{e.fields.organisation}<" in careers]
    assert len(at_employers) >= 8


def test_a_hostile_heading_row_is_refused_quickly() -> None:
    """An unclosed quote makes the whole file one row; sniffing and reading stay quick."""
    import time

    started = time.monotonic()
    with pytest.raises(RosterUnreadable, match="at most 500"):
        read_roster(b"Name," + b'a,"' * 20000 + b"\nAnn Lee\n")
    many = b",".join(b"a" for _ in range(400)) + b",Name\n" + b"x," * 400 + b"Ann Lee\n"
    assert read_roster(many).entries[0].fields.display_name == "Ann Lee"
    assert time.monotonic() - started < 2
