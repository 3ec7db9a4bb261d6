"""What the JSON API answers, as typed models: the endpoints build these and only these, and the
OpenAPI document's schemas are derived from them (webapp/openapi.py), so the two cannot drift.

The class names are the schemas' names in the document (`#/components/schemas/Hit`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field

from indexer.facet_values import FacetValue
from indexer.hits import EventTimes, Salary

ErrorCode = Literal[
    "invalid_parameter",
    "query_too_long",
    "not_found",
    "method_not_allowed",
    "search_unavailable",
    "sign_in_required",
    "http_error",
]


@dataclass(frozen=True)
class Hit:
    """One item as the API shows it; the HTML fields are escaped, with only <mark> added."""

    id: str
    kind: str
    title: str
    title_html: str
    snippet_html: str
    url: str
    detail_url: str
    apply_url: str
    organisation: str
    location: str
    published_at: str | None
    seen_in: list[str]
    remote: str
    employment_type: str
    salary: Salary | None
    event: EventTimes | None
    author: str
    status: str


@dataclass(frozen=True)
class SearchResults:
    """One page of hits, the facets of the whole result and the cursor of the next page."""

    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    suggestion: str
    relaxed: Annotated[
        bool,
        Field(
            description="True when no listing has every word of `q`: the hits are those with "
            "the most of them."
        ),
    ]
    after: Annotated[str | None, Field(description="The next page's cursor, if any.")]
    took_ms: int


@dataclass(frozen=True)
class Suggestion:
    text: str
    url: Annotated[str, Field(description="The search page for this title.")]


@dataclass(frozen=True)
class Suggestions:
    """Titles the viewer may see that start with what was typed."""

    query: str
    suggestions: list[Suggestion]


@dataclass(frozen=True)
class ErrorBody:
    code: ErrorCode
    message: str


@dataclass(frozen=True)
class Error:
    """The one shape of every error the API answers."""

    error: ErrorBody


@dataclass(frozen=True)
class Person:
    """A fellow member as their community's members see them (never a roster address)."""

    id: int
    display_name: str
    headline: str
    organisation: str
    organisation_key: str
    role: str
    past_organisations: list[str]
    location: str
    topics: list[str]
    community: str
    community_name: str
    origin: Literal["profile", "directory"]
    open_to_introductions: bool
    directory_profile_url: str


@dataclass(frozen=True)
class PeopleCount:
    value: str
    count: int


@dataclass(frozen=True)
class PeopleResults:
    """One page of the fellow members the signed-in viewer may see, and facet counts."""

    total: int
    people: list[Person]
    facets: dict[str, list[PeopleCount]]


# The document's named schemas; what they contain (Salary, FacetValue, ...) is written inline.
ANSWERS: tuple[type, ...] = (Hit, SearchResults, Suggestions, Error, Person, PeopleResults)
