"""Fields that are text are text: markup a source puts in a title, a summary, an employer or a
place is converted at ingest (tags removed, script and style contents dropped, entities read),
for every kind of source, so no page, API answer, feed or mail can show or run it."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import feedparser
from flask.testing import FlaskClient

from catalog.accounts import add_user
from catalog.db import make_engine, session_factory, transaction
from catalog.records import ParsedItem
from catalog.saved_searches import add_saved_search, new_feed_token
from crawlers.enrich import enrich
from ground.settings import Settings
from mutual.local_site import LocalSite
from tests.helpers import run_mutual
from tests.web import PASSWORD
from webapp import create_app

HOSTILE = '<div>safe<script>alert("x")</script><style>p{}</style> description</div>'
ESCAPED = HOSTILE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
FEED = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Board</title>
<item><title>{ESCAPED}</title><link>{{{{BASE}}}}/jobs/1</link>
<description>{ESCAPED}</description><author>x@example.org (&lt;b&gt;Ann&lt;/b&gt;)</author></item>
</channel></rss>
"""


def test_every_text_field_loses_its_markup_and_keeps_its_words() -> None:
    item = enrich(
        ParsedItem(
            url="https://x.org/1",
            title=HOSTILE,
            summary="Tom &amp; Jerry <b>bold</b> &lt;i&gt;",
            organisation="<i>Acme</i> &amp; Co",
            location="<span>Denver</span>, CO",
            tags=("<b>Director</b>",),
            details={"author": "<a href='javascript:x'>Ann</a>", "event": {"venue": "<p>Hall</p>"}},
        )
    )
    assert item.title == "safe description"
    assert item.summary == "Tom & Jerry bold"
    assert (item.organisation, item.location) == ("Acme & Co", "Denver, CO")
    assert item.tags == ("Director",)
    assert item.details["author"] == "Ann" and item.details["event"]["venue"] == "Hall"
    assert enrich(item) == item  # converting text again changes nothing


def test_a_literal_less_than_sign_stays() -> None:
    assert enrich(ParsedItem(url="https://x.org/1", title="A < B and C > D")).title == (
        "A < B and C > D"
    )


def _saved_search_feed(settings: Settings) -> str:
    engine = make_engine(settings.resolved_database_url)
    with transaction(session_factory(engine)) as session:
        user = add_user(session, "owner@example.org", PASSWORD)
        saved = add_saved_search(session, user.id, "", urlencode({"q": ""}), "instant")
        token = new_feed_token(saved)
    engine.dispose()
    return token


def test_a_feed_title_with_markup_is_shown_as_its_words_everywhere(
    catalog: Settings, site: LocalSite
) -> None:
    (Path(site.root) / "hostile.rss").write_text(FEED)
    run_mutual(catalog, "community", "add", "Board", "--slug", "board")
    run_mutual(catalog, "source", "add", "board", f"{site.base_url}/hostile.rss", "--kind", "feed")
    run_mutual(catalog, "crawl")
    run_mutual(catalog, "index")
    client: FlaskClient = create_app(catalog, {"TESTING": True}).test_client()
    page = client.get("/?q=safe").get_data(as_text=True)
    assert "safe description" in page.replace("<mark>", "").replace("</mark>", "")
    assert "&lt;" not in page and "alert(" not in page
    hits = client.get("/api/search?q=safe").get_json()["hits"]
    assert [hit["title"] for hit in hits] == ["safe description"]
    text = {k: v for k, v in hits[0].items() if not k.endswith("_html")}  # *_html: highlights
    assert "<" not in json.dumps(text) and "alert(" not in json.dumps(hits)
    atom = feedparser.parse(client.get(f"/feeds/{_saved_search_feed(catalog)}.atom").data)
    assert [entry.title for entry in atom.entries] == ["safe description"]
