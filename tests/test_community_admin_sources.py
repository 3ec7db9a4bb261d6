"""Managing a community's sources in the web app: add, test-fetch, remove; manifest and OPML."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from elasticsearch import Elasticsearch
from parsel import Selector
from sqlalchemy import select

from catalog.accounts import add_user
from catalog.communities import add_community
from catalog.credentials import Credentials
from catalog.db import upgrade_schema
from catalog.models.sources import Source
from catalog.sources import add_source
from ground.settings import Settings, settings_environ
from indexer.names import IndexNames
from mutual.cli import cli
from mutual.local_site import LocalSite
from tests.community_admin_world import PASSWORD, Browser, _people, _text
from tests.helpers import catalog_session, run_mutual

pytestmark = pytest.mark.sqlite_only


def test_sources_are_added_paused_resumed_and_removed(catalog: Settings, site: LocalSite) -> None:
    _people(catalog)
    alice = Browser(catalog).sign_in("alice@example.org")
    url = f"{site.base_url}/association/careers.rss"
    added = alice.submit(
        "/c/shca/manage",
        "#source-form",
        "add",
        url=url,
        kind="feed",
        item_kind="job",
        access="members",
        title="Career Centre",
    )
    assert "added: feed of jobs" in _text(added)
    with catalog_session(catalog) as session:
        source = session.scalar(select(Source))
        assert source is not None and (source.access, source.kind) == ("members", "feed")
        source_id = source.id
    assert not site.requests_for("/association/careers.rss")  # a given kind fetches nothing
    _, page = alice.get("/c/shca/manage")
    row = page.css(f"#source-{source_id}")
    assert row.css(".health::text").get() == "never"
    assert row.css(".source-access::text").get() == "members only"

    alice.submit("/c/shca/manage", f"#source-{source_id} form[action$='/pause']")
    _, page = alice.get("/c/shca/manage")
    assert page.css(f"#source-{source_id} .health::text").get() == "paused"
    alice.submit("/c/shca/manage", f"#source-{source_id} form[action$='/resume']")
    removed = alice.submit("/c/shca/manage", f"#source-{source_id} form[action$='/remove']")
    assert f"Source #{source_id} removed" in _text(removed)
    with catalog_session(catalog) as session:
        assert session.scalar(select(Source)) is None

    duplicate = alice.submit("/c/shca/manage", "#source-form", "add", url="ftp://x", kind="feed")
    assert duplicate.status_code == 400  # not an http(s) address


def test_test_fetch_previews_the_feed_and_auto_add_uses_what_it_found(
    catalog: Settings, site: LocalSite
) -> None:
    _people(catalog)
    alice = Browser(catalog).sign_in("alice@example.org")
    preview = alice.submit(
        "/c/shca/manage",
        "#source-form",
        "test",
        url=f"{site.base_url}/association/careers.rss",
        kind="auto",
    )
    page = Selector(text=preview.get_data(as_text=True))
    titles = page.css("#preview .preview-title a::text").getall()
    assert titles[0] == "Revenue Cycle Director" and "Staff Accountant" in titles
    assert len(titles) == 3
    assert page.css("#preview-kind::text").get() == "feed"
    assert '<script>alert("title")' not in preview.get_data(as_text=True)  # escaped
    with catalog_session(catalog) as session:
        assert session.scalar(select(Source)) is None  # a test fetch writes nothing

    failed = alice.submit(
        "/c/shca/manage", "#source-form", "test", url=f"{site.base_url}/not-a-feed.html"
    )
    error = " ".join(
        Selector(text=failed.get_data(as_text=True)).css("#preview-error ::text").getall()
    )
    assert "found no feed" in error

    added = alice.submit(
        "/c/shca/manage", "#source-form", "add", url=f"{site.base_url}/crawl/home.html"
    )
    assert "added: feed of jobs" in _text(added)
    with catalog_session(catalog) as session:
        source = session.scalar(select(Source))
        assert source is not None and source.url == f"{site.base_url}/association/careers.rss"


def _mutual(settings: Settings, *args: str) -> None:
    """`mutual ARGS` in this process, for commands that start no crawl."""
    result = CliRunner().invoke(cli, list(args), env=settings_environ(settings))
    assert result.exit_code == 0, result.output


def _index_ids(es_client: Elasticsearch, settings: Settings) -> dict[str, list[str]]:
    """Each indexed document's id with its communities."""
    alias = IndexNames(settings.index_prefix).alias
    es_client.indices.refresh(index=alias)
    hits = es_client.search(index=alias, size=100, query={"match_all": {}})["hits"]["hits"]
    return {hit["_id"]: sorted(hit["_source"]["communities"]) for hit in hits}


