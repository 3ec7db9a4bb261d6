"""The search request: what the box, the facets, the order and the page ask, kept in limits."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from indexer.query_syntax import clean_text

MAX_QUERY_LENGTH = 500
MAX_PAGE_SIZE = 100
MAX_PAGE = 1000
# Elasticsearch refuses from + size past index.max_result_window (10,000 unless raised); deeper
# results are reached by the `after` cursor (search_after), which that window does not bound.
RESULT_WINDOW = 10_000

SORTS = ("relevance", "newest", "event_date")
# Date math from the clock (`at`): rounded to the hour or the day, never to the millisecond.
POSTED_WITHIN = {"day": "-1d/h", "week": "-7d/d", "month": "-30d/d"}
UPCOMING = {"week": "+7d/d", "month": "+30d/d"}
ATTENDANCE = {"online": ("online", "mixed"), "in_person": ("in-person", "mixed")}
SALARY_BANDS = {"50k": 50_000, "100k": 100_000, "150k": 150_000, "200k": 200_000}
KINDS = ("job", "event", "resource")


@dataclass(frozen=True)
class SearchRequest:
    """One search: the box's text, the facet values picked, the order and the page."""

    text: str = ""
    kinds: tuple[str, ...] = ()
    communities: tuple[str, ...] = ()
    page: int = 1
    size: int = 20
    organisations: tuple[str, ...] = ()
    # Organisation keys (catalog/organisations.py): an organisation page's listings.
    organisation_keys: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()  # city names, as the location facet lists them
    remote: tuple[str, ...] = ()  # onsite, hybrid, remote
    employment_types: tuple[str, ...] = ()
    salary_band: str = ""  # a key of SALARY_BANDS: annual pay reaching at least that much
    posted_within: str = ""  # day, week or month
    upcoming: str = ""  # events starting within the next week or month
    attendance: str = ""  # online or in_person (mixed events count as both)
    sort: str = "relevance"  # relevance, newest or event_date
    search_after: tuple[Any, ...] = ()  # the previous page's cursor (with pit_id)
    pit_id: str = ""
    # The box's words matched loosely (any of them, the most first): set by the search itself
    # when all of them together found nothing, never by what a user sends.
    relaxed: bool = False

    def clamped(self) -> SearchRequest:
        """The request with every value inside its limits; unknown choices dropped."""
        return replace(
            self,
            text=clean_text(self.text)[:MAX_QUERY_LENGTH],
            page=max(1, min(self.page, last_page(max(1, min(self.size, MAX_PAGE_SIZE))))),
            size=max(1, min(self.size, MAX_PAGE_SIZE)),
            kinds=tuple(k for k in self.kinds if k in KINDS),
            salary_band=_known(self.salary_band, SALARY_BANDS),
            posted_within=_known(self.posted_within, POSTED_WITHIN),
            upcoming=_known(self.upcoming, UPCOMING),
            attendance=_known(self.attendance, ATTENDANCE),
            sort=self.sort if self.sort in SORTS else "relevance",
            search_after=self.search_after[:4],
        )


def _known(value: str, choices: dict[str, Any]) -> str:
    return value if value in choices else ""


def last_page(size: int) -> int:
    """The deepest page the engine answers at `size` hits a page (past it, the cursor goes on)."""
    return max(1, min(MAX_PAGE, RESULT_WINDOW // max(1, size)))
