"""A calendar's items are events unless told otherwise: the same default for `mutual source
test`, `mutual source add`, a manifest and the manage page (catalog.sources.default_item_kind)."""

from __future__ import annotations

import json

from ground.settings import Settings
from mutual.local_site import LocalSite
from tests.helpers import run_mutual


def test_testing_a_calendar_announces_events(catalog: Settings, site: LocalSite) -> None:
    url = f"{site.base_url}/calendars/meetup-chipy.ics"
    result = run_mutual(catalog, "source", "test", url, "--kind", "calendar")
    assert "calendar of events" in result.stdout, result.stdout
    preview = json.loads(
        run_mutual(catalog, "source", "test", url, "--kind", "calendar", "--json").stdout
    )
    assert preview["item_kind"] == "event"
    assert preview["items"] and {item["kind"] for item in preview["items"]} == {"event"}


def test_adding_a_calendar_makes_a_source_of_events(catalog: Settings, site: LocalSite) -> None:
    run_mutual(catalog, "community", "add", "Data Meetup", "--slug", "data")
    url = f"{site.base_url}/calendars/meetup-chipy.ics"
    added = run_mutual(catalog, "source", "add", "data", url, "--kind", "calendar")
    assert "calendar of events" in added.stdout, added.stdout
    listed = json.loads(run_mutual(catalog, "source", "list", "--json").stdout)
    assert [row["item_kind"] for row in listed] == ["event"]


def test_a_calendar_told_otherwise_keeps_what_it_was_told(
    catalog: Settings, site: LocalSite
) -> None:
    url = f"{site.base_url}/calendars/meetup-chipy.ics"
    told = run_mutual(catalog, "source", "test", url, "--kind", "calendar", "--item-kind", "job")
    assert "calendar of jobs" in told.stdout, told.stdout
