"""The community management tests' browser (a test client filling in forms) and their people."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from parsel import Selector

from catalog.accounts import add_user
from catalog.communities import add_community
from catalog.memberships import ADMIN, PENDING, add_member
from catalog.models.memberships import Membership
from ground.settings import Settings
from tests.helpers import catalog_session
from webapp import create_app

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
