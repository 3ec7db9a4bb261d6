"""A demo that stays current (issue 24, point 1): `mutual demo` run today, or with its site's
"today" a year from now, still shows upcoming events and jobs posted in the last twenty days.

The crawler and Elasticsearch keep the real clock: a year ahead, the events are simply in the
future (none "this week" or "this month"), the calendar's occurrences lie past its horizon (180
days from the real now) and the posting that expired on the real today has not expired yet.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from ground.settings import Settings
from mutual.demo import demo_settings
from tests.helpers import run_mutual
from webapp import create_app


def _search(settings: Settings, **args: str) -> dict[str, Any]:
    client = create_app(settings, {"TESTING": True}).test_client()
    answer = client.get("/api/search", query_string={"size": 100, **args}).get_json()
    assert isinstance(answer, dict)
    return answer


def _demo_on(settings: Settings, today: date) -> Settings:
    result = run_mutual(
        settings, "demo", "--no-serve", "--site-port", "0", "--today", today.isoformat()
    )
    assert "items from" in result.stdout, result.stdout
    return demo_settings(settings)


def _check_current(demo: Settings, today: date, least: int, dated: int) -> list[dict[str, Any]]:
    """At least `least` of the demo's events are ahead of `today`, and at least `dated` of its
    jobs carry a posting date, each in the 20 days before it; returns the event hits."""
    events = _search(demo, kind="event")["hits"]
    starts: dict[str, datetime] = {}  # each event's first start (a series' next occurrence)
    for hit in events:
        if not (hit["event"] or {}).get("start"):
            continue  # a date given only in the text, when it is not read (issue 24, point 2)
        start = datetime.fromisoformat(hit["event"]["start"])
        starts[hit["title"]] = min(start, starts.get(hit["title"], start))
    midnight = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
    ahead = {title for title, start in starts.items() if midnight <= start}
    assert len(ahead) >= least, starts
    assert max(starts.values()) <= midnight + timedelta(days=90), starts  # the coming weeks
    assert {"Workshop: Forecasting with Python", "Hands-on workshop: your first dbt project"} <= {
        h["title"] for h in events
    }
    statuses = {h["title"]: (h["event"] or {}).get("status") for h in events}
    assert statuses["Hands-on workshop: your first dbt project"] == "moved-online"
    jobs = _search(demo, kind="job")["hits"]
    posted = [datetime.fromisoformat(h["published_at"]) for h in jobs if h["published_at"]]
    assert len(jobs) >= 10 and len(posted) >= dated, jobs
    assert all(midnight - timedelta(days=21) <= p <= midnight + timedelta(days=1) for p in posted)
    return list(events)


def _upcoming_counts(demo: Settings) -> dict[str, int]:
    facet = _search(demo, kind="event")["facets"].get("upcoming", [])
    return {value["value"]: value["count"] for value in facet}


@pytest.mark.sqlite_only
def test_the_demo_run_today_shows_upcoming_events_and_recent_jobs(settings: Settings) -> None:
    today = datetime.now(UTC).date()
    demo = _demo_on(settings, today)
    events = _check_current(demo, today, 5, 10)
    titles = {h["title"] for h in events}
    assert "Demo Night: five-minute demos from East Bay builders" in titles  # the calendar's
    assert "CANCELLED: Holiday Hack Day" not in titles  # cancelled events stay out
    assert "Winter mixer at the Ferry Building" not in titles
    assert _upcoming_counts(demo).get("month", 0) >= 3


@pytest.mark.sqlite_only
def test_the_demo_run_a_year_from_now_still_shows_upcoming_events(settings: Settings) -> None:
    today = datetime.now(UTC).date() + timedelta(days=365)
    demo = _demo_on(settings, today)
    # The calendar's occurrences lie past the crawler's horizon (the real clock's): the JSON-LD
    # events remain, each within the coming weeks of that today. The jobs are all listed, but the
    # crawler drops a posting date it finds in its own future, so none is dated.
    _check_current(demo, today, 2, 0)
    # A year ahead of the real clock, nothing is "this week" or "this month".
    assert _upcoming_counts(demo).get("month", 0) == 0
