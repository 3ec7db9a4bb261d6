"""The one query builder: the search page, the JSON API, the CLI and (later) alerts all use it.

What the user typed is parsed by `indexer.query_syntax` into plain values and turned here into
structured clauses (multi_match, match_phrase, terms): no user text ever reaches Elasticsearch
as query syntax. The access filter and the active-status filter sit in the main query's `filter`,
so every hit, count, aggregation and suggestion is limited by them; the facet values the user
picked go in `post_filter`, and each facet's aggregation is filtered by the other picks only.

Duplicates: the catalog merges copies of one posting into one item (one document), and a
recurring event's occurrences are separate items on purpose, so there is nothing left to
collapse; field collapsing would also rule out search_after on our sorts (it needs the sort to
be on the collapse field) and would fold every document without a cluster_id into one hit.

One module per part of a request body: `request` (what was asked) and `access` (who asks),
`text` (the box's words, with synonyms), `clock` and `recency` (dates and ranking), `filters`
and `facets`, `highlight`, `paging`, `suggestions`, `items` (bodies that fetch items by id or
organisation), `matching` (the query a hit must match) and `page` (a search page's bodies).
"""
