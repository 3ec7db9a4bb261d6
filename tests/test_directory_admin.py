"""Member directories on the manage page (issue 21), through the real app, a real catalog and a
real Elasticsearch: an admin uploads a roster, checks and changes its columns, imports it,
and removes one entry, which later imports leave out; members find the people, never their
roster addresses; nobody but the community's admins reaches any of it."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from parsel import Selector
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from catalog.accounts import add_user, find_user
from catalog.communities import add_community, get_community
from catalog.memberships import ADMIN, add_member
from catalog.models.base import utcnow
from catalog.models.people import Directory, Person, RosterUpload
from catalog.roster_uploads import prune_uploads, stage_upload, staged_upload
from ground.settings import Settings
from tests.helpers import catalog_session
from tests.test_cli_directories import mutual, roster_file
from tests.web import PASSWORD, csrf_token, sign_in
from webapp import create_app
from webapp.directory_admin_pages import FIELD_LABELS

MANAGE = "/c/finance/manage"
# A roster as a member database exports it: semicolons, its own headings, one column
# ("Happy to talk about") the guess does not know.
ROSTER = (
    "Full Name;Company;Job Title;E-mail;Happy to talk about\n"
    "Jane Doe;Acme Corp.;Controller;jane.private@acme.example;FP&A\n"
    "Tom Berg;Globex;Auditor;tom.private@globex.example;audit\n"
    "Lena Ruiz;Initech;Analyst;lena.private@initech.example;treasury\n"
)
ADDRESSES = ("jane.private@acme.example", "tom.private@globex.example", "lena.private@")


@pytest.fixture
def finance(catalog: Settings) -> Settings:
    """Finance Leaders: Ada its admin, Ben a member; Otto admins another community; Eve is in
    nothing."""
    with catalog_session(catalog) as session:
        community = add_community(session, "Finance Leaders", slug="finance")
        other = add_community(session, "Alumni", slug="alumni")
        users = {
            n: add_user(session, f"{n}@example.org", PASSWORD)
            for n in ("ada", "ben", "otto", "eve")
        }
        add_member(session, users["ada"], community, role=ADMIN)
        add_member(session, users["ben"], community)
        add_member(session, users["otto"], other, role=ADMIN)
    mutual(catalog, "index")
    return catalog


def _client(settings: Settings, who: str | None) -> FlaskClient:
    client = create_app(settings, {"TESTING": True, "SECRET_KEY": "k"}).test_client()
    if who:
        assert sign_in(client, f"{who}@example.org").status_code == 302
    return client


def _upload(
    client: FlaskClient, data: bytes, filename: str = "members.csv", name: str = "roster"
) -> TestResponse:
    page = client.get(MANAGE).get_data(as_text=True)
    form = {
        "csrf_token": csrf_token(page, "#roster-upload"),
        "roster": (io.BytesIO(data), filename),
        "directory_name": name,
    }
    return client.post(
        f"{MANAGE}/directories/upload", data=form, content_type="multipart/form-data"
    )


def _preview_path(response: TestResponse) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    location = response.headers["Location"]
    assert "/directories/preview/" in location
    return location


def _columns(page: str) -> dict[str, str]:
    """{heading: selected field} as the preview's selects stand."""
    rows = Selector(text=page).css("#roster-columns tbody tr")
    return {
        row.css("label::text").get(""): row.css("option[selected]::attr(value)").get("")
        for row in rows
    }


def _post_preview(
    client: FlaskClient, path: str, action: str, columns: dict[str, str]
) -> TestResponse:
    page = client.get(path).get_data(as_text=True)
    headings = list(_columns(page))
    form = {"csrf_token": csrf_token(page, "#roster-columns"), "action": action}
    form |= {f"column-{n}": columns[h] for n, h in enumerate(headings)}
    return client.post(path, data=form)


def _people(settings: Settings) -> dict[str, Person]:
    with catalog_session(settings) as session:
        rows = session.scalars(select(Person)).all()
        session.expunge_all()
    return {p.display_name: p for p in rows}


def _uploads(settings: Settings) -> int:
    with catalog_session(settings) as session:
        return session.scalar(select(func.count()).select_from(RosterUpload)) or 0


