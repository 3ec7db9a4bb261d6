"""A member-only directory page read by its selectors (crawlers/directory_pages.py): pure, no
network. The page is an association's "Find a member" cards, with the hostile bits a stranger's
page may hold: a formula, a javascript: link, a bad address, a card without a name."""

from __future__ import annotations

import pytest

from crawlers.directory_pages import (
    DirectoryOptions,
    InvalidDirectoryOptions,
    NoDirectoryEntries,
    parse_directory,
)
from crawlers.source_options import InvalidOptions, check_source_options
from tests.conftest import FIXTURES

URL = "https://members.example.org/members/directory"
CARDS = {
    "entry": "li.member-card",
    "name": ".member-name",
    "role": ".member-title",
    "organisation": ".member-company",
    "location": ".member-city",
    "profile": ".member-name a",
    "email": "a.member-email",
}


def _page(options: dict[str, str] = CARDS, body: bytes | None = None):  # type: ignore[no-untyped-def]
    page = body if body is not None else (FIXTURES / "directory/members.html").read_bytes()
    return parse_directory(URL, page, DirectoryOptions.from_dict(options))


def test_each_card_with_a_name_is_one_person_with_the_fields_its_selectors_name() -> None:
    page = _page()
    people = {entry.fields.display_name: entry for entry in page.entries}
    assert list(people) == [
        "Ruth Adebayo",
        "Kenji Watanabe",
        "Sofia Lindqvist",
        "Omar Haddad",
        "Beatriz Costa",
    ]
    ruth = people["Ruth Adebayo"]
    assert (ruth.fields.role, ruth.fields.organisation, ruth.fields.location) == (
        "Chief Financial Officer",
        "Northwind Health",
        "Oakland, CA",
    )
    # Links are resolved against the page, and the profile page is the entry's identity.
    assert ruth.profile_url == "https://members.example.org/members/profile/1042"
    assert ruth.entry_key == "profile:https://members.example.org/members/profile/1042"
    assert people["Kenji Watanabe"].profile_url == (
        "https://members.example.org/members/profile/1043"
    )
    assert page.matched == 6
    assert "entry 4: no name, skipped" in page.problems


def test_hostile_values_are_cleaned_and_bad_links_and_addresses_left_out() -> None:
    page = _page()
    people = {entry.fields.display_name: entry for entry in page.entries}
    # A spreadsheet formula loses its prefix (it is never evaluated, and never exported as one).
    assert people["Kenji Watanabe"].fields.role.startswith("HYPERLINK(")
    assert people["Omar Haddad"].fields.organisation == "Pacific Coast Partners"
    # A javascript: link is dropped; the entry is then known by its name and organisation.
    sofia = people["Sofia Lindqvist"]
    assert sofia.profile_url == ""
    assert sofia.entry_key == "name:sofia lindqvist|northwind health"
    assert "entry 3: the profile link is not an http(s) link, left out" in page.problems
    # The right-to-left override is gone, the inner markup read as text.
    assert people["Beatriz Costa"].fields.display_name == "Beatriz Costa"
    # The address the page shows members is kept; one that is not an address is not.
    assert people["Kenji Watanabe"].shown_email == "kenji@lakeshore-health.example"
    assert people["Omar Haddad"].shown_email == ""
    assert "entry 5: the e-mail is not an address, left out" in page.problems
    assert all(entry.roster_email == "" for entry in page.entries)


def test_no_address_is_kept_unless_the_source_names_the_one_the_page_shows() -> None:
    options = {key: value for key, value in CARDS.items() if key != "email"}
    assert all(entry.shown_email == "" for entry in _page(options).entries)


def test_a_page_without_entries_is_refused_rather_than_read_as_an_empty_directory() -> None:
    sign_in = b"<html><body><form><input name=password type=password></form></body></html>"
    with pytest.raises(NoDirectoryEntries, match="matched nothing"):
        _page(body=sign_in)
    nameless = b"<ul><li class='member-card'><p class='member-title'>CFO</p></li></ul>"
    with pytest.raises(NoDirectoryEntries, match="without a name"):
        _page(body=nameless)
    with pytest.raises(NoDirectoryEntries):
        _page(body=b"")


def test_the_same_person_twice_is_kept_once() -> None:
    card = b"<li class='member-card'><h3 class='member-name'><a href='/p/1'>Ann Lee</a></h3></li>"
    page = _page(body=b"<ul>" + card + card + b"</ul>")
    assert len(page.entries) == 1
    assert page.problems == ["entry 2: same person as entry 1"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"name": ".n"}, "entry: required"),
        ({"entry": "li"}, "name: required"),
        ({"entry": "li", "name": ".n", "phone": ".p"}, "unknown key 'phone'"),
        ({"entry": "li[", "name": ".n"}, "entry: invalid CSS selector"),
        ({"entry": "li", "name": "xpath:.//[", "role": ".r"}, "name: invalid XPath"),
        ({"entry": "li", "name": 3}, "name: expected a selector"),
    ],
)
def test_unusable_options_are_refused_when_the_source_is_added(
    options: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidDirectoryOptions, match=message):
        DirectoryOptions.from_dict(options)
    with pytest.raises(InvalidOptions, match=message):
        check_source_options("directory", options)
