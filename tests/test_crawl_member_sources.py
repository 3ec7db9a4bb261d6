"""Member-only sources crawled for real: each way of signing in, and secrets kept secret."""

from __future__ import annotations

import base64
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from scrapy import Request
from sqlalchemy import select

from catalog.credentials import Credentials
from catalog.models.sources import Source
from catalog.sources import SourceRef
from crawlers.auth import CredentialsMiddleware
from ground.settings import Settings
from indexer.names import IndexNames
from mutual.local_site import LocalSite
from tests.conftest import FIXTURES
from tests.crawl_world import open_catalog as _session
from tests.crawl_world import source_row as _source_row
from tests.helpers import run_mutual

MEMBER_SECRETS = {
    "basic": "Basic " + base64.b64encode(b"treasurer:correct horse battery").decode(),
    "bearer": "Bearer tok-7f3a9c",
    "cookie": "member_session=5e8d1c",
    "form": "portal_session=91ab0e",
}


def _gate_member_areas(site: LocalSite) -> None:
    for kind, needed in MEMBER_SECRETS.items():
        area = site.root / f"m-{kind}"
        area.mkdir()
        shutil.copy(FIXTURES / "crawl/members/jobs.rss", area / "jobs.rss")
        site.gates[f"/m-{kind}/"] = needed
    site.logins["/portal/login"] = ("treasurer", "correct horse battery", MEMBER_SECRETS["form"])


def _add_member_source(
    settings: Settings, site: LocalSite, kind: str, secret: str, *args: str
) -> None:
    _add_with_secret(settings, f"{site.base_url}/m-{kind}/jobs.rss", secret, "--auth", kind, *args)


def _add_with_secret(settings: Settings, url: str, secret: str, *args: str) -> None:
    run_mutual(
        settings,
        *("source", "add", "shca", url, "--kind", "feed", *args),
        env={"MUTUAL_SOURCE_SECRET": secret},
    )


def test_member_only_sources_sign_in_and_their_items_stay_with_members(
    catalog: Settings, site: LocalSite, es_client: Elasticsearch
) -> None:
    settings = replace(catalog, credentials_key="test-key-" + "x" * 30)
    _gate_member_areas(site)
    run_mutual(settings, "community", "add", "Healthcare Accountants", "--slug", "shca")
    password = "correct horse battery"
    _add_member_source(settings, site, "basic", password, "--username", "treasurer")
    _add_member_source(settings, site, "bearer", "tok-7f3a9c")
    _add_member_source(settings, site, "cookie", MEMBER_SECRETS["cookie"])
    login = ("--login-url", f"{site.base_url}/portal/login", "--username", "treasurer")
    _add_member_source(settings, site, "form", password, *login)

    crawl = run_mutual(settings, "crawl")
    assert "crawled 4 sources: 4 fetched" in crawl.stdout, crawl.stdout + crawl.stderr
    for kind in MEMBER_SECRETS:
        assert site.requests_for(f"/m-{kind}/jobs.rss")[-1].status == 200, kind
    posted = site.requests_for("/portal/login")[-1]
    assert posted.status == 302  # signed in with the form's hidden CSRF token

    listing = run_mutual(settings, "source", "list", "--json").stdout
    with _session(settings) as session:
        stored = [s.credentials or "" for s in session.scalars(select(Source))]
    for text in (listing, *stored):
        assert password not in text and "tok-7f3a9c" not in text and "5e8d1c" not in text

    run_mutual(settings, "index")
    alias = IndexNames(settings.index_prefix).alias
    es_client.indices.refresh(index=alias)
    docs = es_client.search(index=alias, query={"match_all": {}})["hits"]["hits"]
    assert docs and all(d["_source"]["visibility"] == ["shca"] for d in docs)


def test_credentials_never_follow_a_redirect_to_another_host(
    catalog: Settings, site: LocalSite
) -> None:
    settings = replace(catalog, credentials_key="test-key-" + "x" * 30)
    _gate_member_areas(site)
    other_host = site.base_url.replace("127.0.0.1", "localhost")
    site.redirects["/m-basic/moved.rss"] = f"{other_host}/m-basic/jobs.rss"
    run_mutual(settings, "community", "add", "Healthcare Accountants", "--slug", "shca")
    moved = f"{site.base_url}/m-basic/moved.rss"
    basic = ("--auth", "basic", "--username", "treasurer")
    _add_with_secret(settings, moved, "correct horse battery", *basic)

    crawl = run_mutual(settings, "crawl", check=False)
    assert crawl.returncode == 3
    assert site.requests_for("/m-basic/moved.rss")[0].headers.get("Authorization")
    followed = site.requests_for("/m-basic/jobs.rss")
    assert followed, _source_row(settings, 1)["last_error"]
    assert followed[0].headers["Host"].startswith("localhost")
    assert "Authorization" not in followed[0].headers
    assert "HTTP 401" in _source_row(settings, 1)["last_error"]