def test_an_admin_checks_the_columns_changes_one_and_imports_the_roster(finance: Settings) -> None:
    ada = _client(finance, "ada")
    path = _preview_path(_upload(ada, ROSTER.encode()))
    page = ada.get(path).get_data(as_text=True)
    columns = _columns(page)
    assert columns == {
        "Full Name": "display_name",
        "Company": "organisation",
        "Job Title": "role",
        "E-mail": "roster_email",
        "Happy to talk about": "ignore",
    }
    assert "(never shown)" in page and not any(a in page for a in ADDRESSES)
    assert "would add 3, update 0, keep 0 unchanged and remove 0" in page
    assert _people(finance) == {}  # nothing is imported before the admin says so
    # The admin takes "Happy to talk about" as topics and looks again: its first value shows.
    again = _post_preview(
        ada, path, "preview", columns | {"Happy to talk about": "topics"}
    ).get_data(as_text=True)
    assert _columns(again)["Happy to talk about"] == "topics" and "FP&amp;A" in again
    done = _post_preview(ada, path, "import", columns | {"Happy to talk about": "topics"})
    assert done.status_code == 302
    people = _people(finance)
    assert sorted(people) == ["Jane Doe", "Lena Ruiz", "Tom Berg"]
    assert people["Jane Doe"].topics == ["FP&A"] and people["Tom Berg"].organisation == "Globex"
    assert _uploads(finance) == 0  # the file is not kept once imported
    manage = ada.get(MANAGE).get_data(as_text=True)
    assert "roster: 3 added, 0 updated, 0 unchanged, 0 removed." in manage
    # Members find them at once (the index was synced), without the roster's addresses.
    found = _client(finance, "ben").get("/people?q=globex").get_data(as_text=True)
    assert "Tom Berg" in found and not any(a in found for a in ADDRESSES)
    # The next upload of the same directory starts from the columns confirmed.
    second = ada.get(_preview_path(_upload(ada, ROSTER.encode()))).get_data(as_text=True)
    assert _columns(second)["Happy to talk about"] == "topics"
    assert "would add 0, update 0, keep 3 unchanged and remove 0" in second


def test_a_removed_entry_stays_out_of_later_imports(finance: Settings, tmp_path: object) -> None:
    ada = _client(finance, "ada")
    _post_preview(
        ada,
        _preview_path(_upload(ada, ROSTER.encode())),
        "import",
        {
            "Full Name": "display_name",
            "Company": "organisation",
            "Job Title": "role",
            "E-mail": "roster_email",
            "Happy to talk about": "ignore",
        },
    )
    tom = _people(finance)["Tom Berg"]
    entries_path = f"{MANAGE}/directories/{tom.directory_id}/entries"
    listing = ada.get(entries_path).get_data(as_text=True)
    assert "Tom Berg" in listing and "3 entries" in listing
    assert not any(a in listing for a in ADDRESSES)
    action = f"{entries_path}/{tom.id}/remove"
    response = ada.post(
        action, data={"csrf_token": csrf_token(listing, f'form[action="{action}"]')}
    )
    assert response.status_code == 302
    assert "Tom Berg" not in _people(finance)
    assert "Tom Berg" not in _client(finance, "ben").get("/people?q=globex").get_data(as_text=True)
    # The same roster again: Tom is counted as left out, and stays out.
    path = _preview_path(_upload(ada, ROSTER.encode()))
    page = ada.get(path).get_data(as_text=True)
    assert "leave out 1 that an admin removed before" in page
    _post_preview(ada, path, "import", _columns(page))
    assert sorted(_people(finance)) == ["Jane Doe", "Lena Ruiz"]
    # Nothing in the catalog names whom the exclusion is for.
    with catalog_session(finance) as session:
        dump = " ".join(str(v) for row in session.execute(select(Directory)).all() for v in row)
    assert "tom" not in dump.lower()


def test_the_command_line_removes_one_entry_too(
    finance: Settings, tmp_path: pytest.TempPathFactory
) -> None:
    path = roster_file(tmp_path, ROSTER.replace(";", ","))  # type: ignore[arg-type]
    mutual(finance, "directory", "import", "finance", path, "--yes")
    lena = _people(finance)["Lena Ruiz"]
    result = mutual(finance, "directory", "remove-entry", "finance", str(lena.id), "--yes")
    assert f"#{lena.id} removed from finance/roster" in result.output
    assert "Lena Ruiz" not in _people(finance)
    again = mutual(finance, "directory", "import", "finance", path, "--yes", "--json")
    assert '"excluded": 1' in again.output and "Lena Ruiz" not in _people(finance)
    unknown = mutual(
        finance,
        "directory",
        "remove-entry",
        "alumni",
        str(_people(finance)["Tom Berg"].id),
        "--yes",
        check=False,
    )
    assert unknown.exit_code != 0 and "no directory entry" in unknown.output
    assert "Tom Berg" in _people(finance)  # another community's admin path removes nothing


