""" "One card per recurring event": a page's occurrences of one series as one card.

A weekly meetup is one item per occurrence (calendar feeds, alerts and the API keep every
one); on a results page they are one card, at its earliest occurrence on the page, with the
others as "also on ...". The grouping is of the page's own hits: it keeps the search's order
and its cursors, and a series with occurrences past the page's end shows again on the next.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from indexer.hits import Hit


@dataclass(frozen=True)
class Card:
    """A result card: a hit, and the same series' other occurrences on the page, by date."""

    hit: Hit
    also: tuple[Hit, ...] = ()


def series_cards(hits: Iterable[Hit]) -> list[Card]:
    """The page's hits as cards, in the order of each series' first hit."""
    groups: dict[str, list[Hit]] = {}
    for hit in hits:
        groups.setdefault(hit.series or hit.id, []).append(hit)
    cards: list[Card] = []
    for group in groups.values():
        if len(group) == 1 or group[0].kind != "event":
            cards.extend(Card(hit) for hit in group)
            continue
        ordered = sorted(group, key=_start)
        cards.append(Card(ordered[0], tuple(ordered[1:])))
    return cards


def _start(hit: Hit) -> str:
    start = hit.event.start if hit.event else None
    return start or "~"  # undated last
