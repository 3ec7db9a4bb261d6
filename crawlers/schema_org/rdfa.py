"""A page's RDFa (vocab, typeof, property) as schema.org objects shaped like JSON-LD's.

extruct reads RDFa with pyRdfa and answers expanded JSON-LD: a flat list of nodes keyed by full
property IRIs ("https://schema.org/name"), every value a list of {"@value": ...} or {"@id": ...}.
The kind readers expect what JSON-LD and microdata give: short property names, plain values and
nested objects. So the flat graph is folded back into trees here (a referenced node embedded where
it is named, cycles and repeats bounded), keeping schema.org's properties only.
"""

from __future__ import annotations

from typing import Any

# extruct ships no type information (no py.typed); its results are plain dicts and lists.
from extruct.rdfa import RDFaExtractor  # type: ignore[import-untyped]
from extruct.utils import parse_xmldom_html  # type: ignore[import-untyped]

SCHEMA_PREFIXES = ("https://schema.org/", "http://schema.org/")
MAX_ANNOTATED = 10_000  # elements with RDFa attributes (about 4 s of pyRdfa); more are not read
MAX_EMBEDDED = 5_000  # objects copied into trees per page (a node named twice is copied twice)
MAX_DEPTH = 20
MAX_VALUES = 50  # values kept per property
# RDF keeps no order: each typed element is given its place in the page under this property, so
# postings come in page order and a listing's same-titled postings keep their keys crawl to crawl.
POSITION = "https://mutual.invalid/rdfa#position"
_ANNOTATED = "//*[@typeof or @property]"


def read_rdfa(html: bytes, url: str, warnings: list[str]) -> list[dict[str, Any]]:
    """The page's schema.org objects in RDFa, outermost first; none when it declares no type."""
    try:
        tree = parse_xmldom_html(html, "UTF-8")
        annotated = tree.xpath(_ANNOTATED)
        if len(annotated) > MAX_ANNOTATED:
            warnings.append(f"RDFa skipped: {len(annotated)} annotated elements is too many")
            return []
        if not any(element.get("typeof") is not None for element in annotated):
            return []
        _html5_values(annotated)
        _mark_positions(annotated)
        graph = RDFaExtractor().extract_items(tree, base_url=url)
    except Exception as exc:  # a malformed page must not cost the JSON-LD and microdata
        warnings.append(f"RDFa skipped ({type(exc).__name__})")
        return []
    return _trees([node for node in graph if isinstance(node, dict)])


def _html5_values(annotated: list[Any]) -> None:
    """HTML5's machine values as RDFa's content: <time datetime>, <data value>, which pyRdfa
    reads as their text ("18 November 2026") when given a DOM rather than a typed document."""
    for element in annotated:
        if element.get("property") is None or element.get("content") is not None:
            continue
        tag = str(element.tag).lower()
        value = element.get("datetime") if tag == "time" else None
        value = element.get("value") if tag in {"data", "meter"} else value
        if value is not None:
            element.set("content", value)


def _mark_positions(annotated: list[Any]) -> None:
    typed = (element for element in annotated if element.get("typeof") is not None)
    for position, element in enumerate(typed):
        element.insert(0, element.makeelement("meta", property=POSITION, content=str(position)))


def _order(value: Any, nodes: dict[str, dict[str, Any]]) -> tuple[int, int, str]:
    """Where a value sorts: objects in page order, then text (whose order RDF does not keep)."""
    if not isinstance(value, dict):
        return (2, 0, "")
    target = nodes.get(str(value.get("@id")), value)
    places = target.get(POSITION)
    if isinstance(places, list) and places and isinstance(places[0], dict):
        place = str(places[0].get("@value", ""))
        if place.isdigit():
            return (0, int(place), "")
    return (1, 0, str(value.get("@value", value.get("@id", ""))))


def _trees(graph: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The graph's nodes that no other node names, each with what it names embedded."""
    nodes = {str(node.get("@id")): node for node in graph if node.get("@id") is not None}
    named = {
        str(value.get("@id"))
        for node in graph
        for key, values in node.items()
        if not key.startswith("@") and isinstance(values, list)
        for value in values
        # A posting whose url is its own address (resource="...") is still a root.
        if isinstance(value, dict) and "@id" in value and value["@id"] != node.get("@id")
    }
    budget = [MAX_EMBEDDED]
    roots = [node for node in graph if str(node.get("@id")) not in named and node.get("@type")]
    roots.sort(key=lambda node: _order(node, nodes))
    return [_compact(node, nodes, budget, (), 0) for node in roots]


def _compact(
    node: dict[str, Any],
    nodes: dict[str, dict[str, Any]],
    budget: list[int],
    path: tuple[str, ...],
    depth: int,
) -> dict[str, Any]:
    """One node with short schema.org names and plain values, the nodes it names embedded."""
    budget[0] -= 1
    identifier = str(node.get("@id", ""))
    compact: dict[str, Any] = {"@type": node.get("@type")}
    if identifier and not identifier.startswith("_:"):
        compact["@id"] = identifier
    for key, values in node.items():
        name = _short_name(key)
        if not name or not isinstance(values, list):
            continue
        path_here = (*path, identifier)
        ordered = sorted(values[:MAX_VALUES], key=lambda value: _order(value, nodes))
        plain = [_plain(v, nodes, budget, path_here, depth + 1) for v in ordered]
        kept = [value for value in plain if value is not None]
        if kept:
            compact[name] = kept[0] if len(kept) == 1 else kept
    return compact


def _plain(
    value: Any,
    nodes: dict[str, dict[str, Any]],
    budget: list[int],
    path: tuple[str, ...],
    depth: int,
) -> Any:
    """A value as JSON-LD writes it: text, an address, or the object it names (once per path)."""
    if not isinstance(value, dict):
        return None
    if "@value" in value:
        return value["@value"]
    if "@list" in value and isinstance(value["@list"], list):
        items = (_plain(v, nodes, budget, path, depth) for v in value["@list"][:MAX_VALUES])
        return [item for item in items if item is not None]
    reference = str(value.get("@id", ""))
    target = nodes.get(reference)
    if target is None or reference in path or depth > MAX_DEPTH or budget[0] <= 0:
        return None if reference.startswith("_:") or not reference else reference
    return _compact(target, nodes, budget, path, depth)


def _short_name(key: str) -> str:
    """ "https://schema.org/jobLocation" -> "jobLocation"; other vocabularies are not read."""
    for prefix in SCHEMA_PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix) :]
    return ""
