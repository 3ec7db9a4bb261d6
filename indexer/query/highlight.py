"""Highlighting: the marks in a hit's title and snippet, each field with only its own clauses."""

from __future__ import annotations

from typing import Any

from indexer.query.text import FUZZY_KEYS

HIGHLIGHT_TAGS = (["<mark>"], ["</mark>"])


def without_fuzziness(query: Any) -> Any:
    """`query` with every typo-tolerant match made exact.

    Highlighting re-runs the query on each hit's text, and typo expansions there cost three
    quarters of a search at 100,000 items (bench/search_load.py); words found only through a
    typo are simply not marked.
    """
    if isinstance(query, dict):
        return {k: without_fuzziness(v) for k, v in query.items() if k not in FUZZY_KEYS}
    if isinstance(query, list):
        return [without_fuzziness(v) for v in query]
    return query


HIGHLIGHTED: dict[str, dict[str, Any]] = {
    "title": {"number_of_fragments": 0},
    "summary": {"fragment_size": 200, "number_of_fragments": 1},
    "text": {"fragment_size": 200, "number_of_fragments": 1},
}


def highlight(query: dict[str, Any]) -> dict[str, Any]:
    """Marks in the title and a snippet. Each field gets the clauses that search that field
    itself: Elasticsearch marks only terms a clause asked of the field being marked (its
    `require_field_match`), yet works through every clause of a shared highlight query for
    every field of every hit, about a third of a page's search time (bench/search_load.py)."""
    unfuzzy = without_fuzziness(query)
    fields = {
        name: {**options, "highlight_query": on_field(unfuzzy, name) or {"match_none": {}}}
        for name, options in HIGHLIGHTED.items()
    }
    return {
        "encoder": "html",
        "pre_tags": HIGHLIGHT_TAGS[0],
        "post_tags": HIGHLIGHT_TAGS[1],
        "fields": fields,
    }


def on_field(query: dict[str, Any], field: str) -> dict[str, Any] | None:
    """The scoring clauses of `query` that search `field` itself (not a subfield such as
    `title.exact`), in the same structure; None when no clause does. Exclusions are left out:
    nothing they name is in a hit."""
    kind, spec = next(iter(query.items()))
    if kind == "multi_match":
        kept = [name for name in spec["fields"] if name.split("^")[0] == field]
        return {kind: {**spec, "fields": kept}} if kept else None
    if kind == "dis_max":
        queries = _kept_on_field(spec["queries"], field)
        return {kind: {**spec, "queries": queries}} if queries else None
    if kind == "bool":
        kept_spec = {k: _kept_on_field(spec.get(k, []), field) for k in ("must", "should")}
        kept_spec = {k: clauses for k, clauses in kept_spec.items() if clauses}
        return {kind: kept_spec} if kept_spec else None
    # A single-field query (match, match_phrase): keyed by the field it searches.
    return query if isinstance(spec, dict) and field in spec else None


def _kept_on_field(queries: list[dict[str, Any]], field: str) -> list[dict[str, Any]]:
    return [kept for kept in (on_field(q, field) for q in queries) if kept is not None]