def test_removing_a_source_drops_what_it_alone_carried_from_the_index(
    catalog: Settings, site: LocalSite, es_client: Elasticsearch
) -> None:
    _people(catalog)
    url = f"{site.base_url}/association/careers.rss"
    with catalog_session(catalog) as session:
        add_community(session, "Riverside Alumni", slug="riverside")
        shca_source = add_source(session, "shca", url).id
        riverside_source = add_source(session, "riverside", url).id
    run_mutual(catalog, "crawl")
    _mutual(catalog, "index")
    before = _index_ids(es_client, catalog)
    assert len(before) == 3 and all(c == ["riverside", "shca"] for c in before.values())

    operator = Browser(catalog).sign_in("op@example.org")
    operator.submit("/c/shca/manage", f"#source-{shca_source} form[action$='/remove']")
    _mutual(catalog, "index")
    assert _index_ids(es_client, catalog) == {key: ["riverside"] for key in before}

    _mutual(catalog, "source", "remove", str(riverside_source))
    _mutual(catalog, "index")
    assert _index_ids(es_client, catalog) == {}


def _sources_with_a_secret(settings: Settings) -> None:
    credentials = Credentials(kind="basic", username="treasurer@shca.example", secret="s3cret")
    with catalog_session(settings) as session:
        add_source(session, "shca", "https://www.shca.example/careers/feed.rss", title="Careers")
        add_source(
            session,
            "shca",
            "https://members.shca.example/jobs.rss",
            access="members",
            credentials=credentials,
            credentials_key=settings.credentials_key or "test-key",
        )


def test_manifest_and_opml_downloads_carry_no_secret(catalog: Settings) -> None:
    _people(catalog)
    _sources_with_a_secret(catalog)
    alice = Browser(catalog).sign_in("alice@example.org")
    public = alice.client.get("/c/shca/manage/manifest.toml")
    text = public.get_data(as_text=True)
    assert public.status_code == 200
    assert 'filename="shca.toml"' in public.headers["Content-Disposition"]
    assert "https://www.shca.example/careers/feed.rss" in text
    assert "members.shca.example" not in text
    full = alice.client.get("/c/shca/manage/manifest.toml?member_sources=y").get_data(as_text=True)
    assert "https://members.shca.example/jobs.rss" in full and 'kind = "basic"' in full
    assert "s3cret" not in full and "treasurer" not in full
    opml = alice.client.get("/c/shca/manage/feeds.opml").get_data(as_text=True)
    assert 'xmlUrl="https://www.shca.example/careers/feed.rss"' in opml
    assert "members.shca.example" not in opml
    bob = Browser(catalog).sign_in("bob@example.org")
    assert bob.client.get("/c/shca/manage/manifest.toml").status_code == 403


def test_manifest_upload_imports_into_a_fresh_catalog(catalog: Settings, tmp_path: Path) -> None:
    _people(catalog)
    _sources_with_a_secret(catalog)
    alice = Browser(catalog).sign_in("alice@example.org")
    manifest = alice.client.get("/c/shca/manage/manifest.toml?member_sources=y").get_data()

    fresh = dataclasses.replace(catalog, data_dir=str(tmp_path / "fresh"), database_url="")
    upgrade_schema(fresh.resolved_database_url)
    with catalog_session(fresh) as session:
        add_user(session, "op@example.org", PASSWORD, admin=True)
        add_user(session, "dave@example.org", PASSWORD)
    assert Browser(fresh).sign_in("dave@example.org").get("/communities/import")[0] == 403
    operator = Browser(fresh).sign_in("op@example.org")
    done = operator.submit(
        "/communities/import", "#import-form", manifest=(io.BytesIO(manifest), "shca.toml")
    )
    report = " ".join(
        " ".join(
            Selector(text=done.get_data(as_text=True)).css("#import-report ::text").getall()
        ).split()
    )
    assert "Communities: 1 added (shca)" in report and "Sources: 2 added" in report
    assert "credentials are not included" in report and "mutual source auth" in report
    with catalog_session(fresh) as session:
        sources = {s.url: s for s in session.scalars(select(Source))}
        assert sources["https://members.shca.example/jobs.rss"].paused
        assert sources["https://members.shca.example/jobs.rss"].credentials is None
        assert not sources["https://www.shca.example/careers/feed.rss"].paused

    bad = operator.submit(
        "/communities/import", "#import-form", manifest=(io.BytesIO(b"nonsense = ["), "x.toml")
    )
    assert bad.status_code == 400 and "not valid TOML" in _text(bad)


def test_opml_upload_adds_the_feeds(catalog: Settings) -> None:
    _people(catalog)
    opml = (
        b'<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>'
        b'<outline type="rss" text="Jobs" xmlUrl="https://jobs.example.org/feed.rss"/>'
        b"</body></opml>"
    )
    alice = Browser(catalog).sign_in("alice@example.org")
    done = alice.submit(
        "/c/shca/manage",
        "#opml-form",
        opml=(io.BytesIO(opml), "feeds.opml"),
        opml_item_kind="event",
    )
    assert "OPML: 1 feeds added, 0 already there" in _text(done)
    with catalog_session(catalog) as session:
        source = session.scalar(select(Source))
        assert source is not None and (source.url, source.item_kind) == (
            "https://jobs.example.org/feed.rss",
            "event",
        )
