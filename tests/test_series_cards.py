"""One card per recurring event on the results page (issue 24, point 4): a weekly meetup's
occurrences, crawled from a real calendar on the local site and indexed in a real
Elasticsearch, are one card at its next date with "also on ..." links, while the API and the
month view keep every occurrence."""

from __future__ import annotations

from parsel import Selector

from ground.settings import Settings
from mutual.local_site import LocalSite
from tests.helpers import run_mutual
from webapp import create_app

WEEKLY = "ChiPy Project Night"


def test_a_weekly_meetup_is_one_card_with_its_other_dates(
    catalog: Settings, site: LocalSite
) -> None:
    run_mutual(catalog, "community", "add", "Data Meetup", "--slug", "data")
    url = f"{site.base_url}/calendars/meetup-chipy.ics"
    run_mutual(catalog, "source", "add", "data", url, "--kind", "calendar")
    run_mutual(catalog, "crawl")
    run_mutual(catalog, "index")
    client = create_app(catalog, {"TESTING": True, "SECRET_KEY": "k"}).test_client()

    api = client.get("/api/search?kind=event&size=50").get_json()
    occurrences = [hit for hit in api["hits"] if hit["title"] == WEEKLY]
    assert len(occurrences) >= 4  # the API keeps every occurrence

    page = Selector(text=client.get("/?kind=event&sort=event_date").get_data(as_text=True))
    cards = page.css("ol.results > li.result")
    weekly = [c for c in cards if c.css("h2 a::text").get("") == WEEKLY]
    assert len(weekly) == 1
    card = weekly[0]
    first = card.css("time.when::attr(datetime)").get("")
    others = card.css(".also-on time::attr(datetime)").getall()
    assert len(others) == len(occurrences) - 1
    assert first and all(first < other for other in others)  # the card is the next one
    assert others == sorted(others)
    assert all(href.startswith("/items/") for href in card.css(".also-on a::attr(href)").getall())
    # Another event of the same calendar keeps its own card.
    assert any("Holiday Lightning Talks" in c.css("h2 a::text").get("") for c in cards)
