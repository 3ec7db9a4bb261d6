"""A feed with no entries today is a healthy source with nothing in it, not a failure: a job
board with no openings is still a job board. Mutual trusts what the parser recognised (an RSS
or Atom root), not whether the channel happens to have a title."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawlers.feeds import NotAFeed, parse
from ground.settings import Settings
from mutual.local_site import LocalSite
from tests.helpers import run_mutual

EMPTY = {
    "rss": b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>',
    "atom": b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>',
    "rdf": (
        b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        b' xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x"></channel></rdf:RDF>'
    ),
}


@pytest.mark.parametrize("syntax", sorted(EMPTY))
def test_an_empty_feed_parses_to_no_items(syntax: str) -> None:
    result = parse("https://jobs.example.org/feed", EMPTY[syntax])
    assert result.items == []


@pytest.mark.parametrize(
    "body", [b"<html><body><p>Our jobs</p></body></html>", b"plain words", b""]
)
def test_what_is_no_feed_at_all_is_still_refused(body: bytes) -> None:
    with pytest.raises(NotAFeed):
        parse("https://jobs.example.org/feed", body)


def test_a_board_with_no_openings_today_is_healthy(catalog: Settings, site: LocalSite) -> None:
    root = Path(site.root)
    (root / "empty-board.rss").write_bytes(EMPTY["rss"])
    run_mutual(catalog, "community", "add", "Quiet Guild", "--slug", "quiet")
    run_mutual(
        catalog, "source", "add", "quiet", f"{site.base_url}/empty-board.rss", "--kind", "feed"
    )
    crawl = run_mutual(catalog, "crawl", "--all", check=False)
    assert crawl.returncode == 0, crawl.stdout + crawl.stderr
    (row,) = json.loads(run_mutual(catalog, "source", "list", "--json").stdout)
    assert row["health"] == "ok", row
