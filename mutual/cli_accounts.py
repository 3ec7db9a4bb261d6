"""`mutual user ...`: accounts from the command line (the operator's first account above all)."""

from __future__ import annotations

import os

import click

from ground.errors import MutualError
from ground.settings import Settings
from mutual.cli_output import catalog_session, print_rows

PASSWORD_ENV = "MUTUAL_USER_PASSWORD"  # noqa: S105 - the name of a variable, not a secret


class NoSuchUser(MutualError):
    """No account has the address given on the command line."""


def _password(prompt: str) -> str:
    """From MUTUAL_USER_PASSWORD (for scripts), else asked twice without echo."""
    return os.environ.get(PASSWORD_ENV) or click.prompt(
        prompt, hide_input=True, confirmation_prompt=True
    )


@click.group()
def user() -> None:
    """Accounts: add one (the operator with --admin), list them, set a password."""


@user.command("add")
@click.argument("email")
@click.option("--name", default="", help="Name shown to community admins.")
@click.option("--admin", is_flag=True, help="The operator: manages every community and source.")
@click.pass_obj
def user_add(settings: Settings, email: str, name: str, admin: bool) -> None:
    """Create the account EMAIL; its password is read from MUTUAL_USER_PASSWORD or asked for."""
    from catalog.accounts import add_user

    password = _password("Password")
    with catalog_session(settings) as session:
        account = add_user(session, email, password, display_name=name, admin=admin)
        role = "operator" if account.is_admin else "user"
        click.echo(f"added {role} {account.email} (id {account.id})")


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_obj
def user_list(settings: Settings, as_json: bool) -> None:
    """Every account, with its communities."""
    from catalog.accounts import list_users
    from catalog.memberships import member_slugs

    with catalog_session(settings) as session:
        rows = [
            {
                "id": account.id,
                "email": account.email,
                "name": account.display_name,
                "operator": account.is_admin,
                "communities": ",".join(member_slugs(session, account.id)),
                "created": account.created_at.isoformat(timespec="seconds"),
            }
            for account in list_users(session)
        ]
    print_rows(rows, as_json, ["id", "email", "name", "operator", "communities", "created"])


@user.command("password")
@click.argument("email")
@click.pass_obj
def user_password(settings: Settings, email: str) -> None:
    """Set EMAIL's password (from MUTUAL_USER_PASSWORD or asked for); signs out its sessions."""
    from catalog.accounts import find_user, set_password

    password = _password("New password")
    with catalog_session(settings) as session:
        account = find_user(session, email)
        if account is None:
            raise NoSuchUser(f"no account for {email!r} (see `mutual user list`)")
        set_password(session, account, password)
        click.echo(f"password set for {account.email}; its sessions were signed out")