def test_only_the_communitys_admins_reach_its_directories(finance: Settings) -> None:
    ada = _client(finance, "ada")
    path = _preview_path(_upload(ada, ROSTER.encode()))
    _post_preview(ada, path, "preview", _columns(ada.get(path).get_data(as_text=True)))
    path = _preview_path(_upload(ada, ROSTER.encode()))
    with catalog_session(finance) as session:
        roster_id = session.scalar(select(Directory.id))
    assert roster_id is None  # previews import nothing
    for who, status in (("ben", 403), ("otto", 403), ("eve", 403)):
        client = _client(finance, who)
        assert client.get(path).status_code == status, who  # Ada's upload is not theirs
        assert "Jane Doe" not in client.get(path).get_data(as_text=True)
        assert client.post(f"{MANAGE}/directories/upload").status_code in (400, 403)
    anonymous = _client(finance, None)
    assert anonymous.get(path).status_code == 302  # to the sign-in page
    _post_preview(ada, path, "import", _columns(ada.get(path).get_data(as_text=True)))
    with catalog_session(finance) as session:
        directory_id = session.scalar(select(Directory.id))
    for who in ("ben", "otto", "eve"):
        client = _client(finance, who)
        assert client.get(f"{MANAGE}/directories/{directory_id}/entries").status_code == 403
    # An admin of another community cannot reach this one's entries under their own slug.
    otto = _client(finance, "otto")
    assert otto.get(f"/c/alumni/manage/directories/{directory_id}/entries").status_code == 404


def test_an_upload_is_for_its_admin_only_and_expires(finance: Settings) -> None:
    with catalog_session(finance) as session:
        community = get_community(session, "finance")
        ada, ben = (find_user(session, f"{n}@example.org") for n in ("ada", "ben"))
        assert ada is not None and ben is not None
        token = stage_upload(
            session, community.id, ada.id, directory_name="roster", filename="m.csv", data=b"x"
        )
        assert staged_upload(session, token, community.id, ada.id) is not None
        assert staged_upload(session, token, community.id, ben.id) is None
        assert staged_upload(session, token + "x", community.id, ada.id) is None
        later = utcnow() + timedelta(hours=2)
        assert staged_upload(session, token, community.id, ada.id, later) is None
        assert prune_uploads(session, later) == 1
    # Gone: the preview says so and sends the admin back to upload again.
    response = _client(finance, "ada").get(f"{MANAGE}/directories/preview/{token}")
    assert response.status_code == 404
    assert "That upload is gone" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"PK\x03\x04rest-of-a-workbook", "members.xlsx", "spreadsheet workbook, not CSV"),
        (b"", "members.csv", "the roster is empty"),
        (b"Name,Company\n", "members.vcf", "is not a vCard file"),
    ],
)
def test_a_file_that_is_not_a_roster_is_refused_clearly(
    finance: Settings, data: bytes, filename: str, message: str
) -> None:
    response = _upload(_client(finance, "ada"), data, filename)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _uploads(finance) == 0


def test_a_directory_pages_entries_cannot_be_overwritten_by_an_upload(finance: Settings) -> None:
    with catalog_session(finance) as session:
        community = get_community(session, "finance")
        session.add(Directory(community_id=community.id, name="source-7", kind="page"))
    response = _upload(_client(finance, "ada"), ROSTER.encode(), name="source-7")
    assert response.status_code == 400
    assert "its entries come from its crawl" in response.get_data(as_text=True)


def test_every_person_field_can_be_chosen_for_a_column() -> None:
    from crawlers.roster_entries import FIELDS, IGNORE

    assert set(FIELD_LABELS) == {IGNORE, *FIELDS}
    assert all(re.search(r"\w", label) for label in FIELD_LABELS.values())


def test_an_upload_over_the_limit_is_refused_before_it_is_read(finance: Settings) -> None:
    ada = _client(finance, "ada")
    too_big = b"Name,Company\n" + b"x" * (21 * 1024 * 1024)
    response = _upload(ada, too_big)
    assert response.status_code == 413
    assert _uploads(finance) == 0
