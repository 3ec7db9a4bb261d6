"""Feeds built to hurt the parser or the stores behind it (docs/hostile-inputs-coverage.md,
classes 9 to 11): entity bombs, external entities and DTDs are neutralised in the feed parser
as they are in sitemaps and OPML; a feed that lies about its encoding keeps its accents and
says so on its source; and a feed full of control characters, direction overrides and a
megabyte title is crawled, stored and indexed, and found by its words."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
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
    started = time.process_time()  # CPU spent, however busy the machine
    result = feeds.parse(
        "https://x.org/f.rss", _rss(f"<!DOCTYPE rss [{entities}]>", "&j;"), now=NOW
    )
    assert time.process_time() - started < 1
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


LATIN1 = '<?xml version="1.0" encoding="ISO-8859-1"?>'


def _feed(declaration: str, title: str) -> str:
    return (
        f'{declaration}<rss version="2.0"><channel><title>Jobs</title><item><title>{title}'
        "</title><link>https://x.org/1</link></item></channel></rss>"
    )


@pytest.mark.parametrize(
    ("body", "content_type", "title", "warned"),
    [
        # Declared Latin-1, written in UTF-8 with two invalid bytes.
        (
            _feed(LATIN1, "Café Zürich").encode().replace(b"rich", b"r\xff\xfeich"),
            None,
            "Café Zür\ufffd\ufffdich",
            "declares iso-8859-1 but is written in UTF-8; 2 invalid",
        ),
        # Declared UTF-8 by the server, one invalid byte among good ones.
        (
            _feed("", "Café Zürich \xe9").encode().replace(b"\xc3\xa9<", b"\xe9<"),
            "application/rss+xml; charset=utf-8",
            "Café Zürich \ufffd",
            "not valid UTF-8: 1",
        ),
        # The server says Latin-1, the bytes are UTF-8.
        (
            _feed("", "Café Zürich").encode(),
            "text/xml; charset=ISO-8859-1",
            "Café Zürich",
            "declares iso-8859-1",
        ),
        # Truthful Latin-1 and UTF-16 with its mark are read as they say, with nothing to note.
        (_feed(LATIN1, "Café Zürich").encode("latin-1"), None, "Café Zürich", None),
        (
            _feed('<?xml version="1.0" encoding="utf-16"?>', "Café Zürich").encode("utf-16"),
            None,
            "Café Zürich",
            None,
        ),
    ],
)
def test_a_feed_that_lies_about_its_encoding_keeps_its_accents_and_says_so(
    body: bytes, content_type: str | None, title: str, warned: str | None
) -> None:
    result = feeds.parse("https://x.org/f.rss", body, now=NOW, content_type=content_type)
    assert [item.title for item in result.items] == [title]
    if warned:
        assert any(warned in w for w in result.warnings), result.warnings
    else:
        assert result.warnings == (), result.warnings


def test_the_lie_is_noted_on_the_source_and_the_words_are_found(
    catalog: Settings, site: LocalSite
) -> None:
    body = _feed(LATIN1, "Café Zürich Controller").replace(
        "</channel>",
        (f"<item><title>Bookkeeper</title><link>{site.base_url}/jobs/2</link></item></channel>"),
    )
    headers = {"Content-Type": "application/rss+xml; charset=ISO-8859-1"}
    site.raw["/lying.rss"] = (body.encode(), headers)
    run_mutual(catalog, "community", "add", "Board", "--slug", "board")
    run_mutual(catalog, "source", "add", "board", f"{site.base_url}/lying.rss", "--kind", "feed")
    assert "2 new items" in run_mutual(catalog, "crawl").stdout
    run_mutual(catalog, "index")
    row = json.loads(run_mutual(catalog, "source", "list", "--json").stdout)[0]
    assert "declares iso-8859-1 but is written in UTF-8" in (row["last_error"] or ""), row
    client: FlaskClient = create_app(catalog, {"TESTING": True}).test_client()
    hits = client.get("/api/search?q=zürich").get_json()["hits"]
    assert [hit["title"] for hit in hits] == ["Café Zürich Controller"]
