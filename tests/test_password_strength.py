"""Guessable passwords are refused wherever a password is set (sign-up, reset, change, and the
`mutual user` commands), with zxcvbn's advice, and the person's own address and name count as
guessable."""

from __future__ import annotations

import pytest
from flask import Flask

from catalog.accounts import AccountError, add_user, check_password_rules, find_user
from ground.settings import Settings
from tests.helpers import catalog_session, run_mutual
from tests.web import PASSWORD, sign_up, sign_up_link, signed_in_as, submit
from webapp import create_app
from webapp.accounts_pages import reset_token

pytestmark = pytest.mark.sqlite_only

EMAIL = "rosalind.okonkwo@example.org"
COMMON = "password1234"  # long enough, and among the most common passwords there are


def test_common_passwords_are_refused_with_advice() -> None:
    with pytest.raises(AccountError, match=r"easy to guess.*common password"):
        check_password_rules(COMMON)
    check_password_rules(PASSWORD)  # four words: fine


def test_the_persons_own_address_and_name_are_guessable() -> None:
    check_password_rules("rosalindokonkwo")  # for someone else, unusual strings
    check_password_rules("quillzanzibar")
    with pytest.raises(AccountError, match="name or e-mail address"):
        check_password_rules("rosalindokonkwo", user_inputs=(EMAIL,))
    with pytest.raises(AccountError, match="easy to guess"):
        check_password_rules("quillzanzibar", user_inputs=(EMAIL, "Zanzibar Quill"))


def test_the_catalog_refuses_them_for_new_and_changed_passwords(catalog: Settings) -> None:
    with catalog_session(catalog) as session, pytest.raises(AccountError, match="easy to guess"):
        add_user(session, EMAIL, COMMON)


def _app(settings: Settings) -> Flask:
    return create_app(settings, {"TESTING": True, "SECRET_KEY": "test-key"})


def _refused(html: str) -> bool:
    return "easy to guess" in html and "very common password" in html


def test_sign_up_refuses_a_guessable_password(catalog: Settings) -> None:
    client = _app(catalog).test_client()
    data = {"password": COMMON, "confirm": COMMON}
    answer = submit(client, sign_up_link(client, EMAIL), data, "#finish-form")
    assert answer.status_code == 200 and _refused(answer.get_data(as_text=True))
    assert signed_in_as(client) is None


def test_change_and_reset_refuse_a_guessable_password(catalog: Settings) -> None:
    app = _app(catalog)
    client = app.test_client()
    sign_up(client, EMAIL)
    data = {"current": PASSWORD, "password": COMMON, "confirm": COMMON}
    changed = submit(client, "/account", data, "#password-form")
    assert changed.status_code == 200 and _refused(changed.get_data(as_text=True))
    with app.test_request_context(), catalog_session(catalog) as session:
        user = find_user(session, EMAIL)
        assert user is not None
        token = reset_token(user)
    data = {"password": COMMON, "confirm": COMMON}
    reset = submit(app.test_client(), f"/password/reset/{token}", data, "#reset-form")
    assert reset.status_code == 200 and _refused(reset.get_data(as_text=True))


def test_the_user_commands_refuse_a_guessable_password(catalog: Settings) -> None:
    weak = {"MUTUAL_USER_PASSWORD": COMMON}
    added = run_mutual(catalog, "user", "add", EMAIL, env=weak, check=False)
    assert added.returncode != 0 and "easy to guess" in added.stderr
    run_mutual(catalog, "user", "add", EMAIL, env={"MUTUAL_USER_PASSWORD": PASSWORD})
    changed = run_mutual(catalog, "user", "password", EMAIL, env=weak, check=False)
    assert changed.returncode != 0 and "easy to guess" in changed.stderr
