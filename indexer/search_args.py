"""A search as URL parameters and back: the one reading of `?q=...&kind=...` shared by the search
page, the JSON API and saved searches, so each means exactly what the page showed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from werkzeug.datastructures import MultiDict

from indexer.cursors import Cursor
from indexer.query.access import Viewer
from indexer.query.request import MAX_QUERY_LENGTH, SearchRequest

MINE = "mine"  # every community the viewer belongs to: the default for members
EVERYWHERE = "all"  # everything the viewer may see, public listings of other communities too

# URL parameter -> SearchRequest field, for the facets that take several values.
MULTI = {
    "kind": "kinds",
    "community": "communities",
    "org": "organisations",
    "location": "locations",
    "remote": "remote",
    "type": "employment_types",
}
# URL parameter -> SearchRequest field, for those that take one.
SINGLE = {
    "salary": "salary_band",
    "posted": "posted_within",
    "upcoming": "upcoming",
    "attendance": "attendance",
    "sort": "sort",
}
MAX_VALUES = 20  # values of one facet kept from a URL


@dataclass(frozen=True)
class Scope:
    """Where a search looks: the value of the scope switch and the communities it means."""

    value: str  # MINE, EVERYWHERE or a community slug
    communities: tuple[str, ...]
    chosen: tuple[str, ...]  # communities picked in the page's filters, kept in its links
    choices: tuple[tuple[str, str], ...]  # (value, label) for the switch; empty for visitors


def scope_of(args: MultiDict[str, str], viewer: Viewer, names: Mapping[str, str]) -> Scope:
    """Members search their own communities unless they switch; visitors search everything.
    `names` labels the switch (CatalogView.names); a slug without a name is its own label."""
    chosen = tuple(args.getlist("community"))[:MAX_VALUES]
    if not viewer.member_of:
        return Scope(EVERYWHERE, chosen, chosen, ())
    choices = (
        (MINE, "All my communities"),
        *((slug, names.get(slug, slug)) for slug in viewer.member_of),
        (EVERYWHERE, "Everything on Mutual"),
    )
    value = args.get("scope", MINE)
    if value in viewer.member_of:
        return Scope(value, (value,), (), choices)
    if value == EVERYWHERE or chosen:
        return Scope(EVERYWHERE if value == EVERYWHERE else MINE, chosen, chosen, choices)
    return Scope(MINE, viewer.member_of, (), choices)


def request_from_args(args: MultiDict[str, str], scope: Scope, size: int) -> SearchRequest:
    """The SearchRequest the parameters describe, every value inside its limits."""
    picked: dict[str, Any] = {
        field: tuple(args.getlist(name))[:MAX_VALUES] for name, field in MULTI.items()
    }
    picked["communities"] = scope.communities
    picked |= {field: args[name][:40] for name, field in SINGLE.items() if args.get(name)}
    cursor = Cursor.decode(args.get("after", ""))
    request = SearchRequest(
        text=args.get("q", "")[:MAX_QUERY_LENGTH],
        page=args.get("page", 1, type=int) or 1,
        size=size,
        search_after=cursor.search_after if cursor else (),
        pit_id=cursor.pit_id if cursor else "",
    )
    return replace(request, **picked).clamped()


def args_of(request: SearchRequest, scope: Scope) -> MultiDict[str, str]:
    """The parameters that bring back `request` (without its page): for links and saving."""
    args: MultiDict[str, str] = MultiDict()
    if request.text:
        args.add("q", request.text)
    if scope.choices:
        args.add("scope", scope.value)
    for name, field in MULTI.items():
        values = scope.chosen if field == "communities" else getattr(request, field)
        for value in values:
            args.add(name, value)
    for name, field in SINGLE.items():
        value = getattr(request, field)
        if value and not (field == "sort" and value == "relevance"):
            args.add(name, value)
    return args
