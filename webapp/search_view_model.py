"""What the search page shows around the hits: facet groups whose values are links that add or
remove themselves, the chips of what is picked, sort choices and the next-page link."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from flask import current_app, url_for
from werkzeug.datastructures import MultiDict

from indexer.facet_values import FacetMap
from indexer.hits import Hit
from indexer.search import SearchResults

# Facet name -> (URL parameter, heading). Order is the page's order.
FACET_PARAMS: dict[str, tuple[str, str]] = {
    "kind": ("kind", "Kind"),
    "community": ("community", "Community"),
    "posted_within": ("posted", "Posted"),
    "upcoming": ("upcoming", "Events"),
    "attendance": ("attendance", "Attendance"),
    "remote": ("remote", "Remote"),
    "employment_type": ("type", "Employment type"),
    "salary_band": ("salary", "Salary"),
    "organisation": ("org", "Organisation"),
    "location": ("location", "Location"),
}
SINGLE_VALUED = {"posted", "upcoming", "attendance", "salary", "sort"}
SORT_LABELS = (("relevance", "Relevance"), ("newest", "Newest"), ("event_date", "Event date"))


@dataclass(frozen=True)
class FacetLink:
    label: str
    count: int
    selected: bool
    href: str  # the search with this value added (or removed, when selected)


@dataclass(frozen=True)
class FacetGroup:
    name: str
    heading: str
    links: tuple[FacetLink, ...]


Pairs = list[tuple[str, str]]  # URL parameters in order, as MultiDict.items(multi=True) gives


def href(args: MultiDict[str, str]) -> str:
    return _href(list(args.items(multi=True)))


def _href(pairs: Pairs, encoded: dict[tuple[str, str], str] | None = None) -> str:
    """`?` and the pairs as a query string; `encoded` keeps pairs already quoted, so the
    page's seventy-odd facet links quote each parameter once rather than once per link."""
    if encoded is None:
        query = urlencode(pairs)
    else:
        for pair in pairs:
            if pair not in encoded:
                encoded[pair] = urlencode([pair])
        query = "&".join(encoded[pair] for pair in pairs)
    return f"?{query}" if query else "?"


def toggled(pairs: Pairs, param: str, value: str) -> Pairs:
    """`pairs` with `value` of `param` removed if present, else added (replacing a single one),
    in the order a MultiDict would keep them: a new value after the others of its parameter.
    Lists rather than MultiDict copies: the page builds one link per facet value."""
    if (param, value) in pairs:
        return [pair for pair in pairs if pair != (param, value)]
    at = [n for n, (name, _) in enumerate(pairs) if name == param]
    if not at:
        return [*pairs, (param, value)]
    if param in SINGLE_VALUED:
        kept = [pair for pair in pairs if pair[0] != param]
        kept.insert(at[0], (param, value))
        return kept
    return [*pairs[: at[-1] + 1], (param, value), *pairs[at[-1] + 1 :]]


def facet_groups(
    facets: FacetMap, args: MultiDict[str, str], labels: dict[str, dict[str, str]]
) -> tuple[FacetGroup, ...]:
    """The facets that have values, each value a link; `labels` renames values (community
    slugs to names)."""
    groups = []
    pairs = list(args.items(multi=True))
    encoded: dict[tuple[str, str], str] = {}
    for name, (param, heading) in FACET_PARAMS.items():
        values = facets.get(name, ())
        if not values:
            continue
        names = labels.get(name, {})
        links = tuple(
            FacetLink(
                names.get(v.value, v.label),
                v.count,
                v.selected,
                _href(toggled(pairs, param, v.value), encoded),
            )
            for v in values
        )
        groups.append(FacetGroup(name, heading, links))
    return tuple(groups)


def chips(groups: tuple[FacetGroup, ...]) -> tuple[FacetLink, ...]:
    """Everything picked, each a link that removes it."""
    return tuple(link for group in groups for link in group.links if link.selected)


def sort_links(args: MultiDict[str, str], current: str) -> tuple[tuple[str, str, bool], ...]:
    links = []
    for value, label in SORT_LABELS:
        changed = args.deepcopy()
        changed.setlist("sort", [] if value == "relevance" else [value])
        links.append((label, href(changed), value == current))
    return tuple(links)


def next_href(args: MultiDict[str, str], results: SearchResults) -> str | None:
    """The next page through a cursor (search_after within a point in time), if there is one."""
    if results.next_cursor is None or results.request.page >= results.pages:
        return None
    changed = args.deepcopy()
    changed.setlist("after", [results.next_cursor.encode()])
    changed.setlist("page", [str(results.request.page + 1)])
    return href(changed)


ID_SLOT = "ITEM-ID"  # stands for an item id in a URL built once; needs no quoting


def item_hrefs(hits: tuple[Hit, ...]) -> dict[str, str]:
    """Each card's link, by item id: its detail page, or the original where the app serves no
    detail pages. The route is built once a page (url_for costs as much as the rest of a card)."""
    if "items.item_page" not in current_app.view_functions:
        return {hit.id: hit.url for hit in hits}
    pattern = url_for("items.item_page", item_id=ID_SLOT)
    return {hit.id: pattern.replace(ID_SLOT, quote(hit.id, safe="")) for hit in hits}
