"""A saved search's hits rendered as an Atom feed and as an iCalendar feed of its events.

The web app serves them at the feed's private address (webapp/alert_feeds.py); the rendering is
the alerts floor's, like the e-mail and webhook bodies, so every channel lives in one place.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from feedgen.feed import FeedGenerator
from icalendar import Calendar

from alerts.ics import EventFields, day_or_time, vevent
from indexer.event_times import instant
from indexer.hits import Hit

PRODID = "-//Mutual//Saved searches//EN"
UID_DOMAIN = "mutual"  # subscribed calendars know the events by these UIDs: keep them


def atom_feed(title: str, self_url: str, hits: list[Hit], now: datetime) -> bytes:
    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(title)
    feed.link(href=self_url, rel="self")
    feed.updated(now)
    for hit in reversed(hits):  # feedgen puts each new entry first
        entry = feed.add_entry()
        entry.id(f"urn:mutual:item:{hit.id}")
        entry.title(hit.title)
        entry.link(href=hit.url)
        entry.summary(str(hit.snippet_html.striptags()) or hit.title)
        entry.updated(instant(hit.published_at) or now)
        for community in hit.seen_in:
            entry.category(term=community)
    body: bytes = feed.atom_str(pretty=True)
    return body


def _feed_fields(hit: Hit) -> EventFields | None:
    """A feed's event says only what is known: no end, location or status is made up."""
    start = instant(hit.event.start if hit.event else None)
    if start is None or hit.event is None:
        return None
    end = instant(hit.event.end)
    return EventFields(
        uid=f"{hit.id}@{UID_DOMAIN}",
        start=day_or_time(start, hit.event.all_day),
        end=day_or_time(end, hit.event.all_day) if end is not None and end > start else None,
        description=str(hit.snippet_html.striptags()),
        location=hit.event.venue or hit.location or None,
        status="CANCELLED" if hit.event.status == "cancelled" else None,
    )


def icalendar_feed(name: str, hits: list[Hit], not_before: date) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for hit in hits:
        fields = _feed_fields(hit)
        if fields is not None and _starts_on_or_after(fields, not_before):
            calendar.add_component(vevent(hit, fields))
    body: bytes = calendar.to_ical()
    return body


def _starts_on_or_after(fields: EventFields, day: date) -> bool:
    """Whether the event starts on `day` or later, all-day and timed events alike."""
    if isinstance(fields.start, datetime):
        return fields.start >= datetime(day.year, day.month, day.day, tzinfo=UTC)
    return fields.start is not None and fields.start >= day
