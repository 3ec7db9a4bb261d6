"""Managing a community in the web app: who may, members, invitations, settings, sources (with a
test fetch), manifest and OPML. A Flask test client on the real catalog; every form is posted
with the CSRF token read from the page, as a browser does."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from elasticsearch import Elasticsearch
from flask.testing import FlaskClient
from parsel import Selector
from sqlalchemy import select

from catalog.accounts import add_user, find_user
from catalog.communities import add_community, get_community
from catalog.credentials import Credentials
from catalog.db import upgrade_schema
from catalog.memberships import ADMIN, PENDING, add_member, membership
from catalog.models.memberships import Invitation, Membership
from catalog.models.sources import Source
from catalog.sources import add_source
from ground.settings import Settings, settings_environ
from indexer.names import IndexNames
from mutual.cli import cli
from mutual.local_site import LocalSite
from tests.helpers import catalog_session, run_mutual
from webapp import create_app

pytestmark = pytest.mark.sqlite_only

PASSWORD = "correct horse battery"


class Browser:
    """One person's browser: a test client that fills in forms from the pages it got."""

    def __init__(self, settings: Settings) -> None:
        self.client: FlaskClient = create_app(settings, {"TESTING": True}).test_client()

    def get(self, path: str) -> tuple[int, Selector]:
        response = self.client.get(path)
        return response.status_code, Selector(text=response.get_data(as_text=True))

    def submit(self, path: str, form_css: str, button: str = "", **fields: Any) -> Any:
        """Load `path`, fill in the form `form_css` with `fields` and post it (following the
        redirect); returns the final response."""
        status, page = self.get(path)
        assert status == 200, f"GET {path}: {status}"
        form = page.css(form_css)
        assert form, f"no {form_css} on {path}"
        data = _form_defaults(form)
        data.update(fields)
        if button:
            data[button] = "y"
        return self.client.post(
            form.attrib.get("action") or path,
            data=data,
            follow_redirects=True,
            content_type="multipart/form-data",
        )

    def sign_in(self, email: str) -> Browser:
        response = self.submit("/signin", "#signin-form", email=email, password=PASSWORD)
        assert response.status_code == 200 and "Sign out" in response.get_data(as_text=True)
        return self


def _form_defaults(form: Selector | Any) -> dict[str, Any]:
    """What a browser sends of a form left as it is: its inputs' values and each select's
    chosen (else first) option."""
    data: dict[str, Any] = {
        i.attrib["name"]: i.attrib.get("value", "")
        for i in form.css("input[name]")
        if i.attrib.get("type") not in ("checkbox", "file", "submit")
    }
    for select_ in form.css("select[name]"):
        chosen = select_.css("option[selected]::attr(value)").get()
        data[select_.attrib["name"]] = chosen or select_.css("option::attr(value)").get("")
    return data


def _text(response: Any) -> str:
    return " ".join(Selector(text=response.get_data(as_text=True)).css("main ::text").getall())


def _people(settings: Settings) -> None:
    """An operator; SHCA (public, by approval) with Alice its admin, Bob a member, Carol and
    Erin asking to join; Dave in no community; "inner-circle", private, with Alice its admin."""
    with catalog_session(settings) as session:
        users = {
            name: add_user(session, f"{name}@example.org", PASSWORD, admin=name == "op")
            for name in ("op", "alice", "bob", "carol", "dave", "erin")
        }
        shca = add_community(session, "Society of Healthcare Accountants", slug="shca")
        inner = add_community(session, "Inner Circle", slug="inner-circle")
        inner.visibility, inner.join_policy = "private", "invite"
        add_member(session, users["alice"], shca, role=ADMIN)
        add_member(session, users["alice"], inner, role=ADMIN)
        add_member(session, users["bob"], shca)
        for name in ("carol", "erin"):
            session.add(Membership(user_id=users[name].id, community_id=shca.id, status=PENDING))


def _user_id(settings: Settings, name: str) -> int:
    with catalog_session(settings) as session:
        user = find_user(session, f"{name}@example.org")
        assert user is not None
        return user.id


def _membership(settings: Settings, name: str, slug: str = "shca") -> tuple[str, str] | None:
    with catalog_session(settings) as session:
        row = membership(session, _user_id(settings, name), get_community(session, slug).id)
        return (row.status, row.role) if row else None


