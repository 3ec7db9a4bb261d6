"""Feeds built to hurt the parser or the stores behind it (docs/hostile-inputs-coverage.md,
classes 9 and 11): entity bombs, external entities and DTDs are neutralised in the feed parser
as they are in sitemaps and OPML; and a feed full of control characters, direction overrides
and a megabyte title is crawled, stored and indexed, and found by its words."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

from flask.testing import FlaskClient

from crawlers import feeds
from ground.settings import Settings
from mutual.local_site import LocalSite
from tests.helpers import run_mutual
from webapp import create_app

NOW = datetime(2026, 12, 1, tzinfo=UTC)
SECRET = "s3cr3t-file-content"


def _rss(doctype: str, title: str, extra: str = "") -> bytes:
    return (
        f'<?xml version="1.0"?>{doctype}<rss version="2.0"><channel><title>Jobs</title>'
        f"<item><title>{title}</title><link>https://x.org/1</link>{extra}</item>"
        "<item><title>Fine</title><link>https://x.org/2</link></item></channel></rss>"
    ).encode()


def test_billion_laughs_in_a_feed_is_neutralised_within_a_second() -> None:
    entities = '<!ENTITY a "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(9)
    )
    started = time.monotonic()
    result = feeds.parse(
        "https://x.org/f.rss", _rss(f"<!DOCTYPE rss [{entities}]>", "&j;"), now=NOW
    )
    assert time.monotonic() - started < 1
    assert "Fine" in [item.title for item in result.items]
    assert all(len(item.title) < 100 and "lollol" not in item.title for item in result.items)


def test_external_entities_and_dtds_in_a_feed_are_never_read_or_fetched(
    site: LocalSite, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    (Path(site.root) / "evil.dtd").write_text(f'<!ENTITY leak SYSTEM "file://{secret}">')
    doctype = (
        f'<!DOCTYPE rss SYSTEM "{site.base_url}/evil.dtd" ['
        f'<!ENTITY file SYSTEM "file://{secret}">'
        f'<!ENTITY web SYSTEM "{site.base_url}/remote.txt">'
        f'<!ENTITY % param SYSTEM "{site.base_url}/param.dtd"> %param;]>'
    )
    body = _rss(doctype, "Analyst &file; &web;", "<description>&file;&leak;</description>")
    result = feeds.parse("https://x.org/f.rss", body, now=NOW)
    everything = json.dumps([item.__dict__ for item in result.items], default=str)
    assert SECRET not in everything and SECRET not in " ".join(result.warnings)
    assert "Fine" in [item.title for item in result.items]
    assert [r.path for r in site.requests] == []  # no DTD, entity or parameter entity fetched


def _hostile_feed(base: str) -> str:
    title = "Payroll\x01 \u202egnitnuocca\u202c Lead \x1b[31m" + " Lead" * 200_000  # one megabyte
    summary = "Pays well\x00 and \x07rings\ud800 no bell \u2066isolated\u2069"
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Board</title>'
        f"<item><title>{title}</title><link>{base}/jobs/1</link>"
        f"<description>{summary}</description></item>"
        f"<item><title>Bookkeeper</title><link>{base}/jobs/2</link></item></channel></rss>"
    )


def test_control_characters_and_a_megabyte_title_are_stored_indexed_and_found(
    catalog: Settings, site: LocalSite
) -> None:
    text = _hostile_feed(site.base_url)
    (Path(site.root) / "hostile.rss").write_bytes(text.encode("utf-8", "surrogatepass"))
    run_mutual(catalog, "community", "add", "Board", "--slug", "board")
    run_mutual(catalog, "source", "add", "board", f"{site.base_url}/hostile.rss", "--kind", "feed")
    crawl = run_mutual(catalog, "crawl", check=False)
    assert crawl.returncode == 0, crawl.stdout + crawl.stderr
    assert "2 new items" in crawl.stdout, crawl.stdout
    index = run_mutual(catalog, "index", check=False)
    assert index.returncode == 0, index.stdout + index.stderr
    client: FlaskClient = create_app(catalog, {"TESTING": True}).test_client()
    hits = client.get("/api/search?q=payroll").get_json()["hits"]
    assert len(hits) == 1, hits
    title = hits[0]["title"]
    assert title.startswith("Payroll") and len(title) <= 500
    shown = json.dumps(hits[0])  # the highlights too: escaping would not hide these
    for bad in ("\\u0000", "\\u0001", "\\u0007", "\\u001b", "\\u202e", "\\u2066", "\\ud800"):
        assert bad not in shown, bad
    page = client.get("/?q=payroll").get_data(as_text=True)
    assert "\u202e" not in page and "\x00" not in page
    assert client.get("/api/search?q=bookkeeper").get_json()["total"] == 1
