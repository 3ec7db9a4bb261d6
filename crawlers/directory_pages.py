"""A community's member-only directory page (an association's "Find a member", an alumni
directory): a pure parser driven by the source's selectors, one entry per person card.

Selectors are CSS by default; one starting with "xpath:" is XPath. Field selectors are relative
to the entry, and each field takes its first match. What a page says is a stranger's text shown
to other people (docs/hostile-inputs-coverage.md, points 16, 31 and 33): values are cleaned as a
roster's are (no formula prefix, no control characters), profile links are http(s) resolved
against the page or dropped, and an address is kept only when the page itself shows one to
members and the source names it with its `email` selector.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import parsel
from cssselect import SelectorError
from w3lib.encoding import html_to_unicode

from catalog.people import DirectoryEntry, PersonFields
from crawlers.html_list_nodes import absolute_link, node_href, node_text
from crawlers.html_list_options import is_xpath, select
from crawlers.normalise import clean_text
from crawlers.roster_entries import clean_value, email_address

MAX_BODY_BYTES = 5_000_000
MAX_ENTRIES = 5_000
MAX_SELECTOR = 1_000
_KEY_SIZE = 200  # the people.entry_key column
_REQUIRED = ("entry", "name")


class InvalidDirectoryOptions(ValueError):
    """The directory page's options are unusable; the message names the key and says why."""


class NoDirectoryEntries(ValueError):
    """The page has no entry the selectors can read: an error or sign-in page served as 200,
    or a redesign that broke the selectors. Never a reason to empty the directory."""


@dataclass(frozen=True)
class DirectoryOptions:
    """Where a directory page's entries and their fields are: `entry` selects each person,
    the others are relative to it. `email` only when the page shows members an address."""

    entry: str
    name: str
    organisation: str = ""
    role: str = ""
    headline: str = ""
    location: str = ""
    profile: str = ""
    email: str = ""

    def __post_init__(self) -> None:
        for option in fields(self):
            _check_selector(option.name, getattr(self, option.name))

    @classmethod
    def from_dict(cls, options: Mapping[str, Any]) -> DirectoryOptions:
        """Options as the user wrote them (TOML table or command-line pairs), checked."""
        known = [f.name for f in fields(cls)]
        for key, value in options.items():
            if key not in known:
                raise InvalidDirectoryOptions(
                    f"unknown key {key!r}; expected one of {', '.join(known)}"
                )
            if not isinstance(value, str):
                raise InvalidDirectoryOptions(f"{key}: expected a selector in quotes")
        for key in _REQUIRED:
            if not str(options.get(key, "")).strip():
                raise InvalidDirectoryOptions(f"{key}: required")
        return cls(**{key: str(value).strip() for key, value in options.items()})


@dataclass
class DirectoryPage:
    """A directory page as read: its entries, and what was wrong with some of them."""

    entries: list[DirectoryEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    matched: int = 0  # nodes the entry selector matched, entries or not


def parse_directory(url: str, body: bytes, options: DirectoryOptions) -> DirectoryPage:
    """The people listed on the directory page at `url`; NoDirectoryEntries when there is
    none (the caller then keeps the directory as it was)."""
    page = DirectoryPage()
    if len(body) > MAX_BODY_BYTES:
        page.problems.append(f"page larger than {MAX_BODY_BYTES} bytes; only its beginning read")
        body = body[:MAX_BODY_BYTES]
    _, text = html_to_unicode(None, body)
    nodes = select(parsel.Selector(text=text, base_url=url), options.entry)
    page.matched = len(nodes)
    if len(nodes) > MAX_ENTRIES:
        page.problems.append(f"only the first {MAX_ENTRIES} of {len(nodes)} entries were read")
    seen: dict[str, int] = {}
    for number, node in enumerate(nodes[:MAX_ENTRIES], start=1):
        entry = _entry(node, url, options, f"entry {number}", page.problems)
        if entry is None:
            continue
        if entry.entry_key in seen:
            page.problems.append(f"entry {number}: same person as entry {seen[entry.entry_key]}")
            continue
        seen[entry.entry_key] = number
        page.entries.append(entry)
    if not page.entries:
        what = "matched nothing" if not nodes else "matched only entries without a name"
        raise NoDirectoryEntries(f"the entry selector {options.entry!r} {what} on {url}")
    return page


def _entry(
    node: parsel.Selector, url: str, options: DirectoryOptions, where: str, problems: list[str]
) -> DirectoryEntry | None:
    name = _text(node, options.name)
    if not name:
        problems.append(f"{where}: no name, skipped")
        return None
    person = PersonFields(
        display_name=name,
        headline=_text(node, options.headline),
        organisation=_text(node, options.organisation),
        role=_text(node, options.role),
        location=_text(node, options.location),
    )
    link = _profile(node, url, options.profile, where, problems)
    return DirectoryEntry(
        entry_key=_key(link, person),
        fields=person,
        profile_url=link,
        shown_email=_email(node, options.email, where, problems),
    )


def _text(node: parsel.Selector, selector: str) -> str:
    return clean_value(clean_text(node_text(select(node, selector)[:1]))) if selector else ""


def _profile(
    node: parsel.Selector, url: str, selector: str, where: str, problems: list[str]
) -> str:
    href = node_href(select(node, selector)[:1]).strip() if selector else ""
    link = absolute_link(url, href) if href else ""
    if href and (not link or len(link) > 2000):
        problems.append(f"{where}: the profile link is not an http(s) link, left out")
        return ""
    return link


def _email(node: parsel.Selector, selector: str, where: str, problems: list[str]) -> str:
    """The address the page shows: a mailto: link's, else the element's text."""
    if not selector:
        return ""
    found = select(node, selector)[:1]
    raw = node_href(found) if found and not isinstance(found[0].root, str) else ""
    if not raw.lower().startswith("mailto:"):
        raw = node_text(found)
    address = email_address(raw.split("?", 1)[0]) if raw.strip() else ""
    if address is None:
        problems.append(f"{where}: the e-mail is not an address, left out")
    return address or ""


def _key(link: str, person: PersonFields) -> str:
    """What makes an entry the same one at the next crawl: its profile page, else its name
    with its organisation (a directory page rarely shows its own member ids)."""
    if link:
        kind, value = "profile", link
    else:
        kind, value = "name", f"{person.display_name.casefold()}|{person.organisation.casefold()}"
    key = f"{kind}:{value}"
    if len(key) > _KEY_SIZE:  # still stable across crawls, and fits the column
        key = f"{kind}:sha256:{hashlib.sha256(value.encode()).hexdigest()}"
    return key


def _check_selector(name: str, selector: str) -> None:
    if not selector:
        return
    if len(selector) > MAX_SELECTOR:
        raise InvalidDirectoryOptions(f"{name}: selector longer than {MAX_SELECTOR} characters")
    try:
        select(parsel.Selector(text="<html><body></body></html>"), selector)
    except (SelectorError, ValueError) as exc:
        kind = "XPath" if is_xpath(selector) else "CSS selector"
        raise InvalidDirectoryOptions(f"{name}: invalid {kind} {selector!r}: {exc}") from exc