@pytest.mark.parametrize("kind", ["basic", "bearer", "cookie", "form"])
def test_credentials_never_follow_a_redirect_to_another_port(
    catalog: Settings, site: LocalSite, tmp_path: Path, kind: str
) -> None:
    # Cookies are not bound to a port (RFC 6265) and a header is not bound to anything: the
    # same host on another port may be anyone's server, so neither may follow a redirect there.
    settings = replace(catalog, credentials_key="test-key-" + "x" * 30)
    _gate_member_areas(site)
    other = LocalSite(tmp_path / "other")
    shutil.copytree(site.root, other.root)
    other.start()
    try:
        site.redirects[f"/m-{kind}/moved.rss"] = f"{other.base_url}/m-{kind}/jobs.rss"
        run_mutual(settings, "community", "add", "Healthcare Accountants", "--slug", "shca")
        password = "correct horse battery"
        secret = {"basic": password, "form": password, "bearer": "tok-7f3a9c"}.get(kind)
        login = ("--login-url", f"{site.base_url}/portal/login") if kind == "form" else ()
        name = ("--username", "treasurer") if kind in ("basic", "form") else ()
        url = f"{site.base_url}/m-{kind}/moved.rss"
        _add_with_secret(
            settings, url, secret or MEMBER_SECRETS[kind], "--auth", kind, *name, *login
        )
        run_mutual(settings, "crawl", check=False)
        assert site.requests_for(f"/m-{kind}/moved.rss"), _source_row(settings, 1)["last_error"]
        followed = other.requests_for(f"/m-{kind}/jobs.rss")
        assert followed, _source_row(settings, 1)["last_error"]
        sent = followed[0].headers
        assert "Authorization" not in sent, sent
        assert "5e8d1c" not in str(sent) and "91ab0e" not in str(sent), sent  # the cookies
    finally:
        other.stop()


@pytest.mark.parametrize(
    "target",
    [
        "http://members.example.org/jobs.rss",  # a downgrade to plain HTTP
        "http://members.example.org:443/jobs.rss",  # another scheme on the very same port
        "https://members.example.org:8443/jobs.rss",
        "https://other.example.org/jobs.rss",
    ],
)
@pytest.mark.parametrize("kind", ["basic", "bearer", "cookie"])
def test_credentials_leave_every_request_to_another_scheme_port_or_host(
    kind: str, target: str
) -> None:
    # What a redirect leads to passes the credentials middleware last: whatever the cookie
    # middleware or the redirect copied onto it, no secret leaves the source's origin.
    credentials = Credentials(kind, username="treasurer", secret="member_session=5e8d1c")
    source = SourceRef(1, "https://members.example.org/jobs.rss", "feed", "job", None, None)
    source = replace(source, credentials=credentials)
    middleware = CredentialsMiddleware()
    own = Request(source.url, meta={"source": source})
    middleware.process_request(own)
    assert own.headers.get("Authorization") or own.headers.get("Cookie")
    copied = {"Authorization": "Basic dHJlYXN1cmVyOng=", "Cookie": "member_session=5e8d1c"}
    elsewhere = Request(target, headers=copied, meta={"source": source})
    middleware.process_request(elsewhere)
    assert elsewhere.headers.get("Authorization") is None
    assert elsewhere.headers.get("Cookie") is None


def test_a_wrong_password_is_reported_on_the_source(catalog: Settings, site: LocalSite) -> None:
    settings = replace(catalog, credentials_key="test-key-" + "x" * 30)
    _gate_member_areas(site)
    run_mutual(settings, "community", "add", "Healthcare Accountants", "--slug", "shca")
    login = ("--login-url", f"{site.base_url}/portal/login", "--username", "treasurer")
    _add_member_source(settings, site, "form", "guess", *login)
    assert run_mutual(settings, "crawl", check=False).returncode == 3
    assert "sign-in refused" in _source_row(settings, 1)["last_error"]
    assert not site.requests_for("/m-form/jobs.rss")


def test_a_member_source_cannot_be_added_without_a_credentials_key(
    catalog: Settings, site: LocalSite
) -> None:
    run_mutual(catalog, "community", "add", "Healthcare Accountants", "--slug", "shca")
    result = run_mutual(
        catalog,
        *("source", "add", "shca", f"{site.base_url}/m-basic/jobs.rss", "--kind", "feed"),
        *("--auth", "basic", "--username", "treasurer"),
        env={"MUTUAL_SOURCE_SECRET": "pw"},
        check=False,
    )
    assert result.returncode == 1
    assert "MUTUAL_CREDENTIALS_KEY" in result.stderr
