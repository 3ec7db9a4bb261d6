"""Events whose date is only in their words ("Thursday 10 December, 6pm, online") get their
start from the text, in the source's zone and language, through the real crawl and index; an
event whose text gives no single date keeps no start, says "date not given" and stays out of
the upcoming filter."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask.testing import FlaskClient
from parsel import Selector

from bench.event_text_dates import DATA, load_cases, verdict
from crawlers.enrichment.event_text_dates import read_start
from crawlers.source_options import InvalidOptions, parse_options
from ground.settings import Settings
from mutual.local_site import LocalSite
from tests.helpers import run_mutual
from webapp import create_app

FRENCH_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
FRENCH_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def _english(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B}"


def _french(day: date) -> str:
    return f"{FRENCH_DAYS[day.weekday()]} {day.day} {FRENCH_MONTHS[day.month - 1]}"


def _write_feeds(root: Path, today: date) -> dict[str, str]:
    """The fixture feeds dated from `today`; the starts their texts give, in UTC ISO."""
    soon, later, french = (today + timedelta(days=n) for n in (3, 5, 4))
    words = {
        "{{PUBLISHED}}": format_datetime(
            datetime.combine(today - timedelta(days=2), time(12), tzinfo=UTC)
        ),
        "{{SOON}}": _english(soon),
        "{{LATER}}": _english(later),
        "{{SOON_DAY}}": f"{soon.day} {soon:%B}",
        "{{LATER_DAY}}": f"{later.day} {later:%B}",
        "{{SOON_FR}}": _french(french),
    }
    for name in ("text-dates.rss", "text-dates-fr.rss"):
        path = root / "meetup" / name
        body = path.read_text(encoding="utf-8")
        for placeholder, value in words.items():
            body = body.replace(placeholder, value)
        path.write_text(body, encoding="utf-8")
    paris = datetime.combine(french, time(19), tzinfo=ZoneInfo("Europe/Paris"))
    return {
        "Hands-on: dbt for analysts": datetime.combine(soon, time(18), tzinfo=UTC).isoformat(),
        "Lightning talks night": datetime.combine(later, time(18, 30), tzinfo=UTC).isoformat(),
        "Apéro data": paris.astimezone(UTC).isoformat(),
    }


def _page(client: FlaskClient, path: str) -> Selector:
    response = client.get(path)
    assert response.status_code == 200, path
    return Selector(text=response.get_data(as_text=True))


def _cards(page: Selector) -> dict[str, Selector]:
    return {" ".join(c.css("h2 a ::text").getall()).strip(): c for c in page.css("li.result")}


@pytest.mark.sqlite_only  # page rendering; the catalog path is proven elsewhere
def test_upcoming_finds_events_dated_in_words_and_not_the_undated(
    catalog: Settings, site: LocalSite
) -> None:
    expected = _write_feeds(Path(site.root), datetime.now(UTC).date())
    run_mutual(catalog, "community", "add", "Denver Data", "--slug", "denver")
    base = f"{site.base_url}/meetup"
    run_mutual(catalog, "source", "add", "denver", f"{base}/text-dates.rss", "--item-kind", "event")
    run_mutual(
        catalog,
        "source",
        "add",
        "denver",
        f"{base}/text-dates-fr.rss",
        "--item-kind",
        "event",
        "--option",
        "timezone=Europe/Paris",
    )
    run_mutual(catalog, "crawl")
    run_mutual(catalog, "index")
    client = create_app(catalog, {"TESTING": True}).test_client()

    upcoming = _cards(_page(client, "/?kind=event&upcoming=week"))
    assert sorted(upcoming) == sorted(expected)
    for title, start in expected.items():
        assert upcoming[title].css(".when::attr(datetime)").get() == start, title

    every = _cards(_page(client, "/?kind=event"))
    assert len(every) == 5
    for title in ("Data hiring mixer", "Mentoring sessions"):
        assert " ".join(every[title].css(".when ::text").getall()) == "date not given"


def test_the_labelled_set_has_no_wrong_start() -> None:
    """The bench's main set (bench/data/event_texts.jsonl): a start read is never a wrong one."""
    outcomes = [verdict(case)[0] for case in load_cases(DATA)]
    assert len(outcomes) >= 100
    assert outcomes.count("wrong") == 0
    assert outcomes.count("absent") <= len(outcomes) // 20


@pytest.mark.parametrize(
    ("text", "language", "zone", "start"),
    [
        ("Doors 6:30, talks 7pm. Thursday 10 December", "en", "UTC", "2026-12-10T18:30:00+00:00"),
        ("Jeudi 10 décembre, 18h30", "fr", "Europe/Paris", "2026-12-10T17:30:00+00:00"),
        ("Donnerstag, 10. Dezember, 19 Uhr", "de", "Europe/Berlin", "2026-12-10T18:00:00+00:00"),
        ("Jueves 10 de diciembre, 19:00", "es", "Europe/Madrid", "2026-12-10T18:00:00+00:00"),
        ("10-12 December, 9am-5pm", "en", "UTC", "2026-12-10T09:00:00+00:00"),
        ("Join us 6-8pm, next Thursday", "en", "UTC", "2026-11-26T18:00:00+00:00"),
        ("Pick 10 December or 17 December", "en", "UTC", None),
        ("Every Thursday 6pm", "en", "UTC", None),
        ("Sunday 10 December, 6pm", "en", "UTC", None),  # 10 December 2026 is a Thursday
    ],
)
def test_a_start_read_from_words(text: str, language: str, zone: str, start: str | None) -> None:
    published = datetime(2026, 11, 19, 17, tzinfo=UTC)  # a Thursday
    found = read_start(text, published, zone, language)
    assert (found.start.isoformat() if found else None) == start


def test_a_feed_source_takes_a_time_zone_and_a_language() -> None:
    options = parse_options("feed", ("timezone=Europe/Paris", "language=fr"))
    assert options == {"timezone": "Europe/Paris", "language": "fr"}
    with pytest.raises(InvalidOptions, match="time zone"):
        parse_options("feed", ("timezone=Mars/Olympus",))
    with pytest.raises(InvalidOptions, match="unknown feed option"):
        parse_options("feed", ("zone=UTC",))
