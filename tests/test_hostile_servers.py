"""Servers that lie, never finish, never answer or redirect where a crawler must not go
(docs/hostile-inputs-coverage.md, classes 3 to 7): each costs only its own source, which records
why, and every other source is crawled as usual. The servers are raw sockets on 127.0.0.1,
since no well-behaved HTTP server can be made to misbehave this way."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import brotli  # type: ignore[import-untyped]  # brotli ships no type information
import pytest
from sqlalchemy import func, select

from catalog.db import make_engine, session_factory
from catalog.models.items import Item
from ground.settings import Settings
from mutual.local_site import LocalSite
from tests.helpers import run_mutual

HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nConnection: close\r\n"
START = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Trap</title>'


def _lying_length(connection: socket.socket) -> None:
    connection.sendall(HEAD + b"Content-Length: 5000000000\r\n\r\n" + START)
    time.sleep(30)  # the rest never comes


def _endless(connection: socket.socket) -> None:
    connection.sendall(HEAD + b"Transfer-Encoding: chunked\r\n\r\n")
    item = b"<item><title>Job</title><link>https://x.example/j</link></item>" * 100
    chunk = b"%x\r\n%s\r\n" % (len(item), item)
    while True:  # until the client hangs up
        connection.sendall(chunk)


def _silent(_connection: socket.socket) -> None:
    time.sleep(60)  # accepts, reads nothing, answers nothing


@pytest.fixture
def raw_server() -> Iterator[Callable[[Callable[[socket.socket], None]], str]]:
    """Start servers on 127.0.0.1 answering every connection with a behaviour; gives their URL."""
    listeners: list[socket.socket] = []

    def serve(behaviour: Callable[[socket.socket], None]) -> str:
        listener = socket.create_server(("127.0.0.1", 0))
        listeners.append(listener)

        def handle(connection: socket.socket) -> None:
            with connection:
                connection.recv(65536)  # the request
                try:
                    behaviour(connection)
                except OSError:
                    return  # the client gave up, as it should

        def accept() -> None:
            while True:
                try:
                    connection, _ = listener.accept()
                except OSError:
                    return
                threading.Thread(target=handle, args=(connection,), daemon=True).start()

        threading.Thread(target=accept, daemon=True).start()
        return f"http://127.0.0.1:{listener.getsockname()[1]}/feed.rss"

    yield serve
    for listener in listeners:
        listener.close()


def _sources(settings: Settings) -> dict[str, dict]:  # type: ignore[type-arg]
    rows = json.loads(run_mutual(settings, "source", "list", "--json").stdout)
    return {row["url"]: row for row in rows}


def _item_count(settings: Settings) -> int:
    engine = make_engine(settings.resolved_database_url)
    with session_factory(engine)() as session:
        count = session.scalar(select(func.count()).select_from(Item)) or 0
    engine.dispose()
    return count


def _crawl_beside_a_good_feed(settings: Settings, site: LocalSite, trap: str) -> dict[str, dict]:  # type: ignore[type-arg]
    """Crawl `trap` and a good feed in one run: the good one's 2 items, nothing of the trap."""
    good = f"{site.base_url}/alumni/jobs.atom"
    run_mutual(settings, "community", "add", "Trap", "--slug", "trap")
    for url in (trap, good):
        run_mutual(settings, "source", "add", "trap", url, "--kind", "feed")
    started = time.monotonic()
    crawl = run_mutual(settings, "crawl", check=False)
    assert crawl.returncode == 3, crawl.stdout + crawl.stderr
    assert time.monotonic() - started < 60
    assert "1 fetched, 0 not modified, 1 failed; 2 new items" in crawl.stdout, crawl.stdout
    assert _item_count(settings) == 2  # the good feed's, and no partial item of the trap
    rows = _sources(settings)
    assert rows[good]["last_error"] in (None, ""), rows[good]
    assert rows[trap]["failures"] == 1 and rows[trap]["next_fetch"], rows[trap]
    return rows


def test_a_length_of_five_gigabytes_is_refused_at_the_cap(
    catalog: Settings, site: LocalSite, raw_server: Callable[..., str]
) -> None:
    trap = raw_server(_lying_length)
    rows = _crawl_beside_a_good_feed(replace(catalog, crawl_timeout=20), site, trap)
    assert "larger than download max size" in rows[trap]["last_error"], rows[trap]


def test_a_body_that_never_ends_is_cut_at_the_cap(
    catalog: Settings, site: LocalSite, raw_server: Callable[..., str]
) -> None:
    small = replace(catalog, crawl_max_bytes=1_000_000, crawl_timeout=20)
    trap = raw_server(_endless)
    rows = _crawl_beside_a_good_feed(small, site, trap)
    assert "grew larger than download max size" in rows[trap]["last_error"], rows[trap]


def test_a_server_that_never_answers_is_cut_off_at_the_deadline(
    catalog: Settings, site: LocalSite, raw_server: Callable[..., str]
) -> None:
    trap = raw_server(_silent)
    rows = _crawl_beside_a_good_feed(replace(catalog, crawl_timeout=3), site, trap)
    assert "took longer than 3" in rows[trap]["last_error"], rows[trap]


def test_a_brotli_bomb_is_aborted_at_the_decompressed_cap(
    catalog: Settings, site: LocalSite
) -> None:
    small = replace(catalog, crawl_max_bytes=1_000_000)
    bomb = brotli.compress(START + b" " * 50_000_000)
    assert len(bomb) < 100_000
    headers = {"Content-Type": "application/rss+xml", "Content-Encoding": "br"}
    site.raw["/bomb.rss"] = (bomb, headers)
    trap = f"{site.base_url}/bomb.rss"
    rows = _crawl_beside_a_good_feed(small, site, trap)
    assert "during decompression" in rows[trap]["last_error"], rows[trap]


@pytest.mark.parametrize(
    "target",
    [
        "file:///etc/passwd",
        "ftp://127.0.0.1/jobs.rss",
        "data:application/rss+xml,<rss><channel><item><title>Forged</title></item></channel></rss>",
        "s3://bucket/jobs.rss",
    ],
)
def test_a_redirect_off_the_web_is_refused_and_the_url_kept(
    catalog: Settings, site: LocalSite, target: str
) -> None:
    (Path(site.root) / "moved.rss").write_text("placeholder")
    site.redirects["/moved.rss"] = target
    trap = f"{site.base_url}/moved.rss"
    rows = _crawl_beside_a_good_feed(catalog, site, trap)
    assert rows[trap]["url"] == trap
    assert rows[trap]["last_error"], rows[trap]
    assert "root:" not in json.dumps(rows)  # nothing of /etc/passwd anywhere
