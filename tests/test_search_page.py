"""The search page, rendered by the Flask app against a real Elasticsearch."""

from __future__ import annotations

from dataclasses import replace

from flask.testing import FlaskClient

from ground.settings import Settings
from mutual.local_site import LocalSite
from tests.helpers import run_mutual
from webapp import create_app


def _client(settings: Settings) -> FlaskClient:
    return create_app(settings, {"TESTING": True}).test_client()


def _load(settings: Settings, site: LocalSite) -> None:
    run_mutual(settings, "community", "add", "Society of Healthcare Accountants", "--slug", "shca")
    run_mutual(settings, "community", "add", "Riverside Alumni", "--slug", "riverside")
    run_mutual(settings, "source", "add", "shca", f"{site.base_url}/association/careers.rss")
    run_mutual(settings, "source", "add", "riverside", f"{site.base_url}/alumni/jobs.atom")
    run_mutual(settings, "crawl")
    run_mutual(settings, "index")


def test_results_show_highlights_and_every_community(catalog: Settings, site: LocalSite) -> None:
    _load(catalog, site)
    page = _client(catalog).get("/?q=revenue+cycle")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "1 result" in html
    assert "<mark>Revenue</mark> <mark>Cycle</mark> Director" in html
    assert '<span class="community">Society of Healthcare Accountants</span>' in html
    assert '<span class="community">Riverside Alumni</span>' in html


def test_markup_in_feeds_is_shown_as_text_never_run(catalog: Settings, site: LocalSite) -> None:
    _load(catalog, site)
    html = _client(catalog).get("/?q=reimbursement").get_data(as_text=True)
    # The feed's title 'Reimbursement Analyst <script>alert("title")</script>' is converted to
    # its words at ingest: no tag, not even escaped, and no script's content.
    assert "Analyst" in html and "alert(" not in html and "&lt;script" not in html
    assert "<script>" not in html
    everything = _client(catalog).get("/").get_data(as_text=True)
    assert "javascript:" not in everything and "onerror" not in everything


def test_empty_index_explains_what_to_do(catalog: Settings) -> None:
    html = _client(catalog).get("/").get_data(as_text=True)
    assert "Nothing is indexed yet" in html


def test_unreachable_elasticsearch_is_a_clear_503(catalog: Settings) -> None:
    closed = replace(catalog, es_hosts=("http://127.0.0.1:9",), es_request_timeout=2.0)
    page = _client(closed).get("/?q=anything")
    assert page.status_code == 503
    html = page.get_data(as_text=True)
    assert "Search is unavailable right now" in html
    assert "Traceback" not in html


def test_pages_carry_security_headers(catalog: Settings) -> None:
    page = _client(catalog).get("/")
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"


def test_healthz_answers_without_elasticsearch(catalog: Settings) -> None:
    closed = replace(catalog, es_hosts=("http://127.0.0.1:9",))
    assert _client(closed).get("/healthz").get_json() == {"status": "ok"}
