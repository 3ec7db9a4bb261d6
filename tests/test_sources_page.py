"""The sources page: each source's fetch health, read from the catalog by the Flask app."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient
from parsel import Selector
from sqlalchemy.orm import Session

from catalog.accounts import add_user
from catalog.communities import add_community, get_community
from catalog.credentials import Credentials
from catalog.memberships import add_member
from catalog.models.base import utcnow
from catalog.sources import Backoff, add_source, get_source, record_fetch_failure
from ground.settings import Settings
from tests.helpers import catalog_session
from tests.web import PASSWORD, sign_in
from webapp import create_app

BACKOFF = Backoff(interval=3600, max_backoff=86400)
CAREERS = "https://www.shca.example/careers/feed.rss"


def _client(settings: Settings) -> FlaskClient:
    return create_app(settings, {"TESTING": True}).test_client()


def _communities(session: Session) -> None:
    add_community(session, "Society of Healthcare Accountants", slug="shca")
    add_community(session, "Riverside Alumni", slug="riverside")


def _page(settings: Settings, query: str = "", as_user: str = "") -> tuple[int, str, Selector]:
    """The page as an anonymous visitor sees it, or as the account `as_user` signed in."""
    client = _client(settings)
    if as_user:
        assert sign_in(client, as_user).status_code == 302
    response = client.get(f"/sources{query}")
    html = response.get_data(as_text=True)
    return response.status_code, html, Selector(text=html)


MEMBER = "member@shca.example"


def _member(session: Session, slug: str) -> None:
    """MEMBER, an active member of the community `slug`."""
    user = add_user(session, MEMBER, PASSWORD)
    add_member(session, user, get_community(session, slug))


def _cell(page: Selector, source_id: int, column: str) -> str:
    texts = page.css(f"#source-{source_id} td.source-{column} ::text").getall()
    return " ".join(" ".join(texts).split())


def test_healthy_source_shows_ok_items_and_relative_times(catalog: Settings) -> None:
    now = utcnow()
    with catalog_session(catalog) as session:
        _communities(session)
        source = add_source(session, "shca", CAREERS, title="SHCA Career Centre")
        source.last_fetched_at = source.last_success_at = now - timedelta(hours=3)
        source.next_fetch_at = now + timedelta(minutes=52)
        source.last_status, source.items_seen = 200, 14
        untouched = add_source(session, "shca", "https://www.shca.example/events.ics")
        healthy_id, untouched_id = source.id, untouched.id
    status, _html, page = _page(catalog)
    assert status == 200
    link = page.css(f"#source-{healthy_id} td.source-name a")
    assert link.attrib["href"] == CAREERS and link.css("::text").get() == "SHCA Career Centre"
    assert _cell(page, healthy_id, "health") == "OK"
    assert _cell(page, healthy_id, "status") == "200"
    assert _cell(page, healthy_id, "items") == "14"
    assert _cell(page, healthy_id, "attempt") == "3 h ago"
    assert _cell(page, healthy_id, "next") == "in 52 min"
    exact = page.css(f"#source-{healthy_id} td.source-success time::attr(datetime)").get()
    assert exact == (now - timedelta(hours=3)).isoformat(timespec="seconds")
    assert _cell(page, untouched_id, "health") == "never fetched"
    assert _cell(page, untouched_id, "next") == "due now"
    with catalog_session(catalog) as session:  # looking at the page fetched nothing
        assert get_source(session, untouched_id).last_fetched_at is None


def test_failing_source_is_marked_in_place_and_its_error_escaped(catalog: Settings) -> None:
    with catalog_session(catalog) as session:
        _communities(session)
        first = add_source(session, "shca", CAREERS).id
        failing = add_source(session, "shca", "https://jobs.shca.example/board.json")
        for _ in range(3):
            error = 'HTTP 500 from server: <script>alert("x")</script>'
            record_fetch_failure(session, failing, error, BACKOFF, status=500)
        failing_id = failing.id
    status, html, page = _page(catalog)
    assert status == 200
    assert page.css("tbody#community-shca tr.source-row::attr(id)").getall() == [
        f"source-{first}",
        f"source-{failing_id}",
    ]
    assert "health-failing" in page.css(f"#source-{failing_id}").attrib["class"]
    assert _cell(page, failing_id, "health") == "failing 3 times in a row"
    assert _cell(page, failing_id, "status") == "500"
    assert "1 failing" in " ".join(page.css("#source-count ::text").getall())
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "<script" not in html and 'style="' not in html  # nothing the CSP would refuse


def test_members_only_source_never_shows_its_credentials(catalog: Settings) -> None:
    # A distinctive user name: with "u" the test could not tell it was left out.
    credentials = Credentials(
        kind="basic", username="treasurer@shca.example", secret="s3cret-value"
    )
    with catalog_session(catalog) as session:
        _communities(session)
        source = add_source(
            session,
            "shca",
            "https://members.shca.example/jobs.rss",
            access="members",
            credentials=credentials,
            credentials_key="k",
        )
        source_id, sealed = source.id, source.credentials
        _member(session, "shca")
    # Seen by a member: to anyone else the source is not on the page at all.
    status, html, page = _page(catalog, as_user=MEMBER)
    assert status == 200
    assert _cell(page, source_id, "access") == "members only HTTP basic sign-in"
    assert sealed and sealed not in html
    assert "s3cret-value" not in html and "treasurer@shca.example" not in html
    # Nor its address: a private calendar's URL is often its only key.
    assert "members.shca.example" not in html


def test_community_filter_shows_only_that_community(catalog: Settings) -> None:
    with catalog_session(catalog) as session:
        _communities(session)
        add_source(session, "shca", CAREERS)
        alumni = add_source(session, "riverside", "https://alumni.riverside.example/jobs.atom")
        alumni_id = alumni.id
    status, html, page = _page(catalog, "?community=riverside")
    assert status == 200
    assert page.css("tr.source-row::attr(id)").getall() == [f"source-{alumni_id}"]
    assert CAREERS not in html
    assert page.css("#community option[selected]::attr(value)").get() == "riverside"
    assert page.css("header nav a[aria-current=page]::attr(href)").get() == "/sources"
    missing_status, missing_html, _ = _page(catalog, "?community=nowhere")
    assert missing_status == 404
    assert "no community with slug &#39;nowhere&#39;" in missing_html


def test_uninitialised_catalog_explains_what_to_run(settings: Settings) -> None:
    status, html, page = _page(settings)
    assert status == 503
    assert "The catalog has not been created yet. Run `mutual init`" in html
    assert "Traceback" not in html and settings.data_dir not in html
    assert "/sources" in page.css("header nav a::attr(href)").getall()


def test_paused_source_and_unlinkable_url(catalog: Settings) -> None:
    with catalog_session(catalog) as session:
        _communities(session)
        source = add_source(session, "riverside", "javascript:alert(1)//feed", title="Odd")
        source.paused = True
        source_id = source.id
    _status, _html, page = _page(catalog)
    assert not page.css(f"#source-{source_id} a")
    assert _cell(page, source_id, "health") == "paused"
    assert _cell(page, source_id, "next") == "paused"
    assert page.css("tbody#community-shca td::text").re("No sources yet")


def test_only_members_and_the_operator_know_a_private_community_or_member_only_source(
    catalog: Settings,
) -> None:
    """Anyone else sees neither a private community nor a public one's member-only source:
    no row, no count, and a filter on the private slug reads as one that names nothing."""
    with catalog_session(catalog) as session:
        _communities(session)
        get_community(session, "riverside").visibility = "private"
        add_source(session, "shca", CAREERS)
        board = add_source(session, "shca", "https://members.shca.example/a.rss", access="members")
        add_source(session, "riverside", "https://alumni.riverside.example/jobs.atom")
        board_id = board.id
        _member(session, "shca")
    status, html, page = _page(catalog)
    assert status == 200 and page.css("#source-count::text").get("").split()[0] == "1"
    assert not page.css(f"#source-{board_id}") and "Riverside" not in html
    assert "riverside" not in html
    hidden, missing = _page(catalog, "?community=riverside"), _page(catalog, "?community=nope")
    assert hidden[0] == missing[0] == 404
    assert hidden[1].replace("riverside", "nope") == missing[1]
    _status, _html, seen = _page(catalog, as_user=MEMBER)
    assert seen.css(f"#source-{board_id}") and "Riverside" not in _html
