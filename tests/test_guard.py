"""Server-side request forgery: URLs pointing inside the network are refused before connecting."""

import pytest

from crawlers.guard import UnsafeURL, check_url

HOSTILE = [
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.5/",
    "http://192.168.1.1/admin",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://2130706433/",
    "http://0x7f.1/",
    "http://0177.0.0.1/",
    "http://0.0.0.0/",
    "http://127.0.0.1:9200/_cat/indices",
    "file:///etc/passwd",
    "ftp://ftp.example.org/jobs.rss",
    "data:text/html,<script>alert(1)</script>",
    "gopher://127.0.0.1:25/",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_hostile_urls_are_refused(url: str) -> None:
    with pytest.raises(UnsafeURL):
        check_url(url, allow_loopback=False)


def test_loopback_is_allowed_only_when_the_setting_says_so() -> None:
    check_url("http://127.0.0.1:8001/feed.rss", allow_loopback=True)
    check_url("http://[::1]:8001/feed.rss", allow_loopback=True)
    with pytest.raises(UnsafeURL):
        check_url("http://10.0.0.5/", allow_loopback=True)
    with pytest.raises(UnsafeURL):
        check_url("http://169.254.169.254/", allow_loopback=True)


def test_public_urls_pass() -> None:
    check_url("https://jobs.example.org/feed.rss")
    check_url("http://93.184.215.14/feed")