def test_only_admins_and_the_operator_manage(catalog: Settings) -> None:
    _people(catalog)
    anonymous = Browser(catalog).client.get("/c/shca/manage")
    assert anonymous.status_code == 302 and "/signin" in anonymous.headers["Location"]
    member = Browser(catalog).sign_in("bob@example.org")
    assert member.get("/c/shca/manage")[0] == 403
    token = member.get("/c/shca")[1].css("#membership input[name=csrf_token]::attr(value)").get()
    refused = member.client.post("/c/shca/manage/members/1/remove", data={"csrf_token": token})
    assert token and refused.status_code == 403
    outsider = Browser(catalog).sign_in("dave@example.org")
    assert outsider.get("/c/shca/manage")[0] == 403
    assert outsider.get("/c/inner-circle/manage")[0] == 404  # a private community stays hidden
    status, page = Browser(catalog).sign_in("alice@example.org").get("/c/shca/manage")
    assert status == 200
    assert page.css("#members tr.member-row .member-email::text").getall() == [
        "alice@example.org",
        "bob@example.org",
        "carol@example.org",
        "erin@example.org",
    ]
    assert Browser(catalog).sign_in("op@example.org").get("/c/inner-circle/manage")[0] == 200
    _, community_page = Browser(catalog).sign_in("alice@example.org").get("/c/shca")
    assert community_page.css("a[href='/c/shca/manage']")


def test_admin_approves_refuses_changes_roles_and_removes(catalog: Settings) -> None:
    _people(catalog)
    alice = Browser(catalog).sign_in("alice@example.org")
    bob = Browser(catalog).sign_in("bob@example.org")
    ids = {name: _user_id(catalog, name) for name in ("alice", "bob", "carol", "erin")}

    def act(name: str, action: str) -> str:
        form = f"#member-{ids[name]} form[action$='/{action}']"
        return _text(alice.submit("/c/shca/manage", form))

    assert "carol@example.org is now a member" in act("carol", "approve")
    assert _membership(catalog, "carol") == ("active", "member")
    assert "request from erin@example.org was refused" in act("erin", "refuse")
    assert _membership(catalog, "erin") is None
    act("bob", "make-admin")
    assert bob.get("/c/shca/manage")[0] == 200  # at once, from the next request
    act("bob", "make-member")
    assert bob.get("/c/shca/manage")[0] == 403
    assert "a community keeps at least one admin" in act("alice", "make-member")
    assert "bob@example.org was removed" in act("bob", "remove")
    assert _membership(catalog, "bob") is None
    _, page = bob.get("/c/shca")
    assert page.css("#join")  # Bob is no member any more: he may only ask again


def test_invitation_link_works_once_and_revoked_links_fail(catalog: Settings) -> None:
    _people(catalog)
    alice = Browser(catalog).sign_in("alice@example.org")
    created = _text(alice.submit("/c/inner-circle/manage", "#invitation-form", days=3, max_uses=1))
    prefix = f"{catalog.public_url}/invite/"
    assert prefix in created
    link = created.split(prefix, 1)[1].split()[0]
    dave = Browser(catalog).sign_in("dave@example.org")
    joined = dave.submit(f"/invite/{link}", "#accept-form")
    assert "Welcome to Inner Circle" in _text(joined)
    assert _membership(catalog, "dave", "inner-circle") == ("active", "member")
    erin = Browser(catalog).sign_in("erin@example.org")
    assert erin.get(f"/invite/{link}")[0] == 404  # used up
    _, page = alice.get("/c/inner-circle/manage")
    assert page.css(".invitation-uses::text").get() == "1 / 1"
    assert prefix not in " ".join(page.css("main ::text").getall())  # shown once only

    second = _text(alice.submit("/c/inner-circle/manage", "#invitation-form", days=1, max_uses=5))
    token = second.split(prefix, 1)[1].split()[0]
    with catalog_session(catalog) as session:
        newest = session.scalar(select(Invitation).order_by(Invitation.id.desc()))
        assert newest is not None and newest.max_uses == 5
        newest_id = newest.id
    revoked = alice.submit("/c/inner-circle/manage", f"#invitation-{newest_id} form")
    assert f"Invitation #{newest_id} revoked" in _text(revoked)
    status, refused = erin.get(f"/invite/{token}")
    assert status == 404 and "not valid" in " ".join(refused.css(".error ::text").getall())
    assert _membership(catalog, "erin", "inner-circle") is None


def test_admin_changes_the_community_settings(catalog: Settings) -> None:
    _people(catalog)
    alice = Browser(catalog).sign_in("alice@example.org")
    saved = alice.submit(
        "/c/shca/manage",
        "#settings-form",
        description="Accountants in healthcare.",
        homepage="https://shca.example.org/",
        visibility="private",
        join_policy="invite",
    )
    assert "Settings of Society of Healthcare Accountants saved" in _text(saved)
    with catalog_session(catalog) as session:
        shca = get_community(session, "shca")
        assert (shca.visibility, shca.join_policy) == ("private", "invite")
        assert shca.homepage == "https://shca.example.org/"
    assert Browser(catalog).sign_in("dave@example.org").get("/c/shca/manage")[0] == 404


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
