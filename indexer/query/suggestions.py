"""Suggestion bodies: "did you mean" for a search page, and titles for what is typed so far."""

from __future__ import annotations

from typing import Any

from indexer.query.access import Viewer, access_filters
from indexer.query_syntax import clean_text


def did_you_mean(text: str) -> dict[str, Any]:
    """A term suggester over title words: spellings of the typed words that titles use.

    It reads the whole index's words, so `indexer.search` offers a suggestion only after a
    search for it under the viewer's own filters has found something.
    """
    options = {"field": "title.exact", "suggest_mode": "missing", "min_word_length": 4}
    return {"text": text, "did_you_mean": {"term": options}}


def build_prefix_suggest(prefix: str, viewer: Viewer, size: int = 8) -> dict[str, Any]:
    """Titles starting with what is typed so far, among the items the viewer may see.

    A filtered prefix query rather than the completion suggester: completion suggestions
    cannot be limited by the access filter without contexts on every document, and this keeps
    visibility_filter the one rule for suggestions too.
    """
    typed = clean_text(prefix)[:100]
    return {
        "query": {
            "bool": {
                "must": [{"match_phrase_prefix": {"title.exact": {"query": typed}}}],
                "filter": access_filters(viewer),
            }
        },
        "size": min(max(size, 1), 20) * 3,  # room for identical titles folded into one
        "_source": ["title"],
        "sort": ["_score", {"published_at": {"order": "desc", "missing": "_last"}}],
    }
