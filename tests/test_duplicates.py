"""When two copies are one posting: the near-duplicate rules on their own (no database)."""

from __future__ import annotations

from catalog.duplicates import (
    MAX_SHINGLES,
    Fingerprint,
    dedupe_block,
    fingerprint,
    same_posting,
)
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


LONG_TEXT = (
    "Design and build the services that dispatch robots to pick tasks in real time. Work in Go "
    "and PostgreSQL on a platform that handles millions of tasks a day. Own services end to "
    "end, from design review to on-call. Three or more years building distributed systems."
)


def _copy(
    title: str, location: str, text: str = LONG_TEXT, org: str = "Acme Robotics"
) -> ParsedItem:
    return ParsedItem(
        url="https://board.example/" + title.replace(" ", "-"),
        title=title,
        organisation=org,
        location=location,
        body=text,
    )


def test_work_arrangements_and_area_words_do_not_change_the_place() -> None:
    ats = _copy("Backend Software Engineer", "Denver, CO")
    for location in (
        "Hybrid - Denver, CO",
        "Denver (Hybrid)",
        "Denver Metro Area",
        "Denver, Colorado",
    ):
        assert _same(ats, _copy("Backend Software Engineer", location)), location
    assert not _same(ats, _copy("Backend Software Engineer", "Boston, MA"))


def test_a_copy_that_gives_no_place_joins_only_copies_without_one() -> None:
    # Two openings with one title in two cities look alike when one copy leaves its city out.
    assert not _same(_copy("Data Engineer", "London, UK"), _copy("Data Engineer", ""))
    assert _same(_copy("Data Engineer", ""), _copy("Data Engineer", ""))


def test_title_forms_of_one_role_are_one_title() -> None:
    def one(a: str, b: str) -> bool:
        return _same(_copy(a, "Denver, CO"), _copy(b, "Denver, CO"))

    assert one("Software Engineer 2", "Software Engineer II")
    assert one("Senior Front-end Engineer", "Sr. Frontend Engineer")
    assert one("Staff SRE", "Staff Site Reliability Engineer")
    assert one("Member Services Representative", "Member Service Representative")
    assert one("Controller - Acme Robotics", "Controller")  # the employer's name is not the role
    assert one("Backend Software Engineer", "Backend Software Engineer - Fleet Dispatch")
    assert not one("Software Engineer II", "Software Engineer III")
    assert not one("Backend Software Engineer", "Frontend Software Engineer")


def test_one_title_with_another_teams_text_is_another_posting() -> None:
    other_team = (
        "Design and build the billing and invoicing services for our robot leasing customers. "
        "Work in Go and PostgreSQL with the finance systems team. Own integrations with payment "
        "providers and the ledger. Three or more years building backend systems."
    )
    ats = _copy("Backend Software Engineer", "Denver, CO")
    assert not _same(ats, _copy("Software Engineer, Backend", "Denver, CO", other_team))
    # A trimmed copy (an aggregator's first sentences) is the same posting ...
    trimmed = " ".join(LONG_TEXT.split()[:30])
    assert _same(ats, _copy("Backend Software Engineer (Hybrid)", "Denver, CO", trimmed))
    # ... and a one-line blurb is too short to tell: equal titles decide.
    assert _same(ats, _copy("Backend Software Engineer", "Denver", "Go and Postgres role."))


def test_long_texts_are_compared_on_the_hashes_both_sketches_hold() -> None:
    body = " ".join(f"word{i}" for i in range(900))  # far more word triples than a sketch keeps
    full = fingerprint(_copy("Data Engineer", "Denver", body))
    trimmed = fingerprint(
        _copy("Data Engineer - Analytics", "Denver", " ".join(body.split()[:300]))
    )
    assert len(full.shingles) == len(trimmed.shingles) == MAX_SHINGLES
    assert same_posting(full, trimmed)


def test_stored_fingerprints_keep_the_kind_and_old_ones_still_load() -> None:
    event = ParsedItem(url="https://x.example/e", title="Board meeting", kind="event")
    stored = fingerprint(event).to_json()
    assert Fingerprint.from_json(stored) == fingerprint(event)
    assert Fingerprint.from_json({k: v for k, v in stored.items() if k != "kind"}).kind == ""
    # An event stored before (a place, no kind) is still compared as an event: its block says
    # where it is.
    before = {**stored, "place": "ferry building"}
    del before["kind"]
    assert same_posting(fingerprint(event), Fingerprint.from_json(before))


def test_an_event_in_one_block_joins_a_reworded_title_but_not_another_event() -> None:
    def event(title: str, venue: str, text: str) -> ParsedItem:
        details = {"event": {"start": "2026-12-03T01:00:00+00:00", "venue": venue}}
        return ParsedItem(
            url=f"https://x.example/{title}",
            title=title,
            kind="event",
            summary=text,
            details=details,
        )

    calendar = event(
        "Scaling Postgres with Partitioning", "Galvanize Denver", "Talks on partitioning."
    )
    feed = event(
        "December Meetup: Scaling Postgres with Partitioning",
        "Galvanize Denver, 1062 Delaware St",  # the venue's address does not make another place
        "Pizza at 6, then talks.",
    )
    assert _same(calendar, feed)
    assert not _same(
        calendar, event("Rust Meetup: Async in Practice", "Galvanize Denver", "Talks.")
    )


def test_retry_after_reads_seconds_and_dates_and_ignores_oddities() -> None:
    assert retry_after_seconds("7200") == 7200
    assert (retry_after_seconds("Wed, 21 Oct 2099 07:28:00 GMT") or 0) > 0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0
    assert retry_after_seconds("²") is None  # a digit to str.isdigit, not to int()
    assert retry_after_seconds("9" * 5000) == 10**9
    assert retry_after_seconds("soon") is None
