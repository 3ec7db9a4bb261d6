"""When two copies are one posting: the near-duplicate rules on their own (no database)."""

from __future__ import annotations

from catalog.duplicates import dedupe_block, fingerprint, same_posting
from catalog.records import ParsedItem
from crawlers.retry_after import retry_after_seconds

TEXT = (
    "Own the monthly forecast, build driver-based models of the robot fleet business and "
    "partner with operations leaders on capital planning."
)


def _job(
    title: str, org: str = "Acme Robotics, Inc.", city: str = "Denver", **details: str
) -> ParsedItem:
    return ParsedItem(
        url="https://x.example/" + title.replace(" ", "-"),
        title=title,
        organisation=org,
        location=f"{city}, CO",
        summary=TEXT,
        details=dict(details),
    )


def _same(a: ParsedItem, b: ParsedItem) -> bool:
    return dedupe_block(a) == dedupe_block(b) != "" and same_posting(fingerprint(a), fingerprint(b))


def test_reworded_titles_and_legal_suffixes_are_one_posting() -> None:
    assert _same(
        _job("Senior Financial Analyst"), _job("Sr. Financial Analyst", org="Acme Robotics")
    )
    assert _same(_job("VP Finance"), _job("Vice President, Finance"))


def test_seniority_place_and_role_keep_postings_apart() -> None:
    assert not _same(_job("Senior Financial Analyst"), _job("Financial Analyst"))
    assert not _same(_job("Financial Analyst"), _job("Financial Analyst", city="Boulder"))
    assert not _same(_job("Financial Analyst"), _job("Data Engineer"))
    assert not _same(_job("Financial Analyst"), _job("Financial Analyst", org="Other Corp"))


def test_two_ids_of_one_board_are_two_postings_but_ids_of_two_publishers_say_nothing() -> None:
    one = _job("Software Engineer", external_id="greenhouse:acme:1")
    assert not _same(one, _job("Software Engineer", external_id="greenhouse:acme:2"))
    assert _same(one, _job("Software Engineer", external_id="schema:Acme Robotics:77"))


def test_events_merge_only_at_one_start_in_one_place() -> None:
    def event(title: str, venue: str) -> ParsedItem:
        details = {"event": {"start": "2026-12-03T18:00:00+00:00", "venue": venue}}
        return ParsedItem(
            url=f"https://x.example/{venue}", title=title, kind="event", details=details
        )

    assert _same(event("Board meeting", "Ferry Building"), event("Board Meeting", "Ferry Building"))
    assert not _same(event("Board meeting", "Ferry Building"), event("Board meeting", "Town Hall"))
    assert dedupe_block(event("Board meeting", "")) == ""


def test_retry_after_reads_seconds_and_dates_and_ignores_oddities() -> None:
    assert retry_after_seconds("7200") == 7200
    assert (retry_after_seconds("Wed, 21 Oct 2099 07:28:00 GMT") or 0) > 0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0
    assert retry_after_seconds("²") is None  # a digit to str.isdigit, not to int()
    assert retry_after_seconds("9" * 5000) == 10**9
    assert retry_after_seconds("soon") is None
