"""Keys for the items of a listing page that share the page's address, one per posting."""

from __future__ import annotations

import hashlib
from dataclasses import replace

from catalog.records import ParsedItem
from crawlers.normalise import canonical_url


def with_identities(built: list[tuple[ParsedItem, str]], page_url: str) -> list[ParsedItem]:
    """Items; those that share the page's address get a key each, so that every posting of a
    listing page keeps its own identity: its identifier, else a hash of its title."""
    page = canonical_url(page_url)
    if sum(1 for item, _ in built if item.url == page) < 2:
        return [item for item, _ in built]
    items: list[ParsedItem] = []
    used: set[str] = set()
    for item, identifier in built:
        if item.url != page:
            items.append(item)
            continue
        name = f"id-{_digest(identifier)}" if identifier else f"t-{_digest(item.title.casefold())}"
        key, number = name, 1
        while key in used:
            number += 1
            key = f"{name}-{number}"
        used.add(key)
        items.append(replace(item, key=f"{page}#{key}"))
    return items


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:16]
